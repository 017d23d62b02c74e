"""The FilterSets of 跟踪服务: the worklist's (on the outcomes followed up) and the API list's."""

from django.conf import settings
from django_filters import rest_framework as filters

from accounts.filters import area_choices
from brands.selectors import brand_lines
from core.api import integer_filter, text_filter
from core.filters import ANY, ListFilterSet
from employment.models import EmploymentOutcome

from .models import FollowUp

STATES = [("", "待跟踪（含逾期）"), ("overdue", "仅已逾期")]


def _months_choices():
    return [(str(m), f"第 {m} 个月") for m in settings.FOLLOW_UP_MONTHS]


def _keep(queryset, name, value):
    """Read by the selector (a point of the schedule is not a field of the outcome)."""
    return queryset


class FollowUpWorklistFilter(ListFilterSet):
    area = text_filter("area__code", max_length=12, help_text="登记地区代码")
    brand = text_filter("counted_batch__occupation__brand__code", max_length=32, help_text="劳务品牌代码")
    kind = filters.ChoiceFilter(
        choices=[(k, label) for k, label in EmploymentOutcome.Kind.choices if k != "entrepreneurship"],
        empty_label="全部类型",
    )
    months = filters.ChoiceFilter(choices=_months_choices, method=_keep, empty_label="全部节点")
    state = filters.ChoiceFilter(choices=STATES[1:], method=_keep, empty_label=STATES[0][1])
    labels = {"area": "登记地区", "brand": "劳务品牌", "kind": "就业类型", "months": "跟踪节点", "state": "状态"}

    class Meta:
        model = EmploymentOutcome
        fields = ["area", "brand", "kind"]

    def page_choices(self, request) -> dict[str, list]:
        return {
            "area": area_choices(request),
            "brand": [(ANY, "全部品牌"), *((brand.code, brand.name) for brand in brand_lines())],
        }


class FollowUpFilter(ListFilterSet):
    outcome = integer_filter("outcome_id", help_text="就业结果 id")
    area = text_filter("outcome__area__code", max_length=12, help_text="登记地区代码")
    months = integer_filter("months", maximum=120, help_text="跟踪节点（月）")
    reached = filters.BooleanFilter(help_text="是否联系上本人")

    class Meta:
        model = FollowUp
        fields = ["outcome", "area", "months", "reached"]
