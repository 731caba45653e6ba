"""How fast is the vault? Run: python bench/vault_speed.py

Prints
* seal_field / open_field: microseconds per call, median over 10,000 calls each;
* hash_case_secret: seconds per call, median of 5 (Argon2id at storage.vault.secrets' cost);
* rewrap of 10,000 wrapped data keys after a key rotation: seconds in total.

Uses a throwaway in-memory development ring; nothing is written to disk.
"""

from __future__ import annotations

import statistics
import time

from storage.vault import KeyRing, Vault, hash_case_secret, new_case_secret
from storage.vault.hashing import ITERATIONS, LANES, MEMORY_KIB

FIELD_CALLS = 10_000
HASH_CALLS = 5
REWRAP_KEYS = 10_000


def _median_us(fn, n: int) -> float:
    times = []
    clock = time.perf_counter_ns
    for i in range(n):
        t0 = clock()
        fn(i)
        times.append(clock() - t0)
    return statistics.median(times) / 1000


def main() -> None:
    ring = KeyRing.generate(development=True)
    vault = Vault(ring)
    dk, _ = vault.new_data_key("bench")
    name = "นางสาวมาลี ใจดี"  # a typical sealed field: a Thai full name
    cts = [
        vault.seal_field(dk, name, table="complainants", row_id=i, field="name")
        for i in range(FIELD_CALLS)
    ]

    seal_us = _median_us(
        lambda i: vault.seal_field(dk, name, table="complainants", row_id=i, field="name"),
        FIELD_CALLS,
    )
    open_us = _median_us(
        lambda i: vault.open_field(dk, cts[i], table="complainants", row_id=i, field="name"),
        FIELD_CALLS,
    )
    print(f"seal_field  {seal_us:8.1f} us/call  (median of {FIELD_CALLS:,})")
    print(f"open_field  {open_us:8.1f} us/call  (median of {FIELD_CALLS:,})")

    secret = new_case_secret()
    hash_times = []
    for _ in range(HASH_CALLS):
        t0 = time.perf_counter()
        hash_case_secret(secret)
        hash_times.append(time.perf_counter() - t0)
    print(
        f"hash_case_secret {statistics.median(hash_times):.3f} s/call  "
        f"(median of {HASH_CALLS}; Argon2id m={MEMORY_KIB // 1024} MiB, t={ITERATIONS}, "
        f"p={LANES})"
    )

    wrapped = [vault.new_data_key(f"case:{i}")[1] for i in range(REWRAP_KEYS)]
    rotated = Vault(ring.with_new_active_key())
    t0 = time.perf_counter()
    rewrapped = [
        rotated.rewrap_data_key(w, f"case:{i}") if rotated.needs_rewrap(w) else w
        for i, w in enumerate(wrapped)
    ]
    elapsed = time.perf_counter() - t0
    assert all(rotated.key_id_of(w) == rotated.active_id for w in rewrapped)
    print(f"rewrap      {elapsed:8.3f} s for {REWRAP_KEYS:,} wrapped data keys")


if __name__ == "__main__":
    main()
