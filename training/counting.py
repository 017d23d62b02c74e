"""The 培训人次 counting rule (DESIGN.md "Counting rules"), written once.

A training is one completed enrolment, counted for the area that ran the batch, the brand of the batch's
occupation and the year of its end date. The summary rows (`tallies`), their rebuild, the dashboard's
drill-down and the tests' oracle all take the records and their key from here, as annotations
(`counted_area_id`, `counted_brand_id`, `counted_year`), so none of them can count differently."""

from collections.abc import Iterable

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import ExtractYear

from .models import Enrolment

Key = tuple[int, int, int]  # (area id, brand id, year)
KEY_FIELDS = ("counted_area_id", "counted_brand_id", "counted_year")


def training_attribution(*, through: str = "batch__") -> dict:
    """Where a batch's trainings count, as annotations on a model that reaches the batch `through` a
    relation ("" on a batch itself): the area that ran it, its occupation's brand, its end date's year."""
    return {
        "counted_area_id": F(f"{through}area_id"),
        "counted_brand_id": F(f"{through}occupation__brand_id"),
        "counted_year": ExtractYear(f"{through}end_date"),
    }


def completed_trainings(enrolments: QuerySet | None = None) -> QuerySet:
    """The enrolments (of `enrolments`, all by default) that count as 培训人次, with their key. The same
    person in two batches counts twice."""
    enrolments = Enrolment.objects.all() if enrolments is None else enrolments
    return enrolments.filter(completed=True).annotate(**training_attribution())


def any_of(conditions: Iterable[Q]) -> Q:
    """The OR of `conditions` (matches nothing when there are none)."""
    combined = Q(pk__in=[])
    for condition in conditions:
        combined |= condition
    return combined


def of_key(*, area=None, brand=None, year: int | None = None, years: range | None = None) -> Q:
    """The condition on keyed records that they count for `area`, `brand` and `year` (any, for None);
    `years`: a plan period's years (a cumulative figure counts only those)."""
    given = {"counted_area_id": area, "counted_brand_id": brand, "counted_year": year}
    condition = Q(**{name: getattr(value, "pk", value) for name, value in given.items() if value is not None})
    if years is not None:
        condition &= Q(counted_year__gte=years.start, counted_year__lte=years.stop - 1)
    return condition


def counted_in(keys: Iterable[Key]) -> Q:
    """The condition on keyed records (as annotated here) that they count in one of `keys`."""
    return any_of(Q(counted_area_id=a, counted_brand_id=b, counted_year=y) for a, b, y in keys)


def per_key(records: QuerySet, *by: str, **measures) -> QuerySet:
    """`measures` (aggregates; the number of records as `n`) of keyed records per key (and per the
    fields `by`), as dicts."""
    return records.values(*KEY_FIELDS, *by).annotate(n=Count("id"), **measures).order_by()
