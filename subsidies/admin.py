"""Admin: rules and budgets are the city administrator's; applications are read-only here (every change
of an application is a service with its checks and its transition record), scoped to the user's area.

Each of the three keeps its full change history (django-simple-history): the "历史" button of a record
lists every version with who changed it and when. Reverting from history is the city administrator's,
and for applications nobody's: an application only moves through the services."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin import NOT_YOURS, AreaScopedAdminMixin, CityReferenceDataAdminMixin, NotYoursIs404AdminMixin
from brands.admin import PlainLabelsAdminMixin, ReadOnlyAdminMixin

from . import selectors
from .models import ApplicationEvidence, ApplicationTransition, Budget, EvidenceKind, SubsidyApplication, SubsidyRule


class GuardedHistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin within this admin's rules: an object's history is shown only when the object
    itself is visible to the user (area scoping included), and a past version is restored only by a user
    who may change the object. The library checks only the view permission before saving a revert, and
    falls back to the history of objects outside the user's queryset."""

    def _visible(self, request, object_id):
        obj = self.get_object(request, object_id)
        if obj is None:  # an area-scoped admin raises Http404 itself
            raise Http404(NOT_YOURS)
        return obj

    def history_view(self, request, object_id, extra_context=None):
        self._visible(request, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        obj = self._visible(request, object_id)
        if request.method == "POST" and not self.has_change_permission(request, obj):
            raise PermissionDenied("无权恢复历史版本。")
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)


@admin.register(SubsidyRule)
class SubsidyRuleAdmin(PlainLabelsAdminMixin, CityReferenceDataAdminMixin, GuardedHistoryAdmin):
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
    # Who the rule is for (categories), which occupations' standard it is, what must be uploaded.
    filter_horizontal = ("occupations", "eligible_categories", "required_evidence")
    history_list_display = ("amount", "active")


@admin.register(EvidenceKind)
class EvidenceKindAdmin(PlainLabelsAdminMixin, CityReferenceDataAdminMixin, admin.ModelAdmin):
    list_display = ("name", "code", "sort_order")
    search_fields = ("name", "code")


@admin.register(Budget)
class BudgetAdmin(NotYoursIs404AdminMixin, CityReferenceDataAdminMixin, GuardedHistoryAdmin):
    """Scoped as on the budget page (selectors.budget_scope): a county user reads their own area's budget
    and the city's, nothing else; another area's budget, its page and its history answer 404."""

    list_display = ("year", "area", "amount", "note", "updated_at")
    list_filter = ("year", "area")
    list_select_related = ("area",)
    history_list_display = ("amount", "note")

    def get_queryset(self, request):
        return selectors.budget_scope(super().get_queryset(request), user=request.user)


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    """Shown with the application, never edited here: transitions and evidence come from the services."""

    extra = 0


class TransitionInline(ReadOnlyInline):
    model = ApplicationTransition
    fields = ("at", "from_status", "to_status", "by", "comment")
    readonly_fields = fields


class EvidenceInline(ReadOnlyInline):
    model = ApplicationEvidence
    fields = ("original_name", "kind", "download", "uploaded_by", "uploaded_at")
    readonly_fields = fields

    @admin.display(description="文件")
    def download(self, evidence):
        """Through the application's area-checked, audited download, never the storage's own URL (with
        DJANGO_FILE_STORAGE=s3 that would be a signed link anyone holding it could open)."""
        url = reverse("subsidies:evidence_download", args=[evidence.application_id, evidence.pk])
        return format_html('<a href="{}">下载</a>', url)


@admin.register(SubsidyApplication)
class SubsidyApplicationAdmin(ReadOnlyAdminMixin, AreaScopedAdminMixin, GuardedHistoryAdmin):
    list_display = ("id", "kind", "area", "beneficiary", "amount", "status", "created_at")
    list_filter = ("status", "kind", "area")
    list_select_related = ("area", "organisation", "trainee")
    search_fields = ("organisation__name", "trainee__name", "voucher_number")
    inlines = [EvidenceInline, TransitionInline]
    # Every field, as the model orders them, then the categories the person met when it was made.
    readonly_fields = [field.name for field in SubsidyApplication._meta.fields if field.name != "id"]
    readonly_fields.append("qualifying_categories")
    fields = readonly_fields
    history_list_display = ("status", "amount", "budget")

    @admin.display(description="补贴对象")
    def beneficiary(self, obj):
        return obj.beneficiary_label
