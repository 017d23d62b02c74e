"""The pages of every import: upload, list (导入记录), preview, progress, commit, cancel, error workbook, template.

`import_urls(spec, ...)` gives a spec its URL patterns under the names in `spec.urls`; the views are thin:
they parse input, call core.imports.services and render core/imports/*.html (which the spec's templates
extend with their own preview sections)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from core.spreadsheets import ACCEPTED_EXTENSIONS, MAX_UPLOAD_BYTES, SpreadsheetError, upload_too_large
from core.xlsx import xlsx_response

from . import services
from .dispatch import import_dispatch_if_waiting
from .workbooks import error_workbook

PREVIEW_ERRORS_SHOWN = 300
# The clerk's answer when the broker did not take a large file's work (core.imports.dispatch): kept, not lost.
WAITING_MESSAGE = (
    "后台处理服务暂时连接不上。{noun}已保存，不会丢失：服务恢复后系统会自动{work}（通常几分钟内），"
    "本页会显示进度，无需重新上传。"
)


def _tell_if_waiting(request, spec, record, work: str) -> None:
    record.refresh_from_db(fields=["status", "work_started_at"])
    if record.is_waiting:
        messages.warning(request, WAITING_MESSAGE.format(noun=spec.noun, work=work))


class ImportUploadForm(forms.Form):
    """The file (worded by `ImportSpec.upload_form`); a spec's form adds its own fields, taking `user=`."""

    file = forms.FileField(
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED_EXTENSIONS)}),
        error_messages={"required": "请选择要上传的文件。", "empty": "上传的文件是空的。"},
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(upload_too_large(upload.size))
        return upload


def _require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def record_get(request, spec, pk: int, *, permission: str, with_content: bool = False):
    """A record the user may see, once they hold `permission`; another area's is a 404, as if it did not exist."""
    _require(request, permission)
    records = spec.records_for(request.user)
    records = records.defer(None) if with_content else records.defer("content")
    return get_object_or_404(records, pk=pk)


