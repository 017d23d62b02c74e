"""Quarters (季度) of the task reports: which ones a department owes, and when a report becomes overdue."""

import datetime

# A quarter's report is due within this many days after the quarter ends; after that, a missing one is overdue.
REPORT_GRACE_DAYS = 10


def quarter_of(day: datetime.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_start(year: int, quarter: int) -> datetime.date:
    return datetime.date(year, 3 * (quarter - 1) + 1, 1)


def quarter_end(year: int, quarter: int) -> datetime.date:
    if quarter == 4:
        return datetime.date(year, 12, 31)
    return quarter_start(year, quarter + 1) - datetime.timedelta(days=1)


def report_deadline(year: int, quarter: int) -> datetime.date:
    return quarter_end(year, quarter) + datetime.timedelta(days=REPORT_GRACE_DAYS)


def quarter_label(year: int, quarter: int) -> str:
    return f"{year}年第{quarter}季度"


def reportable_quarters(task, *, today: datetime.date) -> list[tuple[int, int]]:
    """The quarters of `task` a department reports on: from the quarter of its `reporting_from`, within its
    period's years, up to and including the current quarter (a report may be written before it is due)."""
    year, quarter = quarter_of(task.reporting_from)
    last = min(quarter_of(today), (task.period.year_to, 4))
    quarters = []
    while (year, quarter) <= last:
        if year >= task.period.year_from:
            quarters.append((year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return quarters


def due_quarters(task, *, today: datetime.date) -> list[tuple[int, int]]:
    """The reportable quarters whose deadline has passed: a missing report for one of them is overdue."""
    return [q for q in reportable_quarters(task, today=today) if report_deadline(*q) < today]
