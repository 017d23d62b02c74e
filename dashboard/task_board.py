"""The city's task board (任务看板) of the plan's tasks: every task with each responsible department's latest
words and self-assessment, its quarters without a report (overdue), and the figures the system counts for
the task (from `progress_summary` of the same period) beside them. One builder serves the page, the print
view and the xlsx for the 农民工工作领导小组 meeting. The tasks and reports are plantasks' (a layer below)."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from brands.models import Department, PlanPeriod
from plantasks import selectors as task_selectors
from plantasks.models import Metric, PlanTask, TaskReport

from .selectors import progress_summary


@dataclass
class DepartmentLine:
    department: Department
    report: TaskReport | None
    overdue: list[str] = field(default_factory=list)  # quarter labels


@dataclass
class BoardRow:
    task: PlanTask
    status: str
    status_label: str
    figures: list[str]
    lines: list[DepartmentLine]

    @property
    def overdue_count(self) -> int:
        return sum(len(line.overdue) for line in self.lines)


def _ratio(part, whole) -> str:
    return f"{part}/{whole}" if whole else f"{part}"


def _percent(rate) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def metric_figures(task: PlanTask, progress: dict) -> list[str]:
    """The linked metrics of `task` as the dashboard counts them for the period: a brand line's task reads
    its brand's row, every other task the city's."""
    row = progress["city"]
    if task.brand_id is not None:
        row = next((b for b in progress["brands"] if b["code"] == task.brand.code), row)
    referrals, cases, found = progress["referrals"], progress["wage_cases"], progress["recognitions"]
    figures = {
        Metric.TRAININGS: lambda: f"培训 {_ratio(row['trainings'], row['trainings_target'])} 人次",
        Metric.JOBS: lambda: f"带动就业创业 {_ratio(row['jobs'], row['jobs_target'])} 人次",
        Metric.REFERRALS: lambda: (
            f"推荐满3次 {referrals['with_3_or_more']}/{referrals['trainees']} 人（{_percent(referrals['rate'])}）"
        ),
        Metric.WAGE_CLOSURE: lambda: (
            f"欠薪案件结案 {cases['closed']}/{cases['total']} 件（{_percent(cases['closure_rate'])}，目标 ≥{_percent(cases['target'])}）"
        ),
        Metric.RECOGNITIONS: lambda: (
            f"自治区级认定：示范基地 {found['training_base']['region']} · 龙头企业 {found['leading_enterprise']['region']}"
            f" · 专家工作室 {found['expert_studio']['region']}"
        ),
    }
    return [figures[code]() for code in task.metrics if code in figures]


def task_board(*, user, period: PlanPeriod | None, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    tasks = list(task_selectors.task_list(user=user, period=period)) if period is not None else []
    latest = task_selectors.latest_reports(tasks)
    overdue = task_selectors.overdue_task_reports(user, period=period, today=today).quarters if period else []
    missing: dict[tuple[int, int], list[str]] = {}
    for item in overdue:
        missing.setdefault((item.task.pk, item.department.pk), []).append(item.label)
    progress = progress_summary(user=user, period=period) if tasks else None
    rows = []
    for task in tasks:
        status = task_selectors.task_status(task, latest)
        rows.append(
            BoardRow(
                task=task,
                status=status,
                status_label=task_selectors.STATUS_LABELS[status],
                figures=metric_figures(task, progress) if progress else [],
                lines=[
                    DepartmentLine(d, latest.get((task.pk, d.pk)), missing.get((task.pk, d.pk), []))
                    for d in task.departments.all()
                ],
            )
        )
    by_department: dict[Department, dict] = {}
    for row in rows:
        for line in row.lines:
            entry = by_department.setdefault(
                line.department, {"department": line.department, "tasks": 0, "overdue": 0, "behind": 0, "done": 0}
            )
            entry["tasks"] += 1
            entry["overdue"] += len(line.overdue)
            if line.report is not None and line.report.assessment != TaskReport.Assessment.ON_TRACK:
                entry[line.report.assessment] += 1  # behind or done
    return {
        "period": period,
        "rows": rows,
        "departments": sorted(by_department.values(), key=lambda e: (e["department"].sort_order, e["department"].code)),
        "overdue_count": len(overdue),
        "as_of": today,
    }


def board_sheets(board: dict) -> list[tuple[str, list[str], list[list]]]:
    """(title, headers, rows) of the board's xlsx: one row per task × department, then the departments."""
    detail = []
    for row in board["rows"]:
        for line in row.lines:
            report = line.report
            detail.append(
                [
                    row.task.section,
                    row.task.title,
                    row.status_label,
                    "；".join(row.figures),
                    line.department.name,
                    f"{report.year}年第{report.quarter}季度" if report else "",
                    report.get_assessment_display() if report else "尚未报告",
                    report.text if report else "",
                    "、".join(line.overdue),
                ]
            )
    headers = ["条目", "任务", "任务状态", "关联指标", "责任单位", "最近报告季度", "自评", "进展情况", "逾期未报季度"]
    departments = [
        [e["department"].name, e["tasks"], e["done"], e["behind"], e["overdue"]] for e in board["departments"]
    ]
    return [
        ("任务进展", headers, detail),
        ("责任单位汇总", ["责任单位", "任务数", "自评已完成", "自评滞后", "逾期未报季度数"], departments),
    ]
