"""Every read of the plans app, scoped by the requesting user (accounts.scoping)."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from accounts.models import MonthLock
from accounts.scoping import scope_areas, scope_queryset
from brands.models import Area, BrandLine
from employment.counting import counted_outcomes, counted_referrals, referral_participations
from employment.models import JobReferral, WageCase
from training.counting import completed_trainings
from training.models import TrainingBatch

from .models import AnnualPlan, AnnualPlanLine, KeyProject, Milestone, MonthlyReport, Status


def plan_list(*, user) -> QuerySet:
    plans = scope_queryset(AnnualPlan.objects.select_related("area"), user)
    # Ordered again: an aggregate drops the model's ordering.
    return plans.annotate(project_count=Count("projects", distinct=True)).order_by("-year", "area__sort_order", "pk")


def plan_get(*, user, pk: int) -> AnnualPlan | None:
    """One plan with its lines and projects (and their milestones); None outside the user's scope (404)."""
    projects = KeyProject.objects.select_related("brand").prefetch_related("milestones")
    return (
        scope_queryset(AnnualPlan.objects.select_related("area"), user)
        .prefetch_related(
            Prefetch("lines", AnnualPlanLine.objects.select_related("brand")), Prefetch("projects", projects)
        )
        .filter(pk=pk)
        .first()
    )


def milestone_get(*, user, pk: int) -> Milestone | None:
    queryset = Milestone.objects.select_related("project__plan__area")
    return scope_queryset(queryset, user, area_field="project__plan__area").filter(pk=pk).first()


def overdue_milestones(*, user, today: datetime.date | None = None) -> QuerySet:
    """Milestones past their due date and not done, of the plans the user sees (the dashboard's and the
    county home page's flag)."""
    today = today or timezone.localdate()
    queryset = Milestone.objects.filter(done_on__isnull=True, due_date__lt=today).select_related(
        "project__plan__area", "project__brand"
    )
    return scope_queryset(queryset, user, area_field="project__plan__area").order_by("due_date", "pk")


def report_list(*, user) -> QuerySet:
    return scope_queryset(MonthlyReport.objects.select_related("area"), user)


def report_get(*, user, pk: int) -> MonthlyReport | None:
    return report_list(user=user).filter(pk=pk).first()


def month_end(month: datetime.date) -> datetime.date:
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def previous_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def reportable_months(*, today: datetime.date | None = None, count: int = 12) -> list[datetime.date]:
    """The last `count` ended months, newest first: the months a county may report."""
    month = previous_month(today or timezone.localdate())
    months = []
    for _ in range(count):
        months.append(month)
        month = previous_month(month)
    return months


FIGURE_LABELS = {
    "batches_started": "新开培训班期（个）",
    "participants": "新参训人次",
    "trainings": "培训人次（结业）",
    "jobs": "带动就业创业人次",
    "referrals": "岗位推荐次数（计入每人 3 次）",
    "wage_cases_received": "受理欠薪案件（件）",
    "wage_cases_closed": "结案欠薪案件（件）",
}


def month_figures(*, area: Area, month: datetime.date) -> dict:
    """An area's figures of one month, computed by the counting rules (training.counting,
    employment.counting), never typed: totals, and trainings and jobs per brand line (by code)."""
    return figures_between(area=area, first=month, last=month_end(month))


def reportable_years(*, today: datetime.date | None = None, count: int = 3) -> list[int]:
    """The last `count` ended years, newest first: the years a county may report (年报)."""
    year = (today or timezone.localdate()).year
    return [year - n for n in range(1, count + 1)]


def report_last_day(report: MonthlyReport) -> datetime.date:
    return datetime.date(report.month.year, 12, 31) if report.is_yearly else month_end(report.month)


def report_figures(report: MonthlyReport) -> dict:
    """The report's figures computed now: of its month, or of its whole year for a yearly report."""
    return figures_between(area=report.area, first=report.month, last=report_last_day(report))


def report_due(report: MonthlyReport) -> datetime.date:
    """A monthly report is due in the following month; a yearly one with December's (in January)."""
    return report_deadline(report_last_day(report).replace(day=1))


def figures_between(*, area: Area, first: datetime.date, last: datetime.date) -> dict:
    """An area's figures dated from `first` to `last` (a month, or a year for the 年报), by the same rules."""
    trainings = completed_trainings().filter(counted_area_id=area.pk, batch__end_date__range=(first, last))
    jobs = counted_outcomes().filter(counted_area_id=area.pk, start_date__range=(first, last))
    by_brand: dict[str, dict] = {}
    brands = dict(BrandLine.objects.values_list("pk", "code"))
    for name, records in (("trainings", trainings), ("jobs", jobs)):
        for row in records.values("counted_brand_id").annotate(n=Count("id")).order_by():
            code = brands.get(row["counted_brand_id"], "")
            by_brand.setdefault(code, {"trainings": 0, "jobs": 0})[name] = row["n"]
    return {
        "batches_started": TrainingBatch.objects.filter(area=area, start_date__range=(first, last)).count(),
        "participants": referral_participations()
        .filter(counted_area_id=area.pk, counted_from__range=(first, last))
        .count(),
        "trainings": trainings.count(),
        "jobs": jobs.count(),
        "referrals": counted_referrals(JobReferral.objects.filter(area=area, referred_on__range=(first, last))).count(),
        "wage_cases_received": WageCase.objects.filter(area=area, received_on__range=(first, last)).count(),
        "wage_cases_closed": WageCase.objects.filter(area=area, closed_on__range=(first, last)).count(),
        "by_brand": by_brand,
    }


