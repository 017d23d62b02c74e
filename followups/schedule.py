"""The follow-up schedule and the counting rules of 跟踪服务, written once.

A follow-up point is (outcome, N) for each N of `settings.FOLLOW_UP_MONTHS` (default 1, 3, 6, 12) of an
employment or flexible-employment outcome (创业 outcomes are not followed). Its due date is the outcome's
start date plus N calendar months (31 January + 1 month = 28 or 29 February). Points are computed, never
stored: only a recorded follow-up is a row, so an outcome recorded, corrected or deleted needs nothing
kept in step.

- **due** (待跟踪): points whose due date is on or before the day, with no follow-up recorded;
- **overdue** (已逾期): due points whose due date is more than `FOLLOW_UP_GRACE_DAYS` days before the day;
- **done** (已跟踪): recorded follow-ups;
- **retained at N months** (N 个月在岗率): of the N-month follow-ups that reached the person, the share
  still employed (same or another employer);
- **contract rate** (劳动合同签订率) and **social-insurance rate** (社会保险参保率): of the recorded follow-ups
  that reached the person and found them employed, the share with a labour contract signed / social
  insurance paid.
A rate with nothing to divide by is None. Per brand: the brand of the batch the outcome counts for
(`EmploymentOutcome.counted_batch`); per area: the area that recorded the outcome."""

import calendar
import datetime

from django.conf import settings
from django.db.models import Count, DateField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Sum, Value

from employment.models import EmploymentOutcome, OutcomeDayTally

from .models import FollowUp

FOLLOWED_KINDS = (EmploymentOutcome.Kind.EMPLOYED, EmploymentOutcome.Kind.FLEXIBLE)
RETENTION_POINTS = (6, 12)


def schedule_months() -> list[int]:
    return list(settings.FOLLOW_UP_MONTHS)


def grace_days() -> int:
    return settings.FOLLOW_UP_GRACE_DAYS


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` plus `months` calendar months (negative: minus), the day clipped to the month's last."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return day.replace(year=year, month=month + 1, day=min(day.day, calendar.monthrange(year, month + 1)[1]))


def due_on(start: datetime.date, months: int) -> datetime.date:
    return add_months(start, months)


def latest_start_due(on: datetime.date, months: int) -> datetime.date:
    """The latest start date whose `months` point falls due on or before `on`: the inverse of `due_on`,
    so "due by `on`" is a plain `start_date <= …` filter the database can index."""
    back = add_months(on, -months)
    if on.day == calendar.monthrange(on.year, on.month)[1]:
        # On a month's last day every start later in the month `months` back is due too (31 Jan → 28 Feb).
        back = back.replace(day=calendar.monthrange(back.year, back.month)[1])
    return back


def overdue_from(on: datetime.date) -> datetime.date:
    """Points due on or before this day are overdue on `on`."""
    return on - datetime.timedelta(days=grace_days() + 1)


def followed(outcomes: QuerySet) -> QuerySet:
    """The outcomes that are followed up."""
    return outcomes.filter(kind__in=FOLLOWED_KINDS)


def recorded(months: int):
    """Whether the outcome's `months` follow-up is recorded (an expression on outcomes)."""
    return Exists(FollowUp.objects.filter(outcome_id=OuterRef("pk"), months=months))


def open_points(outcomes: QuerySet, *, on: datetime.date, months: int) -> QuerySet:
    """`outcomes` whose `months` point is due by `on` and not recorded."""
    return followed(outcomes).filter(start_date__lte=latest_start_due(on, months)).exclude(recorded(months))


def overdue_condition(*, on: datetime.date, months: int) -> Q:
    return Q(start_date__lte=latest_start_due(overdue_from(on), months))


def open_point_rows(
    outcomes: QuerySet, *, on: datetime.date, months: list[int] | None = None, overdue_only: bool = False
) -> QuerySet:
    """Every open point of `outcomes` as rows (pk, months, start_date), oldest due first: one query (a UNION
    over the schedule) that pages and counts in the database."""
    parts = []
    for point in months or schedule_months():
        rows = open_points(outcomes, on=on, months=point)
        if overdue_only:
            rows = rows.filter(overdue_condition(on=on, months=point))
        # The order only: a point's due date within a day or two (calendar months vary), in any database.
        order = ExpressionWrapper(
            F("start_date") + Value(datetime.timedelta(days=round(point * 30.44))), output_field=DateField()
        )
        parts.append(rows.annotate(point=Value(point), order=order).values_list("pk", "point", "order").order_by())
    if not parts:
        return EmploymentOutcome.objects.none().values_list("pk", "pk", "start_date")
    first, *others = parts
    return (first.union(*others, all=True) if others else first).order_by("order", "pk")


def open_point_counts(*, on: datetime.date, area_id: int | None = None) -> dict[int, tuple[int, int]]:
    """(due, overdue) open points per area id (one area's when `area_id` is given): the counts of
    `open_point_rows`, taken from the outcomes' day rows (`OutcomeDayTally`) less the follow-ups recorded,
    so two small queries at any number of outcomes (the dashboard and the inbox read them)."""
    months = schedule_months()
    late = overdue_from(on)
    days = OutcomeDayTally.objects.filter(kind__in=FOLLOWED_KINDS)
    done = FollowUp.objects.filter(outcome__kind__in=FOLLOWED_KINDS)
    if area_id is not None:
        days, done = days.filter(area_id=area_id), done.filter(outcome__area_id=area_id)

    def per_area(rows: QuerySet, *, area: str, start: str, total, point) -> dict[int, list[int]]:
        """Per area: `total` over the rows due by `on` and by the overdue day, at every point of the schedule."""
        sums = {
            f"{name}_{m}": total(filter=Q(**{f"{start}__lte": latest_start_due(day, m)}) & point(m))
            for m in months
            for name, day in (("due", on), ("overdue", late))
        }
        return {
            row["area_key"]: [sum(row[f"{name}_{m}"] or 0 for m in months) for name in ("due", "overdue")]
            for row in rows.values(area_key=F(area)).annotate(**sums).order_by()
        }

    expected = per_area(days, area="area_id", start="start_date", total=_sum_outcomes, point=lambda m: Q())
    recorded = per_area(
        done, area="outcome__area_id", start="outcome__start_date", total=_count_ids, point=lambda m: Q(months=m)
    )
    return {
        area: (due - recorded.get(area, [0, 0])[0], overdue - recorded.get(area, [0, 0])[1])
        for area, (due, overdue) in expected.items()
    }


def _sum_outcomes(**options) -> Sum:
    return Sum("outcomes", **options)


def _count_ids(**options) -> Count:
    return Count("id", **options)


EMPLOYED = Q(reached=True, employment__in=[FollowUp.Employment.SAME, FollowUp.Employment.OTHER])
REACHED = Q(reached=True)
