"""The lifecycle of every import: uploaded → checked (preview) → committed / cancelled / failed.

A small file is checked and written inside the request; a larger one (more rows than the spec's
`inline_max_rows`) on a Celery worker, after the transaction that stored it commits. Progress is kept in
the cache so another process can read it while the work's transaction is open."""

import logging
from collections.abc import Callable

import redis.exceptions
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from .dispatch import WAITING_PHASE, import_dispatch
from .models import TRANSITIONS, ImportStatus
from .reading import SpreadsheetError, estimate_rows, read_sheet
from .report import ImportReport

logger = logging.getLogger(__name__)

ROLLED_BACK = "写入数据库时出错，本次导入已整体撤销，没有写入任何记录。请稍后重新上传。"
RECHECK_FAILED = "复核时发现错误行，未写入任何记录。请查看错误并重新上传。"
CANCELLED = "经办员取消了本次导入，没有写入任何记录。"


def _inline_max_rows(spec) -> int:
    return spec.inline_max_rows if spec.inline_max_rows is not None else settings.IMPORT_INLINE_MAX_ROWS


def _move(record, action: str) -> str:
    """The state `action` leads to from the record's state; ValidationError (Chinese) when it may not."""
    target = TRANSITIONS.get((record.status, action))
    if target is None and action == "cancel" and (record.is_stale or record.is_waiting):
        # A check or commit whose worker was lost, or still waiting for the broker, may be given up.
        target = ImportStatus.CANCELLED
    if target is None:
        verb = "取消" if action == "cancel" else "再提交"
        raise ValidationError(f"该导入当前状态为“{record.get_status_display()}”，不能{verb}。")
    return target


def _finish(spec, record, *, status: str, report: ImportReport | None = None, message: str = "") -> None:
    fields = ["status", "message", "finished_at"]
    record.status = status
    record.message = message[:500]
    record.finished_at = timezone.now() if status != ImportStatus.PREVIEW else None
    if report is not None:
        counts = {
            "report": report.to_json(),
            "rows": report.rows,
            "valid_rows": report.valid,
            "error_rows": report.error_rows,
            "duplicate_rows": len(report.duplicates),
            "created_count": report.created if report.committed else 0,
            "updated_count": report.updated if report.committed else 0,
            **spec.record_counts(report),
        }
        for name, value in counts.items():
            setattr(record, name, value)
        fields += list(counts)
    record.save(update_fields=fields)


def _report(spec, plan, sheet) -> ImportReport:
    """The report of a plan: the pipeline's counts and errors, the spec's counts and sections."""
    return ImportReport.build(
        rows=sheet.rows,
        valid=len(plan.valid),
        duplicates=plan.duplicates,
        header_row=sheet.header_row,
        ignored_columns=sheet.ignored_columns,
        committed=False,
        **spec.counts(plan),
        extra=spec.sections(plan),
    )


# --- progress -------------------------------------------------------------------------------------------


def progress_key(record) -> str:
    return f"import:{record._meta.label_lower}:{record.pk}:progress"


# The cache usually lives on the broker's Redis: when that is down the pages still answer (no figures) and a
# worker's write goes on without reporting progress.
CACHE_ERRORS = (redis.exceptions.RedisError, OSError)


def import_progress(record) -> dict:
    """Progress of a running import (the JSON the progress bar polls)."""
    try:
        state = cache.get(progress_key(record)) or {}
    except CACHE_ERRORS as problem:
        logger.warning("import progress unavailable (cache): %s", problem)
        state = {}
    return {
        "status": record.status,
        "status_label": record.get_status_display(),
        "stale": record.is_stale,
        "waiting": record.is_waiting,
        "phase": WAITING_PHASE if record.is_waiting else state.get("phase", ""),
        "done": state.get("done", 0),
        "total": state.get("total", 0),
        "percent": int(100 * state["done"] / state["total"]) if state.get("total") else 0,
    }


def _progress_writer(record, phase: str) -> Callable[[int, int], None]:
    key = progress_key(record)

    def write(done: int, total: int) -> None:
        try:
            cache.set(key, {"phase": phase, "done": done, "total": total}, 3600)
        except CACHE_ERRORS as problem:
            logger.warning("import progress not recorded (cache): %s", problem)

    return write


# --- the stages -----------------------------------------------------------------------------------------


def import_check_file(*, spec, content: bytes, file_name: str = "") -> int:
    """Refuse an unusable file (SpreadsheetError with a Chinese message); return the data row estimate."""
    return estimate_rows(spec, content, file_name=file_name)


def _keep(spec, scope, user, file_name: str, content: bytes, **fields):
    """Store an uploaded file with the record's `fields`; an unusable one raises SpreadsheetError and nothing
    is stored. The report holds the data row estimate until a check replaces it."""
    estimate = import_check_file(spec=spec, content=content, file_name=file_name)
    return spec.model.objects.create(
        **{spec.scope_field: scope},
        uploaded_by=user,
        committed_by=user,
        file_name=file_name[:200],
        file_size=len(content),
        content=content,
        report={"estimate": estimate},
        **fields,
    )


