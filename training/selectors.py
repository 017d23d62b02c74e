"""Every read of the training app, scoped by the requesting user; and the training counts."""

import datetime
from collections import Counter

from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from accounts.scoping import scope_queryset, trainees_visible
from brands.models import Area, Occupation, Organisation
from core.db import pinyin
from core.identity import normalise_id_number

from .counting import completed_trainings, of_key
from .models import Enrolment, PriorityCategory, RosterImport, Trainee, TrainingBatch, TrainingTally


def batch_find(
    *,
    area: Area,
    occupation: Occupation,
    provider: Organisation | None,
    start_date: datetime.date,
    end_date: datetime.date,
) -> TrainingBatch | None:
    """The batch identified as the command line identifies it (no user: the caller is an operator)."""
    return TrainingBatch.objects.filter(
        area=area, occupation=occupation, provider=provider, start_date=start_date, end_date=end_date
    ).first()


def training_tally(*, area: Area | None = None) -> Counter:
    """培训人次 per (area id, brand id, year) from the summary rows (equal to the counting rule,
    `counting.completed_trainings`, which they are tested against); only `area`'s when given."""
    rows = TrainingTally.objects.filter(category__isnull=True)
    if area is not None:
        rows = rows.filter(area_id=area.pk)
    return Counter({(a, b, y): n for a, b, y, n in rows.values_list("area_id", "brand_id", "year", "trainings")})


def training_tally_by_area_category(
    *, year: int | None = None, area: Area | None = None, years: range | None = None
) -> dict[int, Counter]:
    """培训人次 of the people in each priority category, per area (area id → {category id → count}), from
    the summary rows in one query; only `area`'s when given; of `year`, else of `years` (a plan period's)."""
    rows = TrainingTally.objects.filter(category__isnull=False)
    if year is not None:
        rows = rows.filter(year=year)
    elif years is not None:
        rows = rows.filter(year__gte=years.start, year__lte=years.stop - 1)
    if area is not None:
        rows = rows.filter(area_id=area.pk)
    result: dict[int, Counter] = {}
    for area_id, category_id, n in (
        rows.values("area_id", "category_id")
        .annotate(n=Sum("trainings"))
        .order_by()
        .values_list("area_id", "category_id", "n")
    ):
        result.setdefault(area_id, Counter())[category_id] = n
    return result


def batch_list(*, user) -> QuerySet:
    """The batches of the user's scope with their counts, latest first (`filters.BatchFilter` narrows them)."""
    # Counted per batch by correlated subqueries, not by grouping a join: PostgreSQL then counts the
    # enrolments of the page's twenty batches after sorting and limiting, instead of every enrolment
    # in scope before it (564 ms → a few ms for the city at 200,000 enrolments).
    enrolments = Enrolment.objects.filter(batch=OuterRef("pk")).order_by().values("batch")
    batches = _batches(user).annotate(
        enrolment_count=_count(enrolments),
        completed_count=_count(enrolments.filter(completed=True)),
    )
    return batches.order_by("-start_date", "-id")


def batch_choices(*, user, area_code: str = "") -> QuerySet:
    """Batches to pick from in a filter: the user's scope, narrowed to an area when one is chosen,
    latest first, without the list's counts."""
    batches = scope_queryset(TrainingBatch.objects.select_related("area", "occupation"), user)
    if area_code:
        batches = batches.filter(area__code=area_code)
    return batches.order_by("-end_date", "-id")


def _count(rows: QuerySet) -> Coalesce:
    """The number of `rows` (a correlated queryset grouped by values() of the outer key), 0 for none."""
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0)


def _batches(user) -> QuerySet:
    return scope_queryset(
        TrainingBatch.objects.select_related("area", "occupation", "occupation__brand", "provider"), user
    )


def batch_get(*, user, pk: int) -> TrainingBatch:
    return get_object_or_404(_batches(user), pk=pk)


