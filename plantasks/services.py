"""Writes of the plan's tasks: the city administrator's tasks of a period, a department's quarterly report,
and copying a period's tasks forward."""

import datetime
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import AuditEntry
from accounts.scoping import user_department
from brands.models import PlanPeriod
from subsidies import evidence as evidence_files

from .models import Metric, PlanTask, TaskReport
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


# What the city administrator writes on the task page (task_create / task_update); the period is chosen once.
TASK_FIELDS = (
    "section",
    "title",
    "wording",
    "brand",
    "lead",
    "departments",
    "due",
    "metrics",
    "reporting_from",
    "sort_order",
)
# The model's constraint, and the limit of the form's number field.
SORT_ORDER_MAX = 32767


def task_fields(task: PlanTask) -> dict:
    """The task's TASK_FIELDS as they are (its departments a list)."""
    values = {name: getattr(task, name) for name in TASK_FIELDS}
    return values | {"departments": list(task.departments.all())}


def _fields_check(service: str, values: dict, *, every: bool) -> None:
    """A TypeError, as for a wrong keyword argument, for a name not among TASK_FIELDS (and, with `every`, for
    one left out)."""
    unknown = set(values) - set(TASK_FIELDS)
    if unknown:
        raise TypeError(f"{service}() got unexpected fields: {', '.join(sorted(unknown))}")
    missing = set(TASK_FIELDS) - set(values) if every else set()
    if missing:
        raise TypeError(f"{service}() missing fields: {', '.join(sorted(missing))}")


def _section_taken(*, period: PlanPeriod, section: str) -> ValidationError:
    return ValidationError({"section": f"条目“{section}”在规划期“{period}”中已被其他任务使用。"})


def _task_may_write(*, by, period: PlanPeriod, task: PlanTask | None = None) -> None:
    if not by.has_perm("plantasks.change_plantask" if task else "plantasks.add_plantask"):
        raise PermissionDenied("只有市人社局管理员可以新增或修改规划任务。")
    if period.is_closed:
        raise ValidationError(f"规划期“{period}”已结束，其任务只能查看，不能新增或修改。")


def _section_free(*, period: PlanPeriod, section: str, task: PlanTask | None = None) -> None:
    used = PlanTask.objects.filter(period=period, section=section)
    if task is not None:
        used = used.exclude(pk=task.pk)
    if used.exists():
        raise _section_taken(period=period, section=section)


def _task_values(*, period: PlanPeriod, values: dict, stored: datetime.date | None = None) -> dict:
    """The task's fields, checked and tidied: text stripped, the lead among the responsible units (it is
    added when left out: a lead unit always answers for its task), metrics known and in the list's order,
    a reporting start within the period's years. (`stored`: the task's reporting start as it is, left alone:
    the seeded tasks of 十四五 report from the quarter the system learnt of them, after the period.)"""
    values = dict(values)
    for name in ("section", "title", "wording", "due"):
        values[name] = (values[name] or "").strip()
        if not values[name]:
            label = PlanTask._meta.get_field(name).verbose_name
            raise ValidationError({name: f"请填写{label}。"})
    unknown = [code for code in values["metrics"] if code not in Metric.values]
    if unknown:
        raise ValidationError({"metrics": f"未知的关联指标：{'、'.join(map(str, unknown))}。"})
    values["metrics"] = [code for code in Metric.values if code in set(values["metrics"])]
    departments = list(values["departments"])
    if values["lead"] not in departments:
        departments.insert(0, values["lead"])
    values["departments"] = departments
    day = values["reporting_from"]
    if day != stored and not period.year_from <= day.year <= period.year_to:
        raise ValidationError(
            {
                "reporting_from": f"季度报告起始日须在规划期“{period}”的年度内（{period.year_from}–{period.year_to} 年）。"
            }
        )
    if not 0 <= values["sort_order"] <= SORT_ORDER_MAX:
        raise ValidationError({"sort_order": f"排序须在 0 至 {SORT_ORDER_MAX} 之间。"})
    return values


def _save_task(task: PlanTask, *, period: PlanPeriod, update_fields: list[str] | None = None) -> None:
    """Save, turning the database's section-once-per-period constraint (two saves at once, both checked
    before either wrote) into the same refusal as the check's."""
    try:
        with transaction.atomic():
            task.save(update_fields=update_fields)
    except IntegrityError as clash:
        if "section" not in str(clash):  # PostgreSQL names the constraint, SQLite the columns
            raise
        raise _section_taken(period=period, section=task.section) from clash


def _audit(*, by, subject: str, detail: str, request=None) -> None:
    audit_record(user=by, action=AuditEntry.Action.OTHER, subject=subject, detail=detail, request=request)


def _audit_task(*, by, task: PlanTask, verb: str, detail: str, request=None) -> None:
    _audit(by=by, subject=f"{verb}规划任务 {task.section}（{task.period.name}）", detail=detail, request=request)


@transaction.atomic
def task_create(*, by, period: PlanPeriod, request=None, **values) -> PlanTask:
    """A new task of a period that is not closed; only the city administrator. `values`: every one of
    TASK_FIELDS (sort_order may be left out: 0)."""
    values = {"sort_order": 0, **values}
    _fields_check("task_create", values, every=True)
    _task_may_write(by=by, period=period)
    values = _task_values(period=period, values=values)
    _section_free(period=period, section=values["section"])
    departments = values.pop("departments")
    task = PlanTask(period=period, **values)
    task.full_clean(exclude=["departments"])
    _save_task(task, period=period)
    task.departments.set(departments)
    _audit_task(by=by, task=task, verb="新增", detail=f"{task.title}；牵头 {task.lead}", request=request)
    return task


@transaction.atomic
def task_update(*, task: PlanTask, by, request=None, **changes) -> PlanTask:
    """Change the fields of `task` given in `changes` (names of TASK_FIELDS); its period stays, and must not
    be closed. Only the city administrator."""
    _fields_check("task_update", changes, every=False)
    task = PlanTask.objects.select_for_update(of=("self",)).select_related("period").get(pk=task.pk)
    _task_may_write(by=by, period=task.period, task=task)
    current = task_fields(task)
    values = _task_values(period=task.period, values={**current, **changes}, stored=task.reporting_from)
    _section_free(period=task.period, section=values["section"], task=task)
    departments = values.pop("departments")
    changed = [name for name, value in values.items() if getattr(task, name) != value]
    for name in changed:
        setattr(task, name, values[name])
    task.full_clean(exclude=["departments"], validate_unique=False)
    if changed:
        _save_task(task, period=task.period, update_fields=changed)
    if {d.pk for d in departments} != {d.pk for d in current["departments"]}:
        task.departments.set(departments)
        changed.append("departments")
    labels = [str(PlanTask._meta.get_field(name).verbose_name) for name in changed]
    _audit_task(by=by, task=task, verb="修改", detail="修改了：" + ("、".join(labels) or "无"), request=request)
    return task


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
    subject = f"报告任务进展 {task.section}（{quarter_label(year, quarter)}）"
    _audit(by=user, subject=subject, detail=f"{department}：{report.get_assessment_display()}", request=request)
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
        values = task_fields(task) | {"reporting_from": datetime.date(target.year_from, 1, 1)}
        departments = values.pop("departments")
        PlanTask.objects.create(period=target, **values).departments.set(departments)
        copied += 1
    return copied
