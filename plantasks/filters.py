"""The one FilterSet of the task list, read by its page (任务分工) and by /api/v1/tasks/ (`core.filters`).

Period, department and brand are codes of reference data, as every list's codes are: a malformed value is
refused (a message on the page, a 400 on the API), a well-formed code that names nothing simply matches no
task, as the schema promises (qinzhou_brands/tests/test_api_fuzz.py holds the API to it). The status is
one of four words, anything else is refused."""

from django.db.models import Q
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from brands.selectors import brand_lines, department_list, period_list
from core.api import text_filter
from core.filters import ANY, ListFilterSet

from . import selectors
from .models import PlanTask


class TaskFilter(ListFilterSet):
    period = text_filter("period__code", max_length=20, help_text="规划期代码，如 2021-2025")
    department = text_filter("departments__code", max_length=30, help_text="责任单位代码，如 fgw")
    brand = text_filter("brand__code", max_length=32, help_text="劳务品牌代码，如 housekeeping")
    status = filters.ChoiceFilter(
        choices=list(selectors.STATUS_LABELS.items()),
        method="status_is",
        empty_label="全部状态",
        help_text="任务状态（按各责任单位最近一次自评）：none 尚未报告、on_track 按进度、behind 滞后、done 已完成",
    )
    # A method filter, with the schema text_filter gives every free-text parameter (non-empty, bounded).
    q = extend_schema_field({"type": "string", "minLength": 1, "maxLength": 50})(
        filters.CharFilter(method="title_or_section", max_length=50, help_text="任务名称或条目（包含）")
    )
    labels = {
        "period": "规划期",
        "department": "责任单位",
        "brand": "劳务品牌",
        "status": "自评状态",
        "q": "任务或条目",
    }

    class Meta:
        model = PlanTask
        fields = ["period", "department", "brand", "status", "q"]

    def page_choices(self, request) -> dict[str, list]:
        return {
            "period": [(ANY, "全部规划期"), *((p.code, p.name) for p in period_list())],
            "department": [(ANY, "全部责任单位"), *((d.code, d.name) for d in department_list())],
            "brand": [(ANY, "全部品牌"), *((b.code, b.name) for b in brand_lines())],
        }

    def status_is(self, queryset, name, value):
        return queryset.filter(pk__in=selectors.tasks_with_status(queryset, value))

    def title_or_section(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(section__icontains=value)) if value else queryset
