import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from conftest import require_service

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, env_extra: dict) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_deploy_check_is_clean_with_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_extra={
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "x7#kq!v2p@9mz$w4r8t&y1u5i0o3e6a-n_b+c=d%f^g*h(j)l-Qinzhou-2025-long-enough",
            "DJANGO_ALLOWED_HOSTS": "jy.qinzhou.example",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("broker", "cache", "warned"),
    [
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0", True),
        ("redis://127.0.0.1:6379", "redis://127.0.0.1:6379/0", True),
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/1", False),
        ("redis://10.0.0.5:6379/0", "redis://10.0.0.6:6379/0", False),
        ("memory://", "redis://127.0.0.1:6379/0", False),
    ],
)
def test_deploy_check_warns_when_the_cache_shares_the_brokers_redis_database(settings, broker, cache, warned):
    from qinzhou_brands.checks import cache_apart_from_broker

    settings.CELERY_BROKER_URL = broker
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": cache}}
    assert [warning.id for warning in cache_apart_from_broker()] == (["qinzhou.W001"] if warned else [])


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", env_extra={"DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "x"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_healthz_reports_the_database(client, settings):
    settings.REDIS_URL = ""
    settings.CELERY_BROKER_URL, settings.CELERY_TASK_ALWAYS_EAGER = "memory://", True
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() | {"disk_free_mb": 0} == {
        "status": "ok",
        "down": [],
        "database": "ok",
        "migrations": "ok",
        "pending_migrations": 0,
        "broker": "not configured",
        "cache": "ok",
        "worker": "not configured",
        "disk": "ok",
        "disk_free_mb": 0,
        "redis": "not configured",
    }


@pytest.mark.django_db
def test_healthz_is_503_when_redis_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["redis"] == "error"


@pytest.mark.django_db
@pytest.mark.services
def test_healthz_with_real_redis(client, settings):
    require_service("Redis", bool(os.environ.get("REDIS_URL")), "set REDIS_URL")
    settings.REDIS_URL = os.environ["REDIS_URL"]
    from core.tasks import worker_heartbeat

    worker_heartbeat()  # as a worker does every minute (core/tests/test_health.py tests a missing one)
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["redis"] == "ok"


@pytest.mark.django_db
@pytest.mark.services
def test_ci_runs_on_postgresql():
    from conftest import uses_postgresql

    require_service("PostgreSQL", uses_postgresql(), "set DATABASE_URL=postgres://…")
    from django.db import connection

    assert connection.vendor == "postgresql"


@pytest.mark.django_db
@pytest.mark.services
def test_postgresql_connections_do_not_jit_compile_queries():
    """JIT compiling cost more than it saved on the worklist's and lists' queries (settings.py)."""
    from conftest import uses_postgresql

    require_service("PostgreSQL", uses_postgresql(), "set DATABASE_URL=postgres://…")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


@pytest.mark.django_db
def test_unknown_url_is_a_chinese_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_the_favicon_is_served_locally(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith(".svg")
    from django.contrib.staticfiles import finders

    assert response["Location"].startswith(settings.STATIC_URL)
    icon = finders.find("img/favicon.svg")  # what collectstatic hands to whitenoise
    assert icon and Path(icon).read_text(encoding="utf-8").startswith("<svg")


# --- issue 13: `make run` serves as production does; `make dev` is the debug server -----------------


def make_dry_run(target: str) -> str:
    result = subprocess.run(
        ["make", "--dry-run", "--always-make", target, "PORT=8123"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


def test_make_run_serves_like_production():
    commands = make_dry_run("run")
    served = next(line for line in commands.splitlines() if "gunicorn" in line)
    for setting in ("DJANGO_DEBUG=0", "DJANGO_SECURE=0", "DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1,[::1]"):
        assert setting in served
    assert 'DJANGO_SECRET_KEY="$(cat .secret-key)"' in served
    assert "--bind 127.0.0.1:8123" in served
    assert "collectstatic" in commands and "DJANGO_DEBUG=0" in commands.split("collectstatic")[0].splitlines()[-1]
    assert "runserver" not in commands
    # The generated key stays out of git.
    assert "/.secret-key" in (ROOT / ".gitignore").read_text().splitlines()


def test_make_dev_is_the_debug_server():
    commands = make_dry_run("dev")
    assert "manage.py runserver 127.0.0.1:8123" in commands
    assert "DJANGO_DEBUG=0" not in commands


@pytest.mark.django_db
def test_another_areas_record_is_the_chinese_404_without_debug(client, clerk, other_area, settings):
    from training.tests.factories import TrainingBatchFactory

    settings.DEBUG = False  # as `make run` serves
    client.force_login(clerk)
    response = client.get(reverse("training:batch_detail", args=[TrainingBatchFactory(area=other_area).pk]))
    page = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in page and "URLconf" not in page
