"""Where a roster commit spends its time: one import_process() under cProfile, on the benchmark database.

    bin/with-services .venv/bin/python -m benchmarks.hotspots [--rows 12000] [--top 25] [--every-column]

Prints the wall time without the profiler, the phases (reading and checking the file, planning, writing,
commit, the SQL itself) and the functions with the most time of their own. cProfile roughly doubles the
cost of Python code and not the database's, so read the phases as proportions."""

import argparse
import cProfile
import io
import pstats
import time

from benchmarks.environment import benchmark_database, new_batch, require_postgres, reset_training_data, setup_django

PHASES = [
    ("read_sheet", "reading and checking the file (core/imports/reading.py)"),
    ("check_row", "  of which checking rows"),
    ("parse_id_number", "    of which ID numbers (core/identity.py)"),
    ("plan_import", "planning against the registry"),
    ("_write", "writing"),
    ("bulk_create", "  of which QuerySet.bulk_create"),
    ("bulk_update", "  of which QuerySet.bulk_update"),
    ("__init__", "  of which model instances (Model.__init__, base.py)"),
    ("execute", "SQL sent to PostgreSQL (cursor.execute)"),
    ("commit", "COMMIT (deferred foreign-key checks run here)"),
]
PSYCOPG_METHODS = {"execute", "commit"}


def cumulative(stats: pstats.Stats, name: str, *, file_part: str = "") -> float:
    total = 0.0
    for (path, _line, function), (_cc, _nc, _tt, ct, callers) in stats.stats.items():
        if function != name or file_part not in path:
            continue
        # Count only the outermost calls, so that recursion and wrappers are not counted twice.
        if not any(caller[2] == name for caller in callers):
            total += ct
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=12_000)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--every-column", action="store_true", help="fill every template column, as [d] does")
    args = parser.parse_args()
    require_postgres()
    setup_django()

    from benchmarks.rosters import roster_rows, roster_workbook
    from benchmarks.run import commit_roster

    content = roster_workbook(roster_rows(args.rows, every_column=args.every_column))
    with benchmark_database():

        def commit():
            return commit_roster(content, new_batch())

        reset_training_data()
        started = time.perf_counter()
        commit()
        wall = time.perf_counter() - started
        reset_training_data()
        profiler = cProfile.Profile()
        profiler.runcall(commit)
    stats = pstats.Stats(profiler, stream=io.StringIO())
    profiled = stats.total_tt
    print(f"{args.rows:,} rows: {wall:.2f} s without the profiler, {profiled:.2f} s under cProfile\n")
    print(f"{'phase (cumulative time under cProfile)':<58} {'seconds':>8} {'share':>6}")
    for name, label in PHASES:
        if name in PSYCOPG_METHODS:  # C methods: pstats names them "<method 'execute' of ...>", file "~"
            seconds = sum(
                row[3] for (path, _line, function), row in stats.stats.items() if f"'{name}' of 'psycopg2" in function
            )
        else:
            seconds = cumulative(stats, name, file_part="django/db/models/base.py" if name == "__init__" else "")
        if seconds:
            print(f"{label:<58} {seconds:8.3f} {seconds / profiled:6.0%}")
    print(f"\nThe {args.top} functions with the most time of their own:")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.top)
    print(out.getvalue().split("\n", 4)[-1].rstrip())


if __name__ == "__main__":
    main()
