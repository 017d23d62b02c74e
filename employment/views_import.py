"""Bulk referral import pages: template, upload, whole-file preview, commit or cancel, error workbook.

The same conventions as the roster import (training/views_import.py); referral sheets are small, so
everything runs inside the request."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from accounts.audit import audit_export, check_person_export
from accounts.scoping import scope_areas, scope_for
from core.spreadsheets import ACCEPTED_EXTENSIONS, ACCEPTED_TEXT, MAX_UPLOAD_BYTES, upload_too_large
from core.xlsx import xlsx_response
from training.roster import RosterFileError

from . import referral_import as importer

PREVIEW_ERRORS_SHOWN = 300


class ReferralUploadForm(forms.Form):
    area = forms.ModelChoiceField(
        label="推荐地区",
        queryset=None,
        empty_label="请选择县区",
        help_text="导入的推荐记在该县区名下。",
        error_messages={"required": "请选择推荐地区。", "invalid_choice": "请选择列表中的县区。"},
    )
    file = forms.FileField(
        label=f"岗位推荐表（{ACCEPTED_TEXT}）",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED_EXTENSIONS)}),
        help_text=f"不超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB、1 万行。请使用系统模板，或表头含“身份证号码”“姓名”“用人单位”“推荐岗位”“推荐日期”“推荐渠道”的 Excel 表格。",
        error_messages={"required": "请选择要上传的岗位推荐表。", "empty": "上传的文件是空的。"},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if scope_for(user).sees_all_areas:
            self.fields["area"].queryset = scope_areas(user)
        else:
            del self.fields["area"]  # a county clerk records referrals for their own area

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(upload_too_large(upload.size))
        return upload


@require_safe
@login_required
def referral_template(request):
    return xlsx_response(importer.referral_template(), "岗位推荐导入模板.xlsx")


@login_required
@permission_required("employment.add_jobreferral", raise_exception=True)
def referral_import_upload(request):
    form = ReferralUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            referral_import = importer.referral_import_upload(
                user=request.user,
                area=form.cleaned_data.get("area"),
                file_name=upload.name,
                content=upload.read(),
            )
        except RosterFileError as problem:
            form.add_error("file", str(problem))
        else:
            return redirect("employment:referral_import_detail", pk=referral_import.pk)
    scope = scope_for(request.user)
    recent = importer.referral_import_list(user=request.user)[:10]
    return render(
        request,
        "employment/referral_import_upload.html",
        {"form": form, "recent": recent, "area": None if scope.sees_all_areas else scope.area},
    )


@require_safe
@login_required
@permission_required("employment.view_jobreferral", raise_exception=True)
def referral_import_detail(request, pk: int):
    referral_import = importer.referral_import_get(user=request.user, pk=pk)
    report = referral_import.report or {}
    errors = report.get("errors", [])
    return render(
        request,
        "employment/referral_import_detail.html",
        {
            "referral_import": referral_import,
            "report": report,
            "errors": errors[:PREVIEW_ERRORS_SHOWN],
            "errors_hidden": max(0, report.get("error_count", len(errors)) - PREVIEW_ERRORS_SHOWN),
            "referrals": report.get("referrals", []),
            "referrals_hidden": max(0, report.get("created", 0) - len(report.get("referrals", []))),
            "can_commit": request.user.has_perm("employment.add_jobreferral"),
        },
    )


@require_POST
@login_required
@permission_required("employment.add_jobreferral", raise_exception=True)
def referral_import_commit(request, pk: int):
    referral_import = importer.referral_import_get(user=request.user, pk=pk)
    try:
        importer.referral_import_commit(
            referral_import=referral_import, user=request.user, skip_invalid=request.POST.get("mode") == "valid"
        )
    except ValidationError as problem:
        messages.error(request, "；".join(problem.messages))
    return redirect("employment:referral_import_detail", pk=pk)


@require_POST
@login_required
@permission_required("employment.add_jobreferral", raise_exception=True)
def referral_import_cancel(request, pk: int):
    referral_import = importer.referral_import_get(user=request.user, pk=pk)
    try:
        importer.referral_import_cancel(referral_import=referral_import, user=request.user)
    except ValidationError as problem:
        messages.error(request, "；".join(problem.messages))
        return redirect("employment:referral_import_detail", pk=pk)
    messages.info(request, "已取消本次导入，没有写入任何记录。")
    return redirect("employment:referral_import_upload")


@require_safe
@login_required
@permission_required("employment.add_jobreferral", raise_exception=True)
def referral_import_errors(request, pk: int):
    """The uploaded rows with a column saying what the check found, to fix and upload again.

    The rows hold full ID numbers as uploaded: only those who upload referral sheets may take them away."""
    check_person_export(request.user)
    referral_import = importer.referral_import_get(user=request.user, pk=pk, with_content=True)
    try:
        sheet = importer.read_referrals(bytes(referral_import.content), today=timezone.localdate(), keep_raw=True)
    except RosterFileError as problem:
        messages.error(request, str(problem))
        return redirect("employment:referral_import_detail", pk=pk)
    workbook = importer.referral_error_workbook(sheet, referral_import.report or {})
    # The workbook holds the full ID numbers of the uploaded file: an export of personal data.
    audit_export(
        request=request,
        subject=f"岗位推荐导入 #{referral_import.pk} 检查结果",
        what="岗位推荐表检查结果（含完整身份证号码）",
        rows=len(sheet.rows),
        area=referral_import.area,
    )
    stem = referral_import.file_name.rsplit(".", 1)[0]
    return xlsx_response(workbook, f"{stem}-错误清单-{timezone.localdate():%Y%m%d}.xlsx")
