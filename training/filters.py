"""The one FilterSet of each training list, read by its page and its API (`core.filters`)."""

from django.utils import timezone
from django_filters import rest_framework as filters

from accounts.filters import area_choices
from brands.selectors import brand_lines, occupation_list
from core.api import integer_filter, text_filter
from core.filters import ANY, ListFilterSet

from .forms import occupations_grouped
from .models import Enrolment, Trainee, TrainingBatch

FIRST_FILTER_YEAR = 2018


def year_choices() -> list:
    """The years a list offers, next year first."""
    years = range(timezone.localdate().year + 1, FIRST_FILTER_YEAR - 1, -1)
    return [(ANY, "全部年度"), *((year, f"{year} 年") for year in years)]


class BatchFilter(ListFilterSet):
    area = text_filter("area__code", max_length=12, help_text="承办地区代码，如 450702")
    brand = text_filter("occupation__brand__code", max_length=32, help_text="劳务品牌代码，如 housekeeping")
    occupation = integer_filter("occupation_id", help_text="职业（工种）id")
    status = filters.ChoiceFilter(choices=TrainingBatch.Status.choices, empty_label="全部状态", help_text="班期状态")
    year = integer_filter("end_date__year", minimum=2000, maximum=2100, help_text="结业年度（按结业日期）")
    labels = {
        "area": "承办地区",
        "brand": "劳务品牌",
        "occupation": "职业（工种）",
        "status": "状态",
        "year": "结业年度",
    }

    class Meta:
        model = TrainingBatch
        fields = ["area", "brand", "occupation", "status", "year"]

    def page_choices(self, request) -> dict[str, list]:
        return {
            "area": area_choices(request),
            "brand": [(ANY, "全部品牌"), *((brand.code, brand.name) for brand in brand_lines())],
            "occupation": [(ANY, "全部工种"), *occupations_grouped(occupation_list().prefetch_related(None))],
            "year": year_choices(),
        }


class TraineeFilter(ListFilterSet):
    # By name only: an ID number never travels in a query string (it would end up in access logs). The
    # 学员查询 page searches by number too, through a form that posts (`training.search`).
    name = text_filter("name", lookup_expr="contains", max_length=20, help_text="姓名（包含）")

    class Meta:
        model = Trainee
        fields = ["name"]


class EnrolmentFilter(ListFilterSet):
    batch = integer_filter("batch_id", help_text="班期 id")
    trainee = integer_filter("trainee_id", help_text="学员 id")
    area = text_filter("batch__area__code", max_length=12, help_text="承办地区代码")
    completed = filters.BooleanFilter(help_text="是否已结业")
    year = integer_filter("batch__end_date__year", minimum=2000, maximum=2100, help_text="结业年度（按班期结业日期）")

    class Meta:
        model = Enrolment
        fields = ["batch", "trainee", "area", "completed", "year"]
