"""Admin of training records, every queryset scoped to the user's area. Trainee and enrolment
exports carry masked ID numbers only; rosters are imported through the roster pages, not here."""

from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import Count
from import_export import fields
from import_export.admin import ExportMixin

from accounts.admin import (
    ID_SEARCH_HELP,
    AreaScopedAdminMixin,
    CityReferenceDataAdminMixin,
    PersonalDataExportMixin,
    ServiceWritesAdminMixin,
)
from accounts.audit import AuditEntry, audit_record
from accounts.scoping import trainees_visible
from brands.admin import PlainLabelsAdminMixin
from brands.resources import SafeExportResource
from core.db import pinyin
from core.imports.admin import ImportRecordAdmin

from . import services, tallies
from .models import Enrolment, PriorityCategory, ResultsImport, RosterImport, Trainee, TrainingBatch
from .validators import clean_trainee_name, clean_trainee_phone


class KeepsSummaryRowsOnDeleteMixin:
    """Deletes in the admin have no service, so they bring the dashboard's summary rows up to date
    themselves, in the same transaction: `summary_before` notes what the stored rows count for,
    `summary_after` recounts it and what the changed rows count for now."""

    def summary_before(self, pks: list[int]):
        return None

    def summary_after(self, before, objs: list) -> None:
        raise NotImplementedError

    def delete_model(self, request, obj):
        with transaction.atomic():
            before = self.summary_before([obj.pk])
            super().delete_model(request, obj)
            self.summary_after(before, [obj])

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            objs = list(queryset)
            before = self.summary_before([obj.pk for obj in objs])
            super().delete_queryset(request, queryset)
            self.summary_after(before, objs)


class KeepsSummaryRowsMixin(KeepsSummaryRowsOnDeleteMixin):
    """Saves too: for a model whose admin edits have no service (the trainee's own record)."""

    def save_model(self, request, obj, form, change):
        request._summary_before = self.summary_before([obj.pk] if change else [])
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # categories are saved here, after the row
        self.summary_after(getattr(request, "_summary_before", None), [form.instance])


class TraineeResource(SafeExportResource):
    id_number = fields.Field(attribute="masked_id_number", column_name="身份证号码（脱敏）")
    categories = fields.Field(column_name="人员类别")

    class Meta:
        model = Trainee
        fields = (
            "id",
            "name",
            "id_number",
            "sex",
            "birth_date",
            "phone",
            "education",
            "categories",
            "household_address",
            "note",
            "created_at",
        )

    def dehydrate_categories(self, trainee):
        return "、".join(category.name for category in trainee.categories.all())

    def dehydrate_sex(self, trainee):
        return trainee.get_sex_display()

    def dehydrate_education(self, trainee):
        return trainee.get_education_display()


class EnrolmentResource(SafeExportResource):
    trainee_name = fields.Field(attribute="trainee__name", column_name="姓名")
    id_number = fields.Field(attribute="trainee__masked_id_number", column_name="身份证号码（脱敏）")
    batch = fields.Field(attribute="batch", column_name="班期")
    area = fields.Field(attribute="batch__area__short_name", column_name="承办地区")
    occupation = fields.Field(attribute="batch__occupation__name", column_name="职业（工种）")
    brand = fields.Field(attribute="batch__occupation__brand__name", column_name="劳务品牌")

    class Meta:
        model = Enrolment
        fields = (
            "id",
            "trainee_name",
            "id_number",
            "batch",
            "area",
            "brand",
            "occupation",
            "completed",
            "assessment",
            "certificate",
            "certificate_number",
            "certificate_date",
        )

    def dehydrate_assessment(self, enrolment):
        return enrolment.get_assessment_display()

    def dehydrate_certificate(self, enrolment):
        return enrolment.get_certificate_display()

    def dehydrate_completed(self, enrolment):
        return "是" if enrolment.completed else "否"


class TrainingBatchResource(SafeExportResource):
    class Meta:
        model = TrainingBatch
        fields = (
            "id",
            "name",
            "area__short_name",
            "occupation__name",
            "provider__name",
            "start_date",
            "end_date",
            "mode",
            "status",
            "capacity",
        )


