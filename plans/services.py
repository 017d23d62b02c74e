"""Every write of the plans app: annual plans, key projects and milestones, monthly reports. Each step of a
plan's or report's path goes through `workflow.step_check` and leaves an entry in the audit trail."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.audit import AuditEntry, audit_record
from accounts.scoping import first_of_month, require_area, scope_for
from accounts.services import month_lock, month_reopen
from brands.models import Area, BrandLine, Target
from brands.selectors import period_containing

from . import selectors, workflow
from .models import AnnualPlan, AnnualPlanLine, KeyProject, Milestone, MonthlyReport

PLAN_WORK = "编制年度计划"
REPORT_WORK = "填报月报"
TARGET_NOTE = "县区年度计划（市人社局审核通过）"


def _audit(user, item, detail: str) -> None:
    audit_record(user=user, action=AuditEntry.Action.OTHER, subject=str(item), area=item.area, detail=detail[:500])


def _reason(action: str, reason: str) -> str:
    reason = (reason or "").strip()
    if workflow.ACTIONS[action].needs_reason and not reason:
        raise ValidationError(f"请填写{workflow.ACTIONS[action].verb}的原因。")
    return reason[:300]


# --- annual plans ---------------------------------------------------------------------------------------


@transaction.atomic
def annual_plan_create(*, user, year: int, area: Area | None = None) -> AnnualPlan:
    """A county clerk's draft plan for `year`, with a line (zeros) for every brand line."""
    if scope_for(user).role not in workflow.roles_taking(workflow.PLAN, "update"):
        raise PermissionDenied("只有县区经办员可以编制年度计划。")
    area = require_area(user, area, action=PLAN_WORK)
    if area.kind == Area.Kind.CITY:
        raise ValidationError("年度计划由各县区编制，请选择县区。")
    this_year = timezone.localdate().year
    if not this_year - 1 <= year <= this_year + 1:
        raise ValidationError(f"只能编制 {this_year - 1}–{this_year + 1} 年度的计划。")
    period = period_containing(year)
    if period is None:  # accepting it would write targets no period holds
        raise ValidationError(f"{year} 年不在任何规划期内：请先由市人社局管理员建立该规划期，再编制年度计划。")
    if period.is_closed:
        raise ValidationError(f"{year} 年所属的“{period.name}”规划期已经结束，不能再编制该年度计划。")
    if AnnualPlan.objects.filter(area=area, year=year).exists():
        raise ValidationError(f"{area.short_name}{year} 年度计划已经存在，请在计划列表中打开它。")
    plan = AnnualPlan.objects.create(area=area, year=year, created_by=user)
    AnnualPlanLine.objects.bulk_create(AnnualPlanLine(plan=plan, brand=brand) for brand in BrandLine.objects.all())
    _audit(user, plan, "新建年度计划")
    return plan


@transaction.atomic
def annual_plan_update(*, plan: AnnualPlan, user, lines: dict[int, tuple[int, int]], note: str = "") -> AnnualPlan:
    """Planned trainings and jobs per brand line ({brand id: (trainings, jobs)}) and the note."""
    workflow.step_check(plan, action="update", user=user)
    for brand_id, (trainings, jobs) in lines.items():
        if trainings < 0 or jobs < 0:
            raise ValidationError("计划人次不能为负数。")
        AnnualPlanLine.objects.update_or_create(
            plan=plan, brand_id=brand_id, defaults={"trainings": trainings, "jobs": jobs}
        )
    plan.note = note.strip()
    plan.save(update_fields=["note"])
    return plan


@transaction.atomic
def key_project_add(
    *, plan: AnnualPlan, user, name: str, brand: BrandLine, responsible_unit: str, planned_investment: Decimal
) -> KeyProject:
    workflow.step_check(plan, action="update", user=user)
    if planned_investment < 0:
        raise ValidationError("计划投资不能为负数。")
    project = KeyProject(
        plan=plan,
        name=name.strip(),
        brand=brand,
        responsible_unit=responsible_unit.strip(),
        planned_investment=planned_investment,
    )
    project.full_clean()
    project.save()
    _audit(user, plan, f"新增重点建设项目：{project.name}")
    return project


