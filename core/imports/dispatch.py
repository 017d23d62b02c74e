"""The outbox of the import pipeline: handing a recorded check or commit to the Celery broker.

A large file's check (正在检查) or commit (正在导入) is recorded in the same transaction as the upload or the
confirmation, with `work_started_at` empty. After that transaction commits, `import_dispatch` hands the task
to the broker and stamps the record. When the broker does not answer within a few seconds (settings:
CELERY_BROKER_*), the record stays waiting and the clerk is told it will be checked shortly; nothing is lost.

`import_sweep` sends every waiting record once the broker answers again. It runs
- every minute on Celery beat (`core.imports.tasks.import_sweep_task`, CELERY_BEAT_SCHEDULE),
- from `python manage.py import_sweep` (cron, or by hand after an outage),
- for one record when its page or progress bar is loaded (`import_dispatch_if_waiting`).
It also marks failed a check or commit still running IMPORT_STALE_MINUTES after it was handed over: its
worker was lost (a commit is one transaction, so nothing of it was written) and no redelivery came."""

import datetime
import logging

import kombu.exceptions
import redis.exceptions
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import WORKING, ImportRecord, ImportStatus

logger = logging.getLogger(__name__)

# What an unreachable broker raises on publish: kombu re-raises connection errors as its OperationalError;
# a Redis or socket error may come through unwrapped.
BROKER_ERRORS = (kombu.exceptions.OperationalError, redis.exceptions.RedisError, OSError)
WAITING_PHASE = "等待后台处理"
STALE_FAILED = (
    "后台处理超过 {minutes} 分钟仍未完成，处理进程可能已中断，系统已停止等待。"
    "导入在一个事务中写入，没有写入任何记录；请重新上传。"
)
# A page polling a waiting record tries the broker at most this often.
NUDGE_SECONDS = 15


def import_specs() -> list:
    """The spec of every import model (each concrete ImportRecord names its spec in `spec_path`)."""
    models = [model for model in apps.get_models() if issubclass(model, ImportRecord)]
    return [import_string(model.spec_path)() for model in models if model.spec_path]


def _task_for(status: str):
    from .tasks import import_analyse_task, import_commit_task

    return {ImportStatus.ANALYSING: import_analyse_task, ImportStatus.COMMITTING: import_commit_task}[status]


def import_dispatch(*, spec, record_id: int) -> bool:
    """Hand a waiting record's check or commit to the broker. False when the broker did not answer: the
    record stays waiting for the sweep. True when sent, or when there was nothing (left) to send.

    The record is claimed (stamped) before the task is sent, with a conditional update: two sweeps, or a
    sweep and a page, never send one record twice. A refused send takes the stamp back."""
    status = spec.model.objects.filter(pk=record_id).values_list("status", flat=True).first()
    if status not in WORKING:
        return True
    stamp = timezone.now()
    claimed = spec.model.objects.filter(pk=record_id, status=status, work_started_at__isnull=True)
    if not claimed.update(work_started_at=stamp):
        return True
    try:
        _task_for(status).delay(spec.path, record_id)
    except BROKER_ERRORS as problem:
        logger.warning("%s %s waits for the broker: %s", spec.title, record_id, problem)
        spec.model.objects.filter(pk=record_id, work_started_at=stamp).update(work_started_at=None)
        return False
    return True


def import_dispatch_if_waiting(*, spec, record) -> None:
    """A page showing a waiting record tries the broker again (at most every NUDGE_SECONDS per record).
    With no broker configured (tasks run in-process) there is nothing to hand over."""
    if not record.is_waiting or settings.CELERY_TASK_ALWAYS_EAGER:
        return
    try:
        due = cache.add(f"import:{record._meta.label_lower}:{record.pk}:nudge", 1, NUDGE_SECONDS)
    except BROKER_ERRORS:
        return  # the cache shares the broker's Redis, which is down too: the sweep sends it later
    if due:
        import_dispatch(spec=spec, record_id=record.pk)
        record.refresh_from_db(fields=["status", "work_started_at"])


def _fail_stale(spec) -> int:
    """Mark failed the checks and commits handed over more than IMPORT_STALE_MINUTES ago. A commit whose
    worker is alive holds its record's row lock (import_process) and is skipped (PostgreSQL)."""
    from .services import _finish, _move

    cutoff = timezone.now() - datetime.timedelta(minutes=settings.IMPORT_STALE_MINUTES)
    stale = spec.model.objects.filter(status__in=WORKING, work_started_at__lt=cutoff)
    failed, message = 0, STALE_FAILED.format(minutes=settings.IMPORT_STALE_MINUTES)
    for pk in stale.values_list("pk", flat=True):
        with transaction.atomic():
            record = stale.select_for_update(skip_locked=True).filter(pk=pk).first()
            if record is None:
                continue
            _finish(spec, record, status=_move(record, "fail"), message=message)
            logger.warning("%s %s marked failed: no worker finished it", spec.title, pk)
            failed += 1
    return failed


def import_sweep() -> dict[str, int]:
    """Send every waiting record (oldest first; the first refusal ends the round: the broker is still
    down) and fail the stale ones. Returns {"sent", "waiting", "failed"}."""
    counts = {"sent": 0, "waiting": 0, "failed": 0}
    for spec in import_specs():
        pending = list(
            spec.model.objects.filter(status__in=WORKING, work_started_at__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for done, pk in enumerate(pending):
            if not import_dispatch(spec=spec, record_id=pk):
                counts["waiting"] += len(pending) - done
                break
            counts["sent"] += 1
        counts["failed"] += _fail_stale(spec)
    return counts
