"""Every read of the employment app, scoped by the requesting user; and the counting rules for jobs,
the three-referral rule and the wage-case closure rate."""

import datetime
from collections import Counter

from django.db.models import (
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.scoping import scope_for, scope_queryset, trainees_visible
from brands.models import Area
from core.db import pinyin
from training.counting import of_key
from training.models import Enrolment, PriorityCategory, Trainee, TrainingBatch
from training.selectors import training_tally_by_area_category

from .counting import (
    REFERRALS_REQUIRED,
    STARTUP_EMPLOYEES,
    counted_outcomes,
    counts_toward_three,
    job_attribution,
    referral_participations,
    took_part,
)
from .models import (
    EmploymentOutcome,
    JobReferral,
    JobTally,
    LabourExport,
    ReferralStanding,
    ReferralTally,
    WageCase,
)

WAGE_CASE_CLOSURE_TARGET = 0.98


# --- counting rules (`counting`), read from the summary rows ---------------------------------------


def job_tallies(*, area=None) -> tuple[Counter, Counter]:
    """带动就业创业人次 and 创业带动就业人数 per (area id, brand id, year), from the summary rows in one query
    (equal to the counting rule, `counting.counted_outcomes` and its `STARTUP_EMPLOYEES`, which they are
    tested against); only those counted for `area` when given."""
    rows = JobTally.objects.filter(category__isnull=True)
    if area is not None:
        rows = rows.filter(area_id=area.pk)
    jobs, employees = Counter(), Counter()
    for a, b, y, n, e in rows.values_list("area_id", "brand_id", "year", "jobs", "startup_employees"):
        jobs[(a, b, y)], employees[(a, b, y)] = n, e
    return jobs, employees


def referral_tally(*, year: int | None = None, area=None, on: datetime.date | None = None) -> dict:
    """The three-referral rule (`counting`) read from the summary rows: the rows of the people whose batch has started by
    `on` (today by default), so the figure follows the calendar with nothing written on the day."""
    totals = ReferralTally.objects.filter(
        area_id=area.pk if area is not None else Area.objects.filter(kind=Area.Kind.CITY).values("pk")[:1],
        year=year or 0,
        counted_from__lte=on or timezone.localdate(),
    ).aggregate(trainees=Sum("trainees"), with_3_or_more=Sum("with_3_or_more"))
    return _referral_rate(totals["trainees"], totals["with_3_or_more"])


def _groups(categories, trainings: dict, jobs: dict, employees: dict) -> dict:
    """The priority-group figures as the reports show them: category name → counts (category id → n)."""
    return {
        category.name: {
            "trainings": trainings.get(category.pk, 0),
            "jobs": jobs.get(category.pk, 0),
            "jobs_created_by_startups": employees.get(category.pk, 0),
        }
        for category in categories
    }


def priority_group_tallies(*, year: int | None = None, area=None, areas=(), years: range | None = None) -> dict:
    """Trainings, jobs and the people their start-ups employ, of the people in each priority category (a
    person in two categories counts in both), from the summary rows: those counted for `area` (all areas
    when None) under the key None, and each of `areas` under its id, in three queries whatever their number.
    Of `year`, else of `years` (a plan period's: the shares of its cumulative figures), else of every year."""
    jobs = JobTally.objects.filter(category__isnull=False)
    if year is not None:
        jobs = jobs.filter(year=year)
    elif years is not None:
        jobs = jobs.filter(year__gte=years.start, year__lte=years.stop - 1)
    if area is not None:
        jobs = jobs.filter(area_id=area.pk)
    trainings = training_tally_by_area_category(year=year, area=area, years=years)
    counts: dict = {}  # area id → (jobs, people employed by start-ups), each category id → n
    for area_id, category_id, n, employees in (
        jobs.values("area_id", "category_id")
        .annotate(n=Sum("jobs"), employees=Sum("startup_employees"))
        .order_by()
        .values_list("area_id", "category_id", "n", "employees")
    ):
        mine = counts.setdefault(area_id, (Counter(), Counter()))
        mine[0][category_id], mine[1][category_id] = n, employees
    categories = list(PriorityCategory.objects.all())
    result = {a.pk: _groups(categories, trainings.get(a.pk, {}), *counts.get(a.pk, ({}, {}))) for a in areas}
    totals = Counter(), Counter(), Counter()
    for counter in trainings.values():
        totals[0].update(counter)
    for job_counter, employee_counter in counts.values():
        totals[1].update(job_counter)
        totals[2].update(employee_counter)
    result[None] = _groups(categories, *totals)
    return result


def _referral_rate(trainees: int | None, with_3_or_more: int | None) -> dict:
    trainees, with_3_or_more = trainees or 0, with_3_or_more or 0
    rate = round(with_3_or_more / trainees, 4) if trainees else None
    return {"trainees": trainees, "with_3_or_more": with_3_or_more, "rate": rate}


def wage_case_summary(*, year: int | None = None, area=None) -> dict:
    cases = WageCase.objects.all()
    if year is not None:
        cases = cases.filter(received_on__year=year)
    if area is not None:
        cases = cases.filter(area_id=area.pk)
    totals = cases.aggregate(total=Count("id"), closed=Count("id", filter=Q(status=WageCase.Status.CLOSED)))
    rate = round(totals["closed"] / totals["total"], 4) if totals["total"] else None
    return {
        "total": totals["total"],
        "closed": totals["closed"],
        "closure_rate": rate,
        "target": WAGE_CASE_CLOSURE_TARGET,
    }


# --- pages ----------------------------------------------------------------------------------------


def _scoped_batches(user) -> QuerySet:
    return scope_queryset(TrainingBatch.objects.all(), user)


def trainee_for_employment(*, user, pk: int) -> Trainee:
    return get_object_or_404(trainees_visible(Trainee.objects.prefetch_related("categories"), user), pk=pk)


def trainee_referrals(*, user, trainee: Trainee) -> QuerySet:
    """The referrals of a person the caller already holds that the user's area made, in time order, each
    with `counts` (whether it counts toward the three). Another area's referrals are that area's records:
    only their number shows (`trainee_referral_totals`)."""
    return (
        scope_queryset(JobReferral.objects.filter(trainee=trainee).select_related("employer", "area"), user)
        .annotate(counts=counts_toward_three())
        .order_by("referred_on", "id")
    )


def trainee_referral_totals(*, trainee: Trainee) -> dict:
    """Every area's referrals of the person (`all`) and those that count toward the three (`counted`):
    the rule counts them all, whichever area made them."""
    return JobReferral.objects.filter(trainee=trainee).aggregate(
        all=Count("id"), counted=Count("id", filter=counts_toward_three())
    )


def first_batch_start(*, trainee: Trainee):
    """The start of the person's first brand batch: referrals count toward the three from that day."""
    return Enrolment.objects.filter(trainee=trainee).aggregate(day=Min("batch__start_date"))["day"]


def trainee_outcomes(*, user, trainee: Trainee) -> QuerySet:
    """The person's outcomes the user's area recorded or counts (for a batch it ran); another area's
    others show only as a number (`trainee_outcome_total`)."""
    outcomes = EmploymentOutcome.objects.filter(trainee=trainee)
    scope = scope_for(user)
    if not scope.sees_all_areas:
        area_id = scope.area.pk if scope.area else None
        outcomes = outcomes.filter(Q(area_id=area_id) | Q(counted_batch__area_id=area_id))
    return (
        outcomes.annotate(**job_attribution(stored=False))
        .select_related("employer", "area", "labour_export__area")
        .order_by("-start_date", "-id")
    )


def trainee_outcome_total(*, trainee: Trainee) -> int:
    return EmploymentOutcome.objects.filter(trainee=trainee).count()


def referral_worklist(*, user, conditions: dict | None = None, on: datetime.date | None = None) -> QuerySet:
    """People who took part in brand training in the user's area (from the day their batch starts,
    completed or not) with fewer than three referrals that count: priority groups first, then the
    longest-waiting (earliest start) first.

    The referral counts come from `ReferralStanding` (one row per person enrolled in a brand batch, kept
    by the services that write referrals, completions, batch dates and admin enrolments, the rows the
    dashboard counts; a roster enrolling without completion does not announce itself yet, see README):
    only the people short of three are grouped, instead of joining every participant's referrals. Who has
    started is decided here, at read time, so the list follows the calendar with nothing written on the day."""
    # One condition set for the enrolments that count (the user's scope, narrowed by `conditions`: the
    # lookups of `filters.WorklistFilter`), used both through the trainee's join (the first start,
    # grouped) and in correlated subqueries (the latest batch, for the page's rows).
    conditions = {"batch__in": _scoped_batches(user), **(conditions or {})}
    participations = Enrolment.objects.filter(took_part(on=on), **conditions)
    last_batch = participations.filter(trainee_id=OuterRef("pk")).order_by(
        "-batch__start_date", "-batch__end_date", "-id"
    )
    standing = ReferralStanding.objects.filter(trainee_id=OuterRef("pk"))
    # The first start is an aggregate over a join, not a subquery per person: PostgreSQL groups the
    # enrolments of the people short of three once, sorts, and only then looks up the referral count
    # and the latest batch for the people on the page.
    return (
        Trainee.objects.filter(
            took_part(on=on, through="enrolments__"),
            pk__in=ReferralStanding.objects.filter(referrals__lt=REFERRALS_REQUIRED).values("trainee_id"),
            **{f"enrolments__{name}": value for name, value in conditions.items()},
        )
        .annotate(first_started_on=Min("enrolments__batch__start_date"))
        .annotate(
            referral_total=Subquery(standing.values("referrals")),
            is_priority=Exists(Trainee.categories.through.objects.filter(trainee_id=OuterRef("pk"))),
            last_batch_id=Subquery(last_batch.values("batch_id")[:1]),
            last_area_id=Subquery(last_batch.values("batch__area_id")[:1]),
            last_occupation=Subquery(last_batch.values("batch__occupation__name")[:1]),
            last_area=Subquery(last_batch.values("batch__area__short_name")[:1]),
        )
        # A list per person, not a manager: the export walks tens of thousands of people.
        .prefetch_related(Prefetch("categories", to_attr="category_list"))
        .order_by(F("is_priority").desc(), "first_started_on", "name", "id")
    )


def anyone_took_part(*, user) -> bool:
    """Whether anyone has taken part in a batch of the user's area yet (a batch that has started)."""
    return referral_participations().filter(batch__in=_scoped_batches(user)).exists()


def labour_export_list(*, user) -> QuerySet:
    return (
        scope_queryset(LabourExport.objects.select_related("agency", "area", "employer"), user)
        .annotate(people=Count("outcomes"))
        .order_by("-departed_on", "-id")
    )


def labour_export_get(*, user, pk: int) -> LabourExport:
    return get_object_or_404(labour_export_list(user=user), pk=pk)


def labour_export_members(*, export: LabourExport) -> QuerySet:
    return (
        export.outcomes.select_related("trainee", "employer")
        .prefetch_related("trainee__categories")
        .order_by(pinyin("trainee__name"), "id")
    )


def wage_case_list(*, user) -> QuerySet:
    """The wage cases of the user's scope, latest first (`filters.WageCaseFilter` narrows them)."""
    return scope_queryset(WageCase.objects.select_related("area", "employer"), user).order_by("-received_on", "-id")


def wage_case_get(*, user, pk: int) -> WageCase:
    return get_object_or_404(wage_case_list(user=user), pk=pk)


def wage_case_rates_by_area(*, user) -> list[dict]:
    """Closure rate per area in the user's scope, against the plan's 98%."""
    rows = (
        scope_queryset(WageCase.objects.all(), user)
        .values("area_id", "area__short_name", "area__sort_order")
        .annotate(total=Count("id"), closed=Count("id", filter=Q(status=WageCase.Status.CLOSED)))
        .order_by("area__sort_order")
    )
    return [closure_row(row["area__short_name"], total=row["total"], closed=row["closed"]) for row in rows]


def closure_row(area: str, *, total: int, closed: int) -> dict:
    """A row of the closure-rate table: the counts, the rate (None with no case) and the percentage the page
    draws, against the plan's 98%."""
    rate = closed / total if total else None
    return {
        "area": area,
        "total": total,
        "closed": closed,
        "open": total - closed,
        "rate": rate,
        "percent": rate * 100 if rate is not None else 0,
        "meets_target": rate is not None and rate >= WAGE_CASE_CLOSURE_TARGET,
    }


def first_completion(*, trainee: Trainee):
    return Enrolment.objects.filter(trainee=trainee, completed=True).aggregate(day=Min("batch__end_date"))["day"]


def referral_list(*, user) -> QuerySet:
    """The referrals the user's area made, newest first."""
    return scope_queryset(JobReferral.objects.select_related("trainee", "area", "employer"), user).order_by(
        "-referred_on", "-id"
    )


def referral_get(*, user, pk: int) -> JobReferral:
    """A referral the user's area made (the one whose result the user may record); 404 otherwise."""
    return get_object_or_404(referral_list(user=user), pk=pk)


def outcome_list(*, user) -> QuerySet:
    """The employment and start-up outcomes the user's area recorded, newest first."""
    return scope_queryset(EmploymentOutcome.objects.select_related("trainee", "area", "employer"), user).order_by(
        "-start_date", "-id"
    )


def labour_export_candidates(*, user) -> QuerySet:
    """Trainees who completed a batch in the user's area: the people a labour-export group may send."""
    completed = Enrolment.objects.filter(completed=True, batch__in=_scoped_batches(user))
    last_occupation = completed.filter(trainee_id=OuterRef("pk")).order_by("-batch__end_date", "-id")
    return (
        Trainee.objects.filter(pk__in=completed.values("trainee_id"))
        .annotate(last_occupation=Subquery(last_occupation.values("batch__occupation__name")[:1]))
        .order_by(pinyin("name"), "id")
    )


def counted_jobs(*, user, area=None, brand=None, year: int | None = None, years: range | None = None) -> QuerySet:
    """The outcomes behind a 带动就业创业人次 figure (the dashboard's drill-down): those counted for an area
    in the user's scope, with the batch they count for (`counted_batch`)."""
    outcomes = scope_queryset(
        counted_outcomes(
            EmploymentOutcome.objects.select_related(
                "trainee", "employer", "counted_batch__area", "counted_batch__occupation__brand"
            )
        ),
        user,
        area_field="counted_batch__area",
    ).filter(of_key(area=area, brand=brand, year=year, years=years))
    return outcomes.order_by("-start_date", "trainee__name", "id")


def startup_employees_of(outcomes: QuerySet) -> int:
    """The people the start-ups among `outcomes` (e.g. `counted_jobs`) employ, under `STARTUP_EMPLOYEES`."""
    return outcomes.order_by().aggregate(n=STARTUP_EMPLOYEES)["n"]