def figures_shown(figures: dict) -> dict:
    """The figures as the report page lists them: [(label, value)] and [(brand name, trainings, jobs)]."""
    names = dict(BrandLine.objects.values_list("code", "name"))
    return {
        "totals": [(label, figures.get(key, 0)) for key, label in FIGURE_LABELS.items()],
        "brands": [
            (names.get(code, code), values.get("trainings", 0), values.get("jobs", 0))
            for code, values in sorted((figures.get("by_brand") or {}).items())
        ],
    }


def report_deadline(month: datetime.date) -> datetime.date:
    """The day a month's report is due: the MONTHLY_REPORT_DEADLINE_DAY of the following month."""
    following = month_end(month) + datetime.timedelta(days=1)
    return following.replace(day=min(max(settings.MONTHLY_REPORT_DEADLINE_DAY, 1), 28))


@dataclass(frozen=True)
class Timeliness:
    code: str  # on_time, late, missing, pending
    label: str
    badge: str


ON_TIME = Timeliness("on_time", "按时报送", "text-bg-success")
LATE = Timeliness("late", "逾期报送", "text-bg-warning")
MISSING = Timeliness("missing", "逾期未报", "text-bg-danger")
PENDING = Timeliness("pending", "未到报送期限", "text-bg-light")


def timeliness_of(
    report: MonthlyReport | None, month: datetime.date, today: datetime.date, *, deadline: datetime.date | None = None
) -> Timeliness:
    deadline = deadline or report_deadline(month)
    if report is None or report.first_submitted_at is None:
        return MISSING if today > deadline else PENDING
    submitted = timezone.localtime(report.first_submitted_at).date()
    return ON_TIME if submitted <= deadline else LATE


def report_timeliness(*, user, months: int = 6, today: datetime.date | None = None) -> dict:
    """Each area's reporting timeliness over the last `months` ended months (the dashboard's table): rows of
    (area, [(month, timeliness, report)]), in two queries whatever the number of areas."""
    today = today or timezone.localdate()
    shown = reportable_months(today=today, count=months)
    areas = list(scope_areas(user).exclude(kind=Area.Kind.CITY))
    reports = {
        (report.area_id, report.month): report
        for report in report_list(user=user).filter(kind=MonthlyReport.Kind.MONTH, month__in=shown, area__in=areas)
    }
    rows = []
    for area in areas:
        cells = []
        for month in shown:
            report = reports.get((area.pk, month))
            cells.append({"month": month, "timeliness": timeliness_of(report, month, today), "report": report})
        rows.append({"area": area, "cells": cells})
    return {"months": shown, "rows": rows, "deadline_day": settings.MONTHLY_REPORT_DEADLINE_DAY}


def waiting_for(*, user) -> dict:
    """What waits for the user: plans and reports submitted (for the city), returned (for the county)."""
    plans, reports = plan_list(user=user), report_list(user=user)
    return {
        "plans_submitted": plans.filter(status=Status.SUBMITTED).count(),
        "reports_submitted": reports.filter(status=Status.SUBMITTED).count(),
        "plans_returned": plans.filter(status=Status.RETURNED).count(),
        "reports_returned": reports.filter(status=Status.RETURNED).count(),
    }


def project_get(*, user, pk: int) -> KeyProject | None:
    queryset = KeyProject.objects.select_related("plan__area", "brand")
    return scope_queryset(queryset, user, area_field="plan__area").filter(pk=pk).first()


def month_lock_of(report: MonthlyReport):
    """The lock record of the report's month (locked, or reopened with its reason), if any; a yearly report
    locks nothing itself."""
    if report.is_yearly:
        return None
    return MonthLock.objects.filter(area=report.area_id, month=report.month).select_related("reopened_by").first()


def plan_flags(*, user, timeliness: bool = True) -> dict:
    """What the dashboard and the home page show of the plans: overdue milestones (the first 20 and how many
    there are) and, when asked, each area's reporting timeliness; empty for a user who may not see plans."""
    if not user.has_perm("plans.view_annualplan"):
        return {}
    overdue = overdue_milestones(user=user)
    shown = list(overdue[:20])
    flags = {"overdue": shown, "overdue_count": len(shown) if len(shown) < 20 else overdue.count()}
    if timeliness and user.has_perm("plans.view_monthlyreport"):
        flags["timeliness"] = report_timeliness(user=user)
    return flags
