"""Deployment checks of the project's own (`manage.py check --deploy`)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks


def _redis_database(url: str) -> tuple[str, int | None, str] | None:
    parts = urlsplit(url)
    if parts.scheme not in {"redis", "rediss"}:
        return None
    return (parts.hostname or "localhost", parts.port or 6379, parts.path.strip("/") or "0")


@checks.register(checks.Tags.caches, deploy=True)
def cache_apart_from_broker(app_configs=None, **kwargs):
    """Clearing a Redis cache empties its whole database: the Celery broker's queue must live elsewhere."""
    broker = _redis_database(getattr(settings, "CELERY_BROKER_URL", "") or "")
    location = settings.CACHES["default"].get("LOCATION") or ""
    caches = {_redis_database(url) for url in ([location] if isinstance(location, str) else location)}
    if broker is not None and broker in caches:
        return [
            checks.Warning(
                "The cache and the Celery broker share one Redis database: clearing the cache would drop queued tasks.",
                hint="Set REDIS_CACHE_URL to another database number, e.g. redis://host:6379/1.",
                id="qinzhou.W001",
            )
        ]
    return []
