"""The one FilterSet of the subsidy application lists (the list, the bulk pages and the API)."""

from django_filters import rest_framework as filters

from accounts.filters import area_choices
from core.api import integer_filter, text_filter
from core.filters import ListFilterSet

from .models import SubsidyApplication, SubsidyKind


class ApplicationFilter(ListFilterSet):
    status = filters.ChoiceFilter(choices=SubsidyApplication.Status.choices, empty_label="全部状态", help_text="状态")
    kind = filters.ChoiceFilter(choices=SubsidyKind.choices, empty_label="全部类型", help_text="补贴类型")
    area = text_filter("area__code", max_length=12, help_text="申报地区代码")
    year = integer_filter("created_at__year", minimum=2000, maximum=2100, help_text="登记年度")
    trainee = integer_filter("trainee_id", help_text="补贴人员（学员）id")
    labels = {"status": "状态", "kind": "补贴类型", "area": "地区", "year": "年度"}

    class Meta:
        model = SubsidyApplication
        fields = ["status", "kind", "area", "year", "trainee"]

    def page_choices(self, request) -> dict[str, list]:
        return {"area": area_choices(request)}
