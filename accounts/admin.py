"""Admin of staff accounts, API tokens, the audit trail and area-owned reference records: in the admin a
city or county user is a user like any other, scoped, validated and audited as on the pages, or read-only.

A county user who types another area's object id into an admin URL gets 404, exactly as in
the UI: `get_object` raises instead of redirecting with a "does not exist" message."""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from import_export import fields
from import_export.admin import ImportExportModelAdmin
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from brands.admin import ImportNeedsWritePermissionMixin, PlainLabelsAdminMixin, ReadOnlyAdminMixin
from brands.models import Organisation, Recognition
from brands.resources import CreditCodeWidget, SafeExportResource
from core.credit_code import normalise_uscc

from .audit import audit_export, may_export_persons
from .models import ApiToken, AuditEntry, MonthLock, StaffProfile
from .roles import CLERK_ROLES, Role
from .scoping import role_of_groups, scope_areas, scope_for, scope_queryset
from .selectors import role_groups, staff_account_list
from .services import staff_access_sync, staff_area_check

NOT_YOURS = "记录不存在，或不在您的管辖范围内。"


def admin_may_write(request, *, county_clerk: bool = False) -> bool:
    """Whether the admin lets this user add, change or delete here at all; model permissions decide the
    rest. Superusers and the city administrator may; a clerk (county, or the city clerk for the city's own
    area) only where `county_clerk` says so (their own area's organisations). The city viewer and the county
    reviewer only ever read, whatever permissions or staff flag an account was given."""
    if request.user.is_superuser:
        return True
    role = scope_for(request.user).role
    return role == Role.CITY_ADMIN or (county_clerk and role in CLERK_ROLES)