@admin.register(PriorityCategory)
class PriorityCategoryAdmin(PlainLabelsAdminMixin, CityReferenceDataAdminMixin, admin.ModelAdmin):
    """人员类别 are city-wide: every area's rosters and the city's statistics by category read them."""

    list_display = ("name", "code", "sort_order")

    def get_deleted_objects(self, objs, request):
        """A category people hold is refused, as a protected object is (the delete page and the bulk action
        say so and delete nothing): deleting it would take it off their records and out of every year's
        statistics by category, and the links have no database constraint to refuse it (Trainee.categories)."""
        through = Trainee.categories.through
        held = dict(
            through.objects.filter(prioritycategory__in=objs)
            .values("prioritycategory")
            .annotate(n=Count("id"))
            .values_list("prioritycategory", "n")
        )
        if held:  # before Django collects every link of the categories only to list them
            refused = [
                f"人员类别“{category.name}”：已有 {held[category.pk]} 名学员登记为该类别，不能删除（可改名）"
                for category in objs
                if category.pk in held
            ]
            return [], {}, set(), refused
        return super().get_deleted_objects(objs, request)


@admin.register(TrainingBatch)
class TrainingBatchAdmin(
    ServiceWritesAdminMixin, KeepsSummaryRowsOnDeleteMixin, AreaScopedAdminMixin, ExportMixin, admin.ModelAdmin
):
    """Opened and edited through training/services.py (batch_create, batch_update): the area checks, the
    completed batch that cannot be reopened and the recount of the dashboard's rows, as on the batch page."""

    resource_classes = [TrainingBatchResource]
    list_display = ("__str__", "area", "occupation", "provider", "start_date", "end_date", "mode", "status")
    list_filter = ("status", "mode", "area", "occupation__brand")
    list_select_related = ("area", "occupation", "provider")
    search_fields = ("name", "occupation__name", "provider__name")
    date_hierarchy = "start_date"
    raw_id_fields = ("provider",)
    readonly_fields = ("created_by", "created_at")
    add_service = staticmethod(services.batch_create)
    add_fields = ("area", "occupation", "provider", "name", "start_date", "end_date", "mode", "status", "capacity")
    change_fields = services.BATCH_EDITABLE_FIELDS

    def service_change(self, request, stored, data, changed):
        changes = {name: data[name] for name in changed if name in self.change_fields}
        return services.batch_update(batch=stored, user=request.user, **changes)

    def summary_before(self, pks):
        return tallies.batch_keys(pks)

    def summary_after(self, before, objs):
        tallies.training_changed(batch_ids=[obj.pk for obj in objs if obj.pk], old_keys=before)


class TraineeAdminForm(forms.ModelForm):
    """A person's name and phone pass the roster's rules, with its messages (training/validators.py)."""

    class Meta:
        model = Trainee
        # The full ID number stays out (PIPL art. 28); sex and birth date follow from it (read-only).
        fields = ("name", "phone", "education", "household_address", "household_area", "categories", "note")
        error_messages = {"name": {"required": "姓名未填写。"}}

    def clean_name(self):
        return clean_trainee_name(self.cleaned_data.get("name") or "")

    def clean_phone(self):
        return clean_trainee_phone(self.cleaned_data.get("phone") or "")


