"""培训人次 summary rows (`TrainingTally`), kept exact in the transaction of every change.

A row is keyed by (area, brand, year). After a change, the services name the batches and people it
touched; the keys those batches had before and have now are recounted from the enrolments (a recount,
not an increment, so a row can never drift from the records). Then `progress_inputs_changed` lets the
apps above recount what depends on completed training."""

from collections.abc import Iterable

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import ExtractYear

from core.db import id_chunks

from .models import Enrolment, TrainingBatch, TrainingTally
from .signals import progress_inputs_changed

Key = tuple[int, int, int]  # (area id, brand id, year)

# Above this many keys a full recount is cheaper than one condition per key.
FULL_RECOUNT_KEYS = 60


def batch_keys(batches) -> set[Key]:
    """The (area, brand, end year) keys of `batches` (a queryset or ids), as they are stored now."""
    if not isinstance(batches, QuerySet):
        batches = TrainingBatch.objects.filter(pk__in=list(batches))
    return set(
        batches.annotate(end_year=ExtractYear("end_date")).values_list("area_id", "occupation__brand_id", "end_year")
    )


def trainee_keys(trainee_ids: Iterable[int]) -> set[Key]:
    """The keys of every batch the people took (completed or not)."""
    keys: set[Key] = set()
    for chunk in id_chunks(trainee_ids):
        keys |= batch_keys(TrainingBatch.objects.filter(enrolments__trainee_id__in=chunk).distinct())
    return keys


def any_of(conditions) -> Q:
    """The OR of `conditions` (matches nothing when there are none)."""
    combined = Q(pk__in=[])
    for condition in conditions:
        combined |= condition
    return combined


def rewrite_rows(
    tally_model, rows: QuerySet, records: QuerySet, *, area, brand, year, count_field: str, sums: dict | None = None
) -> None:
    """Replace `rows` of `tally_model` by the counts of `records` per area × brand × year (expressions on
    the records), in total and per priority category of the record's trainee. `sums` names further
    fields of the rows and the aggregate of the records each holds (e.g. people employed by start-ups)."""
    rows.delete()
    sums = sums or {}
    keyed = records.annotate(tally_area=area, tally_brand=brand, tally_year=year)
    dimensions = ("tally_area", "tally_brand", "tally_year")
    totals = keyed.values(*dimensions).annotate(n=Count("id"), **sums).order_by()
    by_category = (
        keyed.filter(trainee__categories__isnull=False)
        .values(*dimensions, "trainee__categories")
        .annotate(n=Count("id"), **sums)
        .order_by()
    )
    tally_model.objects.bulk_create(
        [
            tally_model(
                area_id=row["tally_area"],
                brand_id=row["tally_brand"],
                year=row["tally_year"],
                category_id=row.get("trainee__categories"),
                **{count_field: row["n"]},
                **{name: row[name] for name in sums},
            )
            for grouped in (totals, by_category)
            for row in grouped
        ],
        batch_size=1000,
    )


def recount(keys: Iterable[Key] | None = None) -> None:
    """Rewrite the rows of `keys` (all rows when None) from the completed enrolments."""
    keys = None if keys is None else set(keys)
    if keys is not None and not keys:
        return
    if keys is not None and len(keys) > FULL_RECOUNT_KEYS:
        keys = None
    rows = TrainingTally.objects.all()
    enrolments = Enrolment.objects.filter(completed=True)
    if keys is not None:
        rows = rows.filter(any_of(Q(area_id=a, brand_id=b, year=y) for a, b, y in keys))
        batches = TrainingBatch.objects.filter(
            any_of(Q(area_id=a, occupation__brand_id=b, end_date__year=y) for a, b, y in keys)
        )
        enrolments = enrolments.filter(batch__in=batches)
    rewrite_rows(
        TrainingTally,
        rows,
        enrolments,
        area=F("batch__area_id"),
        brand=F("batch__occupation__brand_id"),
        year=ExtractYear("batch__end_date"),
        count_field="trainings",
    )


def training_changed(
    *, batch_ids: Iterable[int] = (), trainee_ids: Iterable[int] = (), old_keys: Iterable[Key] = ()
) -> None:
    """Bring the summary rows up to date after a change to enrolments, batches or people's categories.

    Call it inside the transaction that made the change. `batch_ids`: batches whose enrolments or dates
    changed; `trainee_ids`: people whose completions or categories changed; `old_keys`:
    keys the batches had before the change (when a batch's occupation or end date changed)."""
    batch_ids = list(batch_ids)
    trainee_ids = set(trainee_ids)
    old_keys = set(old_keys)
    recount(batch_keys(batch_ids) | trainee_keys(trainee_ids) | old_keys)
    people = trainee_ids | set(Enrolment.objects.filter(batch_id__in=batch_ids).values_list("trainee_id", flat=True))
    progress_inputs_changed.send(
        sender=TrainingTally, trainee_ids=people, old_pairs={(area, brand) for area, brand, _year in old_keys}
    )