def import_urls(spec, *, template: str, upload: str, records: str, record: str) -> list:
    """URL patterns: `template` the template file, `upload` the upload page (may hold <int:pk>, the
    scope's), `records` the list, `record` a record's prefix (holds <int:pk>)."""
    names = spec.urls
    base = {"spec": spec, "import_urls": {name: spec.url(name) for name in names}}

    @require_safe
    @login_required
    def template_view(request, pk: int | None = None):
        """The blank template; with `pk` (the template path holds <int:pk>) the scope's own, pre-filled
        (`spec.scope_template`, which checks and audits the export of what it holds)."""
        if pk is None:
            return xlsx_response(spec.template_workbook(), spec.template_name)
        _require(request, spec.permission_add)
        scope = spec.upload_scope(request.user, pk)
        return xlsx_response(spec.scope_template(request, scope), spec.template_name)

    @login_required
    def upload_view(request, pk: int | None = None):
        _require(request, spec.permission_add)
        scope = spec.upload_scope(request.user, pk)
        form = spec.upload_form(request.POST or None, request.FILES or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            options = {name: value for name, value in form.cleaned_data.items() if name != "file"}
            try:
                chosen, options = spec.upload_options(request.user, scope, options)
                record = services.import_upload(
                    spec=spec, scope=chosen, user=request.user, file_name=upload.name, content=upload.read(), **options
                )
            except SpreadsheetError as problem:
                form.add_error("file", str(problem))
            except ValidationError as problem:
                form.add_error(None, problem)
            else:
                _tell_if_waiting(request, spec, record, "检查")
                return redirect(spec.url("detail"), pk=record.pk)
        recent = spec.records_for(request.user).defer("content", "report")
        if scope is not None:
            recent = recent.filter(**{spec.scope_field: scope})
        context = {**base, "form": form, "recent": recent[:10], "scope": scope}
        return render(request, spec.upload_template, {**context, **spec.upload_context(request.user, scope)})

    @require_safe
    @login_required
    def list_view(request):
        _require(request, spec.permission_view)
        records = spec.records_for(request.user).defer("content", "report")
        page = Paginator(records, 50).get_page(request.GET.get("page"))
        return render(request, spec.list_template, {**base, "page": page})

    @require_safe
    @login_required
    def detail_view(request, pk: int):
        item = record_get(request, spec, pk, permission=spec.permission_view)
        import_dispatch_if_waiting(spec=spec, record=item)
        report = item.report or {}
        scope = spec.scope_of(item)
        errors = report.get("errors", [])
        duplicates = report.get("duplicates", [])
        context = {
            **base,
            "record": item,
            "scope": scope,
            "outdated": services.import_outdated(spec=spec, record=item),
            "recheck_url": reverse(spec.url("upload"), args=[scope.pk] if "<int:pk>" in upload else []),
            "report": report,
            "errors": errors[:PREVIEW_ERRORS_SHOWN],
            "errors_hidden": max(0, report.get("error_count", len(errors)) - PREVIEW_ERRORS_SHOWN),
            "duplicates": [
                {**duplicate, "message": spec.duplicate_message(duplicate["first_row"])}
                for duplicate in duplicates[:PREVIEW_ERRORS_SHOWN]
            ],
            "duplicates_hidden": max(0, len(duplicates) - PREVIEW_ERRORS_SHOWN),
            "progress": services.import_progress(item),
            "can_commit": request.user.has_perm(spec.permission_add),
        }
        return render(request, spec.detail_template, context)

    @require_safe
    @login_required
    def progress_view(request, pk: int):
        item = record_get(request, spec, pk, permission=spec.permission_view)
        import_dispatch_if_waiting(spec=spec, record=item)
        return JsonResponse({**services.import_progress(item), "detail_url": reverse(spec.url("detail"), args=[pk])})

    @require_POST
    @login_required
    def commit_view(request, pk: int):
        item = record_get(request, spec, pk, permission=spec.permission_add)
        try:
            services.import_request_commit(
                spec=spec, record=item, user=request.user, skip_invalid=request.POST.get("mode") == "valid"
            )
        except ValidationError as problem:
            messages.error(request, "；".join(problem.messages))
        else:
            _tell_if_waiting(request, spec, item, "导入")
        return redirect(spec.url("detail"), pk=pk)

    @require_POST
    @login_required
    def cancel_view(request, pk: int):
        item = record_get(request, spec, pk, permission=spec.permission_add)
        try:
            services.import_cancel(spec=spec, record=item, user=request.user)
        except ValidationError as problem:
            messages.error(request, "；".join(problem.messages))
            return redirect(spec.url("detail"), pk=pk)
        messages.info(request, "已取消本次导入，没有写入任何记录。")
        return redirect(spec.after_cancel_url(item))

    @require_safe
    @login_required
    def errors_view(request, pk: int):
        """The uploaded rows with a column saying what the check found, to fix and upload again.

        The rows hold full ID numbers as uploaded: only those who upload may take them away, and each
        download is an audit entry (the spec's)."""
        _require(request, spec.permission_add)
        spec.check_export(request.user)
        item = record_get(request, spec, pk, permission=spec.permission_add, with_content=True)
        try:
            sheet = services.import_rows_checked(spec=spec, record=item, keep_raw=True)
        except SpreadsheetError as problem:
            messages.error(request, str(problem))
            return redirect(spec.url("detail"), pk=pk)
        report = item.report or {}
        workbook = error_workbook(spec, sheet, report, notes=spec.workbook_notes(report))
        spec.audit_export(request, item, rows=len(sheet.rows))
        stem = item.file_name.rsplit(".", 1)[0]
        return xlsx_response(workbook, f"{stem}-错误清单-{timezone.localdate():%Y%m%d}.xlsx")

    return [
        path(template, template_view, name=names["template"]),
        path(upload, upload_view, name=names["upload"]),
        path(records, list_view, name=names["list"]),
        path(record, detail_view, name=names["detail"]),
        path(f"{record}progress/", progress_view, name=names["progress"]),
        path(f"{record}commit/", commit_view, name=names["commit"]),
        path(f"{record}cancel/", cancel_view, name=names["cancel"]),
        path(f"{record}errors.xlsx", errors_view, name=names["errors"]),
    ]
