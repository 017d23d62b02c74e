"""The abstract record of one spreadsheet upload; each spec's model subclasses it and adds its scope."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import user_link
from core.spreadsheets import format_label


class ImportStatus(models.TextChoices):
    ANALYSING = "analysing", _("正在检查")
    PREVIEW = "preview", _("待确认")
    COMMITTING = "committing", _("正在导入")
    COMMITTED = "committed", _("已导入")
    CANCELLED = "cancelled", _("已取消")
    FAILED = "failed", _("失败")


WORKING = frozenset({ImportStatus.ANALYSING, ImportStatus.COMMITTING})
# (from, action) → to: the lifecycle every import follows, enforced by core.imports.services.
TRANSITIONS = {
    (ImportStatus.ANALYSING, "check"): ImportStatus.PREVIEW,
    (ImportStatus.ANALYSING, "fail"): ImportStatus.FAILED,
    (ImportStatus.PREVIEW, "commit"): ImportStatus.COMMITTING,
    (ImportStatus.PREVIEW, "cancel"): ImportStatus.CANCELLED,
    (ImportStatus.COMMITTING, "write"): ImportStatus.COMMITTED,
    (ImportStatus.COMMITTING, "fail"): ImportStatus.FAILED,
    (ImportStatus.FAILED, "cancel"): ImportStatus.CANCELLED,
}


class ImportRecord(models.Model):
    """One upload: who, when, which file, what the check found and what the commit did.

    The file is kept in the database so a Celery worker on another machine reads it without shared
    storage, and so the commit re-checks exactly the file that was previewed."""

    Status = ImportStatus
    # Where the outbox sweep (core.imports.dispatch) finds the record's ImportSpec: a dotted path, as the
    # Celery tasks take it (core names no app).
    spec_path = ""

    uploaded_by = user_link(_("上传人"), blank=False)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    committed_by = user_link(_("确认导入人"), blank=False)
    file_name = models.CharField(_("文件名"), max_length=200)
    file_size = models.PositiveIntegerField(_("文件大小（字节）"))
    file_format = models.CharField(_("文件格式"), max_length=10, blank=True)
    encoding = models.CharField(_("文本编码"), max_length=20, blank=True, help_text=_("仅 .csv 文件"))
    content = models.BinaryField(_("文件内容"))
    status = models.CharField(_("状态"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.ANALYSING)
    skip_invalid = models.BooleanField(_("仅导入有效行"), default=False)
    rows = models.PositiveIntegerField(_("数据行"), default=0)
    valid_rows = models.PositiveIntegerField(_("有效行"), default=0)
    error_rows = models.PositiveIntegerField(_("错误行"), default=0)
    duplicate_rows = models.PositiveIntegerField(_("重复行"), default=0)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    report = models.JSONField(_("检查报告"), default=dict, blank=True)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # The outbox (core.imports.dispatch): a check or commit for a worker is recorded with the upload or the
    # confirmation, in its transaction, and this stays empty until the task was handed to the broker (or the
    # work began in-process). Empty while working = waiting for the broker.
    work_started_at = models.DateTimeField(_("交付处理时间"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return f"{self.file_name}（{self.get_status_display()}）"

    @property
    def is_working(self) -> bool:
        return self.status in WORKING

    @property
    def format_label(self) -> str:
        return format_label(self.file_format, self.encoding)

    @property
    def is_waiting(self) -> bool:
        """Recorded for a worker but not yet handed to the broker (it was unreachable): the sweep sends it."""
        return self.is_working and self.work_started_at is None

    @property
    def is_stale(self) -> bool:
        """The one out-of-date rule: a check or commit still "running" IMPORT_STALE_MINUTES after it was handed
        to a worker (or, never handed over, after the upload) has lost its worker (the task was lost, the
        machine restarted). It may then be cancelled, and the sweep marks it failed."""
        if not self.is_working or self.uploaded_at is None:
            return False
        since = self.work_started_at or self.uploaded_at
        return timezone.now() - since > datetime.timedelta(minutes=settings.IMPORT_STALE_MINUTES)
