"""Every read of the employment app, scoped by the requesting user; and the counting rules for jobs,
the three-referral rule and the wage-case closure rate."""

from collections import Counter

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from accounts.scoping import scope_for, scope_queryset
from brands.models import Area
from training.models import Enrolment, PriorityCategory, Trainee, TrainingBatch
from training.selectors import training_tally_by_area_category

from .models import (
    EmploymentOutcome,
    JobReferral,
    JobTally,
    LabourExport,
    ReferralStanding,
    ReferralTally,
    WageCase,
)

REFERRALS_REQUIRED = 3
WAGE_CASE_CLOSURE_TARGET = 0.98


# --- counting rules --------------------------------------------------------------------------------


def attributed_enrolments():
    """For an outcome (OuterRef), the completed enrolment it is attributed to: the person's most
    recent completed training whose batch started on or before the outcome's start date. An outcome
    before any training is no result of the programme and is not counted."""
    return Enrolment.objects.filter(
        trainee_id=OuterRef("trainee_id"), completed=True, batch__start_date__lte=OuterRef("start_date")
    ).order_by("-batch__start_date", "-batch__end_date", "-id")


def attributed_outcomes(outcomes: QuerySet | None = None) -> QuerySet:
    """Outcomes annotated with the area and brand of the batch they count for (None: not counted)."""
    latest = attributed_enrolments()
    outcomes = EmploymentOutcome.objects.all() if outcomes is None else outcomes
    return outcomes.annotate(
        counted_area_id=Subquery(latest.values("batch__area_id")[:1]),
        counted_brand_id=Subquery(latest.values("batch__occupation__brand_id")[:1]),
    )


# 带动就业 by start-ups: the people an entrepreneurship outcome employs (`jobs_created`, the founder not
# included), counted where and when the outcome counts (its `counted_batch`, the year of its start date).
# An aggregate over outcomes, used by the summary rows and by the rule they are tested against.
STARTUP_EMPLOYEES = Sum("jobs_created", filter=Q(kind=EmploymentOutcome.Kind.ENTREPRENEURSHIP), default=0)


def _counted_per_area_brand(measure, *, year: int | None = None, trainees: QuerySet | None = None) -> Counter:
    """`measure` (an aggregate) of the counted outcomes per (area id, brand id) of the batch they count for,
    in the year of the outcome's start date when given."""
    outcomes = EmploymentOutcome.objects.all()
    if year is not None:
        outcomes = outcomes.filter(start_date__year=year)
    if trainees is not None:
        outcomes = outcomes.filter(trainee__in=trainees)
    rows = (
        attributed_outcomes(outcomes)
        .filter(counted_area_id__isnull=False)
        .values("counted_area_id", "counted_brand_id")
        .annotate(n=measure)
    )
    return Counter({(row["counted_area_id"], row["counted_brand_id"]): row["n"] for row in rows})


def job_counts(*, year: int | None = None, trainees: QuerySet | None = None) -> Counter:
    """带动就业创业人次 per (area id, brand id): outcomes attributed to a batch (area that ran it, brand of
    its occupation), in the year of the outcome's start date."""
    return _counted_per_area_brand(Count("id"), year=year, trainees=trainees)


def startup_employee_counts(*, year: int | None = None) -> Counter:
    """创业带动就业人数 per (area id, brand id): the people employed by the start-ups among the counted
    outcomes, attributed as the outcomes are (`STARTUP_EMPLOYEES`)."""
    return _counted_per_area_brand(STARTUP_EMPLOYEES, year=year)


def job_tallies(*, area=None) -> tuple[Counter, Counter]:
    """`job_tally` and `startup_employee_tally`, read in one query."""
    rows = JobTally.objects.filter(category__isnull=True)
    if area is not None:
        rows = rows.filter(area_id=area.pk)
    jobs, employees = Counter(), Counter()
    for a, b, y, n, e in rows.values_list("area_id", "brand_id", "year", "jobs", "startup_employees"):
        jobs[(a, b, y)], employees[(a, b, y)] = n, e
    return jobs, employees


