"""Set-based writes for roster imports: the statements per 2,000 rows, never per row.

On PostgreSQL new people go in with COPY and everything else with one INSERT or UPDATE over
UNNEST'ed arrays: the ORM's per-object work (instances, per-row SQL compilation, bulk_update's
CASE WHEN) costs more than the database itself at tens of thousands of rows. Other databases (the
SQLite default of `make run`) take the portable path. Both run inside the caller's transaction."""

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from django.db import connection

from core.db import CHUNK, chunks, copy_in, integer_array, is_postgresql, next_ids, text_array

from .models import Enrolment, Trainee, TrainingBatch

TEXT_COLUMNS = ("name", "phone", "education", "household_address", "note")
UPDATABLE = ("name", "phone", "education", "household_address", "note")


class NewTrainee(NamedTuple):
    """A person to insert (a named tuple: tens of thousands per import, built cheaply)."""

    id_number: str
    name: str
    sex: str
    birth_date: datetime.date
    phone: str
    education: str
    household_address: str
    household_area_id: int | None
    note: str


# What the COPY writes: the person's fields, in order, then the two stamps.
TRAINEE_COLUMNS = (*NewTrainee._fields, "created_at", "updated_at")


class RegisteredTrainee(NamedTuple):
    """What the import compares with a roster row: a light row, not a model instance (tens of
    thousands of them are read per import)."""

    pk: int
    id_number: str
    name: str
    phone: str
    education: str
    household_address: str
    note: str


def _select(keys: Sequence, sql: str, params, portable) -> Iterable[tuple]:
    """The rows for `keys`, a chunk at a time: on PostgreSQL `sql` with `params(chunk)` (the chunk as one
    array), elsewhere the ORM's `portable(chunk)`."""
    for chunk in chunks(list(keys)):
        if is_postgresql():
            with connection.cursor() as cursor:
                cursor.execute(sql, params(chunk))
                yield from cursor.fetchall()
        else:
            yield from portable(chunk)


def existing_trainees(numbers: Sequence[str]) -> dict[str, RegisteredTrainee]:
    """The registered people among these ID numbers, keyed by number."""
    fields = RegisteredTrainee._fields[1:]
    rows = _select(
        numbers,
        f"SELECT id, {', '.join(fields)} FROM {Trainee._meta.db_table} WHERE id_number = ANY(%s::text[])",
        lambda chunk: [text_array(chunk)],
        lambda chunk: Trainee.objects.filter(id_number__in=chunk).values_list("pk", *fields),
    )
    return {row[1]: RegisteredTrainee(*row) for row in rows}


def category_links(trainee_ids: Sequence[int]) -> dict[int, set[int]]:
    """{trainee id: category ids} for these people."""
    through = Trainee.categories.through
    links: dict[int, set[int]] = {}
    for trainee_id, category_id in _select(
        trainee_ids,
        f"SELECT trainee_id, prioritycategory_id FROM {through._meta.db_table} WHERE trainee_id = ANY(%s::bigint[])",
        lambda chunk: [integer_array(chunk)],
        lambda chunk: through.objects.filter(trainee_id__in=chunk).values_list("trainee_id", "prioritycategory_id"),
    ):
        links.setdefault(trainee_id, set()).add(category_id)
    return links


def enrolled_in(batch_id: int, trainee_ids: Sequence[int]) -> set[int]:
    """Which of these people are already enrolled in the batch.

    One read of the batch's roster through its index, whatever the table statistics say: right after
    a large import they are stale, and a per-person lookup can then be planned badly."""
    wanted = set(trainee_ids)
    if not wanted:
        return set()
    enrolled = Enrolment.objects.filter(batch_id=batch_id).values_list("trainee_id", flat=True)
    return wanted.intersection(enrolled.iterator(chunk_size=CHUNK))


def known_in_area(area_id: int, trainee_ids: Sequence[int]) -> set[int]:
    """Which of these people took a batch (any batch) in the area: what the registry holds about them is
    the area's to see and change. The others were registered through another area."""
    rows = _select(
        trainee_ids,
        f"SELECT DISTINCT e.trainee_id FROM {Enrolment._meta.db_table} e "
        f"JOIN {TrainingBatch._meta.db_table} b ON b.id = e.batch_id "
        "WHERE b.area_id = %s AND e.trainee_id = ANY(%s::bigint[])",
        lambda chunk: [area_id, integer_array(chunk)],
        lambda chunk: (
            Enrolment.objects.filter(batch__area_id=area_id, trainee_id__in=chunk).values_list("trainee_id").distinct()
        ),
    )
    return {trainee_id for (trainee_id,) in rows}