@transaction.atomic
def key_project_remove(*, project: KeyProject, user) -> None:
    workflow.step_check(project.plan, action="update", user=user)
    _audit(user, project.plan, f"删除重点建设项目：{project.name}")
    project.delete()


@transaction.atomic
def milestone_add(*, project: KeyProject, user, title: str, due_date: datetime.date) -> Milestone:
    workflow.step_check(project.plan, action="update", user=user)
    if due_date.year not in (project.plan.year, project.plan.year + 1):
        raise ValidationError(f"节点的计划完成日期应在 {project.plan.year} 年度内（最迟次年）。")
    milestone = Milestone(project=project, title=title.strip(), due_date=due_date)
    milestone.full_clean()
    milestone.save()
    return milestone


@transaction.atomic
def milestone_progress(
    *, milestone: Milestone, user, progress: int, done_on: datetime.date | None = None, note: str = ""
) -> Milestone:
    """The county's progress on a milestone: a percentage, and the day it was done once at 100%."""
    workflow.step_check(milestone.project.plan, action="progress", user=user)
    if not 0 <= progress <= 100:
        raise ValidationError("完成进度应在 0–100 之间。")
    if done_on is not None and progress != 100:
        raise ValidationError("填写了实际完成日期的节点，完成进度应为 100%。")
    if progress == 100 and done_on is None:
        raise ValidationError("完成进度为 100% 时请填写实际完成日期。")
    if done_on is not None and done_on > timezone.localdate():
        raise ValidationError("实际完成日期不能晚于今天。")
    milestone.progress, milestone.done_on, milestone.progress_note = progress, done_on, note.strip()[:200]
    milestone.updated_at, milestone.updated_by = timezone.now(), user
    milestone.save(update_fields=["progress", "done_on", "progress_note", "updated_at", "updated_by"])
    _audit(user, milestone.project.plan, f"节点“{milestone.title}”进度 {progress}%")
    return milestone


def _write_targets(plan: AnnualPlan) -> int:
    """The accepted plan's lines as that year's area targets (area × brand × year × metric)."""
    written = 0
    for line in plan.lines.all():
        for metric, value in ((Target.Metric.TRAININGS, line.trainings), (Target.Metric.JOBS, line.jobs)):
            if value <= 0:
                continue
            Target.objects.update_or_create(
                area=plan.area,
                brand=line.brand,
                year_from=plan.year,
                year_to=plan.year,
                metric=metric,
                defaults={"value": value, "note": TARGET_NOTE},
            )
            written += 1
    return written


@transaction.atomic
def plan_step(*, plan: AnnualPlan, user, action: str, reason: str = "") -> AnnualPlan:
    """Submit (county reviewer), accept or return (city administrator) an annual plan. Accepting writes the
    plan's lines as that year's area targets."""
    plan = AnnualPlan.objects.select_for_update().select_related("area").get(pk=plan.pk)
    step = workflow.step_check(plan, action=action, user=user)
    reason = _reason(action, reason)
    now = timezone.now()
    fields = ["status"]
    if action == "submit":
        if not plan.lines.filter(trainings__gt=0).exists() and not plan.lines.filter(jobs__gt=0).exists():
            raise ValidationError("年度计划还没有填写任何品牌的计划培训或就业人次，不能报送。")
        plan.submitted_by, plan.submitted_at = user, now
        fields += ["submitted_by", "submitted_at"]
    else:
        plan.decided_by, plan.decided_at, plan.return_reason = user, now, reason
        fields += ["decided_by", "decided_at", "return_reason"]
    plan.status = step.to
    plan.save(update_fields=fields)
    detail = workflow.ACTIONS[action].verb + (f"：{reason}" if reason else "")
    if action == "accept":
        detail += f"；写入 {_write_targets(plan)} 项年度目标"
    _audit(user, plan, detail)
    return plan


