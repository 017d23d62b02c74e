"""Database helpers: chunks that fit a statement, array literals PostgreSQL reads back as they were, keys
taken ahead, and COPY failures raised as Django's DatabaseError (what the importers' "rolled back" expects)."""

import pytest
from django.db import DatabaseError, connection

from conftest import require_service, uses_postgresql
from core.db import chunks, copy_in, id_chunks, integer_array, next_ids, text_array


def test_chunks_keep_the_order_and_cover_everything_once():
    assert list(chunks([5, 4, 3, 2, 1], size=2)) == [[5, 4], [3, 2], [1]]
    assert list(chunks([], size=2)) == []


def test_id_chunks_are_sorted_and_distinct():
    assert list(id_chunks([3, 1, 3, 2, 9], size=2)) == [[1, 2], [3, 9]]


def test_array_literals_escape_what_postgresql_would_read_otherwise():
    assert integer_array([1, 22, 333]) == "{1,22,333}"
    assert text_array(['张"三', "a\\b", ""]) == '{"张\\"三","a\\\\b",""}'


@pytest.mark.services
@pytest.mark.django_db
def test_keys_taken_ahead_are_new_and_distinct_and_arrays_round_trip():
    require_service("PostgreSQL", uses_postgresql(), "sequences and COPY exist only there")
    from brands.models import Area

    keys = next_ids(Area, 3)
    assert len(set(keys)) == 3 and min(keys) > max(Area.objects.values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::text[]", [text_array(['张"三', "a\\b", "", "{,}"])])
        assert cursor.fetchone()[0] == ['张"三', "a\\b", "", "{,}"]


@pytest.mark.services
@pytest.mark.django_db
def test_a_failed_copy_is_a_django_database_error():
    require_service("PostgreSQL", uses_postgresql(), "COPY exists only there")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE copy_probe (n integer NOT NULL)")
        copy_in(cursor, "COPY copy_probe (n) FROM STDIN", "1\n2\n")
        cursor.execute("SELECT count(*) FROM copy_probe")
        assert cursor.fetchone()[0] == 2
        with pytest.raises(DatabaseError):
            copy_in(cursor, "COPY copy_probe (n) FROM STDIN", "not a number\n")