def job_tally(*, area=None) -> Counter:
    """带动就业创业人次 per (area id, brand id, year) from the summary rows (equal to `job_counts` by year, which
    they are tested against); only the jobs counted for `area` when given."""
    return job_tallies(area=area)[0]


def startup_employee_tally(*, area=None) -> Counter:
    """创业带动就业人数 per (area id, brand id, year) from the summary rows (equal to `startup_employee_counts`
    by year); only those counted for `area` when given."""
    return job_tallies(area=area)[1]


def referral_tally(*, year: int | None = None, area=None) -> dict:
    """`referral_summary` read from the summary rows."""
    row = (
        ReferralTally.objects.filter(
            area_id=area.pk if area is not None else Area.objects.filter(kind=Area.Kind.CITY).values("pk")[:1],
            year=year or 0,
        )
        .values("trainees", "with_3_or_more")
        .first()
    ) or {"trainees": 0, "with_3_or_more": 0}
    rate = round(row["with_3_or_more"] / row["trainees"], 4) if row["trainees"] else None
    return {"trainees": row["trainees"], "with_3_or_more": row["with_3_or_more"], "rate": rate}


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


def priority_group_tally(*, year: int | None = None, area=None) -> dict:
    """`priority_group_counts` read from the summary rows."""
    return priority_group_tallies(year=year, area=area)[None]


def priority_group_tallies(*, year: int | None = None, area=None, areas=()) -> dict:
    """`priority_group_tally` (under the key None) and that of each of `areas` (under its id), from the
    summary rows in three queries whatever the number of areas."""
    jobs = JobTally.objects.filter(category__isnull=False)
    if year is not None:
        jobs = jobs.filter(year=year)
    if area is not None:
        jobs = jobs.filter(area_id=area.pk)
    trainings = training_tally_by_area_category(year=year, area=area)
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


def _completed_trainees(year: int | None = None, area=None) -> QuerySet:
    enrolments = Enrolment.objects.filter(completed=True)
    if year is not None:
        enrolments = enrolments.filter(batch__end_date__year=year)
    if area is not None:
        enrolments = enrolments.filter(batch__area_id=area.pk)
    return Trainee.objects.filter(pk__in=enrolments.values("trainee_id"))


def referral_summary(*, year: int | None = None, area=None) -> dict:
    """The three-referral rule over trainees with a completed enrolment (in `year`, by batch end date;
    in a batch of `area` when given). Referrals count from every area."""
    referral_count = (
        JobReferral.objects.filter(trainee_id=OuterRef("pk")).values("trainee_id").annotate(n=Count("id")).values("n")
    )
    trainees = _completed_trainees(year, area).annotate(
        referral_total=Coalesce(Subquery(referral_count, output_field=IntegerField()), Value(0))
    )
    totals = trainees.aggregate(
        trainees=Count("id"), with_3_or_more=Count("id", filter=Q(referral_total__gte=REFERRALS_REQUIRED))
    )
    rate = round(totals["with_3_or_more"] / totals["trainees"], 4) if totals["trainees"] else None
    return {"trainees": totals["trainees"], "with_3_or_more": totals["with_3_or_more"], "rate": rate}


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


def priority_group_counts(*, year: int | None = None, area=None) -> dict:
    """Trainings, jobs and the people their start-ups employ, of the people in each priority category (a
    person in two categories counts in both); only those counted for `area` when given."""
    trainings = Enrolment.objects.filter(completed=True, trainee__categories__isnull=False)
    if year is not None:
        trainings = trainings.filter(batch__end_date__year=year)
    if area is not None:
        trainings = trainings.filter(batch__area_id=area.pk)
    training_rows = dict(
        trainings.values("trainee__categories").annotate(n=Count("id")).values_list("trainee__categories", "n")
    )
    outcomes = EmploymentOutcome.objects.filter(trainee__categories__isnull=False)
    if year is not None:
        outcomes = outcomes.filter(start_date__year=year)
    counted = attributed_outcomes(outcomes).filter(counted_area_id__isnull=False)
    if area is not None:
        counted = counted.filter(counted_area_id=area.pk)
    job_rows = counted.values("trainee__categories").annotate(n=Count("id"), employees=STARTUP_EMPLOYEES)
    return _groups(
        PriorityCategory.objects.all(),
        training_rows,
        {row["trainee__categories"]: row["n"] for row in job_rows},
        {row["trainee__categories"]: row["employees"] for row in job_rows},
    )


