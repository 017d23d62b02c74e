"""Reads of the plan's tasks and their quarterly reports, always from the requesting user's scope: the city
(administrator, viewer) sees every task; a department reporter only its own department's; anyone else none.

A task is not an area's record: a county clerk has no permission for it and sees none here either."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from accounts.roles import CITY_ROLES, DEPARTMENT_ROLES
from accounts.scoping import scope_for, user_department
from brands.models import Department, PlanPeriod

from .models import PlanTask, TaskReport
from .quarters import due_quarters, quarter_label, reportable_quarters


def _in_scope(user, items: QuerySet, *department_lookups: str) -> QuerySet:
    """All of `items` for the city; for a department reporter those whose `department_lookups` all name its
    department; none for anyone else."""
    scope = scope_for(user)
    if scope.sees_all_areas and (scope.role in CITY_ROLES or user.is_superuser):
        return items
    department = user_department(user)
    if department is None:
        return items.none()
    return items.filter(**dict.fromkeys(department_lookups, department))


def task_list(*, user, period: PlanPeriod | None = None) -> QuerySet[PlanTask]:
    tasks = PlanTask.objects.select_related("period", "lead", "brand").prefetch_related(
        Prefetch("departments", queryset=Department.objects.order_by("sort_order", "code"))
    )
    if period is not None:
        tasks = tasks.filter(period=period)
    return _in_scope(user, tasks, "departments")


def task_get(*, user, pk: int) -> PlanTask | None:
    return task_list(user=user).filter(pk=pk).first()


def report_list(*, user) -> QuerySet[TaskReport]:
    reports = TaskReport.objects.select_related("task", "task__period", "department", "submitted_by")
    return _in_scope(user, reports, "department", "task__departments")


@dataclass
class Quarter:
    task: PlanTask
    department: Department
    year: int
    quarter: int

    @property
    def label(self) -> str:
        return quarter_label(self.year, self.quarter)


def _missing(tasks: list[PlanTask], *, today, quarters_of, department: Department | None = None) -> list[Quarter]:
    reports = TaskReport.objects.filter(task__in=tasks)
    reported = set(reports.values_list("task_id", "department_id", "year", "quarter"))
    return [
        Quarter(task, dept, year, quarter)
        for task in tasks
        for year, quarter in quarters_of(task, today=today)
        for dept in ([department] if department is not None else task.departments.all())
        if (task.pk, dept.pk, year, quarter) not in reported
    ]


@dataclass
class Overdue:
    count: int
    quarters: list[Quarter] = field(default_factory=list)  # (task, department, year, quarter) with no report


def overdue_task_reports(user, *, period: PlanPeriod | None = None, today: datetime.date | None = None) -> Overdue:
    """The departments' quarters past their deadline without a report, among the tasks `user` sees (the city
    administrator's inbox calls this); for a department reporter, its own department's."""
    today = today or timezone.localdate()
    tasks = list(task_list(user=user, period=period))
    quarters = _missing(tasks, today=today, quarters_of=due_quarters, department=user_department(user))
    return Overdue(count=len(quarters), quarters=quarters)


def tasks_awaiting(user, *, today: datetime.date | None = None) -> list[Quarter]:
    """A department reporter's quarters still to report: every reportable quarter (the current one included)
    of its department's tasks with no report yet, oldest first. Empty for anyone else."""
    department = user_department(user)
    if department is None or scope_for(user).role not in DEPARTMENT_ROLES:
        return []
    today = today or timezone.localdate()
    tasks = list(task_list(user=user))
    quarters = _missing(tasks, today=today, quarters_of=reportable_quarters, department=department)
    return sorted(quarters, key=lambda q: (q.year, q.quarter, q.task.sort_order))


def latest_reports(tasks: list[PlanTask]) -> dict[tuple[int, int], TaskReport]:
    """Each (task, department)'s latest quarterly report."""
    reports = TaskReport.objects.filter(task__in=tasks).select_related("submitted_by").order_by("year", "quarter")
    return {(report.task_id, report.department_id): report for report in reports}  # the later quarter wins


def task_status(task: PlanTask, latest: dict[tuple[int, int], TaskReport]) -> str:
    """done when every department's latest report says done; behind when any says behind; on_track when some
    report exists otherwise; none when no department has reported."""
    assessments = [latest[(task.pk, d.pk)].assessment for d in task.departments.all() if (task.pk, d.pk) in latest]
    if not assessments:
        return "none"
    if TaskReport.Assessment.BEHIND in assessments:
        return TaskReport.Assessment.BEHIND
    if len(assessments) == len(task.departments.all()) and set(assessments) == {TaskReport.Assessment.DONE}:
        return TaskReport.Assessment.DONE
    return TaskReport.Assessment.ON_TRACK


STATUS_LABELS = {
    "none": "尚未报告",
    TaskReport.Assessment.ON_TRACK: "按进度",
    TaskReport.Assessment.BEHIND: "滞后",
    TaskReport.Assessment.DONE: "已完成",
}


def tasks_with_status(tasks: QuerySet[PlanTask], status: str) -> list[int]:
    """The ids of `tasks` whose status (task_status: the departments' latest self-assessments) is `status`.
    Three queries, however many tasks and reports."""
    found = list(PlanTask.objects.filter(pk__in=tasks.values("pk")).prefetch_related("departments"))
    latest = latest_reports(found)
    return [task.pk for task in found if task_status(task, latest) == status]


def task_summary(*, period: PlanPeriod | None, today: datetime.date | None = None) -> dict:
    """`progress_report --json`'s "tasks": the period's tasks, how many are done and behind (by the departments'
    latest words), and the overdue quarters. Three queries, however many tasks and reports."""
    today = today or timezone.localdate()
    if period is None:
        return {"total": 0, "done": 0, "behind": 0, "overdue_reports": 0}
    tasks = list(PlanTask.objects.filter(period=period).select_related("period").prefetch_related("departments"))
    rows = TaskReport.objects.filter(task__period=period).order_by("year", "quarter")
    reported, latest = set(), {}
    for task_id, department_id, year, quarter, assessment in rows.values_list(
        "task_id", "department_id", "year", "quarter", "assessment"
    ):
        reported.add((task_id, department_id, year, quarter))
        latest[(task_id, department_id)] = TaskReport(assessment=assessment)
    statuses = [task_status(task, latest) for task in tasks]
    overdue = sum(
        (task.pk, department.pk, year, quarter) not in reported
        for task in tasks
        for year, quarter in due_quarters(task, today=today)
        for department in task.departments.all()
    )
    return {
        "total": len(tasks),
        "done": statuses.count(TaskReport.Assessment.DONE),
        "behind": statuses.count(TaskReport.Assessment.BEHIND),
        "overdue_reports": overdue,
    }