class CityReferenceDataAdminMixin:
    """City-wide reference data (roles.CITY_REFERENCE_DATA: categories, rules, budgets...): keyed by code and
    counted in every area's statistics, so only the city administrator changes it; everyone else reads.
    (`county_may_edit`: area-owned records, AreaScopedAdminMixin, that a clerk also writes for their area.)"""

    county_may_edit = False

    def _may_write(self, request) -> bool:
        return admin_may_write(request, county_clerk=self.county_may_edit)

    def has_add_permission(self, request, *args):
        return self._may_write(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self._may_write(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_write(request) and super().has_delete_permission(request, obj)

    def has_import_permission(self, request):
        return admin_may_write(request) and super().has_import_permission(request)


class NotYoursIs404AdminMixin:
    """An object the user's queryset does not hold answers 404, as in the UI, instead of the admin's redirect
    with a "does not exist" message: the change, delete, password and history pages all look it up here."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(NOT_YOURS)
        return obj


class AreaScopedAdminMixin(NotYoursIs404AdminMixin, CityReferenceDataAdminMixin, ImportNeedsWritePermissionMixin):
    """Narrows the changelist, every object view and the area and organisation choices to the user's scope.

    County users only read training, employment and subsidy records here (writes are the city
    administrator's, as for reference data, unless `county_may_edit`): they record them through
    the pages, whose services enforce the programme's rules and whose choices are all scoped. In the
    admin an id typed into a raw-id field (a trainee, a batch of another area) would bypass both."""

    area_field = "area"

    def get_queryset(self, request):
        return self.scope(super().get_queryset(request), request)

    def scope(self, queryset, request):
        return scope_queryset(queryset, request.user, area_field=self.area_field)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "area":
            kwargs["queryset"] = scope_areas(request.user)
            if not scope_for(request.user).sees_all_areas:
                kwargs["initial"] = scope_for(request.user).area
        elif db_field.related_model is Organisation:
            kwargs["queryset"] = scope_queryset(Organisation.objects.all(), request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_import_permission(self, request):
        # Bulk imports could name any area; only city-wide users who may write run them.
        return (
            scope_for(request.user).sees_all_areas
            and admin_may_write(request)
            and super().has_import_permission(request)
        )


class ServiceWritesAdminMixin:
    """For a model the pages write through services: the admin writes through the same services, so an
    admin save is checked, audited and counted exactly as the page's would be.

    `add_service` is called with the user and the form's `add_fields`, and `service_change(request, stored,
    data, changed)` calls the change service with the form's cleaned data (`stored` is the record as the database holds it, `changed` the names of the
    fields the user changed) and return the saved record. Where a service cannot add or change a record
    the hook stays None and the admin refuses that write; `add_fields` are the service's parameters,
    `change_fields` what its change service takes (every other field is shown read-only), and
    `where_written` tells the user on the record's page where the rest is done instead.

    The service runs once the form's own checks pass, while the form is validated and inside a savepoint:
    a ValidationError or PermissionDenied it raises is shown as the form's error (the service's own
    message) and nothing is saved. Deleting is refused unless `may_delete`."""

    add_service = None
    service_change = None
    add_fields: tuple[str, ...] = ()
    change_fields: tuple[str, ...] = ()
    may_delete = True
    where_written = ""

    def has_add_permission(self, request, *args):
        return self.add_service is not None and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self.service_change is not None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.may_delete and super().has_delete_permission(request, obj)

    def get_fields(self, request, obj=None):
        if obj is None:
            return list(self.add_fields)
        return super().get_fields(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and self.where_written:
            name, options = fieldsets[0]
            fieldsets = [(name, {**options, "description": self.where_written}), *fieldsets[1:]]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            editable = [field.name for field in self.model._meta.fields if field.editable and not field.primary_key]
            readonly += [name for name in editable if name not in self.change_fields and name not in readonly]
        return readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self

        def write(form):
            if obj is None:
                data = form.cleaned_data
                return model_admin.add_service(
                    user=request.user, **{name: data[name] for name in model_admin.add_fields}
                )
            stored = model_admin.model._default_manager.get(pk=obj.pk)  # `obj` already holds the form's values
            return model_admin.service_change(request, stored, form.cleaned_data, form.changed_data)

        class ServiceWriteForm(form_class):
            def _post_clean(self):
                super()._post_clean()
                if self._errors:
                    return
                try:
                    with transaction.atomic():
                        self.instance = write(self)
                except ValidationError as refused:
                    for message in refused.messages:
                        self.add_error(None, message)
                except PermissionDenied as refused:
                    self.add_error(None, str(refused) or "无权进行此操作。")

        return form_class if not (self.add_service or self.service_change) else ServiceWriteForm

    def save_model(self, request, obj, form, change):
        pass  # written by the service while the form was validated


# Admin searches travel in the address (?q=), so they take names only: a search by ID number goes
# through the trainee search page, which keeps the number out of every URL (PIPL art. 28/51).
ID_SEARCH_HELP = "按姓名查找。按身份证号查找请用前台“学员查询”（号码不会出现在网址中）。"


class PersonalDataExportMixin:
    """For an admin whose export (django-import-export, any format) lists persons: only roles that may
    export persons see the button, and every export leaves an audit entry with what and how many rows.

    Put it before ExportMixin; both the export page and the admin action pass through these two hooks."""

    def has_export_permission(self, request):
        return may_export_persons(request.user) and super().has_export_permission(request)

    def get_data_for_export(self, request, queryset, **kwargs):
        data = super().get_data_for_export(request, queryset, **kwargs)
        label = self.model._meta.verbose_name_plural
        audit_export(request=request, subject=f"后台导出：{label}", what=f"{label}（后台导出）", rows=len(data))
        return data


class OrganisationAdminForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ("name", "uscc", "kind", "area", "address", "contact_person", "contact_phone", "is_active")

    def clean_uscc(self):
        return normalise_uscc(self.cleaned_data.get("uscc") or "") or None


class OrganisationResource(SafeExportResource):
    uscc = fields.Field(attribute="uscc", column_name="uscc", widget=CreditCodeWidget())

    class Meta:
        model = Organisation


class RecognitionInline(admin.TabularInline):
    model = Recognition
    extra = 0
    fields = ("kind", "level", "year", "brand", "document_number")


@admin.register(Organisation)
class OrganisationAdmin(PlainLabelsAdminMixin, AreaScopedAdminMixin, PersonalDataExportMixin, ImportExportModelAdmin):
    """Organisations name a contact person and phone: their export is an export of personal data."""

    county_may_edit = True  # clerks register the providers and employers of their own area
    form = OrganisationAdminForm
    resource_classes = [OrganisationResource]
    list_display = ("name", "uscc", "kind", "area", "contact_person", "is_active")
    list_filter = ("kind", "area", "is_active")
    list_select_related = ("area",)
    search_fields = ("name", "uscc")
    inlines = [RecognitionInline]


@admin.register(Recognition)
class RecognitionAdmin(AreaScopedAdminMixin, ImportExportModelAdmin):
    area_field = "organisation__area"
    # A recognition (自治区级 / 市级 base, studio, enterprise) makes its organisation eligible for an award of up
    # to ¥500,000 and counts in the city's figures: the city records it (roles.CITY_REFERENCE_DATA).
    list_display = ("organisation", "kind", "level", "year", "brand", "document_number")
    list_filter = ("kind", "level", "year")
    list_select_related = ("organisation", "brand")
    search_fields = ("organisation__name", "document_number")
    autocomplete_fields = ("organisation",)


class StaffProfileFormSet(BaseInlineFormSet):
    """The account's area is checked against the role chosen on the same page (services.staff_area_check):
    the role is the account form's groups field, posted beside this inline."""

    def clean(self):
        super().clean()
        if "groups" not in self.data or any(self.errors):
            return
        chosen = [pk for pk in self.data.getlist("groups") if pk.isdigit()]
        role = role_of_groups(Group.objects.filter(pk__in=chosen).values_list("name", flat=True))
        area = next((form.cleaned_data.get("area") for form in self.forms if form.cleaned_data), None)
        staff_area_check(role=role, area=area)


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    formset = StaffProfileFormSet
    can_delete = False
    fields = ("full_name", "area", "phone")


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(NotYoursIs404AdminMixin, UserAdmin):
    """The city administrator manages the programme's staff accounts (selectors.staff_account_list): never a
    superuser or an account made for something else, whose password page, change page and deletion answer
    404. They hand out the five roles only: no other group, no single permission, no superuser status; an
    account enters the admin exactly when its role needs to (services.staff_access_sync)."""

    inlines = [StaffProfileInline]
    list_display = ("username", "full_name", "area", "role_names", "is_active", "last_login")
    list_filter = ("groups", "staff_profile__area", "is_active")
    list_select_related = ("staff_profile", "staff_profile__area")

    def get_queryset(self, request):
        accounts = super().get_queryset(request).prefetch_related("groups")
        if request.user.is_superuser:
            return accounts
        return accounts.filter(pk__in=staff_account_list(user=request.user).values("pk"))

    def _manages(self, request, obj) -> bool:
        return obj is None or staff_account_list(user=request.user).filter(pk=obj.pk).exists()

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._manages(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._manages(request, obj)

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser may hand out superuser status, the staff flag (it follows the role) or single permissions.
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "is_staff", "user_permissions"]
        return readonly

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = role_groups()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # the groups are saved here, after the row
        if not request.user.is_superuser:
            staff_access_sync(user=form.instance)

    @admin.display(description="姓名")
    def full_name(self, obj):
        profile = getattr(obj, "staff_profile", None)
        return profile.full_name if profile else ""

    @admin.display(description="所属地区")
    def area(self, obj):
        profile = getattr(obj, "staff_profile", None)
        return profile.area if profile and profile.area else "全市"

    @admin.display(description="角色")
    def role_names(self, obj):
        return "、".join(group.name for group in obj.groups.all())


class SystemRecordsAdminMixin:
    """Records the system writes (login attempts and logs, API tokens, audit entries): nobody types or
    edits them in the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.unregister(TokenProxy)


@admin.register(ApiToken)
class ApiTokenAdmin(SystemRecordsAdminMixin, TokenAdmin):
    """API tokens, masked for everyone (superusers included): a key is shown once, by `drf_create_token`.
    Nobody adds one here (nobody could read it) or edits one; deleting one revokes it."""

    list_display = ("masked_key", "user", "created")
    fields = ("masked_key", "user", "created")
    readonly_fields = fields

    @admin.display(description="令牌（已隐藏）")
    def masked_key(self, obj):
        return obj.masked_key


for _model, _admin in (
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
):
    admin.site.unregister(_model)
    admin.site.register(_model, type(_admin.__name__, (SystemRecordsAdminMixin, _admin), {}))


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only for everyone, superusers included: entries are written by the system, never typed, edited
    or removed through the admin (a trail its own subjects could trim would prove nothing)."""

    list_display = ("at", "username", "action", "person_name", "person_masked_id", "subject", "area", "ip_address")
    list_filter = ("action", "area")
    list_select_related = ("area",)
    search_fields = ("username", "person_name", "subject")
    date_hierarchy = "at"
    readonly_fields = [field.name for field in AuditEntry._meta.fields]

    def get_queryset(self, request):
        # As the audit page reads it (audit.audit_entry_list): in the reader's scope.
        return scope_queryset(super().get_queryset(request), request.user)


@admin.register(MonthLock)
class MonthLockAdmin(ServiceWritesAdminMixin, AreaScopedAdminMixin, admin.ModelAdmin):
    """Read-only for everyone, scoped: a month is locked by the city's acceptance of its monthly report and
    reopened, with a reason, on the 月报 page (plans/services.py), which logs both."""

    list_display = ("month", "area", "locked", "locked_at", "locked_by", "reopened_at", "reopened_by", "reopen_reason")
    list_filter = ("locked", "area")
    list_select_related = ("area", "locked_by", "reopened_by")
    date_hierarchy = "month"
    may_delete = False
    where_written = "月度数据在市人社局审核通过月报时锁定，在“月报”页面填写原因后重新开放，后台只能查看。"