def insert_trainees(people: Sequence[NewTrainee], *, now: datetime.datetime, progress=None) -> dict[str, int]:
    """Insert new people; returns {id number: primary key}."""
    ids: dict[str, int] = {}
    for chunk in chunks(people):
        if is_postgresql():
            ids.update(_copy_trainees(chunk, now))
        else:
            objects = [Trainee(**person._asdict(), created_at=now, updated_at=now) for person in chunk]
            Trainee.objects.bulk_create(objects)
            ids.update((trainee.id_number, trainee.pk) for trainee in objects)
        if progress:
            progress(len(chunk))
    return ids


def _copy_trainees(chunk: Sequence[NewTrainee], now: datetime.datetime) -> dict[str, int]:
    table = Trainee._meta.db_table
    # The keys are taken from the sequence first and written with the rows: cheaper than reading them back
    # by ID number after the COPY (an index probe per row).
    keys = next_ids(Trainee, len(chunk))
    with connection.cursor() as cursor:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        stamp = now.isoformat()
        # csv writes None as an empty field (NULL to COPY) and a date as str() does (ISO 8601).
        writer.writerows((key, *person, stamp, stamp) for key, person in zip(keys, chunk, strict=True))
        copy_in(
            cursor,
            f"COPY {table} (id, {', '.join(TRAINEE_COLUMNS)}) FROM STDIN "
            f"WITH (FORMAT csv, FORCE_NOT_NULL ({', '.join(TEXT_COLUMNS)}))",
            buffer.getvalue(),
        )
    return {person.id_number: key for key, person in zip(keys, chunk, strict=True)}


def update_trainees(changes: Sequence[tuple[int, dict]], *, now: datetime.datetime, progress=None) -> None:
    """Apply changed fields: (primary key, {field: new value}) with fields among UPDATABLE.

    Every listed person gets all UPDATABLE fields written (unchanged ones with their current value
    supplied by the caller), so one statement serves every combination of changes."""
    for chunk in chunks(changes):
        if is_postgresql():
            columns = ", ".join(f"{name} = v.{name}" for name in UPDATABLE)
            arrays = [integer_array(pk for pk, _values in chunk)]
            arrays += [text_array(values[name] for _pk, values in chunk) for name in UPDATABLE]
            casts = ", ".join(["%s::bigint[]"] + ["%s::text[]"] * len(UPDATABLE))
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {Trainee._meta.db_table} AS t SET {columns}, updated_at = %s "
                    f"FROM UNNEST({casts}) AS v(id, {', '.join(UPDATABLE)}) WHERE t.id = v.id",
                    [now, *arrays],
                )
        else:
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {Trainee._meta.db_table} SET {', '.join(f'{name} = %s' for name in UPDATABLE)}, "
                    "updated_at = %s WHERE id = %s",
                    [[*(values[name] for name in UPDATABLE), now, pk] for pk, values in chunk],
                )
        if progress:
            progress(len(chunk))


def link_categories(links: Sequence[tuple[int, int]], *, new_people: bool = False) -> None:
    """(trainee id, category id) pairs; pairs that exist already are left alone.

    `new_people`: the trainees were inserted by this import, so none of the pairs can exist yet and the
    insert skips the conflict check (a speculative insertion per row costs more than the row itself)."""
    through = Trainee.categories.through
    conflict = "" if new_people else " ON CONFLICT DO NOTHING"
    for chunk in chunks(links):
        if is_postgresql():
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {through._meta.db_table} (trainee_id, prioritycategory_id) "
                    f"SELECT * FROM UNNEST(%s::bigint[], %s::bigint[]){conflict}",
                    [integer_array(t for t, _c in chunk), integer_array(c for _t, c in chunk)],
                )
        else:
            through.objects.bulk_create(
                [through(trainee_id=t, prioritycategory_id=c) for t, c in chunk], ignore_conflicts=not new_people
            )


def enrol(
    trainee_ids: Iterable[int],
    *,
    batch_id: int,
    completed: bool,
    roster_import_id: int | None,
    now: datetime.datetime,
    progress=None,
) -> None:
    trainee_ids = list(trainee_ids)
    for chunk in chunks(trainee_ids):
        if is_postgresql():
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {Enrolment._meta.db_table} (trainee_id, batch_id, completed, assessment, "
                    "certificate, certificate_number, certificate_date, roster_import_id, created_at) "
                    "SELECT t, %s, %s, '', '', '', NULL, %s, %s FROM UNNEST(%s::bigint[]) AS t",
                    [batch_id, completed, roster_import_id, now, integer_array(chunk)],
                )
        else:
            Enrolment.objects.bulk_create(
                [
                    Enrolment(
                        trainee_id=trainee_id,
                        batch_id=batch_id,
                        completed=completed,
                        roster_import_id=roster_import_id,
                        created_at=now,
                    )
                    for trainee_id in chunk
                ]
            )
        if progress:
            progress(len(chunk))
