"""What /healthz reports: each part the application needs, "ok" or what is wrong with it, and nothing secret.

Parts: the database, the Celery broker and the cache (Redis), the Celery worker (the last heartbeat that the
beat task `core.tasks.worker_heartbeat` had a worker record), pending migrations and free disk space for
uploads. A part that is down is named in `down`; the answer then is 503. Error details (which may name hosts
or credentials) go to the log, never into the answer."""

from __future__ import annotations

import datetime
import logging
import shutil
import socket
from pathlib import Path

import redis
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

logger = logging.getLogger(__name__)

HEARTBEAT_KEY = "core:worker-heartbeat"
OK, ERROR, NOT_CONFIGURED = "ok", "error", "not configured"


def heartbeat_record() -> None:
    """Called by the worker running the beat task: proves that beat schedules and a worker consumes."""
    cache.set(HEARTBEAT_KEY, {"at": timezone.now().isoformat(), "host": socket.gethostname()}, timeout=None)


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("healthz: database unreachable: %s", error)
        return {"database": ERROR}
    try:
        executor = MigrationExecutor(connection)
        pending = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    except DatabaseError as error:
        logger.warning("healthz: migration state unreadable: %s", error)
        return {"database": OK, "migrations": ERROR}
    return {"database": OK, "migrations": OK if not pending else "pending", "pending_migrations": pending}


def _ping(part: str, url: str) -> str:
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return NOT_CONFIGURED
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except (redis.RedisError, OSError) as error:
        logger.warning("healthz: %s unreachable: %s", part, error)
        return ERROR
    return OK


def _cache() -> dict:
    """OK when the cache answers a write and a read of a value of its own."""
    probe = timezone.now().isoformat()
    try:
        cache.set("core:healthz-probe", probe, timeout=30)
        usable = cache.get("core:healthz-probe") == probe
    except (redis.RedisError, OSError) as error:
        logger.warning("healthz: cache unreachable: %s", error)
        usable = False
    return {"cache": OK if usable else ERROR}


def _worker(cache_usable: bool) -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"worker": NOT_CONFIGURED}  # no broker: tasks run in the web process
    beat = cache.get(HEARTBEAT_KEY) if cache_usable else None
    if not beat:
        return {"worker": ERROR, "worker_last_heartbeat": None}
    at = datetime.datetime.fromisoformat(beat["at"])
    age = int((timezone.now() - at).total_seconds())
    fresh = age <= settings.HEALTH_HEARTBEAT_MAX_AGE_SECONDS
    return {
        "worker": OK if fresh else "stale",
        "worker_last_heartbeat": beat["at"],
        "worker_heartbeat_age_seconds": age,
    }


def _disk() -> dict:
    if not isinstance(default_storage, FileSystemStorage):
        return {"disk": NOT_CONFIGURED}  # an object store: its space is not this host's disk
    path = Path(default_storage.location)
    while not path.exists() and path != path.parent:
        path = path.parent
    free_mb = shutil.disk_usage(path).free // (1024 * 1024)
    return {"disk": OK if free_mb >= settings.HEALTH_MIN_FREE_DISK_MB else "low", "disk_free_mb": free_mb}


def health_report() -> dict:
    """{"status": "ok"|"error", "down": [parts], part: state, …details}."""
    report = _database() | {"broker": _ping("broker", settings.CELERY_BROKER_URL)} | _cache()
    report |= _worker(cache_usable=report["cache"] == OK) | _disk()
    # "redis" (REDIS_URL answers): the one answer before the broker and the cache were reported apart.
    report["redis"] = _ping("redis", settings.REDIS_URL)
    parts = ("database", "migrations", "redis", "broker", "cache", "worker", "disk")
    down = [part for part in parts if report.get(part) not in (None, OK, NOT_CONFIGURED)]
    return {"status": "error" if down else "ok", "down": down, **report}
