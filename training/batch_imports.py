"""What every import into one training batch shares (the roster, the results sheet): the batch is the
scope, its area's clerk imports, its page is where the import starts and ends."""

from django.urls import reverse

from accounts.audit import AuditEntry, audit_export, audit_record, check_person_export
from core.imports.spec import ImportSpec

from . import selectors
from .identity import mask_id_number
from .models import TrainingBatch
from .services import check_area


def person_change(row: int, trainee, fields: list[tuple[str, str, str]]) -> dict:
    """A preview's line about one person: the Excel row, the name, the masked number, (field, old, new)."""
    return {
        "row": row,
        "name": trainee.name,
        "id_number": mask_id_number(trainee.id_number),
        "fields": [{"field": name, "old": old, "new": new} for name, old, new in fields],
    }


class BatchImportSpec(ImportSpec):
    """The policy and page hooks of an import whose scope is a batch; a subclass sets `form_class`."""

    scope_field = "batch"
    url_namespace = "training"
    form_class = None

    def lock(self, batch):
        return TrainingBatch.objects.select_for_update().get(pk=batch.pk) if batch.pk else batch

    def check_scope(self, user, batch) -> None:
        check_area(user, batch.area)

    def records_for(self, user):
        return selectors.import_list(user=user, model=self.model)

    def upload_scope(self, user, pk):
        return selectors.batch_get(user=user, pk=pk)

    def upload_form(self, data, files, *, user):
        return self.form_class(data, files, user=user)

    def upload_options(self, user, batch, options):
        return batch, options

    def upload_context(self, user, batch) -> dict:
        return {"batch": batch}

    def after_cancel_url(self, record) -> str:
        return reverse("training:batch_detail", args=[record.batch_id])

    def check_export(self, user) -> None:
        check_person_export(user)

    def audit_export(self, request, record, *, rows: int) -> None:
        audit_export(
            request=request,
            subject=f"班期 #{record.batch_id} {self.title} #{record.pk} 检查结果",
            what=f"{self.noun}检查结果（含完整身份证号码）",
            rows=rows,
            area=record.batch.area,
        )

    def workbook_notes(self, report: dict) -> dict:
        return {}

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
