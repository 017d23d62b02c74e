"""The dashboard benchmark of issue 6 ("Speed"): /dashboard/ at 10,000 and at 1,000,000 enrolments.

Targets, on PostgreSQL: with 1,000,000 enrolments (and their trainees, batches, referrals, outcomes and
applications from `load_demo --scale`) the page answers in <= 300 ms (median server time: the whole
request through Django's middleware, in this process), no more than twice its time at 10,000, with a
number of queries that does not depend on the data."""

import time

from benchmarks.environment import load_scale
from benchmarks.run import Line, median_ms, say

SIZES = (10_000, 1_000_000)
TARGET_MS = 300.0
TARGET_GROWTH = 2.0
REQUESTS = 21


def _viewer():
    from accounts.roles import Role
    from accounts.services import staff_upsert

    user, _created = staff_upsert(
        username="bench_city_viewer", role=Role.CITY_VIEWER, area=None, password=None, full_name="基准测试"
    )
    return user


def _measure(client) -> tuple[float, int, int]:
    """(median ms, queries of one request, response bytes) of GET /dashboard/."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get(_request: int):
        response = client.get("/dashboard/", secure=True)
        assert response.status_code == 200, response.status_code

    median = median_ms(get, range(REQUESTS))  # after one to warm up: templates compiled, connection open
    with CaptureQueriesContext(connection) as context:
        response = client.get("/dashboard/", secure=True)
    return median, len(context.captured_queries), len(response.content)


def bench_dashboard() -> list[Line]:
    from django.core.management import call_command
    from django.test import Client, override_settings

    from dashboard.selectors import progress_summary

    # DEBUG is off, so pages name their assets through the static files manifest, as in production.
    call_command("collectstatic", "--noinput", verbosity=0)
    results = {}
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        for size in SIZES:
            started = time.perf_counter()
            load_scale(size)
            loaded = time.perf_counter() - started
            client = Client()
            client.force_login(_viewer())
            median, queries, size_bytes = _measure(client)
            city = progress_summary()["city"]
            results[size] = (median, queries)
            say(
                f"\n/dashboard/ at {size:,} enrolments (loaded in {loaded:.0f} s; the page counts "
                f"{city['trainings']:,} trainings and {city['jobs']:,} jobs): median {median:.0f} ms over "
                f"{REQUESTS} requests, {queries} queries, {size_bytes / 1024:.0f} KB"
            )
    small, large = (results[size] for size in SIZES)
    return [
        Line.at_most(f"/dashboard/ at {SIZES[1]:,} enrolments (median)", large[0], TARGET_MS, "ms"),
        Line(
            f"/dashboard/ time {SIZES[1]:,} vs {SIZES[0]:,}",
            f"{large[0] / small[0]:.2f}x ({small[0]:.0f} ms at {SIZES[0]:,})",
            f"<= {TARGET_GROWTH:.0f}x",
            large[0] <= TARGET_GROWTH * small[0],
        ),
        Line(
            "/dashboard/ queries",
            f"{small[1]} at {SIZES[0]:,}, {large[1]} at {SIZES[1]:,}",
            "independent of data",
            small[1] == large[1],
        ),
    ]
