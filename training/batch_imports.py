"""What every import into one training batch shares (the roster, the results sheet): the batch is the
scope, its area's clerk imports, its page is where the import starts and ends."""

from django.urls import reverse

from accounts.audit import AuditEntry, audit_export, audit_record, check_person_export
from accounts.scoping import require_area, require_open_month
from core.imports.spec import ImportSpec
from core.imports.views import ImportUploadForm
from core.masking import mask_id_number

from . import selectors
from .models import TrainingBatch
from .services import BATCH_WORK


def person_change(row: int, trainee, fields: list[tuple[str, str, str]]) -> dict:
    """A preview's line about one person: the Excel row, the name, the masked number, (field, old, new)."""
    return {
        "row": row,
        "name": trainee.name,
        "id_number": mask_id_number(trainee.id_number),
        "fields": [{"field": name, "old": old, "new": new} for name, old, new in fields],
    }


class BatchImportSpec(ImportSpec):
    """The policy and page hooks of an import whose scope is a batch."""

    scope_field = "batch"
    scope_noun = "本班期"
    url_namespace = "training"
    check_export = staticmethod(check_person_export)
    export_audit = staticmethod(audit_export)
    upload_label = ""  # the file field's label, for a spec without a form of its own

    def __init_subclass__(cls, pages: str = "", **kwargs):
        """Permissions named after the record's model; pages training/<pages>_upload.html, _detail, _list."""
        super().__init_subclass__(**kwargs)
        if pages:
            model = cls.model._meta.model_name
            cls.permission_add, cls.permission_view = f"training.add_{model}", f"training.view_{model}"
            cls.upload_template, cls.detail_template, cls.list_template = (
                f"training/{pages}_{page}.html" for page in ("upload", "detail", "list")
            )

    def upload_form(self, data, files, *, user):
        if self.upload_form_class:
            return super().upload_form(data, files, user=user)
        form = ImportUploadForm(data, files)
        form.fields["file"].label = self.upload_label
        return form

    def lock(self, batch):
        return TrainingBatch.objects.select_for_update().get(pk=batch.pk) if batch.pk else batch

    def check_scope(self, user, batch) -> None:
        require_area(user, batch.area, action=BATCH_WORK)

    def check_open(self, user, batch) -> None:
        """A batch's enrolments are dated by its end date (the month its trainings count in)."""
        require_open_month(user, batch.area, batch.end_date, action="导入或修改")

    def records_for(self, user):
        return selectors.import_list(user=user, model=self.model)

    def upload_scope(self, user, pk):
        return selectors.batch_get(user=user, pk=pk)

    def after_cancel_url(self, record) -> str:
        return reverse("training:batch_detail", args=[record.batch_id])

    def subject(self, record) -> str:
        return f"班期 #{record.batch_id} {self.title} #{record.pk}"

    def area_of(self, record):
        return record.batch.area

    def audit_changes(self, *, batch, record, user, detail: str) -> None:
        """One entry for a commit that changed people's records, in the transaction of the change, whichever
        path committed it (the page, a Celery worker, the command line, the API)."""
        audit_record(
            user=user,
            action=AuditEntry.Action.CHANGE,
            subject=f"班期 #{batch.pk} {self.title}" + (f" #{record.pk}" if record else ""),
            area=batch.area,
            detail=detail,
        )
