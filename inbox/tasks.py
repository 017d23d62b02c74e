from celery import shared_task
from django.conf import settings

from .services import digest_send_all


@shared_task(ignore_result=True)
def daily_digest() -> dict:
    """Scheduled by Celery beat every morning (settings.CELERY_BEAT_SCHEDULE, INBOX_DIGEST_HOUR)."""
    return digest_send_all(base_url=settings.SITE_URL)