def batch_enrolments(*, batch: TrainingBatch) -> QuerySet:
    """The roster of a batch the caller already holds through `batch_get`."""
    return (
        Enrolment.objects.filter(batch=batch)
        .select_related("trainee")
        .prefetch_related("trainee__categories")
        .order_by(pinyin("trainee__name"), "id")
    )


def id_number_query(query: str) -> str:
    """The normalised ID number (full, or its last digits) a search query stands for; "" for a name."""
    number = normalise_id_number((query or "").strip())
    return number if number[:1].isdigit() and len(number) >= 4 else ""


def trainee_search(*, user, query: str = "", trainee_ids: list[int] | None = None) -> QuerySet:
    """Trainees who took a batch in the user's area, by name or ID number (full or its last digits);
    or, with `trainee_ids`, those of an earlier search by number (the number itself is not kept)."""
    # The registry's rule for who shows, and a correlated count of their batches here: the page's twenty
    # people are found by sorting the registry once, and only their batches are counted.
    trainees = trainees_visible(Trainee.objects.all(), user)
    batches = scope_queryset(TrainingBatch.objects.all(), user)
    query = (query or "").strip()
    if trainee_ids is not None:
        trainees = trainees.filter(pk__in=trainee_ids)
    elif query:
        if number := id_number_query(query):
            trainees = (
                trainees.filter(id_number__endswith=number) if len(number) < 18 else trainees.filter(id_number=number)
            )
        else:
            trainees = trainees.filter(name__contains=query)
    batches_taken = Enrolment.objects.filter(trainee=OuterRef("pk"), batch__in=batches).order_by().values("trainee")
    return (
        trainees.prefetch_related("categories")
        .annotate(batch_count=_count(batches_taken))
        .order_by(pinyin("name"), "id")
    )


def trainee_get(*, user, pk: int) -> Trainee:
    return get_object_or_404(trainees_visible(Trainee.objects.all(), user), pk=pk)


def trainee_enrolments(*, user, trainee: Trainee) -> QuerySet:
    return scope_queryset(
        Enrolment.objects.filter(trainee=trainee).select_related(
            "batch", "batch__area", "batch__occupation", "batch__occupation__brand", "batch__provider"
        ),
        user,
        area_field="batch__area",
    ).order_by("-batch__start_date")


def enrolment_list(*, user) -> QuerySet:
    """The enrolments of the batches in the user's scope, newest batch first (in the order of the batches'
    index, so a page is read without sorting every enrolment)."""
    return scope_queryset(
        Enrolment.objects.select_related("trainee", "batch", "batch__area", "batch__occupation"),
        user,
        area_field="batch__area",
    ).order_by("-batch__start_date", "-batch_id", "id")


def import_list(*, user, batch: TrainingBatch | None = None, model=RosterImport) -> QuerySet:
    """The imports of a batch's sheets (rosters, or `model`: results sheets) the user may see; the pipeline
    defers the file and the report where not needed."""
    imports = scope_queryset(
        model.objects.select_related("batch", "batch__area", "batch__occupation", "uploaded_by", "committed_by"),
        user,
        area_field="batch__area",
    )
    if batch is not None:
        imports = imports.filter(batch=batch)
    return imports.order_by("-uploaded_at", "-id")


def counted_trainings(*, user, area=None, brand=None, year: int | None = None, years: range | None = None) -> QuerySet:
    """The completed enrolments behind a 培训人次 figure (the dashboard's drill-down), in the user's scope."""
    enrolments = scope_queryset(
        completed_trainings(
            Enrolment.objects.select_related(
                "trainee", "batch", "batch__area", "batch__occupation", "batch__occupation__brand"
            )
        ),
        user,
        area_field="batch__area",
    ).filter(of_key(area=area, brand=brand, year=year, years=years))
    return enrolments.order_by("-batch__end_date", "batch_id", "trainee__name", "id")


def category_names() -> list[str]:
    """The 人员类别 as the registry names them now, in their order (the roster template's drop-down)."""
    return list(PriorityCategory.objects.values_list("name", flat=True))
