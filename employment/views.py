"""Employment pages of the county clerks: a trainee's referrals and outcomes, the three-referral worklist,
organised labour export and wage-arrears cases.

Every object comes from a selector scoped by the user, so another area's record is a 404. A service that
refuses a record shows its (Chinese) message on the form, which keeps what the clerk typed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from openpyxl.utils import get_column_letter

from accounts.audit import audit_export, check_person_export, may_export_persons
from accounts.scoping import scope_areas, scope_covers, scope_for
from accounts.selectors import organisation_list
from brands.models import Organisation
from brands.selectors import brand_lines, reporting_areas
from core.form_views import service_save
from core.forms import add_service_errors
from core.xlsx import add_table_sheet, new_workbook, xlsx_response
from training import selectors as training_selectors

from . import selectors, services, vacancy_selectors
from .counting import REFERRALS_REQUIRED
from .filters import WageCaseFilter, WorklistFilter
from .forms import (
    LabourExportForm,
    OutcomeForm,
    ReferralForm,
    ReferralResultForm,
    WageCaseForm,
    WageCaseProgressForm,
)
from .models import JobReferral, WageCase
from .referral_import import add_referral_inputs
from .referral_keys import referral_key_make

WORKLIST_PER_PAGE = 50
EXPORTS_PER_PAGE = 50
CASES_PER_PAGE = 50


GET_OR_POST = ["GET", "HEAD", "POST"]


def _record_form_kwargs(user) -> dict:
    """What every record form needs: the organisations the user may pick and, for a city user (who
    records for a county), the areas to choose from."""
    sees_all = scope_for(user).sees_all_areas
    return {
        "organisations": organisation_list(user=user),
        "today": timezone.localdate(),
        "areas": scope_areas(user) if sees_all else None,
        "show_area": sees_all,
    }


# --- a trainee's referrals and outcomes -----------------------------------------------------------


def _trainee_url(trainee, fragment: str = "") -> str:
    url = reverse("employment:trainee_employment", args=[trainee.pk])
    return f"{url}#{fragment}" if fragment else url


def _trainee_page(request, trainee, *, referral_form=None, outcome_form=None):
    user = request.user
    sees_all = scope_for(user).sees_all_areas

    enrolments = list(training_selectors.trainee_enrolments(user=user, trainee=trainee))
    referrals = list(selectors.trainee_referrals(user=user, trainee=trainee))
    for referral in referrals:
        # Only the area that made a referral records its result.
        referral.editable = scope_covers(user, referral.area)
    outcomes = list(selectors.trainee_outcomes(user=user, trainee=trainee))
    areas = {area.pk: area for area in reporting_areas()}
    brands = {brand.pk: brand for brand in brand_lines()}
    for outcome in outcomes:
        outcome.counted_area = areas.get(outcome.counted_area_id)
        outcome.counted_brand = brands.get(outcome.counted_brand_id)
        outcome.export_visible = outcome.labour_export_id is not None and scope_covers(user, outcome.labour_export.area)

    if referral_form is None or outcome_form is None:
        initial = {"area": enrolments[0].batch.area_id} if sees_all and enrolments else {}
        form_kwargs = _record_form_kwargs(user)
        if referral_form is None and user.has_perm("employment.add_jobreferral"):
            referral_form = ReferralForm(initial=initial, **form_kwargs)
        if outcome_form is None and user.has_perm("employment.add_employmentoutcome"):
            outcome_form = OutcomeForm(initial=initial, **form_kwargs)

    # The rule counts every area's referrals dated from the first batch's start; another area's records
    # show only as a number.
    totals = selectors.trainee_referral_totals(trainee=trainee)
    made = totals["counted"]
    counted_here = sum(referral.counts for referral in referrals)
    return render(
        request,
        "employment/trainee_employment.html",
        {
            "trainee": trainee,
            "categories": trainee.categories.all(),
            "enrolments": enrolments,
            "completed": sum(enrolment.completed for enrolment in enrolments),
            "first_completed": selectors.first_completion(trainee=trainee),
            "first_start": selectors.first_batch_start(trainee=trainee),
            "referrals": referrals,
            "referrals_made": made,
            "referrals_required": REFERRALS_REQUIRED,
            "referrals_missing": max(0, REFERRALS_REQUIRED - made),
            "hired": sum(referral.result == JobReferral.Result.HIRED for referral in referrals),
            "outcomes": outcomes,
            "referrals_elsewhere": totals["all"] - len(referrals),
            "referrals_elsewhere_counted": made - counted_here,
            "referrals_not_counted": totals["all"] - made,
            "outcomes_elsewhere": (selectors.trainee_outcome_total(trainee=trainee) - len(outcomes))
            if not sees_all
            else 0,
            "counted": sum(outcome.counted_area is not None for outcome in outcomes),
            "result_choices": JobReferral.Result.choices,
            "referral_form": referral_form,
            "outcome_form": outcome_form,
        },
    )


@require_safe
@login_required
@permission_required("employment.view_jobreferral", raise_exception=True)
def trainee_employment(request, pk: int):
    trainee = selectors.trainee_for_employment(user=request.user, pk=pk)
    return _trainee_page(request, trainee)


@require_http_methods(GET_OR_POST)
@login_required
@permission_required("employment.add_jobreferral", raise_exception=True)
def referral_create(request, pk: int):
    trainee = selectors.trainee_for_employment(user=request.user, pk=pk)
    if request.method != "POST":
        return redirect(_trainee_url(trainee, "add-referral"))
    form = ReferralForm(request.POST, **_record_form_kwargs(request.user))
    referral = service_save(
        request, form, lambda data: services.referral_create(user=request.user, trainee=trainee, **data)
    )
    if referral is not None:
        messages.success(request, f"已为{trainee.name}登记岗位推荐：{referral.employer_label} · {referral.position}。")
        return redirect(_trainee_url(trainee, "referrals"))
    messages.error(request, "岗位推荐还没有保存：请按“登记岗位推荐”中的红字提示修改后再保存。")
    return _trainee_page(request, trainee, referral_form=form)


@require_http_methods(GET_OR_POST)
@login_required
@permission_required("employment.add_employmentoutcome", raise_exception=True)
def outcome_create(request, pk: int):
    trainee = selectors.trainee_for_employment(user=request.user, pk=pk)
    if request.method != "POST":
        return redirect(_trainee_url(trainee, "add-outcome"))
    form = OutcomeForm(request.POST, **_record_form_kwargs(request.user))
    outcome = service_save(
        request, form, lambda data: services.outcome_create(user=request.user, trainee=trainee, **data)
    )
    if outcome is not None:
        messages.success(request, f"已为{trainee.name}登记{outcome.get_kind_display()}结果：{outcome.description}。")
        return redirect(_trainee_url(trainee, "outcomes"))
    messages.error(request, "就业创业结果还没有保存：请按“登记就业创业结果”中的红字提示修改后再保存。")
    return _trainee_page(request, trainee, outcome_form=form)


@require_POST
@login_required
@permission_required("employment.change_jobreferral", raise_exception=True)
def referral_result(request, pk: int):
    referral = selectors.referral_get(user=request.user, pk=pk)
    trainee = referral.trainee
    form = ReferralResultForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择推荐结果。")
    else:
        try:
            services.referral_set_result(referral=referral, user=request.user, result=form.cleaned_data["result"])
        except (ValidationError, PermissionDenied) as error:
            for message in getattr(error, "messages", None) or [str(error)]:
                messages.error(request, message)
        else:
            label = referral.get_result_display()
            if referral.result == JobReferral.Result.HIRED:
                messages.success(request, f"推荐结果已改为“{label}”。上岗后请在下方登记就业结果。")
            else:
                messages.success(request, f"推荐结果已改为“{label}”。")
    return redirect(_trainee_url(trainee, "referrals"))


# --- the three-referral worklist ------------------------------------------------------------------


@require_safe
@login_required
@permission_required("employment.view_jobreferral", raise_exception=True)
def worklist(request):
    filters = WorklistFilter.for_page(request, None)
    trainees = (
        selectors.referral_worklist(user=request.user, conditions=filters.lookups()) if filters.is_valid() else []
    )
    page = Paginator(trainees, WORKLIST_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    vacancy_selectors.suggested_vacancies(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)  # the export takes the filters, all pages
    return render(
        request,
        "employment/worklist.html",
        {
            "filters": filters,
            "page": page,
            "required": REFERRALS_REQUIRED,
            "query": query.urlencode(),
            "may_export": may_export_persons(request.user),
            # An empty worklist means "all done" only when someone has taken part in a training at all.
            "anyone_started": bool(page.paginator.count) or selectors.anyone_took_part(user=request.user),
        },
    )


WORKLIST_HEADERS = [
    "推荐编号",
    "姓名",
    "身份证号码（脱敏）",
    "人员类别",
    "最近培训地区",
    "最近培训工种",
    "首次开班日期",
    "已推荐次数（计入）",
    "还差次数",
]
# Filled in by the clerk and uploaded as it is under 批量导入推荐: the import reads the 推荐编号 in place
# of the (masked) ID number and ignores the worklist's own columns.
WORKLIST_FILL_IN = ["用人单位", "推荐岗位", "推荐日期", "推荐渠道", "推荐结果", "备注"]


@require_safe
@login_required
@permission_required("employment.view_jobreferral", raise_exception=True)
def worklist_xlsx(request):
    check_person_export(request.user)  # a list of persons: not for the city viewer
    filters = WorklistFilter(request.GET, request=request)
    today = timezone.localdate()
    required = REFERRALS_REQUIRED
    trainees = (
        list(selectors.referral_worklist(user=request.user, conditions=filters.lookups())) if filters.is_valid() else []
    )
    workbook = new_workbook()
    headers = WORKLIST_HEADERS + WORKLIST_FILL_IN
    sheet = add_table_sheet(
        workbook,
        title="未达3次推荐",
        heading=f"岗位推荐工作台：未达到 {required} 次岗位推荐的学员（{scope_for(request.user).label}，{today:%Y-%m-%d}）"
        "。填写右侧推荐内容后可直接在“批量导入推荐”上传；同一人推荐多次请复制该行。",
        headers=headers,
        widths=[28, 12, 22, 24, 14, 20, 14, 12, 10, 32, 20, 14, 12, 18, 28],
        rows=(
            [
                # Tied to the area of the person's batch in the user's scope: only that area's import takes it.
                referral_key_make(trainee_id=trainee.pk, area_id=trainee.last_area_id),
                trainee.name,
                trainee.masked_id_number,
                "、".join(category.name for category in trainee.category_list),
                trainee.last_area or "",
                trainee.last_occupation or "",
                trainee.first_started_on,
                trainee.referral_total,
                required - trainee.referral_total,
            ]
            for trainee in trainees
        ),
    )
    letters = {header: get_column_letter(position) for position, header in enumerate(headers, start=1)}
    # The rows to fill in, and as many again for copies of a row (a second referral of the same person).
    add_referral_inputs(sheet, letters=letters, first=3, last=2 + max(2 * len(trainees), 100))
    chosen = "，".join(f"{key}={value}" for key, value in filters.form.cleaned_data.items() if value)
    audit_export(
        request=request,
        subject="岗位推荐工作台",
        what=f"岗位推荐工作台名单（{chosen or '全部'}）",
        rows=len(trainees),
    )
    return xlsx_response(workbook, f"岗位推荐工作台-{today:%Y%m%d}.xlsx")


# --- organised labour export ----------------------------------------------------------------------


@require_safe
@login_required
@permission_required("employment.view_labourexport", raise_exception=True)
def labour_export_list(request):
    page = Paginator(selectors.labour_export_list(user=request.user), EXPORTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "employment/labour_export_list.html", {"page": page})


@require_http_methods(GET_OR_POST)
@login_required
@permission_required("employment.add_labourexport", raise_exception=True)
def labour_export_create(request):
    user = request.user
    candidates = selectors.labour_export_candidates(user=user)
    agencies = organisation_list(user=user, kind=Organisation.Kind.HR_AGENCY)
    form = LabourExportForm(
        request.POST if request.method == "POST" else None,
        agencies=agencies,
        candidates=candidates,
        **_record_form_kwargs(user),
    )
    export = service_save(
        request,
        form,
        lambda data: services.labour_export_create(user=user, **{**data, "trainees": list(data["trainees"])}),
    )
    if export is not None:
        messages.success(
            request,
            f"已登记有组织劳务输出：{len(form.cleaned_data['trainees'])} 人输出至{export.destination}，并为每人登记了就业结果。",
        )
        return redirect("employment:labour_export_detail", pk=export.pk)
    return render(
        request,
        "employment/labour_export_form.html",
        {
            "form": form,
            "candidates": list(candidates),
            "chosen": form.chosen_ids(),
            "has_agencies": agencies.exists(),
        },
    )


@require_safe
@login_required
@permission_required("employment.view_labourexport", raise_exception=True)
def labour_export_detail(request, pk: int):
    export = selectors.labour_export_get(user=request.user, pk=pk)
    # The selector joins the trainee only; a member's employer is read for every row.
    members = list(selectors.labour_export_members(export=export).select_related("employer"))
    return render(
        request,
        "employment/labour_export_detail.html",
        {
            "export": export,
            "members": members,
            "contracts": sum(member.contract_signed for member in members),
            "insured": sum(member.social_insurance for member in members),
        },
    )


# --- wage-arrears cases ---------------------------------------------------------------------------


def _closure_rates(user) -> tuple[list[dict], dict | None]:
    """Per-area rows and, with two areas or more, their total."""
    rows = selectors.wage_case_rates_by_area(user=user)
    if len(rows) < 2:
        return rows, None
    total, closed = sum(row["total"] for row in rows), sum(row["closed"] for row in rows)
    return rows, selectors.closure_row("合计", total=total, closed=closed)


@require_safe
@login_required
@permission_required("employment.view_wagecase", raise_exception=True)
def wage_case_list(request):
    filters = WageCaseFilter.for_page(request, selectors.wage_case_list(user=request.user))
    page = Paginator(filters.page_qs, CASES_PER_PAGE).get_page(request.GET.get("page"))
    rates, rates_total = _closure_rates(request.user)
    return render(
        request,
        "employment/wage_case_list.html",
        {
            "filters": filters,
            "page": page,
            "rates": rates,
            "rates_total": rates_total,
            "target_percent": selectors.WAGE_CASE_CLOSURE_TARGET * 100,
        },
    )


@require_http_methods(GET_OR_POST)
@login_required
@permission_required("employment.add_wagecase", raise_exception=True)
def wage_case_create(request):
    form = WageCaseForm(request.POST if request.method == "POST" else None, **_record_form_kwargs(request.user))
    case = service_save(request, form, lambda data: services.wage_case_create(user=request.user, **data))
    if case is not None:
        messages.success(request, "已登记欠薪举报投诉案件。请在本页跟进办理进度，结案时填写处理结果。")
        return redirect("employment:wage_case_detail", pk=case.pk)
    return render(request, "employment/wage_case_form.html", {"form": form})


@require_http_methods(GET_OR_POST)
@login_required
@permission_required("employment.view_wagecase", raise_exception=True)
def wage_case_detail(request, pk: int):
    user = request.user
    case = selectors.wage_case_get(user=user, pk=pk)
    may_change = user.has_perm("employment.change_wagecase")
    if request.method == "POST" and not may_change:
        raise PermissionDenied
    is_closed = case.status == WageCase.Status.CLOSED
    if is_closed and request.method == "POST":
        messages.error(request, "该案件已结案，不能再修改状态。")
        return redirect("employment:wage_case_detail", pk=case.pk)
    form = None
    if may_change and not is_closed:
        form = WageCaseProgressForm(
            request.POST if request.method == "POST" else None, case=case, today=timezone.localdate()
        )
    if request.method == "POST" and form.is_valid():
        try:
            case = services.wage_case_progress(case=case, user=user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            add_service_errors(form, error)
            # The service set the new status on the instance before refusing: show the case as it is saved.
            case = selectors.wage_case_get(user=user, pk=pk)
        else:
            messages.success(request, f"案件状态已改为“{case.get_status_display()}”。")
            return redirect("employment:wage_case_detail", pk=case.pk)
    return render(request, "employment/wage_case_detail.html", {"case": case, "form": form})
