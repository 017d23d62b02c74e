"""REST API v1 of the reference data (areas, brand lines, the occupation catalogue), read only.

Routes are registered in qinzhou_brands/api.py."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from core.api import path_id, text_filter

from .models import Occupation
from .selectors import area_list, brand_lines, occupation_list, period_list
from .serializers import AreaSerializer, BrandLineSerializer, OccupationSerializer, PlanPeriodSerializer

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


@extend_schema_view(
    list=extend_schema(
        summary="规划期列表",
        description="规划期（如“十四五”2021-2025），按起始年度排序；进度（/api/v1/progress/?period=代码）按规划期累计。",
    ),
    retrieve=extend_schema(summary="规划期详情"),
)
class PlanPeriodViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PlanPeriodSerializer
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return period_list().prefetch_related("brand_lines")  # reference data, the same for every user
