"""Annual plans, their key projects and the monthly reports, read-only in the admin for everyone (the
superuser included) and scoped to the user's area: they move only along plans/workflow.py on the 年度计划
and 月报 pages, whose services check the step, lock the month and write the audit entries."""

from django.contrib import admin

from accounts.admin import AreaScopedAdminMixin, ServiceWritesAdminMixin

from .models import AnnualPlan, AnnualPlanLine, KeyProject, Milestone, MonthlyReport


class ReadOnlyInline:
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AnnualPlanLineInline(ReadOnlyInline, admin.TabularInline):
    model = AnnualPlanLine
    fields = ("brand", "trainings", "jobs")


class KeyProjectInline(ReadOnlyInline, admin.TabularInline):
    model = KeyProject
    fields = ("name", "brand", "responsible_unit", "planned_investment")
    show_change_link = True


class MilestoneInline(ReadOnlyInline, admin.TabularInline):
    model = Milestone
    fields = ("title", "due_date", "progress", "done_on", "progress_note", "updated_at", "updated_by")


class ReviewedAdmin(ServiceWritesAdminMixin, AreaScopedAdminMixin, admin.ModelAdmin):
    list_filter = ("status", "area")
    list_select_related = ("area",)
    may_delete = False


@admin.register(AnnualPlan)
class AnnualPlanAdmin(ReviewedAdmin):
    list_display = ("year", "area", "status", "submitted_at", "decided_at")
    inlines = (AnnualPlanLineInline, KeyProjectInline)
    where_written = "年度计划在“年度计划”页面填报、报送和审核（审核通过后成为该年度的县区目标），后台只能查看。"


@admin.register(KeyProject)
class KeyProjectAdmin(ServiceWritesAdminMixin, AreaScopedAdminMixin, admin.ModelAdmin):
    area_field = "plan__area"
    list_display = ("name", "plan", "brand", "responsible_unit", "planned_investment")
    list_filter = ("plan__area", "brand")
    list_select_related = ("plan__area", "brand")
    inlines = (MilestoneInline,)
    may_delete = False
    where_written = "重点建设项目和节点进度在“年度计划”页面填报和更新，后台只能查看。"


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ReviewedAdmin):
    list_display = ("month", "area", "status", "first_submitted_at", "decided_at")
    date_hierarchy = "month"
    where_written = "月报在“月报”页面填写说明、报送和审核（审核通过即锁定该月数据），后台只能查看。"
