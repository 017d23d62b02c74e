"""Database helpers for set-based reads and writes: chunks that fit a statement, PostgreSQL array literals,
primary keys taken ahead, and COPY. Every write runs inside the caller's transaction."""

import io
from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import F, Func
from django.db.models.functions import Collate

CHUNK = 2000  # rows per statement of a bulk write
IN_LIST_SIZE = 5000  # ids per IN (...) list, well inside SQLite's limit on parameters


def chunks(items: Sequence, size: int = CHUNK):
    """`items` in slices of at most `size`, in order."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def id_chunks(ids: Iterable[int], size: int = IN_LIST_SIZE):
    """Sorted distinct ids in lists of at most `size`, for IN (...) conditions."""
    return chunks(sorted(set(ids)), size)


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


PINYIN = "zh-Hans-x-icu"  # ICU's collation for simplified Chinese: pinyin order (PostgreSQL is built with ICU)


class Pinyin(Func):
    """An expression in pinyin order (安 何 劳 农 张, as people look names up) on PostgreSQL; as it is elsewhere
    (SQLite has no such collation: 何 农 劳 张 安, code-point order). In an index too (Trainee's name order), so a
    list paged off that index is in the same order as the page sorts."""

    arity = 1

    def as_sql(self, compiler, connection, **extra_context):
        return compiler.compile(self.source_expressions[0])

    def as_postgresql(self, compiler, connection, **extra_context):
        return Collate(self.source_expressions[0], PINYIN).as_sql(compiler, connection, **extra_context)


def pinyin(field: str) -> Pinyin:
    """`field` in pinyin order (see Pinyin), for order_by, Meta.ordering and indexes."""
    return Pinyin(F(field))


def lock_in_id_order(queryset, *, no_key: bool = False) -> None:
    """Lock the rows of `queryset` (FOR UPDATE, or FOR NO KEY UPDATE, which leaves others' foreign-key checks
    free), one after another in primary-key order: every lock taken on the same rows in the same order, two
    transactions that lock overlapping sets cannot deadlock. A no-op on SQLite, which locks the whole database."""
    list(queryset.order_by("pk").select_for_update(no_key=no_key).values_list("pk", flat=True))


def integer_array(values: Iterable[int]) -> str:
    """A PostgreSQL array literal ('{1,2,3}', cast in the SQL) for thousands of values. psycopg2 sends a
    list as ARRAY[1,2,3], a constant per element for the server to parse and plan one by one: for 2,000
    values that took longer than the INSERT they fed."""
    return "{" + ",".join(map(str, values)) + "}"


def ids_in(ids: Iterable[int]):
    """The right-hand side of an `__in` lookup on thousands of ids: on PostgreSQL one array parameter
    (`IN (SELECT unnest(…))`), not a parameter per id that Django prepares and the server parses one by one;
    elsewhere the list."""
    ids = list(ids)
    if not is_postgresql():
        return ids
    from django.db.models.expressions import RawSQL

    return RawSQL("SELECT unnest(%s::bigint[])", [integer_array(ids)])


def text_array(values: Iterable[str]) -> str:
    """As integer_array, for text: every element quoted, with backslash and double quote escaped."""
    return "{" + ",".join('"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"' for value in values) + "}"


def next_ids(model, count: int) -> list[int]:
    """`count` primary keys taken from the model's sequence on PostgreSQL, in one statement, so that rows can
    be written with their keys (and refer to each other) without reading them back. Safe while others insert
    into the same table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_agg(nextval(pg_get_serial_sequence(%s, %s))) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return cursor.fetchone()[0]


def copy_in(cursor, sql: str, data: str, *, read_size: int = 8192) -> None:
    """`COPY … FROM STDIN` of `data` (text in the statement's format) on PostgreSQL. `cursor` is Django's or a
    raw psycopg2 one (load_demo --scale copies from a second thread).

    copy_expert is psycopg2's own call, outside Django's cursor wrapper: without wrap_database_errors a
    failure here would surface as psycopg2.Error, not django.db.DatabaseError, and miss the callers'
    "everything has rolled back" handling. psycopg2 reads `data` `read_size` characters at a time while
    holding the GIL: large reads let other threads run meanwhile."""
    with connection.wrap_database_errors:
        cursor.copy_expert(sql, io.StringIO(data), read_size)  # positional: Django's debug cursor takes no keywords
