"""One roster commit (import_process) in a fresh interpreter, so that its peak memory is its own.

    python -m benchmarks.child ROSTER.xlsx BATCH_ID

DATABASE_URL must name the (already migrated) benchmark database. Prints one JSON object."""

import argparse
import json
import resource
import sys
import time
from pathlib import Path

from benchmarks.environment import require_postgres, setup_django


def peak_mb() -> float:
    """This process's peak resident memory. Linux's VmHWM starts afresh at exec; ru_maxrss does not (it keeps
    the parent's resident size at fork), so it is only the fallback for other systems."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB elsewhere
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path", type=Path)
    parser.add_argument("batch_id", type=int)
    args = parser.parse_args()
    require_postgres()
    setup_django()

    from django.db import connection

    from benchmarks.run import commit_roster
    from training.models import TrainingBatch

    batch = TrainingBatch.objects.get(pk=args.batch_id)
    connection.ensure_connection()
    content = args.path.read_bytes()
    before = peak_mb()
    started = time.perf_counter()
    report = commit_roster(content, batch)
    seconds = time.perf_counter() - started
    summary = {key: report[key] for key in ("rows", "valid", "created", "enrolled", "committed")}
    summary["errors"] = len(report["errors"])
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb(), "baseline_mb": before, "report": summary}))


if __name__ == "__main__":
    main()
