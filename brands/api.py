"""REST API v1 of the reference data (areas, brand lines, the occupation catalogue), read only; and the small
pieces every app's api.py shares (brands is the bottom layer, so all of them may import it).

Routes are registered in qinzhou_brands/api.py."""

from django import forms
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import APIException, NotFound
from rest_framework.generics import get_object_or_404

from .models import Occupation
from .selectors import area_list, brand_lines, occupation_list
from .serializers import MAX_ID, AreaSerializer, BrandLineSerializer, OccupationSerializer

# --- shared by every app's api.py -----------------------------------------------------------------


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
    # Not empty: an empty value is refused (qinzhou_brands.api.FilterBackend); leave the parameter out instead.
    return extend_schema_field({"type": "string", "minLength": 1, "maxLength": max_length})(
        filters.CharFilter(field_name=field_name, lookup_expr=lookup_expr, max_length=max_length, help_text=help_text)
    )


# --- reference data -------------------------------------------------------------------------------


class OccupationFilter(filters.FilterSet):
    brand = text_filter("brand__code", max_length=32, help_text="劳务品牌代码，如 housekeeping")

    class Meta:
        model = Occupation
        fields = ["brand"]


@extend_schema_view(
    list=extend_schema(
        summary="地区列表", description="钦州市及五个县区（区划代码；自贸区钦州港片区为本系统自定代码）。"
    ),
    retrieve=extend_schema(summary="地区详情"),
)
class AreaViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AreaSerializer
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return area_list()  # reference data, the same for every user


@extend_schema_view(list=extend_schema(summary="劳务品牌列表"), retrieve=extend_schema(summary="劳务品牌详情"))
class BrandLineViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = BrandLineSerializer
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return brand_lines()


@extend_schema_view(
    list=extend_schema(summary="培训工种清单", description="全部工种（含已移出清单的），按品牌排序。"),
    retrieve=extend_schema(summary="工种详情"),
)
class OccupationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OccupationSerializer
    filterset_class = OccupationFilter

    def get_queryset(self):
        return occupation_list()  # reference data, the same for every user

    def get_object(self):
        self.kwargs["pk"] = path_id(self.kwargs["pk"])
        return super().get_object()
