"""Admin: rules and budgets are the city administrator's; applications are read-only here (every change
of an application is a service with its checks and its transition record), scoped to the user's area."""

from django.contrib import admin

from accounts.admin import AreaScopedAdminMixin
from accounts.roles import Role
from accounts.scoping import scope_for

from .models import ApplicationEvidence, ApplicationTransition, Budget, SubsidyApplication, SubsidyRule


def _is_city_admin(request) -> bool:
    return request.user.is_superuser or scope_for(request.user).role == Role.CITY_ADMIN


class CityAdminOnlyMixin:
    """County roles hold the app's model permissions for applications; rules and budgets stay the city's."""

    def has_add_permission(self, request):
        return _is_city_admin(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return _is_city_admin(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _is_city_admin(request) and super().has_delete_permission(request, obj)


@admin.register(SubsidyRule)
class SubsidyRuleAdmin(CityAdminOnlyMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "kind",
        "beneficiary",
        "amount_type",
        "amount",
        "level",
        "certificate",
        "effective_from",
        "effective_to",
        "active",
    )
    list_filter = ("kind", "beneficiary", "amount_type", "level", "active")
    search_fields = ("name", "legal_basis")
    readonly_fields = ("created_at", "updated_at")


@admin.register(Budget)
class BudgetAdmin(CityAdminOnlyMixin, admin.ModelAdmin):
    list_display = ("year", "area", "amount", "note", "updated_at")
    list_filter = ("year", "area")
    list_select_related = ("area",)


class TransitionInline(admin.TabularInline):
    model = ApplicationTransition
    extra = 0
    can_delete = False
    fields = ("at", "from_status", "to_status", "by", "comment")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EvidenceInline(admin.TabularInline):
    model = ApplicationEvidence
    extra = 0
    can_delete = False
    fields = ("original_name", "file", "uploaded_by", "uploaded_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SubsidyApplication)
class SubsidyApplicationAdmin(AreaScopedAdminMixin, admin.ModelAdmin):
    list_display = ("id", "kind", "area", "beneficiary", "amount", "status", "created_at")
    list_filter = ("status", "kind", "area")
    list_select_related = ("area", "organisation", "trainee")
    search_fields = ("organisation__name", "trainee__name", "voucher_number")
    inlines = [EvidenceInline, TransitionInline]
    readonly_fields = [
        "rule",
        "kind",
        "area",
        "organisation",
        "recognition",
        "labour_export",
        "trainee",
        "enrolment",
        "outcome",
        "amount",
        "status",
        "comment",
        "reason",
        "budget",
        "paid_on",
        "voucher_number",
        "created_by",
        "submitted_by",
        "reviewed_by",
        "approved_by",
        "created_at",
        "updated_at",
    ]
    fields = readonly_fields

    @admin.display(description="补贴对象")
    def beneficiary(self, obj):
        return obj.beneficiary_label

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