@admin.register(Trainee)
class TraineeAdmin(KeepsSummaryRowsMixin, AreaScopedAdminMixin, PersonalDataExportMixin, ExportMixin, admin.ModelAdmin):
    form = TraineeAdminForm
    resource_classes = [TraineeResource]
    list_display = ("name_column", "masked_id_number", "sex", "birth_date", "phone", "education")
    list_filter = ("sex", "education", "categories")
    search_fields = ("name",)
    search_help_text = ID_SEARCH_HELP
    filter_horizontal = ("categories",)
    # The full ID number stays out of the admin: it is sensitive personal information (PIPL art. 28).
    exclude = ("id_number",)
    readonly_fields = ("masked_id_number", "sex", "birth_date", "created_at", "updated_at")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("categories")

    @admin.display(description="姓名", ordering=pinyin("name"))
    def name_column(self, trainee):
        """Sorted as the registry is (pinyin, read off the name index), also when the column is clicked."""
        return trainee.name

    def scope(self, queryset, request):
        return trainees_visible(queryset, request.user)

    def has_add_permission(self, request):
        return False  # people enter the registry through rosters, keyed by their ID number

    def summary_after(self, before, objs):
        tallies.training_changed(trainee_ids=[obj.pk for obj in objs if obj.pk])  # their categories

    @admin.display(description="身份证号码")
    def masked_id_number(self, obj):
        return obj.masked_id_number

    def log_change(self, request, obj, message):
        # Besides the admin's own history: a change of a person's record belongs in the audit trail.
        entry = super().log_change(request, obj, message)
        audit_record(
            user=request.user,
            action=AuditEntry.Action.CHANGE,
            person=obj,
            detail=f"在后台修改：{entry.get_change_message() or '未修改字段'}",
            request=request,
        )
        return entry

    def log_deletions(self, request, queryset):
        # Removing a person from the registry is a change of their record too (PIPL art. 51).
        entries = super().log_deletions(request, queryset)
        for person in queryset:
            audit_record(
                user=request.user, action=AuditEntry.Action.CHANGE, person=person, detail="在后台删除", request=request
            )
        return entries


@admin.register(Enrolment)
class EnrolmentAdmin(
    ServiceWritesAdminMixin,
    KeepsSummaryRowsOnDeleteMixin,
    AreaScopedAdminMixin,
    PersonalDataExportMixin,
    ExportMixin,
    admin.ModelAdmin,
):
    """People are enrolled by rosters only; completion, assessment and the certificate are recorded through
    enrolments_record_results, the service of the batch's 结业与证书 page, with its checks and recount."""

    area_field = "batch__area"
    resource_classes = [EnrolmentResource]
    list_display = ("trainee", "batch", "completed", "assessment", "certificate", "certificate_number")
    list_filter = ("completed", "certificate", "batch__area", "batch__occupation__brand")
    list_select_related = ("trainee", "batch", "batch__area", "batch__occupation")
    raw_id_fields = ("trainee", "batch", "roster_import")
    search_fields = ("trainee__name", "certificate_number")
    search_help_text = ID_SEARCH_HELP
    change_fields = ("completed", "assessment", "certificate", "certificate_number", "certificate_date")
    where_written = "学员通过班期的花名册导入参训；后台只能修改结业、考核和证书，按班期“结业与证书”页面的规则检查。"

    def service_change(self, request, stored, data, changed):
        entry = services.ResultEntry(
            enrolment_id=stored.pk,
            completed=data["completed"],
            assessment=data["assessment"] or "",
            certificate=data["certificate"] or "",
            certificate_number=data["certificate_number"] or "",
            certificate_date=data["certificate_date"],
        )
        services.enrolments_record_results(batch=stored.batch, user=request.user, entries=[entry])
        return Enrolment.objects.get(pk=stored.pk)

    def summary_before(self, pks):
        return list(Enrolment.objects.filter(pk__in=pks).values_list("batch_id", "trainee_id"))

    def summary_after(self, before, objs):
        pairs = (before or []) + [(obj.batch_id, obj.trainee_id) for obj in objs]
        tallies.training_changed(batch_ids={b for b, _t in pairs}, trainee_ids={t for _b, t in pairs})


class BatchImportAdmin(AreaScopedAdminMixin, ImportRecordAdmin):
    """The read-only record of a batch's imports, scoped by the batch's area."""

    area_field = "batch__area"
    list_display = ("file_name", "batch", "uploaded_by", "uploaded_at", "status", "rows", "error_rows")
    list_filter = ("status", "batch__area")
    list_select_related = ("batch", "batch__area", "batch__occupation", "uploaded_by")


@admin.register(ResultsImport)
class ResultsImportAdmin(BatchImportAdmin):
    list_display = (*BatchImportAdmin.list_display, "updated_count")


@admin.register(RosterImport)
class RosterImportAdmin(BatchImportAdmin):
    list_display = (*BatchImportAdmin.list_display, "created_count", "updated_count", "enrolled_count")
