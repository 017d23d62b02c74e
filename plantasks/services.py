"""Writes of the plan's tasks: a department's quarterly report, and copying a period's tasks forward."""

import datetime
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import AuditEntry
from accounts.scoping import user_department
from brands.models import PlanPeriod
from subsidies import evidence as evidence_files

from .models import PlanTask, TaskReport
from .quarters import quarter_label, reportable_quarters

ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024


def _attachment_check(file: UploadedFile) -> str:
    name = PurePath(file.name or "").name
    if file.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError("附件不能超过 20 MB。")
    found = evidence_files.sniff(file)
    if found is None:
        raise ValidationError(f"附件只接受 {evidence_files.ACCEPTED_LABELS} 文件：“{name}”的内容不是其中任何一种。")
    suffix = PurePath(name).suffix.lower()
    if suffix not in found.extensions:
        raise ValidationError(f"文件“{name}”的内容是 {found.label}，与扩展名“{suffix or '无'}”不符。")
    return name


@transaction.atomic
def task_report_submit(
    *,
    user,
    task: PlanTask,
    year: int,
    quarter: int,
    text: str,
    assessment: str,
    attachment: UploadedFile | None = None,
    today: datetime.date | None = None,
    request=None,
) -> TaskReport:
    """Write (or rewrite) the user's department's report on `task` for a quarter. Only a department reporter
    of a department the task names; only a quarter of the task that has begun."""
    department = user_department(user)
    if department is None:
        raise PermissionDenied("只有绑定责任单位的部门填报员可以报告任务进展。")
    if not task.departments.filter(pk=department.pk).exists():
        raise PermissionDenied(f"“{department}”不是该任务的责任单位。")
    if (year, quarter) not in reportable_quarters(task, today=today or timezone.localdate()):
        raise ValidationError(f"{quarter_label(year, quarter)}不在该任务的报告季度内（尚未开始或不属于本规划期）。")
    if assessment not in TaskReport.Assessment.values:
        raise ValidationError("请选择自评状态：按进度、滞后或已完成。")
    text = text.strip()
    if not text:
        raise ValidationError("请填写进展情况。")
    report, _created = TaskReport.objects.select_for_update().get_or_create(
        task=task,
        department=department,
        year=year,
        quarter=quarter,
        defaults={"text": text, "assessment": assessment, "submitted_by": user},
    )
    report.text, report.assessment, report.submitted_by = text, assessment, user
    if attachment is not None:
        name = _attachment_check(attachment)
        report.attachment.save(name, attachment, save=False)
        report.attachment_name = name[:200]
    report.save()
    audit_record(
        user=user,
        action=AuditEntry.Action.OTHER,
        subject=f"报告任务进展 {task.section}（{quarter_label(year, quarter)}）",
        detail=f"{department}：{report.get_assessment_display()}",
        request=request,
    )
    return report


@transaction.atomic
def tasks_copy_forward(*, target: PlanPeriod, source: PlanPeriod | None = None) -> int:
    """Copy the tasks of the period before `target` (or `source`) into `target`, reporting from its first
    day; a section `target` already has is left as it is. Returns how many were copied."""
    if source is None:
        source = PlanPeriod.objects.filter(year_to__lt=target.year_from).order_by("-year_to").first()
    if source is None:
        return 0
    have = set(PlanTask.objects.filter(period=target).values_list("section", flat=True))
    copied = 0
    for task in PlanTask.objects.filter(period=source).prefetch_related("departments"):
        if task.section in have:
            continue
        copy = PlanTask.objects.create(
            period=target,
            section=task.section,
            title=task.title,
            wording=task.wording,
            brand=task.brand,
            lead=task.lead,
            due=task.due,
            metrics=task.metrics,
            reporting_from=datetime.date(target.year_from, 1, 1),
            sort_order=task.sort_order,
        )
        copy.departments.set(task.departments.all())
        copied += 1
    return copied
