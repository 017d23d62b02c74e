"""Admin of employment records, every queryset scoped to the user's area."""

from django.contrib import admin
from import_export import fields
from import_export.admin import ExportMixin

from accounts.admin import ID_SEARCH_HELP, AreaScopedAdminMixin, PersonalDataExportMixin
from brands.resources import SafeExportResource
from training.admin import KeepsSummaryRowsMixin

from . import tallies
from .models import EmploymentOutcome, JobReferral, LabourExport, ReferralImport, WageCase


class JobReferralResource(SafeExportResource):
    trainee_name = fields.Field(attribute="trainee__name", column_name="姓名")
    id_number = fields.Field(attribute="trainee__masked_id_number", column_name="身份证号码（脱敏）")
    employer_label = fields.Field(attribute="employer_label", column_name="用人单位")

    class Meta:
        model = JobReferral
        fields = (
            "id",
            "trainee_name",
            "id_number",
            "employer_label",
            "position",
            "referred_on",
            "channel",
            "result",
            "note",
        )
        export_order = fields


class EmploymentOutcomeResource(SafeExportResource):
    trainee_name = fields.Field(attribute="trainee__name", column_name="姓名")
    id_number = fields.Field(attribute="trainee__masked_id_number", column_name="身份证号码（脱敏）")
    description = fields.Field(attribute="description", column_name="单位/实体/形式")

    class Meta:
        model = EmploymentOutcome
        fields = (
            "id",
            "trainee_name",
            "id_number",
            "kind",
            "start_date",
            "description",
            "contract_signed",
            "social_insurance",
            "jobs_created",
            "note",
        )
        export_order = fields


class WageCaseResource(SafeExportResource):
    class Meta:
        model = WageCase
        fields = (
            "id",
            "area__short_name",
            "received_on",
            "employer_name",
            "workers",
            "amount_owed",
            "status",
            "closed_on",
            "resolution",
        )


@admin.register(JobReferral)
class JobReferralAdmin(
    KeepsSummaryRowsMixin, AreaScopedAdminMixin, PersonalDataExportMixin, ExportMixin, admin.ModelAdmin
):
    resource_classes = [JobReferralResource]
    list_display = ("trainee", "employer_label", "position", "referred_on", "channel", "result", "area")
    list_filter = ("channel", "result", "area")
    list_select_related = ("trainee", "employer", "area")
    raw_id_fields = ("trainee", "employer")
    search_fields = ("trainee__name", "employer_name", "employer__name", "position")
    search_help_text = ID_SEARCH_HELP
    date_hierarchy = "referred_on"

    def summary_before(self, pks):
        return set(JobReferral.objects.filter(pk__in=pks).values_list("trainee_id", flat=True))

    def summary_after(self, before, objs):
        tallies.trainees_changed((before or set()) | {obj.trainee_id for obj in objs})


@admin.register(EmploymentOutcome)
class EmploymentOutcomeAdmin(
    KeepsSummaryRowsMixin, AreaScopedAdminMixin, PersonalDataExportMixin, ExportMixin, admin.ModelAdmin
):
    resource_classes = [EmploymentOutcomeResource]
    list_display = ("trainee", "kind", "start_date", "description", "area")
    list_filter = ("kind", "area", "contract_signed", "social_insurance")
    list_select_related = ("trainee", "employer", "area")
    raw_id_fields = ("trainee", "employer", "labour_export")
    search_fields = ("trainee__name", "employer_name", "business_name")
    search_help_text = ID_SEARCH_HELP
    date_hierarchy = "start_date"

    def summary_before(self, pks):
        stored = EmploymentOutcome.objects.filter(pk__in=pks)
        return set(stored.values_list("trainee_id", flat=True)), tallies.job_keys(stored)

    def summary_after(self, before, objs):
        trainees, keys = before or (set(), set())
        tallies.trainees_changed(trainees | {obj.trainee_id for obj in objs}, old_keys=keys)


@admin.register(LabourExport)
class LabourExportAdmin(AreaScopedAdminMixin, admin.ModelAdmin):
    list_display = ("departed_on", "agency", "destination", "employer_label", "area")
    list_filter = ("area",)
    list_select_related = ("agency", "employer", "area")
    raw_id_fields = ("agency", "employer")


@admin.register(WageCase)
class WageCaseAdmin(AreaScopedAdminMixin, ExportMixin, admin.ModelAdmin):
    resource_classes = [WageCaseResource]
    list_display = ("received_on", "__str__", "workers", "amount_owed", "status", "closed_on", "area")
    list_filter = ("status", "area")
    list_select_related = ("employer", "area")
    raw_id_fields = ("employer",)
    date_hierarchy = "received_on"


@admin.register(ReferralImport)
class ReferralImportAdmin(AreaScopedAdminMixin, admin.ModelAdmin):
    list_display = ("file_name", "area", "uploaded_by", "uploaded_at", "status")
    list_filter = ("status", "area")
    list_select_related = ("area", "uploaded_by")
    exclude = ("content", "report")

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content", "report")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
