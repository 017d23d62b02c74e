"""Celery tasks with no domain."""

from celery import shared_task

from core.health import heartbeat_record


@shared_task(ignore_result=True, expires=120)
def worker_heartbeat() -> None:
    """Scheduled by Celery beat (settings.CELERY_BEAT_SCHEDULE); /healthz reads what it records."""
    heartbeat_record()
