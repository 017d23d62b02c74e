"""Roster import pages: template, upload, whole-file preview, progress, commit or cancel, error workbook."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from accounts.audit import audit_export, check_person_export
from core.spreadsheets import ACCEPTED_EXTENSIONS, ACCEPTED_TEXT, MAX_UPLOAD_BYTES, upload_too_large
from core.xlsx import xlsx_response

from . import selectors, services
from .roster import RosterFileError
from .workbooks import roster_error_workbook
from .workbooks import roster_template as build_template

PREVIEW_ERRORS_SHOWN = 300


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=f"花名册文件（{ACCEPTED_TEXT}）",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED_EXTENSIONS)}),
        help_text=f"不超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB、10 万行。请使用系统模板，或表头含“姓名”“身份证号码”的 Excel 表格。",
        error_messages={"required": "请选择要上传的花名册文件。", "empty": "上传的文件是空的。"},
    )
    mark_completed = forms.BooleanField(
        label="导入的学员同时标记为“已结业”", required=False, help_text="仅用于已结束课程的历史花名册。"
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(upload_too_large(upload.size))
        return upload


@require_safe
@login_required
def roster_template(request):
    return xlsx_response(build_template(categories=selectors.category_names()), "学员花名册模板.xlsx")


@login_required
@permission_required("training.add_rosterimport", raise_exception=True)
def import_upload(request, pk: int):
    batch = selectors.batch_get(user=request.user, pk=pk)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            roster_import = services.roster_upload(
                batch=batch,
                user=request.user,
                file_name=upload.name,
                content=upload.read(),
                mark_completed=form.cleaned_data["mark_completed"],
            )
        except RosterFileError as problem:
            form.add_error("file", str(problem))
        else:
            return redirect("training:import_detail", pk=roster_import.pk)
    recent = selectors.import_list(user=request.user, batch=batch)[:10]
    return render(request, "training/import_upload.html", {"batch": batch, "form": form, "recent": recent})


@require_safe
@login_required
@permission_required("training.view_rosterimport", raise_exception=True)
def import_list(request):
    page = Paginator(selectors.import_list(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "training/import_list.html", {"page": page})


@require_safe
@login_required
@permission_required("training.view_rosterimport", raise_exception=True)
def import_detail(request, pk: int):
    roster_import = selectors.import_get(user=request.user, pk=pk)
    report = roster_import.report or {}
    errors = report.get("errors", [])
    duplicates = report.get("duplicates", [])  # absent from reports kept before it was recorded
    return render(
        request,
        "training/import_detail.html",
        {
            "roster_import": roster_import,
            "batch": roster_import.batch,
            "report": report,
            "errors": errors[:PREVIEW_ERRORS_SHOWN],
            "errors_hidden": max(0, report.get("error_count", len(errors)) - PREVIEW_ERRORS_SHOWN),
            "changes": report.get("changes", []),
            "elsewhere": report.get("elsewhere", []),
            "duplicates": duplicates[:PREVIEW_ERRORS_SHOWN],
            "duplicates_hidden": max(0, len(report.get("duplicate_rows", [])) - PREVIEW_ERRORS_SHOWN),
            "progress": services.import_progress(roster_import),
            "can_commit": request.user.has_perm("training.add_rosterimport"),
        },
    )


@require_safe
@login_required
@permission_required("training.view_rosterimport", raise_exception=True)
def import_progress(request, pk: int):
    roster_import = selectors.import_get(user=request.user, pk=pk)
    return JsonResponse(
        {**services.import_progress(roster_import), "detail_url": reverse("training:import_detail", args=[pk])}
    )


@require_POST
@login_required
@permission_required("training.add_rosterimport", raise_exception=True)
def import_commit(request, pk: int):
    roster_import = selectors.import_get(user=request.user, pk=pk)
    skip_invalid = request.POST.get("mode") == "valid"
    try:
        services.roster_request_commit(roster_import=roster_import, user=request.user, skip_invalid=skip_invalid)
    except ValidationError as problem:
        messages.error(request, "；".join(problem.messages))
    return redirect("training:import_detail", pk=pk)


@require_POST
@login_required
@permission_required("training.add_rosterimport", raise_exception=True)
def import_cancel(request, pk: int):
    roster_import = selectors.import_get(user=request.user, pk=pk)
    try:
        services.roster_cancel(roster_import=roster_import, user=request.user)
    except ValidationError as problem:
        messages.error(request, "；".join(problem.messages))
    else:
        messages.info(request, "已取消本次导入，没有写入任何记录。")
    return redirect("training:batch_detail", pk=roster_import.batch_id)


@require_safe
@login_required
@permission_required("training.add_rosterimport", raise_exception=True)
def import_errors(request, pk: int):
    """The uploaded rows with an error column, to fix and upload again.

    The rows hold full ID numbers as uploaded: only those who upload rosters may take them away, and
    each download is an audit entry."""
    check_person_export(request.user)
    roster_import = selectors.import_get(user=request.user, pk=pk, with_content=True)
    try:
        roster = services.roster_rows_checked(roster_import=roster_import)
    except RosterFileError as problem:
        messages.error(request, str(problem))
        return redirect("training:import_detail", pk=pk)
    audit_export(
        request=request,
        subject=f"班期 #{roster_import.batch_id} 花名册导入 #{roster_import.pk} 检查结果",
        what="花名册检查结果（含完整身份证号码）",
        rows=len(roster.rows),
        area=roster_import.batch.area,
    )
    stem = roster_import.file_name.rsplit(".", 1)[0]
    return xlsx_response(roster_error_workbook(roster), f"{stem}-错误清单-{timezone.localdate():%Y%m%d}.xlsx")
