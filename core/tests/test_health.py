"""/healthz: which part is down, as a monitor (or the operator with curl) reads it."""

import datetime
import shutil
import socket
import subprocess
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import require_service
from core.health import HEARTBEAT_KEY
from core.tasks import worker_heartbeat

NOBODY = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def with_worker(settings):
    """Tasks go to a broker and a worker (not run in-process), as in production."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    return settings


@pytest.fixture
def in_process(settings):
    """No broker: tasks run in the web process (a fresh checkout, whatever the suite's REDIS_URL)."""
    settings.REDIS_URL = ""
    settings.CELERY_BROKER_URL = "memory://"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    return settings


def health(client):
    response = client.get(reverse("healthz"))
    assert response["Content-Type"] == "application/json"
    return response.status_code, response.json()


@pytest.mark.django_db
def test_without_redis_every_configured_part_is_ok(client, in_process):
    status, body = health(client)
    assert status == 200
    assert body["status"] == "ok" and body["down"] == []
    assert body["database"] == body["cache"] == body["migrations"] == body["disk"] == "ok"
    assert body["worker"] == body["broker"] == body["redis"] == "not configured"
    assert body["pending_migrations"] == 0
    assert body["disk_free_mb"] > 0


@pytest.mark.django_db
def test_a_recent_heartbeat_means_the_worker_is_up(client, with_worker):
    worker_heartbeat()  # what the worker does when beat sends it the task
    status, body = health(client)
    assert status == 200
    assert body["worker"] == "ok"
    assert body["worker_heartbeat_age_seconds"] <= 1


@pytest.mark.django_db
def test_a_stale_heartbeat_is_503_naming_the_worker(client, with_worker):
    from django.core.cache import cache

    old = timezone.now() - datetime.timedelta(seconds=with_worker.HEALTH_HEARTBEAT_MAX_AGE_SECONDS + 60)
    cache.set(HEARTBEAT_KEY, {"at": old.isoformat(), "host": "worker-1"}, timeout=None)
    status, body = health(client)
    assert status == 503
    assert body["down"] == ["worker"]
    assert body["worker"] == "stale"
    assert body["worker_last_heartbeat"] == old.isoformat()


@pytest.mark.django_db
def test_no_heartbeat_at_all_is_503_naming_the_worker(client, with_worker):
    status, body = health(client)
    assert status == 503
    assert body["down"] == ["worker"] and body["worker_last_heartbeat"] is None


def test_beat_sends_the_heartbeat_more_often_than_it_goes_stale(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["worker-heartbeat"]
    assert entry["task"] == worker_heartbeat.name
    assert entry["schedule"] * 2 < settings.HEALTH_HEARTBEAT_MAX_AGE_SECONDS


@pytest.mark.django_db
def test_low_disk_for_uploads_is_503_naming_the_disk(client, in_process, tmp_path):
    settings = in_process
    settings.MEDIA_ROOT = tmp_path
    settings.HEALTH_MIN_FREE_DISK_MB = shutil.disk_usage(tmp_path).free // (1024 * 1024) + 10_000_000
    status, body = health(client)
    assert status == 503
    assert body["down"] == ["disk"] and body["disk"] == "low"


@pytest.mark.django_db
def test_the_answer_names_no_host_and_no_password(client, settings):
    settings.REDIS_URL = settings.CELERY_BROKER_URL = "redis://:s3cret-password@127.0.0.1:1/0"
    status, body = health(client)
    assert status == 503
    assert "s3cret" not in str(body) and "127.0.0.1" not in str(body)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.django_db
@pytest.mark.services
def test_redis_stopped_is_503_naming_broker_cache_and_worker(client, with_worker):
    """A Redis of this test's own, answering and then shut down (the shared one cannot be stopped)."""
    require_service("redis-server", bool(shutil.which("redis-server")), "apt-get install redis-server")
    port = _free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        url = f"redis://127.0.0.1:{port}/0"
        for _ in range(50):
            if subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        with_worker.REDIS_URL = with_worker.CELERY_BROKER_URL = url
        with_worker.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{port}/1",
            }
        }
        worker_heartbeat()
        status, body = health(client)
        assert (status, body["down"]) == (200, [])
        assert body["broker"] == body["cache"] == body["worker"] == body["redis"] == "ok"

        subprocess.run(["redis-cli", "-p", str(port), "shutdown", "nosave"], capture_output=True)
        server.wait(timeout=10)
        status, body = health(client)
        assert status == 503
        assert body["down"] == ["redis", "broker", "cache", "worker"]
        assert body["database"] == "ok"
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=10)
