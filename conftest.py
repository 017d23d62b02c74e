"""Project-wide fixtures: areas from the seeded reference data and a user for every role."""

import importlib
import os
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.test import override_settings

from accounts.roles import Role
from accounts.services import staff_upsert
from brands.models import Area

PASSWORD = "Test-password-2025"


def require_service(name: str, available: bool, why: str = ""):
    """Skip a test whose service is absent, unless CI says services are required (REQUIRE_SERVICES=1)."""
    if available:
        return
    message = f"{name} is not available{': ' + why if why else ''}"
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"{message} (REQUIRE_SERVICES=1)")
    pytest.skip(message)


def uses_postgresql() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


@pytest.fixture(scope="session", autouse=True)
def _own_redis_cache():
    """Each pytest-xdist process gets a Redis cache database of its own.

    Every test starts by clearing the cache, and clearing a Redis cache empties its whole database.
    With one shared database a process would wipe another's roster progress mid-test, and, when the
    broker shares it, the Celery tasks queued for another process's worker. The Celery worker
    subprocesses inherit REDIS_CACHE_URL, so they write progress where their test reads it."""
    url = os.environ.get("REDIS_URL")
    if not url:
        yield
        return
    parts = urlsplit(url)
    broker_db = int(parts.path.strip("/") or 0)
    free = [number for number in range(16) if number != broker_db]
    process = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    cache_url = urlunsplit(parts._replace(path=f"/{free[process % len(free)]}"))
    previous = os.environ.get("REDIS_CACHE_URL")
    os.environ["REDIS_CACHE_URL"] = cache_url
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": cache_url}}
    ):
        yield
    if previous is None:
        os.environ.pop("REDIS_CACHE_URL", None)
    else:
        os.environ["REDIS_CACHE_URL"] = previous


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def area(db):
    return Area.objects.get(code="450702")  # 钦南区


@pytest.fixture
def other_area(db):
    return Area.objects.get(code="450703")  # 钦北区


@pytest.fixture
def make_staff(db):
    def make(role: Role, area: Area | None = None, username: str | None = None):
        name = username or f"{role.value}_{area.code if area else 'city'}"
        user, _ = staff_upsert(username=name, role=role, area=area, password=PASSWORD)
        return user

    return make


@pytest.fixture
def clerk(make_staff, area):
    return make_staff(Role.COUNTY_CLERK, area)


@pytest.fixture
def other_clerk(make_staff, other_area):
    return make_staff(Role.COUNTY_CLERK, other_area)


@pytest.fixture
def reviewer(make_staff, area):
    return make_staff(Role.COUNTY_REVIEWER, area)


@pytest.fixture
def city_admin(make_staff):
    return make_staff(Role.CITY_ADMIN)


@pytest.fixture
def city_viewer(make_staff):
    return make_staff(Role.CITY_VIEWER)


@pytest.fixture
def clerk_client(client, clerk):
    client.force_login(clerk)
    return client


@pytest.fixture
def admin_client_city(client, city_admin):
    client.force_login(city_admin)
    return client


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return "transactional_db" in request.fixturenames or "live_server" in request.fixturenames


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests end with a flush that also empties the tables data migrations filled;
    the next one gets the plan's reference data back before it starts."""
    if not _is_transactional(request):
        yield
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    if not Area.objects.exists():
        # 十四五 first: a target finds its period when saved (then the period gets the seeded brand lines).
        periods = importlib.import_module("brands.migrations.0004_seed_fourteenth_five_year_period")
        periods.seed(apps, None)
        for module in ("brands.migrations.0002_reference_data", "training.migrations.0002_priority_categories"):
            importlib.import_module(module).load(apps, None)
        periods.seed(apps, None)
        importlib.import_module("plantasks.migrations.0002_seed_plan_tasks").seed(apps, None)
    yield


@pytest.fixture(autouse=True)
def _celery_in_process(request):
    """Tasks run in the test's own process, except in tests marked `celery_worker` that start a real one."""
    from qinzhou_brands.celery import app

    if request.node.get_closest_marker("celery_worker"):
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's deliberate slowness is a production property, not something each test should pay for.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def recount_tallies(db):
    """For tests that build records with factories, behind the services' back: bring the dashboard's
    summary rows up to date, as `load_demo --scale` does after its bulk load."""
    from employment.tallies import rebuild

    return rebuild
