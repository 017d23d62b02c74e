"""培训人次 summary rows (`TrainingTally`), kept exact in the transaction of every change.

A row is keyed by (area, brand, year). After a change, the services name the batches and people it
touched; the keys those batches had before and have now are recounted from the enrolments (a recount,
not an increment, so a row can never drift from the records). Then `progress_inputs_changed` lets the
apps above recount what depends on completed training."""

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from core.db import id_chunks, ids_in

from .counting import KEY_FIELDS, Key, any_of, completed_trainings, counted_in, per_key, training_attribution
from .models import Enrolment, TrainingBatch, TrainingTally
from .signals import progress_inputs_changed

# Above this many keys a full recount is cheaper than one condition per key.
FULL_RECOUNT_KEYS = 60


def batch_keys(batches) -> set[Key]:
    """The (area, brand, end year) keys of `batches` (a queryset or ids), as they are stored now."""
    if not isinstance(batches, QuerySet):
        batches = TrainingBatch.objects.filter(pk__in=list(batches))
    return set(batches.annotate(**training_attribution(through="")).values_list(*KEY_FIELDS))


def trainee_keys(trainee_ids: Iterable[int]) -> set[Key]:
    """The keys of every batch the people took (completed or not)."""
    keys: set[Key] = set()
    for chunk in id_chunks(trainee_ids):
        keys |= batch_keys(TrainingBatch.objects.filter(enrolments__trainee_id__in=ids_in(chunk)).distinct())
    return keys


def tally_rows(keys: Iterable[Key]) -> Q:
    """The condition on summary rows that they are those of `keys`."""
    return any_of(Q(area_id=a, brand_id=b, year=y) for a, b, y in keys)


def rewrite_rows(tally_model, rows: QuerySet, records: QuerySet, *, count_field: str, sums: dict | None = None) -> None:
    """Replace `rows` of `tally_model` by the counts of `records` (keyed by a counting rule: `counting`)
    per key, in total and per priority category of the record's trainee. `sums` names further fields of
    the rows and the aggregate of the records each holds (e.g. people employed by start-ups)."""
    rows.delete()
    sums = sums or {}
    totals = per_key(records, **sums)
    by_category = per_key(records.filter(trainee__categories__isnull=False), "trainee__categories", **sums)
    tally_model.objects.bulk_create(
        [
            tally_model(
                area_id=row["counted_area_id"],
                brand_id=row["counted_brand_id"],
                year=row["counted_year"],
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
    enrolments = Enrolment.objects.all()
    if keys is not None:
        rows = rows.filter(tally_rows(keys))
        batches = TrainingBatch.objects.annotate(**training_attribution(through="")).filter(counted_in(keys))
        enrolments = enrolments.filter(batch__in=batches)
    rewrite_rows(TrainingTally, rows, completed_trainings(enrolments), count_field="trainings")


def training_changed(
    *, batch_ids: Iterable[int] = (), trainee_ids: Iterable[int] = (), old_keys: Iterable[Key] = ()
) -> None:
    """Bring the summary rows up to date after a change to enrolments, batches or people's categories.

    Call it inside the transaction that made the change. `batch_ids`: batches whose enrolments or dates
    changed; `trainee_ids`: people whose completions or categories changed; `old_keys`:
    keys the batches had before the change (when a batch's occupation or end date changed)."""
    batch_ids, trainee_ids, old_keys = list(batch_ids), set(trainee_ids), set(old_keys)
    recount(batch_keys(batch_ids) | trainee_keys(trainee_ids) | old_keys)
    people = trainee_ids | set(Enrolment.objects.filter(batch_id__in=batch_ids).values_list("trainee_id", flat=True))
    progress_inputs_changed.send(
        sender=TrainingTally, trainee_ids=people, old_pairs={(area, brand) for area, brand, _year in old_keys}
    )