@transaction.atomic
def import_upload(*, spec, scope, user, file_name: str, content: bytes, **options):
    """Keep an uploaded file and check it: here when small, on a Celery worker when large.

    An unusable file raises SpreadsheetError and nothing is stored. `options` are the spec's own fields
    of the record (a roster's `mark_completed`)."""
    spec.check_scope(user, scope)
    spec.check_open(user, scope)
    record = _keep(spec, scope, user, file_name, content, status=ImportStatus.ANALYSING, **options)
    if record.report["estimate"] > _inline_max_rows(spec):
        # The record is the outbox: sent to the broker once this transaction commits, or by the sweep.
        transaction.on_commit(lambda: import_dispatch(spec=spec, record_id=record.pk))
    else:
        record.work_started_at = timezone.now()
        record.save(update_fields=["work_started_at"])
        import_analyse(spec=spec, record_id=record.pk)
        record.refresh_from_db()
    return record


def _load_for_work(spec, record_id: int, expected: str):
    record = spec.model.objects.select_related(spec.scope_field).filter(pk=record_id).first()
    if record is None or record.status != expected:
        return None  # already done, cancelled or deleted: a redelivered task does nothing
    return record


def import_analyse(*, spec, record_id: int):
    """Check the whole kept file against the database and keep the preview."""
    record = _load_for_work(spec, record_id, ImportStatus.ANALYSING)
    if record is None:
        return None
    progress = _progress_writer(record, "正在检查")
    scope = spec.scope_of(record)
    estimate = (record.report or {}).get("estimate", 0)
    try:
        sheet = import_rows_checked(spec=spec, record=record, progress=lambda n: progress(n, max(n, estimate)))
    except SpreadsheetError as problem:
        _finish(spec, record, status=_move(record, "fail"), message=str(problem))
        return record
    with transaction.atomic():
        plan = spec.plan(sheet, scope=scope, user=record.uploaded_by, options=spec.options_of(record))
        report = _report(spec, plan, sheet)
        spec.audit("检查", plan=plan, scope=scope, record=record, user=record.uploaded_by, committed=False)
        record.file_format, record.encoding = sheet.file_format, sheet.encoding
        record.save(update_fields=["file_format", "encoding"])
        _finish(spec, record, status=_move(record, "check"), report=report)
    return record


@transaction.atomic
def import_request_commit(*, spec, record, user, skip_invalid: bool):
    """The clerk confirmed the preview: commit all rows (only when there are no errors) or the valid ones."""
    locked = spec.model.objects.select_for_update().select_related(spec.scope_field).get(pk=record.pk)
    spec.check_scope(user, spec.scope_of(locked))
    spec.check_open(user, spec.scope_of(locked))
    target = _move(locked, "commit")
    if locked.error_rows and not skip_invalid:
        raise ValidationError(f"{spec.noun}有错误行，不能全部导入：请修改后重新上传，或选择“仅导入有效行”。")
    if not locked.valid_rows:
        raise ValidationError(f"{spec.noun}没有可导入的有效行。")
    inline = locked.rows <= _inline_max_rows(spec)
    locked.status = target
    locked.skip_invalid = skip_invalid
    locked.committed_by = user
    locked.work_started_at = timezone.now() if inline else None
    locked.save(update_fields=["status", "skip_invalid", "committed_by", "work_started_at"])
    if not inline:
        transaction.on_commit(lambda: import_dispatch(spec=spec, record_id=locked.pk))
    else:
        import_commit(spec=spec, record_id=locked.pk)
        locked.refresh_from_db()
    return locked


def import_commit(*, spec, record_id: int):
    """Re-check the kept file against the database as it is now and write it in one transaction."""
    record = _load_for_work(spec, record_id, ImportStatus.COMMITTING)
    if record is not None:
        _commit_record(spec, record, progress=_progress_writer(record, "正在写入"))
    return record


def _commit_record(spec, record, *, via: str = "", progress=None) -> ImportReport | None:
    """Write a committing record's file; the record ends committed or failed, saying why. `via` (the command
    line, the API) re-raises an unusable file or a failed write for its caller to answer."""
    try:
        report = import_process(
            spec=spec,
            scope=spec.scope_of(record),
            content=bytes(record.content),
            file_name=record.file_name,
            commit=True,
            skip_invalid=record.skip_invalid,
            record=record,
            user=record.committed_by or record.uploaded_by,
            progress=progress,
            options=spec.options_of(record),
        )
    except RecordGone:
        logger.warning("%s %s was no longer committing when its write began", spec.title, record.pk)
        return None
    except (SpreadsheetError, DatabaseError, ValidationError) as problem:
        # The transaction has rolled back: nothing of this file is in the database. A ValidationError is a
        # spec writing through a domain service that refused at the last moment (a certificate number
        # another area took since the check): the clerk reads the service's words.
        if isinstance(problem, DatabaseError):
            logger.exception("%s %s failed while writing", spec.title, record.pk)
            message = f"{via}：写入数据库时出错，已整体撤销。" if via else ROLLED_BACK
        else:
            message = "；".join(problem.messages) if isinstance(problem, ValidationError) else str(problem)
        _finish(spec, record, status=_move(record, "fail"), message=message)
        if via:
            raise
        return None
    if report.committed:
        _finish(spec, record, status=_move(record, "write"), report=report, message=f"{via}。" if via else "")
    else:
        message = f"{via}：有错误行，未写入。" if via else RECHECK_FAILED
        _finish(spec, record, status=_move(record, "fail"), report=report, message=message)
    return report


