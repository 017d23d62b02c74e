"""Celery tasks: each takes an id, loads the import and calls the service."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def roster_import_analyse(roster_import_id: int) -> None:
    services.roster_analyse(roster_import_id=roster_import_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def roster_import_commit(roster_import_id: int) -> None:
    # A worker killed half-way rolls the transaction back; the redelivered task starts over.
    services.roster_commit(roster_import_id=roster_import_id)
