"""Admin of the programme-wide reference data. The city administrator edits it; county users and the
city viewer may only view it: their roles hold view permissions only on it (accounts.roles
CITY_REFERENCE_DATA), and brands sits below accounts, so these admins go by model permissions alone.
Area-owned records (organisations, recognitions) are registered in accounts/admin.py, beside the
scoping helper they need."""

from django.contrib import admin
from django.contrib.auth import get_permission_codename
from import_export.admin import ImportExportModelAdmin
from import_export.resources import modelresource_factory

from .models import Area, BrandLine, Occupation, PlanPeriod, Target
from .resources import SafeExportResource
from .validators import validate_plain_label


class ImportNeedsWritePermissionMixin:
    """django-import-export lets anyone into the admin import unless a permission code is configured; an
    import adds and changes rows, so it needs both permissions, as typing the rows in would. And it is all
    or nothing: a row that fails validation (resources.SafeExportResource) saves no row, even when the
    confirmation step is posted again by hand. An admin that names no resource of its own imports and
    exports through SafeExportResource, never import-export's plain default."""

    def get_resource_classes(self, request):
        return self.resource_classes or [modelresource_factory(self.model, resource_class=SafeExportResource)]

    def get_import_data_kwargs(self, **kwargs):
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def has_import_permission(self, request):
        opts = self.opts
        return (
            request.user.has_perm(f"{opts.app_label}.{get_permission_codename('add', opts)}")
            and request.user.has_perm(f"{opts.app_label}.{get_permission_codename('change', opts)}")
            and super().has_import_permission(request)
        )


class PlainLabelsAdminMixin:
    """Names are plain text (no markup for a page or a chart tooltip to render); a code, which rosters,
    statistics and settings key on, is fixed once the record exists."""

    label_fields = ("name", "short_name")
    key_fields = ("code",)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name in self.label_fields:
            field.validators.append(validate_plain_label)
        return field

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            field_names = {field.name for field in self.model._meta.fields}
            readonly += [name for name in self.key_fields if name in field_names and name not in readonly]
        return readonly


class ReadOnlyAdminMixin:
    """Shown, never written through the admin, by anyone (superusers included): no add, change or delete.
    Also for an inline (its add permission takes the parent object)."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReferenceDataAdmin(PlainLabelsAdminMixin, ImportNeedsWritePermissionMixin, ImportExportModelAdmin):
    pass


class OccupationResource(SafeExportResource):
    class Meta:
        model = Occupation
        fields = ("id", "brand", "name", "areas", "description", "published_from", "published_to", "sort_order")


@admin.register(BrandLine)
class BrandLineAdmin(ReferenceDataAdmin):
    list_display = ("name", "code", "sort_order")
    search_fields = ("name", "code")


@admin.register(Area)
class AreaAdmin(ReferenceDataAdmin):
    list_display = ("name", "short_name", "code", "kind", "is_key_county", "sort_order")
    list_filter = ("kind", "is_key_county")
    search_fields = ("name", "code")


@admin.register(Occupation)
class OccupationAdmin(ReferenceDataAdmin):
    resource_classes = [OccupationResource]
    list_display = ("name", "brand", "areas_label", "published_from", "published_to")
    list_filter = ("brand", "areas")
    search_fields = ("name",)
    filter_horizontal = ("areas",)
    date_hierarchy = "published_from"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("brand").prefetch_related("areas")

    @admin.display(description="重点发展地区")
    def areas_label(self, obj):
        return "、".join(str(area) for area in obj.areas.all()) or "全市"


@admin.register(Target)
class TargetAdmin(ReferenceDataAdmin):
    list_display = ("area", "brand_label", "year_from", "year_to", "metric", "value")
    list_filter = ("metric", "area", "brand", "year_from", "year_to")
    list_select_related = ("area", "brand")

    @admin.display(description="劳务品牌")
    def brand_label(self, obj):
        return obj.brand or "全部品牌"


@admin.register(PlanPeriod)
class PlanPeriodAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only for everyone: periods are created, changed and closed on their pages (规划期), whose
    services check the years, copy the brand lines forward and store the closing snapshot."""

    list_display = ("code", "name", "year_from", "year_to", "document_number", "status")
    list_filter = ("status",)
    readonly_fields = ("snapshot", "closed_at", "closed_by")
