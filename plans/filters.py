"""The one FilterSet of each plans list (`core.filters`)."""

from django_filters import rest_framework as filters

from accounts.filters import area_choices
from core.api import integer_filter, text_filter
from core.filters import ListFilterSet

from .models import AnnualPlan, MonthlyReport, Status


class _AreaYearStatusFilter(ListFilterSet):
    """Plans and reports are filtered alike: by area, year and status."""

    area = text_filter("area__code", max_length=12, help_text="地区代码")
    year = integer_filter("year", minimum=2000, maximum=2100, help_text="年度")
    status = filters.ChoiceFilter(choices=Status.choices, help_text="状态")
    labels = {"area": "地区", "year": "年度", "status": "状态"}

    def page_choices(self, request) -> dict[str, list]:
        return {"area": area_choices(request)}


class AnnualPlanFilter(_AreaYearStatusFilter):
    class Meta:
        model = AnnualPlan
        fields = ["area", "year", "status"]


class MonthlyReportFilter(_AreaYearStatusFilter):
    year = integer_filter("month__year", minimum=2000, maximum=2100, help_text="年度")

    class Meta:
        model = MonthlyReport
        fields = ["area", "year", "status"]
