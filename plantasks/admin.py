"""The plan's tasks, their quarterly reports and the departments (责任单位) they name: read-only in the admin
for everyone (the superuser included) and scoped as on the pages (plantasks/selectors.py): the city sees
every task and report, a department reporter its own department's (should an account of that role ever be
made staff), anyone else none. Tasks are written on the 新增任务 / 编辑 pages, reports on the task's page;
their services check the period, the department and the quarter and write the audit entries.

The departments are brands' reference data, registered here beside the tasks: their scoping needs
`user_department` (accounts, a layer above brands)."""

from django.contrib import admin

from accounts.admin import NotYoursIs404AdminMixin, ServiceWritesAdminMixin
from accounts.scoping import user_department
from brands.models import Department

from . import selectors
from .models import PlanTask, TaskReport


class ReadOnlyAdmin(ServiceWritesAdminMixin, NotYoursIs404AdminMixin, admin.ModelAdmin):
    """No add, change or delete (no service hook); another department's record answers 404."""

    may_delete = False


@admin.register(Department)
class DepartmentAdmin(ReadOnlyAdmin):
    list_display = ("name", "code", "kind", "area", "sort_order")
    list_filter = ("kind",)
    list_select_related = ("area",)
    search_fields = ("name", "code")
    where_written = "责任单位是方案确定的参考数据，随系统迁移载入，后台只能查看。"

    def get_queryset(self, request):
        departments = super().get_queryset(request)
        own = user_department(request.user)
        return departments.filter(pk=own.pk) if own is not None else departments


@admin.register(PlanTask)
class PlanTaskAdmin(ReadOnlyAdmin):
    list_display = ("section", "title", "period", "lead", "brand", "due", "sort_order")
    list_filter = ("period", "brand", "lead")
    search_fields = ("section", "title")
    where_written = "规划任务在任务看板的“新增任务”和任务页面的“编辑”中维护（已结束的规划期只读），后台只能查看。"

    def get_queryset(self, request):
        return selectors.task_list(user=request.user)


@admin.register(TaskReport)
class TaskReportAdmin(ReadOnlyAdmin):
    list_display = ("task", "department", "year", "quarter", "assessment", "submitted_by", "submitted_at")
    list_filter = ("assessment", "year", "quarter", "department")
    search_fields = ("task__section", "task__title", "text")
    # The attachment is downloaded from the task's page (scoped); the admin names it only.
    fields = ("task", "department", "year", "quarter", "assessment", "text", "attachment_name", "submitted_by")
    where_written = "季度进展由责任单位的部门填报员在任务页面报告，后台只能查看。"

    def get_queryset(self, request):
        return selectors.report_list(user=request.user)