# --- monthly reports ------------------------------------------------------------------------------------


@transaction.atomic
def report_open(*, user, month: datetime.date, area: Area | None = None) -> MonthlyReport:
    """The county's report of an ended month, as a draft when there is none yet."""
    if scope_for(user).role not in workflow.roles_taking(workflow.REPORT, "update"):
        raise PermissionDenied("只有县区经办员或审核员可以填报月报。")
    area = require_area(user, area, action=REPORT_WORK)
    month = first_of_month(month)
    if month not in selectors.reportable_months(count=24):
        raise ValidationError("只能填报最近 24 个月中已经结束的月份。")
    return _report_get_or_create(user=user, area=area, kind=MonthlyReport.Kind.MONTH, month=month)


@transaction.atomic
def yearly_report_open(*, user, year: int, area: Area | None = None) -> MonthlyReport:
    """The county's report of an ended year (年报), as a draft when there is none yet: its figures are the
    year's, computed like a month's, and it goes the monthly report's path (without locking)."""
    if scope_for(user).role not in workflow.roles_taking(workflow.YEAR_REPORT, "update"):
        raise PermissionDenied("只有县区经办员或审核员可以填报年报。")
    area = require_area(user, area, action=REPORT_WORK)
    if year not in selectors.reportable_years():
        raise ValidationError("只能填报最近 3 个已经结束的年度。")
    return _report_get_or_create(user=user, area=area, kind=MonthlyReport.Kind.YEAR, month=datetime.date(year, 1, 1))


def _report_get_or_create(*, user, area: Area, kind: str, month: datetime.date) -> MonthlyReport:
    """The area's report of `kind` for `month`, made a draft (and audited) when there is none yet."""
    try:
        with transaction.atomic():
            report, created = MonthlyReport.objects.get_or_create(
                area=area, kind=kind, month=month, defaults={"created_by": user}
            )
    except IntegrityError:  # two clerks opening the same month or year at once
        report, created = MonthlyReport.objects.get(area=area, kind=kind, month=month), False
    if created:
        _audit(user, report, "新建年报" if kind == MonthlyReport.Kind.YEAR else "新建月报")
    return report


@transaction.atomic
def report_update(*, report: MonthlyReport, user, note: str) -> MonthlyReport:
    workflow.step_check(report, action="update", user=user)
    report.note = note.strip()
    report.save(update_fields=["note"])
    return report


@transaction.atomic
def report_step(*, report: MonthlyReport, user, action: str, reason: str = "") -> MonthlyReport:
    """Submit (county reviewer: the figures are computed now and kept), accept (city administrator: the
    month is locked), return, or reopen an accepted month (city administrator, with a reason: the month is
    unlocked and the report goes back to the county)."""
    report = MonthlyReport.objects.select_for_update().select_related("area").get(pk=report.pk)
    step = workflow.step_check(report, action=action, user=user)
    reason = _reason(action, reason)
    now = timezone.now()
    fields = ["status"]
    if action == "submit":
        report.figures = selectors.report_figures(report)
        report.submitted_by, report.submitted_at = user, now
        report.first_submitted_at = report.first_submitted_at or now
        fields += ["figures", "submitted_by", "submitted_at", "first_submitted_at"]
    else:
        report.decided_by, report.decided_at, report.return_reason = user, now, reason
        fields += ["decided_by", "decided_at", "return_reason"]
    if action == "accept" and not report.is_yearly:  # a year's months are locked by their monthly reports
        month_lock(area=report.area, month=report.month, user=user)
    elif action == "reopen":
        month_reopen(area=report.area, month=report.month, user=user, reason=reason)
    report.status = step.to
    report.save(update_fields=fields)
    _audit(user, report, workflow.ACTIONS[action].verb + (f"：{reason}" if reason else ""))
    return report
