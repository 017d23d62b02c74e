"""Every read of 跟踪服务, scoped by the requesting user (the area that recorded the outcome), and the
figures of the dashboard and `progress_report` (the counting rules are `schedule`'s)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.scoping import scope_queryset
from brands.models import Area
from brands.selectors import brand_lines, reporting_areas
from employment.models import EmploymentOutcome

from . import schedule
from .models import FollowUp


def outcomes_followed(*, user) -> QuerySet:
    """The employment and flexible-employment outcomes the user's area recorded (all areas for the city)."""
    outcomes = EmploymentOutcome.objects.select_related("trainee", "area", "employer")
    return schedule.followed(scope_queryset(outcomes, user))


def outcome_get(*, user, pk: int) -> EmploymentOutcome:
    """An outcome followed up in the user's scope; another area's (or a 创业 outcome) is a 404."""
    return get_object_or_404(outcomes_followed(user=user), pk=pk)


def follow_up_list(*, user) -> QuerySet:
    follow_ups = FollowUp.objects.select_related("outcome__trainee", "outcome__area", "outcome__employer", "wage_case")
    return scope_queryset(follow_ups, user, area_field="outcome__area").order_by("-followed_on", "-id")


def follow_up_get(*, user, pk: int) -> FollowUp:
    return get_object_or_404(follow_up_list(user=user), pk=pk)


def outcome_follow_ups(*, outcome: EmploymentOutcome) -> dict[int, FollowUp]:
    return {f.months: f for f in FollowUp.objects.filter(outcome=outcome).select_related("wage_case")}


@dataclass
class Point:
    """One point of an outcome's schedule as the pages show it."""

    months: int
    due: datetime.date
    state: str  # "recorded", "overdue", "due", "later"
    follow_up: FollowUp | None = None

    @property
    def label(self) -> str:
        return {"recorded": "已跟踪", "overdue": "已逾期", "due": "待跟踪", "later": "未到期"}[self.state]


def outcome_schedule(*, outcome: EmploymentOutcome, on: datetime.date | None = None) -> list[Point]:
    on = on or timezone.localdate()
    recorded = outcome_follow_ups(outcome=outcome)
    overdue_by = schedule.overdue_from(on)
    points = []
    for months in sorted(set(schedule.schedule_months()) | set(recorded)):
        due = schedule.due_on(outcome.start_date, months)
        if months in recorded:
            state = "recorded"
        elif due <= overdue_by:
            state = "overdue"
        elif due <= on:
            state = "due"
        else:
            state = "later"
        points.append(Point(months=months, due=due, state=state, follow_up=recorded.get(months)))
    return points


@dataclass
class WorklistItem:
    outcome: EmploymentOutcome
    months: int
    due: datetime.date
    overdue: bool
    days_late: int


def follow_up_worklist(
    *, outcomes: QuerySet, on: datetime.date | None = None, months: int | None = None, overdue_only: bool = False
) -> QuerySet:
    """The open points (outcome pk, months, order key) of `outcomes` (already scoped and filtered), oldest
    due first; `worklist_items` turns a page of them into rows."""
    return schedule.open_point_rows(
        outcomes.order_by(),
        on=on or timezone.localdate(),
        months=[months] if months else None,
        overdue_only=overdue_only,
    )


def worklist_items(rows, *, on: datetime.date | None = None) -> list[WorklistItem]:
    """A page of `follow_up_worklist` rows with their outcomes, in two queries whatever the page's size."""
    on = on or timezone.localdate()
    rows = list(rows)
    outcomes = EmploymentOutcome.objects.select_related("trainee", "area", "employer").in_bulk([r[0] for r in rows])
    overdue_by = schedule.overdue_from(on)
    items = []
    for pk, months, _order in rows:
        outcome = outcomes[pk]
        due = schedule.due_on(outcome.start_date, months)
        items.append(WorklistItem(outcome, months, due, due <= overdue_by, (on - due).days))
    return items


# --- figures --------------------------------------------------------------------------------------


def _rate(part: int, whole: int):
    return round(part / whole, 4) if whole else None


RATE_COUNTS = {
    "n_reached": Count("id", filter=schedule.REACHED),
    "n_employed": Count("id", filter=schedule.EMPLOYED),
    "n_contract": Count("id", filter=schedule.EMPLOYED & Q(contract_signed=True)),
    "n_insured": Count("id", filter=schedule.EMPLOYED & Q(social_insurance=True)),
    **{f"n_reached_{n}": Count("id", filter=schedule.REACHED & Q(months=n)) for n in schedule.RETENTION_POINTS},
    **{f"n_retained_{n}": Count("id", filter=schedule.EMPLOYED & Q(months=n)) for n in schedule.RETENTION_POINTS},
}


def _rates(counts: dict) -> dict:
    return {
        "done": counts["done"],
        **{
            f"retained_{n}_months_rate": _rate(counts[f"n_retained_{n}"], counts[f"n_reached_{n}"])
            for n in schedule.RETENTION_POINTS
        },
        "contract_rate": _rate(counts["n_contract"], counts["n_employed"]),
        "social_insurance_rate": _rate(counts["n_insured"], counts["n_employed"]),
    }


def follow_up_summary(*, area: Area | None = None, on: datetime.date | None = None, areas=None, brands=None) -> dict:
    """The `follow_up` figures of `progress_report` and the dashboard (the rules: `schedule`'s docstring), for
    `area` (the whole city when None), as of `on`: the totals, then per brand (`brands`, default all) and per
    area (`areas`, default the reporting areas). Three queries: the open points per area (`open_point_counts`,
    from the outcomes' day rows) and the recorded follow-ups per area and brand."""
    on = on or timezone.localdate()
    follow_ups = FollowUp.objects.all()
    if area is not None:
        follow_ups = follow_ups.filter(outcome__area_id=area.pk)
    open_by_area = schedule.open_point_counts(on=on, area_id=None if area is None else area.pk)
    rows = list(
        follow_ups.values(area_id=F("outcome__area_id"), brand_id=F("outcome__counted_batch__occupation__brand_id"))
        .annotate(done=Count("id"), **RATE_COUNTS)
        .order_by()
    )

    def added(selected) -> dict:
        selected = list(selected)
        return _rates({key: sum(row[key] for row in selected) for key in ("done", *RATE_COUNTS)})

    areas = [a for a in (reporting_areas() if areas is None else areas) if area is None or a.pk == area.pk]
    return {
        "as_of": on.isoformat(),
        "months": schedule.schedule_months(),
        "grace_days": schedule.grace_days(),
        "due": sum(due for due, _overdue in open_by_area.values()),
        **added(rows),
        "overdue": sum(overdue for _due, overdue in open_by_area.values()),
        "brands": [
            {"code": b.code, "name": b.name, **added(r for r in rows if r["brand_id"] == b.pk)}
            for b in (brand_lines() if brands is None else brands)
        ],
        "areas": [
            {
                "code": a.code,
                "name": a.short_name,
                "due": open_by_area.get(a.pk, [0, 0])[0],
                "overdue": open_by_area.get(a.pk, [0, 0])[1],
                "done": sum(r["done"] for r in rows if r["area_id"] == a.pk),
            }
            for a in areas
        ],
    }
