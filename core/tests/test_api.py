"""API base classes, as a client meets them: malformed ids are 404s, page sizes and nesting are bounded with
a Chinese 400, and a filter given empty is refused rather than ignored."""

import io
import json

import pytest
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from core.api import MAX_ID, MAX_JSON_DEPTH, TOO_DEEP, JSONParser, Pagination, path_id

factory = APIRequestFactory()


@pytest.mark.parametrize("value", ["0", "-1", "1.0", "١", str(MAX_ID + 1), "12a", ""])
def test_anything_that_is_not_a_database_id_is_not_found(value):
    with pytest.raises(exceptions.NotFound):
        path_id(value)


def test_a_database_id_is_read_as_a_number():
    assert path_id("42") == 42 and path_id(str(MAX_ID)) == MAX_ID


@pytest.mark.parametrize("size", ["0", "501", "ten", "1.5", "-3"])
def test_a_page_size_outside_1_to_500_is_refused_with_the_reason(size):
    request = Request(factory.get("/", {"page_size": size}))
    with pytest.raises(exceptions.ValidationError) as refused:
        Pagination().get_page_size(request)
    assert refused.value.detail == {"page_size": ["每页条数须为 1 至 500 之间的整数。"]}


def test_a_page_size_inside_the_bounds_is_taken_and_none_means_the_default():
    assert Pagination().get_page_size(Request(factory.get("/", {"page_size": "500"}))) == 500
    assert Pagination().get_page_size(Request(factory.get("/"))) == Pagination.page_size


def parse(body: str):
    return JSONParser().parse(io.BytesIO(body.encode()), "application/json", {"request": None})


def test_json_nested_deeper_than_the_limit_is_refused_whether_python_can_decode_it_or_not():
    assert parse(json.dumps([[1]])) == [[1]]
    parse("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH)
    for depth in (MAX_JSON_DEPTH + 1, 100_000):
        with pytest.raises(exceptions.ParseError) as refused:
            parse("[" * depth + "]" * depth)
        assert str(refused.value.detail) == TOO_DEEP
