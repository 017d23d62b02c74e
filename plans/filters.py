"""The one FilterSet of each plans list (`core.filters`)."""

from django_filters import rest_framework as filters

from accounts.filters import area_choices
from core.api import integer_filter, text_filter
from core.filters import ListFilterSet

from .models import AnnualPlan, MonthlyReport, Status


class AnnualPlanFilter(ListFilterSet):
    area = text_filter("area__code", max_length=12, help_text="地区代码")
    year = integer_filter("year", minimum=2000, maximum=2100, help_text="年度")
    status = filters.ChoiceFilter(choices=Status.choices, help_text="状态")
    labels = {"area": "地区", "year": "年度", "status": "状态"}

    class Meta:
        model = AnnualPlan
        fields = ["area", "year", "status"]

    def page_choices(self, request) -> dict[str, list]:
        return {"area": area_choices(request)}


class MonthlyReportFilter(ListFilterSet):
    area = text_filter("area__code", max_length=12, help_text="地区代码")
    year = integer_filter("month__year", minimum=2000, maximum=2100, help_text="年度")
    status = filters.ChoiceFilter(choices=Status.choices, help_text="状态")
    labels = {"area": "地区", "year": "年度", "status": "状态"}

    class Meta:
        model = MonthlyReport
        fields = ["area", "year", "status"]

    def page_choices(self, request) -> dict[str, list]:
        return {"area": area_choices(request)}