# --- pages ----------------------------------------------------------------------------------------


def _scoped_batches(user) -> QuerySet:
    return scope_queryset(TrainingBatch.objects.all(), user)


def trainee_for_employment(*, user, pk: int) -> Trainee:
    """A trainee is the user's when they completed or took a batch in the user's area."""
    return get_object_or_404(
        Trainee.objects.filter(enrolments__batch__in=_scoped_batches(user)).distinct().prefetch_related("categories"),
        pk=pk,
    )


def trainee_referrals(*, user, trainee: Trainee) -> QuerySet:
    """The referrals of a person the caller already holds that the user's area made, in time order.
    Another area's referrals are that area's records: only their number shows (`trainee_referral_total`)."""
    return scope_queryset(
        JobReferral.objects.filter(trainee=trainee).select_related("employer", "area"), user
    ).order_by("referred_on", "id")


def trainee_referral_total(*, trainee: Trainee) -> int:
    """Every area's referrals of the person: the three-referral rule counts them all."""
    return JobReferral.objects.filter(trainee=trainee).count()


def trainee_outcomes(*, user, trainee: Trainee) -> QuerySet:
    """The person's outcomes the user's area recorded or counts (for a batch it ran); another area's
    others show only as a number (`trainee_outcome_total`)."""
    outcomes = EmploymentOutcome.objects.filter(trainee=trainee)
    scope = scope_for(user)
    if not scope.sees_all_areas:
        area_id = scope.area.pk if scope.area else None
        outcomes = outcomes.filter(Q(area_id=area_id) | Q(counted_batch__area_id=area_id))
    return (
        attributed_outcomes(outcomes).select_related("employer", "area", "labour_export").order_by("-start_date", "-id")
    )


def trainee_outcome_total(*, trainee: Trainee) -> int:
    return EmploymentOutcome.objects.filter(trainee=trainee).count()


def referral_worklist(*, user, filters: dict | None = None) -> QuerySet:
    """Trainees who completed brand training in the user's area with fewer than three referrals:
    priority groups first, then the longest-waiting (earliest completion) first.

    The referral counts come from `ReferralStanding` (one row per person who completed training, kept
    exact by every service that writes referrals or completions, the rows the dashboard counts): only
    the people short of three are grouped, instead of joining every completed person's referrals."""
    filters = filters or {}
    # One condition set for the enrolments that count, used both through the trainee's join (the
    # first completion, grouped) and in correlated subqueries (the latest batch, for the page's rows).
    conditions = {"completed": True, "batch__in": _scoped_batches(user)}
    if filters.get("area"):
        conditions["batch__area__code"] = filters["area"]
    if filters.get("brand"):
        conditions["batch__occupation__brand__code"] = filters["brand"]
    if filters.get("batch"):
        conditions["batch_id"] = filters["batch"]
    completed = Enrolment.objects.filter(**conditions)
    last_batch = completed.filter(trainee_id=OuterRef("pk")).order_by("-batch__end_date", "-id")
    standing = ReferralStanding.objects.filter(trainee_id=OuterRef("pk"))
    # The first completion is an aggregate over a join, not a subquery per person: PostgreSQL groups the
    # completed enrolments of the people short of three once, sorts, and only then looks up the
    # referral count and the latest batch for the twenty people on the page.
    return (
        Trainee.objects.filter(
            pk__in=ReferralStanding.objects.filter(referrals__lt=REFERRALS_REQUIRED).values("trainee_id"),
            **{f"enrolments__{name}": value for name, value in conditions.items()},
        )
        .annotate(first_completed_on=Min("enrolments__batch__end_date"))
        .annotate(
            referral_total=Subquery(standing.values("referrals")),
            is_priority=Exists(Trainee.categories.through.objects.filter(trainee_id=OuterRef("pk"))),
            last_batch_id=Subquery(last_batch.values("batch_id")[:1]),
            last_occupation=Subquery(last_batch.values("batch__occupation__name")[:1]),
            last_area=Subquery(last_batch.values("batch__area__short_name")[:1]),
        )
        # A list per person, not a manager: the export walks tens of thousands of people.
        .prefetch_related(Prefetch("categories", to_attr="category_list"))
        .order_by(F("is_priority").desc(), "first_completed_on", "name", "id")
    )


