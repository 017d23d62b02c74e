"""Django set-up for the benchmarks: PostgreSQL only, production-like settings, a throwaway database."""

import datetime
import os
import sys
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

SETTINGS_MODULE = "qinzhou_brands.settings"
BATCH_START = datetime.date(2025, 3, 1)
USAGE = (
    "The benchmarks measure PostgreSQL, as the issue asks. Run them with a throwaway server:\n"
    "    bin/with-services .venv/bin/python -m benchmarks\n"
    "or point DATABASE_URL at a PostgreSQL server where this user may create databases\n"
    "(the benchmark creates and drops its own database test_<name>; it never touches <name>)."
)


def require_postgres() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if urlsplit(url).scheme not in {"postgres", "postgresql", "pgsql", "postgis"}:
        shown = url or "unset (SQLite default)"
        sys.exit(f"benchmarks: DATABASE_URL is {shown}, not PostgreSQL.\n{USAGE}")


def setup_django() -> None:
    """Production-like settings: DEBUG off (no query log), so timings are what a worker sees."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-not-a-secret")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()


@contextmanager
def benchmark_database():
    """Create and migrate test_<name> (reference data comes with the migrations); drop it afterwards."""
    from django.test.utils import setup_databases, teardown_databases

    old_config = setup_databases(verbosity=0, interactive=False, keepdb=False, aliases={"default"})
    try:
        yield
    finally:
        from django.db import connections

        connections.close_all()
        teardown_databases(old_config, verbosity=0)


def child_database_url() -> str:
    """DATABASE_URL pointing at the benchmark database, for a child process."""
    from django.db import connection

    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


def reset_training_data() -> None:
    """An empty registry: no trainees, category links, referral standings, enrolments, imports or batches."""
    from django.db import connection

    from employment.models import ReferralStanding
    from training.models import Enrolment, RosterImport, Trainee, TrainingBatch

    tables = [
        ReferralStanding._meta.db_table,  # no constraint to the people: CASCADE would not reach it
        Enrolment._meta.db_table,
        Trainee.categories.through._meta.db_table,
        RosterImport._meta.db_table,
        Trainee._meta.db_table,
        TrainingBatch._meta.db_table,
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(connection.ops.quote_name(t) for t in tables)} RESTART IDENTITY CASCADE")
        cursor.execute(f"ANALYZE {', '.join(connection.ops.quote_name(t) for t in tables)}")


def new_batch(*, start_day: int = 1):
    """A fresh batch (钦南区, the first 八桂家政 occupation), created by the service clerks use."""
    from brands.models import Area, Occupation
    from training.models import ClassPlan
    from training.services import batch_create

    area = Area.objects.get(code="450702")
    occupation = Occupation.objects.filter(brand__code="housekeeping").order_by("pk").first()
    if occupation is None:
        occupation = Occupation.objects.order_by("pk").first()
    start = BATCH_START + datetime.timedelta(days=start_day - 1)
    batch = batch_create(
        user=None, area=area, occupation=occupation, start_date=start, end_date=start + datetime.timedelta(days=20)
    )
    # Its class plan approved, as a reviewer leaves it: a roster is committed only to an approved class (issue 17).
    ClassPlan.objects.create(batch=batch, status=ClassPlan.Status.APPROVED, planned_size=batch.capacity)
    return batch


def load_scale(size: int) -> None:
    """`load_demo --scale size`, then VACUUM ANALYZE: the statistics and visibility map autovacuum gives a live
    database soon after such a load, so the timings are those of the steady state, not of its first minutes
    (index-only probes of freshly written summary rows otherwise read the table too)."""
    from django.core.management import call_command
    from django.db import connection

    call_command("load_demo", "--scale", str(size), verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
