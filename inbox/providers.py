"""The inbox's item providers, one per kind of waiting work, each asking its own app's selectors.

Roles (issue 19): clerks — imports awaiting commit, returned applications, referrals short of three, follow-ups
due, a month to report; reviewers — applications and class approvals awaiting them; the city administrator —
approvals, county reports to accept, budgets below 10% left, departments' overdue quarters; city viewers — areas
behind pace."""

from decimal import Decimal

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.scoping import scope_for
from core.imports.dispatch import import_specs
from core.imports.models import ImportStatus
from dashboard.selectors import pace_matrix
from employment.selectors import referral_tally
from followups.schedule import open_point_counts
from plans.models import MonthlyReport
from plans.models import Status as PlanStatus
from plans.selectors import previous_month, report_list, waiting_for
from plantasks.selectors import overdue_task_reports, tasks_awaiting
from subsidies.selectors import application_worklist, budget_list
from training import class_selectors
from training.class_workflow import REVIEWERS as CLASS_REVIEWERS

from .registry import Item, provider

CLERKS = {Role.COUNTY_CLERK, Role.CITY_CLERK}
COUNTY_STAFF = {Role.COUNTY_CLERK, Role.COUNTY_REVIEWER}
BUDGET_LOW_SHARE = Decimal("0.10")


def _role(user):
    return scope_for(user).role


@provider
def imports_to_commit(user) -> list[Item]:
    """The user's own uploads checked and waiting for 确认导入 (one COUNT per import kind)."""
    if _role(user) not in CLERKS | {Role.CITY_ADMIN}:
        return []
    items = []
    for spec in import_specs():
        count = spec.model.objects.filter(uploaded_by=user, status=ImportStatus.PREVIEW).count()
        if not count:
            continue
        try:
            url = reverse(spec.url("list"))
        except NoReverseMatch:  # a list per batch: the oldest waiting record's own page
            record = spec.model.objects.filter(uploaded_by=user, status=ImportStatus.PREVIEW).order_by("pk").first()
            url = reverse(spec.url("detail"), args=[record.pk])
        items.append(Item(f"imports_to_commit:{spec.model._meta.model_name}", f"{spec.title}待确认", count, url))
    return items


def _application_url(entry: dict) -> str:
    if entry["status"]:
        return f"{reverse('subsidies:application_list')}?status={entry['status']}"
    if entry["action"] == "pay":
        return f"{reverse('subsidies:application_list')}?status=approved"
    return reverse("subsidies:bulk_list", args=[entry["action"]])


@provider
def subsidy_applications(user) -> list[Item]:
    """Returned applications (clerks), applications awaiting review or approval (reviewers, the city): one query."""
    if not user.has_perm("subsidies.view_subsidyapplication"):
        return []
    wanted = {"returned", "review", "approve"}
    return [
        Item(
            f"applications_{entry['key']}",
            f"补贴申请{entry['label']}",
            entry["count"],
            _application_url(entry),
            urgent=entry["key"] == "returned",
        )
        for entry in application_worklist(user=user)
        if entry["key"] in wanted
    ]


@provider
def class_approvals(user) -> list[Item]:
    scope = scope_for(user)
    if scope.role not in CLASS_REVIEWERS and not user.is_superuser:
        return []
    count = class_selectors.approval_queue(user=user).count()
    return [Item("class_approvals", "开班申请待审批", count, reverse("training:class_queue"))]


@provider
def referrals_short_of_three(user) -> list[Item]:
    """People in the clerk's area who took part in brand training with fewer than three referrals (summary rows)."""
    scope = scope_for(user)
    if scope.role != Role.COUNTY_CLERK or scope.area is None:
        return []
    tally = referral_tally(area=scope.area)
    short = tally["trainees"] - tally["with_3_or_more"]
    return [Item("referrals_short", "参训人员岗位推荐不足 3 次", short, reverse("employment:worklist"))]


@provider
def follow_ups_due(user) -> list[Item]:
    """Open follow-up points due by today in the clerk's area (the worklist's count, from the outcomes' day rows)."""
    scope = scope_for(user)
    if scope.role != Role.COUNTY_CLERK or scope.area is None:
        return []
    due, _overdue = open_point_counts(on=timezone.localdate(), area_id=scope.area.pk).get(scope.area.pk, (0, 0))
    return [Item("follow_ups_due", "到期待跟踪回访", due, reverse("followups:worklist"))]


@provider
def month_to_report(user) -> list[Item]:
    """Last month's report of the county, not yet submitted (absent, draft or returned)."""
    scope = scope_for(user)
    if scope.role not in COUNTY_STAFF or scope.area is None:
        return []
    month = previous_month(timezone.localdate())
    done = report_list(user=user).filter(month=month, status__in=[PlanStatus.SUBMITTED, PlanStatus.ACCEPTED]).exists()
    returned = MonthlyReport.objects.filter(area=scope.area, month=month, status=PlanStatus.RETURNED).exists()
    if done:
        return []
    label = f"{month.year}年{month.month}月月报{'被退回，待修改报送' if returned else '待报送'}"
    return [Item("month_to_report", label, 1, reverse("plans:report_list"), urgent=returned)]


@provider
def county_reports_to_accept(user) -> list[Item]:
    if _role(user) != Role.CITY_ADMIN:
        return []
    waiting = waiting_for(user=user)
    reports_url, plans_url = (f"{reverse(name)}?status=submitted" for name in ("plans:report_list", "plans:plan_list"))
    return [
        Item("reports_to_accept", "县区月报待审核", waiting["reports_submitted"], reports_url),
        Item("plans_to_accept", "县区年度计划待审核", waiting["plans_submitted"], plans_url),
    ]


@provider
def budgets_running_low(user) -> list[Item]:
    """This year's budgets with less than 10% of the allocation left (remaining = allocated − approved − paid)."""
    if _role(user) != Role.CITY_ADMIN:
        return []
    year = timezone.localdate().year
    low = [
        row
        for row in budget_list(user=user, year=year)
        if row["allocated"] and row["remaining"] < row["allocated"] * BUDGET_LOW_SHARE
    ]
    label, url = f"{year}年就业补助资金余额不足 10%", f"{reverse('subsidies:budget_list')}?year={year}"
    return [Item("budgets_low", label, len(low), url, urgent=True)]


@provider
def department_overdue_quarters(user) -> list[Item]:
    """The city administrator: the departments' quarters past their deadline without a report (任务看板)."""
    if _role(user) != Role.CITY_ADMIN:
        return []
    overdue, url = overdue_task_reports(user).count, reverse("dashboard:task_board")
    return [Item("task_reports_overdue", "责任单位逾期未报季度进展", overdue, url, urgent=True)]


@provider
def quarters_to_report(user) -> list[Item]:
    """A department reporter: its department's quarters still to report (任务分工)."""
    if _role(user) != Role.DEPARTMENT_REPORTER:
        return []
    count = len(tasks_awaiting(user))
    return [Item("task_quarters_to_report", "本部门待报送的季度进展", count, reverse("plantasks:task_list"))]


@provider
def areas_behind_pace(user) -> list[Item]:
    """Areas with any brand behind pace in the current plan period (the dashboard's own flags), for city viewers:
    the dashboard's matrix alone, from the summary rows (`pace_matrix`)."""
    if _role(user) != Role.CITY_VIEWER:
        return []
    names = sorted({cell["area_name"] for cell in pace_matrix(user=user) if cell["behind_pace"]})
    label = "落后于时间进度的县区" + (f"（{'、'.join(names)}）" if names else "")
    return [Item("areas_behind_pace", label, len(names), reverse("dashboard:index"), urgent=True)]
