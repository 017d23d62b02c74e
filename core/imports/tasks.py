"""Celery tasks of the pipeline: each takes the spec's path and the record's id and calls the service.

No task's result is read (the record holds the outcome): ignore_result keeps the result store out of the
upload's request, so an unreachable Redis cannot hold the request up through it."""

from celery import shared_task
from django.utils.module_loading import import_string

from . import dispatch, services


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def import_analyse_task(spec_path: str, record_id: int) -> None:
    services.import_analyse(spec=import_string(spec_path)(), record_id=record_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def import_commit_task(spec_path: str, record_id: int) -> None:
    # A worker killed half-way rolls the transaction back; the redelivered task starts over.
    services.import_commit(spec=import_string(spec_path)(), record_id=record_id)


@shared_task(ignore_result=True)
def import_sweep_task() -> None:
    """Celery beat, every minute (CELERY_BEAT_SCHEDULE): send the imports that waited for the broker."""
    dispatch.import_sweep()
