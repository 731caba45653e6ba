"""The child process that rebuilds one file: `python -m handlers.cases.evidence_clean.child`.

Reads the original on stdin, writes `content-type\\n` and the copy on stdout, exit 0; exit 3
when the file cannot be cleaned. Before it touches the input it lowers its own priority
and caps its memory and CPU time, so a decompression bomb or a decoder bug ends here, not
in the worker, and the web on the same machine keeps its CPU.
"""

from __future__ import annotations

import os
import resource
import sys

CANNOT_CLEAN = 3


def _limit(memory_mb: int, cpu_seconds: int, nice: int) -> None:
    os.nice(nice)
    cap = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # no core file holding the original


def main() -> int:
    _limit(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))
    limit = int(sys.argv[4])
    content = sys.stdin.buffer.read(limit + 1)
    if len(content) > limit:
        return CANNOT_CLEAN
    from handlers.cases.evidence_clean import NotCleanable
    from handlers.cases.evidence_clean.rebuild import rebuild

    try:
        copy = rebuild(content)
    except NotCleanable as refused:
        print(str(refused)[:200], file=sys.stderr)
        return CANNOT_CLEAN
    except MemoryError:
        print("memory cap reached", file=sys.stderr)
        return CANNOT_CLEAN
    except Exception as error:  # a bug of ours: the type only, a message may quote the file
        print(f"rebuild failed: {type(error).__name__}", file=sys.stderr)
        return CANNOT_CLEAN
    sys.stdout.buffer.write(copy.content_type.encode("ascii") + b"\n" + copy.content)
    sys.stdout.buffer.flush()
    return 0


def _report_peak() -> None:
    # The last line on stderr, read by the sandbox: this child's peak resident memory.
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak_kb={peak_kb}", file=sys.stderr)


if __name__ == "__main__":
    try:
        code = main()
    finally:
        _report_peak()
    sys.exit(code)
