"""What every app's REST API shares and nothing domain-specific: ids in paths and related-record fields
within the caller's scope (the scope is passed in), bounded filters, the roles' model permissions, a JSON
parser that refuses deep nesting, bounded pagination and a filter backend that refuses what it would ignore.

DRF's settings name classes of this module, and DRF reads them while its own views module is being imported:
nothing here may import DRF's views, generics or viewsets at import time."""

from collections.abc import Callable

from django import forms
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django_filters import BooleanFilter
from django_filters import rest_framework as filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, parsers, permissions, serializers
from rest_framework.exceptions import APIException, NotFound
from rest_framework.pagination import PageNumberPagination

# The largest id a database row can have (a 64-bit signed integer): anything above is no record.
MAX_ID = 2**63 - 1


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A related record chosen by id among those `scoped(user)` returns for the requesting user, so that
    another area's record "does not exist" (400), exactly as it is missing from the pages' drop-downs."""

    def __init__(self, scoped: Callable[..., QuerySet], **kwargs):
        self.scoped = scoped
        kwargs.setdefault("pk_field", serializers.IntegerField())
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet:
        return self.scoped(self.context["request"].user)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


# --- ids, records, filters -----------------------------------------------------------------------


def path_id(value) -> int:
    """An id from the URL path; anything that is not a database id is a 404 like an id nobody has."""
    text = str(value)
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= MAX_ID:
        raise NotFound()
    return int(text)


class ScopedObjectMixin:
    """`get_object` reads the record from `get_queryset()` (the caller's scope, not narrowed by the list's
    filters) by the id in the path: another area's record and a malformed id are both a 404."""

    def get_object(self):
        # Django's shortcut, not DRF's generics: this module is imported while DRF's views module loads.
        record = get_object_or_404(self.get_queryset(), pk=path_id(self.kwargs["pk"]))
        self.check_object_permissions(self.request, record)
        return record


class DatabaseUnavailable(APIException):
    """A write the database refused half-way (connection lost, lock timeout): it has rolled back whole."""

    status_code = 503
    default_detail = "数据库暂时无法写入，本次提交已整体撤销，没有写入任何记录。请稍后重试。"
    default_code = "database_unavailable"


class IntegerFilter(filters.NumberFilter):
    """A whole-number query parameter (django-filter's NumberFilter takes decimals)."""

    field_class = forms.IntegerField


def integer_filter(field_name: str, *, minimum: int = 1, maximum: int = MAX_ID, help_text: str = "") -> IntegerFilter:
    """An integer query parameter bounded as the schema says: out of range is a 400, never a database error."""
    return extend_schema_field({"type": "integer", "minimum": minimum, "maximum": maximum})(
        IntegerFilter(field_name=field_name, min_value=minimum, max_value=maximum, help_text=help_text)
    )


def text_filter(field_name: str, *, lookup_expr: str = "exact", max_length: int = 50, help_text: str = ""):
    # Not empty: an empty value is refused (FilterBackend below); leave the parameter out instead.
    return extend_schema_field({"type": "string", "minLength": 1, "maxLength": max_length})(
        filters.CharFilter(field_name=field_name, lookup_expr=lookup_expr, max_length=max_length, help_text=help_text)
    )


# --- permissions ----------------------------------------------------------------------------------


class RolePermissions(permissions.DjangoModelPermissions):
    """The roles' model permissions, as the pages check them: reading needs the view permission too.

    A viewset names the permissions of its extra actions (or of a view with no model) in
    `action_permissions`; the services then make the finer checks (area, role, state) themselves."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        action = getattr(view, "action", None)
        if action is None:  # a method the viewset does not route (TRACE, DELETE …)
            raise exceptions.MethodNotAllowed(request.method)
        if action == "metadata":  # OPTIONS describes the endpoint, nothing of its records
            return True
        required = getattr(view, "action_permissions", {}).get(action)
        if required is not None:
            return user.has_perms(required)
        return super().has_permission(request, view)


# --- parsing --------------------------------------------------------------------------------------

# No request of this API nests deeper than a few levels (batches/{id}/results/: object → list → object).
MAX_JSON_DEPTH = 32
TOO_DEEP = f"JSON 嵌套层数过多（最多 {MAX_JSON_DEPTH} 层）。"


def _depth(data) -> int:
    """How deep lists and objects nest in `data`, without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, depth)
            if depth > MAX_JSON_DEPTH:
                break
            stack.extend((item, depth + 1) for item in (value.values() if isinstance(value, dict) else value))
    return deepest


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing deep nesting with a 400: Python's decoder raises RecursionError (a 500
    HTML page) on a body of a few thousand `[`, and anything that walked a deep but decodable body
    (serializers, the error formatter) could hit the same limit later."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(TOO_DEEP) from None
        if _depth(data) > MAX_JSON_DEPTH:
            raise exceptions.ParseError(TOO_DEEP)
        return data


# --- pagination -----------------------------------------------------------------------------------


class Pagination(PageNumberPagination):
    """Page numbers from 1, page sizes from 1 to 500, as the schema says: a page size outside them is a 400
    (DRF quietly used the default or the maximum instead), a page beyond the last a 404."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= self.max_page_size):
            message = f"每页条数须为 1 至 {self.max_page_size} 之间的整数。"
            raise exceptions.ValidationError({self.page_size_query_param: [message]})
        return int(raw)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.page_query_param: {"minimum": 1},
            self.page_size_query_param: {"minimum": 1, "maximum": self.max_page_size},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters


# --- filtering ------------------------------------------------------------------------------------


class FilterBackend(DjangoFilterBackend):
    """django-filter, refusing what it would quietly ignore: a filter given with an empty value (the schema
    says an integer, a code, an enum …) and a boolean filter other than true/false."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            errors = {}
            for name, declared in filterset_class.base_filters.items():
                for value in request.query_params.getlist(name):
                    if value == "":
                        errors[name] = ["不能为空：不按此条件筛选时请不要传这个参数。"]
                    elif isinstance(declared, BooleanFilter) and value not in ("true", "false"):
                        errors[name] = ["请填写 true 或 false。"]
            if errors:
                raise exceptions.ValidationError(errors)
        return super().filter_queryset(request, queryset, view)