@transaction.atomic
def import_outdated(*, spec, record) -> bool:
    """A preview is out of date once another import into the same scope was committed after its upload:
    its counts were taken before that commit (committing it stays correct: the commit checks again)."""
    if record.status != ImportStatus.PREVIEW:
        return False
    later = type(record).objects.filter(status=ImportStatus.COMMITTED, finished_at__gt=record.uploaded_at)
    return later.filter(**{spec.scope_field: spec.scope_of(record)}).exclude(pk=record.pk).exists()


@transaction.atomic  # select_for_update needs a transaction (PostgreSQL refuses it in autocommit)
def import_cancel(*, spec, record, user):
    locked = spec.model.objects.select_for_update().select_related(spec.scope_field).get(pk=record.pk)
    spec.check_scope(user, spec.scope_of(locked))
    _finish(spec, locked, status=_move(locked, "cancel"), message=CANCELLED)
    return locked


def import_process(
    *,
    spec,
    scope,
    content: bytes,
    commit: bool,
    skip_invalid: bool,
    file_name: str = "",
    record=None,
    user=None,
    progress: Callable[[int, int], None] | None = None,
    options: dict | None = None,
) -> ImportReport:
    """Check a file and, when asked and allowed, write it; returns the report.

    Without `skip_invalid` any row error writes nothing. The write is one transaction holding the spec's
    lock on the scope, so two imports into one scope run one after the other. `user` is who asked
    (None on the command line)."""
    options = options or {}
    sheet = read_sheet(spec, content, rules=spec.rules(scope), file_name=file_name)
    with transaction.atomic():
        if commit and record is not None:
            _hold(record)
        locked = spec.lock(scope) if commit else scope
        if commit:
            spec.check_open(user, locked)  # a month locked since the upload refuses the write (rolled back)
        plan = spec.plan(sheet, scope=locked, user=user, options=options)
        report = _report(spec, plan, sheet)
        allowed = commit and bool(report.valid) and (skip_invalid or not report.errors) and spec.may_write(locked)
        if allowed:
            spec.write(plan, scope=locked, record=record, user=user, options=options, progress=progress)
            report.committed = True
        spec.audit("导入" if allowed else "检查", plan=plan, scope=locked, record=record, user=user, committed=allowed)
    return report


def _hold(record) -> None:
    """Lock a committing record's row for the write's transaction: the stale sweep skips a commit whose worker
    is alive, and a record failed or cancelled meanwhile is not written."""
    status = type(record).objects.select_for_update().filter(pk=record.pk).values_list("status", flat=True).first()
    if status != ImportStatus.COMMITTING:
        raise RecordGone(record.pk)


class RecordGone(Exception):
    """The committing record was cancelled or failed (the stale sweep) before its write began: nothing to do."""


def import_from_file(
    *, spec, scope, user, file_name: str, content: bytes, dry_run: bool, skip_invalid: bool, via: str, **options
):
    """The import of the command line and the API, checked and written in this process; `via` says which
    in the import history. A real run is kept in the same history as uploads from the pages; a dry run
    stores nothing. An unusable file raises SpreadsheetError; a user outside the scope PermissionDenied."""
    spec.check_scope(user, scope)
    if dry_run:
        report = import_process(
            spec=spec,
            scope=scope,
            content=content,
            file_name=file_name,
            commit=False,
            skip_invalid=skip_invalid,
            user=user,
            options=options,
        )
        return None, report
    record = _keep(
        spec,
        scope,
        user,
        file_name,
        content,
        status=ImportStatus.COMMITTING,
        skip_invalid=skip_invalid,
        work_started_at=timezone.now(),
        **options,
    )
    return record, _commit_record(spec, record, via=via)


def import_rows_checked(*, spec, record, keep_raw: bool = False, progress=None):
    """A kept file's rows as read; `keep_raw` keeps the title rows above the header (the error workbook)."""
    rules = spec.rules(spec.scope_of(record))
    return read_sheet(
        spec, bytes(record.content), rules=rules, file_name=record.file_name, keep_raw=keep_raw, progress=progress
    )
