"""Running the rebuild of one file in a child process with caps.

A fresh interpreter per file costs a few hundred milliseconds, which a file that waits
for an officer does not notice; in exchange a decoder that crashes, loops or swells dies
alone, under limits set before it reads a byte: address space (`memory_mb`), CPU seconds,
wall time, and a low priority. The child gets none of the service's secrets: its
environment is only what Python needs to start.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from dataclasses import dataclass

from handlers.cases.evidence_clean import Rebuilt

log = logging.getLogger("tambon.evidence")

_ENVIRONMENT = ("PATH", "LANG", "LC_ALL", "PYTHONPATH", "VIRTUAL_ENV", "TMPDIR")


@dataclass(frozen=True)
class Caps:
    memory_mb: int = 1536  # a 60-megapixel picture decodes to ~180 MB, twice over
    cpu_seconds: int = 60
    wall_seconds: float = 120.0
    nice: int = 15
    max_bytes: int = 10 * 1024 * 1024


@dataclass(frozen=True)
class Outcome:
    copy: Rebuilt | None
    seconds: float
    peak_mb: float  # the child's peak resident memory


def rebuild(content: bytes, caps: Caps = Caps()) -> Outcome:
    """The officer copy made in a child process; `copy` is None when there is none."""
    started = time.monotonic()
    command = [sys.executable, "-m", "handlers.cases.evidence_clean.child",
               str(caps.memory_mb), str(caps.cpu_seconds), str(caps.nice), str(caps.max_bytes)]
    env = {name: os.environ[name] for name in _ENVIRONMENT if name in os.environ}
    try:
        done = subprocess.run(command, input=content, capture_output=True, env=env,
                              timeout=caps.wall_seconds, cwd=_project_root(), check=False)
    except subprocess.TimeoutExpired:
        log.warning("evidence rebuild timed out after %ss", caps.wall_seconds)
        return Outcome(None, time.monotonic() - started, 0.0)
    seconds = time.monotonic() - started
    said = done.stderr.decode("utf-8", "replace").strip().splitlines()
    peak = _peak_mb(said)
    if done.returncode != 0:
        # The reason names a format or a limit, never the content.
        reason = [line for line in said if not line.startswith("peak_kb=")][-1:] or [""]
        log.info("evidence kept sealed (exit %s): %s", done.returncode, reason[0][:120])
        return Outcome(None, seconds, peak)
    content_type, _, copy = done.stdout.partition(b"\n")
    return Outcome(Rebuilt(copy, content_type.decode("ascii")), seconds, peak)


def _peak_mb(said: list[str]) -> float:
    for line in reversed(said):
        if line.startswith("peak_kb="):
            return int(line.removeprefix("peak_kb=")) / 1024
    return 0.0


def _project_root() -> str:
    # The folder holding `handlers`, so `-m` finds this package however it was installed.
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))))
