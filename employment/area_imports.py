"""The policy and page hooks shared by the imports recorded for one county area (referrals, vacancies,
follow-ups) and, for the records' list and error workbook, by one whose scope lies in an area (a job
fair's sign-in sheet)."""

from django import forms
from django.urls import reverse

from accounts.audit import audit_export, check_person_export
from accounts.scoping import require_area, scope_areas, scope_for, scope_queryset
from brands.models import Area
from core.imports.spec import ImportSpec
from core.imports.views import ImportUploadForm, import_urls

from .services import RECORD_WORK


def import_pages(spec, *, template: str, upload: str, records: str) -> list:
    """The pipeline's URL patterns of `spec`, each record's pages under its list's path (`records`<pk>/)."""
    return import_urls(spec, template=template, upload=upload, records=records, record=f"{records}<int:pk>/")


class AreaUploadForm(ImportUploadForm):
    """The file and, for a city user, the county the import is recorded for (a county clerk records for their
    own area). Subclasses name the area field (`area_label`, `area_help`)."""

    area_label: str
    area_help: str
    area = forms.ModelChoiceField(
        queryset=None,
        empty_label="请选择县区",
        error_messages={"invalid_choice": "请选择列表中的县区。"},
    )
    field_order = ["area", "file"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not scope_for(user).sees_all_areas:
            del self.fields["area"]
            return
        area = self.fields["area"]
        area.queryset = scope_areas(user)
        area.label, area.help_text = self.area_label, self.area_help
        area.error_messages["required"] = f"请选择{self.area_label}。"


class AreaRecordsSpec(ImportSpec):
    """An import whose records lie in one area (`area_field`: the record's path to it) and that counts the rows
    it writes (`plan.new`, by default) and those already recorded (`existing_rows`, with `existing_note` in
    the error workbook); the people in its file make the error workbook an export of personal data."""

    area_field = "area"
    existing_note: str
    check_export = staticmethod(check_person_export)
    export_audit = staticmethod(audit_export)

    def counts(self, plan) -> dict:
        return {"created": len(plan.new)}

    def sections(self, plan) -> dict:
        return {"existing": len(plan.existing_rows), "existing_rows": plan.existing_rows}

    def record_counts(self, report) -> dict:
        return {"existing_rows": report.extra.get("existing", 0)}

    def records_for(self, user):
        imports = self.model.objects.select_related(self.area_field, "uploaded_by", "committed_by")
        return scope_queryset(imports, user, area_field=self.area_field).order_by("-uploaded_at", "-id")

    def workbook_notes(self, report: dict) -> dict:
        return dict.fromkeys(report.get("existing_rows", []), self.existing_note)


class AreaImportSpec(AreaRecordsSpec):
    """An import recorded for one county area: the clerk's own, or the one a city user names in the form
    (`upload_form_class` an `AreaUploadForm`)."""

    scope_field = "area"
    scope_noun = "本县区"
    record_action = RECORD_WORK  # the action `require_area` names when it refuses

    def lock(self, area):
        # FOR NO KEY UPDATE: two imports for one area run one after the other and the second finds the
        # first one's records, while other records may still be created for the area.
        list(Area.objects.select_for_update(no_key=True).filter(pk=area.pk).only("pk"))
        return area

    def check_scope(self, user, area) -> None:
        require_area(user, area, action=self.record_action)

    def upload_options(self, user, scope, options):
        return require_area(user, options.pop("area", None), action=self.record_action), options

    def upload_context(self, user, scope) -> dict:
        county = scope_for(user)
        return {"area": None if county.sees_all_areas else county.area}

    def after_cancel_url(self, record) -> str:
        return reverse(self.url("upload"))

    def area_of(self, record):
        return record.area
