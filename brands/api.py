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


class ByCodeViewSet(viewsets.ReadOnlyModelViewSet):
    """Reference data addressed by its code; the same for every user (no scope)."""

    lookup_field = "code"
    lookup_value_regex = "[^/]+"


@extend_schema_view(
    list=extend_schema(
        summary="地区列表", description="钦州市及五个县区（区划代码；自贸区钦州港片区为本系统自定代码）。"
    ),
    retrieve=extend_schema(summary="地区详情"),
)
class AreaViewSet(ByCodeViewSet):
    serializer_class = AreaSerializer
    queryset = area_list()


@extend_schema_view(list=extend_schema(summary="劳务品牌列表"), retrieve=extend_schema(summary="劳务品牌详情"))
class BrandLineViewSet(ByCodeViewSet):
    serializer_class = BrandLineSerializer
    queryset = brand_lines()


@extend_schema_view(
    list=extend_schema(summary="培训工种清单", description="全部工种（含已移出清单的），按品牌排序。"),
    retrieve=extend_schema(summary="工种详情"),
)
class OccupationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OccupationSerializer
    filterset_class = OccupationFilter
    queryset = occupation_list()  # reference data, the same for every user

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
class PlanPeriodViewSet(ByCodeViewSet):
    serializer_class = PlanPeriodSerializer
    queryset = period_list().prefetch_related("brand_lines")
