"""The one FilterSet of the task list, read by its page (任务分工) and by /api/v1/tasks/ (`core.filters`).

Period, department and brand are codes of reference data, offered as choices: an unknown code is a wrong
value (a message on the page, a 400 on the API), not an empty list."""

from django.db.models import Q
from django_filters import rest_framework as filters

from brands.selectors import brand_lines, department_list, period_list
from core.filters import ListFilterSet

from . import selectors
from .models import PlanTask


def _periods():
    return [(period.code, period.name) for period in period_list()]


def _departments():
    return [(department.code, department.name) for department in department_list()]


def _brands():
    return [(brand.code, brand.name) for brand in brand_lines()]


class TaskFilter(ListFilterSet):
    period = filters.ChoiceFilter(
        field_name="period__code", choices=_periods, empty_label="全部规划期", help_text="规划期代码，如 2021-2025"
    )
    department = filters.ChoiceFilter(
        field_name="departments__code",
        choices=_departments,
        empty_label="全部责任单位",
        help_text="责任单位代码，如 fgw",
    )
    brand = filters.ChoiceFilter(
        field_name="brand__code", choices=_brands, empty_label="全部品牌", help_text="劳务品牌代码，如 housekeeping"
    )
    status = filters.ChoiceFilter(
        choices=[(code, label) for code, label in selectors.STATUS_LABELS.items()],
        method="status_is",
        empty_label="全部状态",
        help_text="任务状态（按各责任单位最近一次自评）：none 尚未报告、on_track 按进度、behind 滞后、done 已完成",
    )
    q = filters.CharFilter(method="title_or_section", max_length=50, help_text="任务名称或条目（包含）")
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

    def status_is(self, queryset, name, value):
        return queryset.filter(pk__in=selectors.tasks_with_status(queryset, value))

    def title_or_section(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(section__icontains=value)) if value else queryset
