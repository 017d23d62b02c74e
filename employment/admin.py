"""Admin of employment records, every queryset scoped to the user's area. Every add and change goes
through employment/services.py, as on the 就业服务 pages; what no service changes is read-only here."""

from django.contrib import admin
from import_export import fields
from import_export.admin import ExportMixin

from accounts.admin import ID_SEARCH_HELP, AreaScopedAdminMixin, PersonalDataExportMixin, ServiceWritesAdminMixin
from brands.resources import SafeExportResource
from core.imports.admin import ImportRecordAdmin
from training.admin import KeepsSummaryRowsOnDeleteMixin

from . import services, tallies
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


class TraineeRecordAdmin(
    ServiceWritesAdminMixin,
    KeepsSummaryRowsOnDeleteMixin,
    AreaScopedAdminMixin,
    PersonalDataExportMixin,
    ExportMixin,
    admin.ModelAdmin,
):
    """A record of a trainee's (a referral, an outcome): written through the services, exported with the ID
    number masked, the summary rows kept when records are deleted."""

    list_select_related = ("trainee", "employer", "area")
    search_help_text = ID_SEARCH_HELP
    readonly_fields = ("created_by", "created_at")


@admin.register(JobReferral)
class JobReferralAdmin(TraineeRecordAdmin):
    resource_classes = [JobReferralResource]
    list_display = ("trainee", "employer_label", "position", "referred_on", "channel", "result", "area")
    list_filter = ("channel", "result", "area")
    raw_id_fields = ("trainee", "employer")
    search_fields = ("trainee__name", "employer_name", "employer__name", "position")
    date_hierarchy = "referred_on"
    add_service = staticmethod(services.referral_create)
    add_fields = (
        "trainee",
        "area",
        "employer",
        "employer_name",
        "position",
        "referred_on",
        "channel",
        "result",
        "note",
    )
    change_fields = ("result", "note")
    where_written = "推荐登记后只能修改推荐结果和备注（与“就业服务”页面相同）；登记错误的推荐可以删除后重新登记。"

    def service_change(self, request, stored, data, changed):
        return services.referral_set_result(
            referral=stored, user=request.user, result=data["result"], note=data["note"]
        )

    def summary_before(self, pks):
        return set(JobReferral.objects.filter(pk__in=pks).values_list("trainee_id", flat=True))

    def summary_after(self, before, objs):
        tallies.trainees_changed((before or set()) | {obj.trainee_id for obj in objs})


@admin.register(EmploymentOutcome)
class EmploymentOutcomeAdmin(TraineeRecordAdmin):
    resource_classes = [EmploymentOutcomeResource]
    list_display = ("trainee", "kind", "start_date", "description", "area")
    list_filter = ("kind", "area", "contract_signed", "social_insurance")
    raw_id_fields = ("trainee", "employer", "labour_export")
    search_fields = ("trainee__name", "employer_name", "business_name")
    date_hierarchy = "start_date"
    readonly_fields = (*TraineeRecordAdmin.readonly_fields, "counted_batch")
    add_service = staticmethod(services.outcome_create)
    add_fields = (
        "trainee",
        "area",
        "kind",
        "start_date",
        "employer",
        "employer_name",
        "contract_signed",
        "social_insurance",
        "business_name",
        "business_uscc",
        "jobs_created",
        "work_kind",
        "labour_export",
        "note",
    )
    where_written = "就业创业结果登记后不能修改：登记错误的结果请删除后重新登记（统计随之重算）。"

    def summary_before(self, pks):
        stored = EmploymentOutcome.objects.filter(pk__in=pks)
        return set(stored.values_list("trainee_id", flat=True)), tallies.job_keys(stored), tallies.outcome_days(stored)

    def summary_after(self, before, objs):
        trainees, keys, days = before or (set(), set(), set())
        tallies.trainees_changed(trainees | {obj.trainee_id for obj in objs}, old_keys=keys, old_days=days)


@admin.register(LabourExport)
class LabourExportAdmin(ServiceWritesAdminMixin, AreaScopedAdminMixin, admin.ModelAdmin):
    """Read-only: a group is recorded with the people sent, each of whom gets an employment outcome
    (services.labour_export_create), which only the group's page can do."""

    list_display = ("departed_on", "agency", "destination", "employer_label", "area")
    list_filter = ("area",)
    list_select_related = ("agency", "employer", "area")
    raw_id_fields = ("agency", "employer")
    may_delete = False
    where_written = (
        "有组织劳务输出在“就业服务 → 有组织劳务输出”页面登记（同时为每位输出人员登记就业结果），后台只能查看。"
    )


@admin.register(WageCase)
class WageCaseAdmin(ServiceWritesAdminMixin, AreaScopedAdminMixin, ExportMixin, admin.ModelAdmin):
    """Received and moved on through the services of the case pages. Never deleted: the closure rate
    against 98% counts every case received."""

    resource_classes = [WageCaseResource]
    list_display = ("received_on", "__str__", "workers", "amount_owed", "status", "closed_on", "area")
    list_filter = ("status", "area")
    list_select_related = ("employer", "area")
    raw_id_fields = ("employer",)
    date_hierarchy = "received_on"
    readonly_fields = ("created_by", "created_at")
    add_service = staticmethod(services.wage_case_create)
    add_fields = ("area", "received_on", "employer", "employer_name", "workers", "amount_owed")
    change_fields = ("status", "closed_on", "resolution")
    may_delete = False
    where_written = (
        "受理后只能推进状态（调查中、结案：须填写结案日期和处理结果）；案件不能删除，结案率按全部受理案件计算。"
    )

    def service_change(self, request, stored, data, changed):
        if not set(changed) & set(self.change_fields):
            return stored
        return services.wage_case_progress(
            case=stored,
            user=request.user,
            status=data["status"],
            closed_on=data["closed_on"],
            resolution=data["resolution"] or "",
        )


class AreaImportAdmin(AreaScopedAdminMixin, ImportRecordAdmin):
    """The uploads of an import recorded for an area (area_imports.AreaImportSpec)."""

    list_display = ("file_name", "area", "uploaded_by", "uploaded_at", "status")
    list_filter = ("status", "area")
    list_select_related = ("area", "uploaded_by")


admin.site.register(ReferralImport, AreaImportAdmin)


# --- the vacancy register and job fairs (issue 18): read-only here, written on their pages ----------

from .vacancy_models import JobFair, Vacancy  # noqa: E402


@admin.register(Vacancy)
class VacancyAdmin(ServiceWritesAdminMixin, AreaScopedAdminMixin, admin.ModelAdmin):
    """Read-only: vacancies are registered, changed and closed on the 岗位信息库 pages (vacancy_services)."""

    list_display = ("title", "employer", "occupation", "openings", "valid_to", "status", "area")
    list_filter = ("status", "kind", "area")
    list_select_related = ("employer", "occupation", "area")
    raw_id_fields = ("employer", "fair")
    may_delete = False
    where_written = "岗位在“就业服务 → 岗位信息库”页面登记、修改和关闭，后台只能查看。"


@admin.register(JobFair)
class JobFairAdmin(ServiceWritesAdminMixin, AreaScopedAdminMixin, admin.ModelAdmin):
    """Read-only: fairs, sign-ins and intentions are recorded on the 专场招聘会 pages."""

    list_display = ("held_on", "title", "brand", "area")
    list_filter = ("area", "brand")
    list_select_related = ("brand", "area")
    may_delete = False
    where_written = "招聘会在“就业服务 → 专场招聘会”页面登记，后台只能查看。"