def labour_export_list(*, user) -> QuerySet:
    return (
        scope_queryset(LabourExport.objects.select_related("agency", "area", "employer"), user)
        .annotate(people=Count("outcomes"))
        .order_by("-departed_on", "-id")
    )


def labour_export_get(*, user, pk: int) -> LabourExport:
    return get_object_or_404(
        scope_queryset(LabourExport.objects.select_related("agency", "area", "employer"), user), pk=pk
    )


def labour_export_members(*, export: LabourExport) -> QuerySet:
    return (
        export.outcomes.select_related("trainee", "employer")
        .prefetch_related("trainee__categories")
        .order_by("trainee__name")
    )


def wage_case_list(*, user, status: str = "") -> QuerySet:
    cases = scope_queryset(WageCase.objects.select_related("area", "employer"), user)
    if status:
        cases = cases.filter(status=status)
    return cases.order_by("-received_on", "-id")


def wage_case_get(*, user, pk: int) -> WageCase:
    return get_object_or_404(scope_queryset(WageCase.objects.select_related("area", "employer"), user), pk=pk)


def wage_case_rates_by_area(*, user) -> list[dict]:
    """Closure rate per area in the user's scope, against the plan's 98%."""
    rows = (
        scope_queryset(WageCase.objects.all(), user)
        .values("area_id", "area__short_name", "area__sort_order")
        .annotate(total=Count("id"), closed=Count("id", filter=Q(status=WageCase.Status.CLOSED)))
        .order_by("area__sort_order")
    )
    return [
        {
            "area": row["area__short_name"],
            "total": row["total"],
            "closed": row["closed"],
            "rate": row["closed"] / row["total"] if row["total"] else None,
            "meets_target": bool(row["total"]) and row["closed"] / row["total"] >= WAGE_CASE_CLOSURE_TARGET,
        }
        for row in rows
    ]


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
        .order_by("name", "id")
    )


def counted_jobs(*, user, area_code: str = "", brand_code: str = "", year: int | None = None) -> QuerySet:
    """The outcomes behind a 带动就业创业人次 figure (the dashboard's drill-down): those counted for an area
    in the user's scope, with the batch they count for (`counted_batch`)."""
    outcomes = scope_queryset(
        EmploymentOutcome.objects.filter(counted_batch__isnull=False).select_related(
            "trainee", "employer", "counted_batch__area", "counted_batch__occupation__brand"
        ),
        user,
        area_field="counted_batch__area",
    )
    if area_code:
        outcomes = outcomes.filter(counted_batch__area__code=area_code)
    if brand_code:
        outcomes = outcomes.filter(counted_batch__occupation__brand__code=brand_code)
    if year is not None:
        outcomes = outcomes.filter(start_date__year=year)
    return outcomes.order_by("-start_date", "trainee__name", "id")


def startup_employees_of(outcomes: QuerySet) -> int:
    """The people the start-ups among `outcomes` (e.g. `counted_jobs`) employ, under `STARTUP_EMPLOYEES`."""
    return outcomes.order_by().aggregate(n=STARTUP_EMPLOYEES)["n"]
