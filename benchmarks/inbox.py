"""The inbox benchmark of issue 19 ("Fast"): what the inbox (待办) adds to the home page at
`load_demo --scale 1000000`.

Target, on PostgreSQL: at most 50 ms added to the home page for each role's demo user. The added time is the
inbox computed afresh (`inbox_items(user, fresh=True)`: every provider's counts, what the first page after the
cache expires pays) — the median over REQUESTS; the cached figure (every other page within
INBOX_CACHE_SECONDS) is printed beside it, and so is the whole home page's median with the cache cleared before
each request. No provider caches anything of its own: follow-ups due come from the outcomes' day rows
(`followups.schedule.open_point_counts`), areas behind pace from the dashboard's matrix alone (`pace_matrix`).
Run after the dashboard benchmark, it reuses its 1,000,000-enrolment load; alone, it loads it first."""

import functools
import os
import time

from benchmarks.environment import load_scale
from benchmarks.run import Line, median_ms, say

SIZE = int(os.environ.get("BENCH_INBOX_SIZE", "1000000"))
TARGET_MS = 50.0
REQUESTS = 11
USERS = ("clerk_450721", "reviewer_450721", "city_admin", "city_viewer")


def bench_inbox() -> list[Line]:
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client, override_settings

    from inbox import providers  # noqa: F401 (registers them)
    from inbox.registry import PROVIDERS, inbox_items
    from training.models import Enrolment

    if Enrolment.objects.count() < SIZE:
        load_scale(SIZE)
    call_command("collectstatic", "--noinput", verbosity=0)
    say(f"\nInbox at {Enrolment.objects.count():,} enrolments: median of {REQUESTS} per figure")

    def cold(user):
        cache.clear()
        return inbox_items(user, fresh=True)

    fresh = functools.partial(inbox_items, fresh=True)

    def home(client):
        cache.clear()
        assert client.get("/", secure=True).status_code == 200

    lines = []
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        for username in USERS:
            user = get_user_model().objects.get(username=username)
            client = Client()
            client.force_login(user)
            cold_ms = median_ms(cold, [user] * REQUESTS)
            for function in PROVIDERS:
                started = time.perf_counter()
                cache.clear()
                function(user)
                spent = (time.perf_counter() - started) * 1000
                if spent >= 5:
                    say(f"    {function.__name__}: {spent:.0f} ms with every cache empty")
            fresh_ms = median_ms(fresh, [user] * REQUESTS)
            cached_ms = median_ms(inbox_items, [user] * REQUESTS)
            home_ms = median_ms(home, [client] * REQUESTS)
            items = fresh(user)
            say(
                f"  {username:<16} inbox afresh {fresh_ms:6.1f} ms, cached {cached_ms:5.1f} ms, home page "
                f"(cache cleared) {home_ms:6.0f} ms; {len(items)} items, {sum(i.count for i in items):,} to do"
                + f"; every cache empty {cold_ms:.0f} ms"
            )
            lines.append(Line.at_most(f"inbox added to the home page: {username}", fresh_ms, TARGET_MS, "ms", digits=1))
    return lines
