"""Values built from an organization's rows in the database (the manual's search index, the
offices' router), kept per process and rebuilt only when the rows change.

Whether they changed is read as a "stamp" (a count and a latest time, say), and that read is
itself a query, so it runs at most every `every` seconds per key: an edit saved by another
process (the web saved it, the worker answers) is seen within that time; the process that
saved it calls `forget` and sees it at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")

STAMP_CHECK_SECONDS = 2.0


def cache_key(session, org_id: str) -> tuple[str, str]:
    """One entry per database and organization (tests open a database each)."""
    return str(session.get_bind().url), org_id


class StampedCache(Generic[T]):
    def __init__(self, every: float = STAMP_CHECK_SECONDS):
        self.every = every
        self._values: dict[Hashable, tuple[Hashable, T]] = {}
        self._checked_at: dict[Hashable, float] = {}

    def get(self, key: Hashable, read_stamp: Callable[[], Hashable],
            build: Callable[[Hashable], T]) -> T:
        """The value for `key`, rebuilt with `build(stamp)` when `read_stamp()` changed."""
        cached = self._values.get(key)
        checked = self._checked_at.get(key)
        if cached is not None and checked is not None and (
                time.monotonic() - checked < self.every):
            return cached[1]
        stamp = read_stamp()
        self._checked_at[key] = time.monotonic()
        if cached is not None and cached[0] == stamp:
            return cached[1]
        value = build(stamp)
        self._values[key] = (stamp, value)
        return value

    def cached(self, key: Hashable) -> T | None:
        found = self._values.get(key)
        return None if found is None else found[1]

    def forget(self, org_id: str | None = None) -> None:
        """Read the stamp again on the next `get` (for `org_id`, or for every key)."""
        for key in list(self._checked_at):
            if org_id is None or key[1] == org_id:
                del self._checked_at[key]

    def clear(self) -> None:
        """Drop everything, as a new process would start."""
        self._values.clear()
        self._checked_at.clear()
