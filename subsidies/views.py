"""Subsidy pages: applications and their path from county to city, evidence, the training subsidies
of a completed batch, budgets and totals.

Every object comes from a selector scoped by the user, so another area's application is a 404. The
services make every decision; a refusal is shown as its Chinese message and what the user typed is kept."""

from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.scoping import scope_queryset
from accounts.selectors import organisation_list, recognition_list
from core.db import pinyin
from core.form_views import service_save
from core.forms import add_service_errors, service_error_messages
from core.xlsx import add_table_sheet, new_workbook, xlsx_response
from employment import selectors as employment_selectors
from employment.models import EmploymentOutcome
from training import search as trainee_search
from training import selectors as training_selectors
from training.models import Enrolment

from . import selectors, services, workflow
from .filters import ApplicationFilter
from .forms import (
    ApplicationForm,
    BatchSubsidyForm,
    BulkSelectionForm,
    CommentForm,
    EvidenceForm,
    PayForm,
    ReasonForm,
    UpdateForm,
)
from .models import SubsidyApplication, SubsidyKind

Status = SubsidyApplication.Status
APPLICATIONS_PER_PAGE = 50
GET_OR_POST = ["GET", "HEAD", "POST"]
TOTAL_TITLES = {"area": "按地区", "brand": "按劳务品牌", "kind": "按补贴类型", "status": "按状态"}
TOTAL_KEYS = {"area": "地区", "brand": "劳务品牌", "kind": "补贴类型", "status": "状态"}
BUDGET_FIGURES = ("allocated", "committed", "paid", "remaining")  # the columns after year and area


# --- applications ---------------------------------------------------------------------------------


@require_safe
@login_required
@permission_required("subsidies.view_subsidyapplication", raise_exception=True)
def application_list(request):
    filters = ApplicationFilter.for_page(request, selectors.application_list(user=request.user), hide=("trainee",))
    page = Paginator(filters.page_qs, APPLICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "subsidies/application_list.html",
        {
            "filters": filters,
            "page": page,
            "worklist": selectors.application_worklist(user=request.user),
            "bulk_actions": [workflow.ACTIONS[action] for action in workflow.forward_actions(request.user)],
        },
    )


# Action name -> (service, form class); who may take which, when, and its words are workflow.TABLE.
ACTIONS = {
    "update": (services.application_update, UpdateForm),
    "submit": (services.application_submit, CommentForm),
    "review": (services.application_review, CommentForm),
    "approve": (services.application_approve, CommentForm),
    "pay": (services.application_mark_paid, PayForm),
    "reject": (services.application_reject, ReasonForm),
    "return": (services.application_return, ReasonForm),
}


def _action_form(action: str, application: SubsidyApplication, data=None):
    form_class = ACTIONS[action][1]
    kwargs = {"today": timezone.localdate()} if form_class is PayForm else {}
    if form_class is UpdateForm:
        kwargs["initial"] = {"amount": application.amount, "comment": application.comment}
    return form_class(data, prefix=action, **kwargs)


def _evidence_form(data=None, files=None) -> EvidenceForm:
    return EvidenceForm(data, files, kinds=selectors.evidence_kind_list())


def _detail_page(request, application, *, bound: dict | None = None, evidence_form=None, status: int = 200):
    user = request.user
    bound = bound or {}
    actions = workflow.actions_for(application, user)
    actions += [workflow.words(application, name) for name in bound if name not in {a.name for a in actions}]
    forms = [
        {
            "action": action.name,
            "label": action.label,
            "form": bound.get(action.name) or _action_form(action.name, application),
        }
        for action in actions
    ]
    if evidence_form is None and user.has_perm("subsidies.add_applicationevidence"):
        evidence_form = _evidence_form() if workflow.may(application, user, "add_evidence") else None
    transitions = list(selectors.application_transitions(application=application))
    ending = workflow.ending(application, transitions)
    return render(
        request,
        "subsidies/application_detail.html",
        {
            "application": application,
            "transitions": transitions,
            "ending": ending,
            "status_label": f"已{ending.verb}" if application.status == Status.REJECTED else None,
            "evidence": application.evidence.all(),
            "evidence_checklist": selectors.evidence_checklist(application=application),
            "may_remove_evidence": workflow.may(application, user, "remove_evidence"),
            "action_forms": forms,
            "evidence_form": evidence_form,
            "class_record": selectors.application_class_record(application=application),
        },
        status=status,
    )


@require_safe
@login_required
@permission_required("subsidies.view_subsidyapplication", raise_exception=True)
def application_detail(request, pk: int):
    application = selectors.application_get(user=request.user, pk=pk)
    return _detail_page(request, application)


def _refused_page(request, pk: int, form, refusal: str, **page):
    """The page as it is saved now, with the refused form (its message and the input) kept."""
    messages.error(request, f"{refusal}：" + "；".join(form.non_field_errors() or ["请按提示修改。"]))
    return _detail_page(request, selectors.application_get(user=request.user, pk=pk), **page)


@require_POST
@login_required
@permission_required("subsidies.view_subsidyapplication", raise_exception=True)
def application_action(request, pk: int, action: str):
    user = request.user
    application = selectors.application_get(user=user, pk=pk)
    if action not in ACTIONS:
        raise Http404
    service = ACTIONS[action][0]
    words = workflow.words(application, action)
    form = _action_form(action, application, request.POST)
    if service_save(request, form, lambda data: service(application=application, user=user, **data)):
        messages.success(request, words.done)
        return redirect("subsidies:application_detail", pk=application.pk)
    return _refused_page(request, pk, form, f"未能{words.label}", bound={action: form})


@require_POST
@login_required
@permission_required("subsidies.add_applicationevidence", raise_exception=True)
def evidence_upload(request, pk: int):
    application = selectors.application_get(user=request.user, pk=pk)
    form = _evidence_form(request.POST, request.FILES)
    evidence = service_save(
        request, form, lambda data: services.evidence_add(application=application, user=request.user, **data)
    )
    if evidence:
        messages.success(request, f"已上传证明材料：{evidence.original_name}。")
        return redirect("subsidies:application_detail", pk=application.pk)
    return _refused_page(request, pk, form, "证明材料未上传", evidence_form=form)


@require_POST
@login_required
@permission_required("subsidies.change_subsidyapplication", raise_exception=True)
def evidence_remove(request, pk: int, evidence_id: int):
    user = request.user
    application = selectors.application_get(user=user, pk=pk)
    evidence = get_object_or_404(application.evidence.all(), pk=evidence_id)
    try:
        services.evidence_remove(evidence=evidence, user=user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, "证明材料未删除：" + "；".join(service_error_messages(error)))
    else:
        messages.success(request, f"已删除证明材料：{evidence.original_name}。")
    return redirect(f"{reverse('subsidies:application_detail', args=[application.pk])}#evidence")


@require_safe
@login_required
@permission_required("subsidies.view_subsidyapplication", raise_exception=True)
def evidence_download(request, pk: int, evidence_id: int):
    application = selectors.application_get(user=request.user, pk=pk)
    evidence = get_object_or_404(application.evidence.all(), pk=evidence_id)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("文件不存在") from error
    return FileResponse(handle, as_attachment=True, filename=evidence.original_name)


# --- many at once ---------------------------------------------------------------------------------

BULK_PER_PAGE = 100
BULK_MAX = services.BULK_MAX
NOT_YOURS = "申请不存在，或不在您的管辖范围内。"


def _bulk_action(user, action: str) -> workflow.Action:
    if action not in workflow.FORWARD:
        raise Http404
    return workflow.bulk_action(user, action)


def _bulk_ids(request, action: str) -> list[int] | None:
    """The ticked ids of the POST; None (with the message shown) when there are none or too many."""
    form = BulkSelectionForm(request.POST)
    if form.is_valid() and len(form.cleaned_data["ids"]) <= BULK_MAX:
        return form.cleaned_data["ids"]
    messages.error(
        request, "；".join(form.errors.get("ids", [])) or f"一次最多批量办理 {BULK_MAX} 份申请，请分批办理。"
    )
    return None


@require_safe
@login_required
@permission_required("subsidies.view_subsidyapplication", raise_exception=True)
def bulk_list(request, action: str):
    """The applications the user may submit, review or approve now, with a box to tick for each."""
    user = request.user
    step = _bulk_action(user, action)
    # The step decides the state: the bar filters the rest.
    applications = selectors.application_actionable(user=user, action=action)
    filters = ApplicationFilter.for_page(request, applications, hide=("trainee", "status"))
    page = Paginator(filters.page_qs, BULK_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "subsidies/bulk_list.html", {"filters": filters, "page": page, "step": step, "bulk_max": BULK_MAX}
    )


def _bulk_confirm_page(request, step, ids: list[int], form, *, status: int = 200):
    selected = list(selectors.application_selected(user=request.user, ids=ids))
    return render(
        request,
        "subsidies/bulk_confirm.html",
        {
            "step": step,
            "selected": selected,
            "total": sum((application.amount for application in selected), Decimal("0")),
            "not_found": len(ids) - len(selected),
            "form": form,
        },
        status=status,
    )


@require_POST
@login_required
@permission_required("subsidies.view_subsidyapplication", raise_exception=True)
def bulk_confirm(request, action: str):
    """One confirmation for the ticked applications: how many, and the total amount."""
    step = _bulk_action(request.user, action)
    ids = _bulk_ids(request, action)
    if ids is None:
        return redirect("subsidies:bulk_list", action=action)
    return _bulk_confirm_page(request, step, ids, CommentForm())


@require_POST
@login_required
@permission_required("subsidies.view_subsidyapplication", raise_exception=True)
def bulk_run(request, action: str):
    """Each confirmed application through the service of the single step (its own savepoint); the page
    lists those done and those refused with the reason. Another area's id is refused unseen."""
    user = request.user
    step = _bulk_action(user, action)
    ids = _bulk_ids(request, action)
    if ids is None:
        return redirect("subsidies:bulk_list", action=action)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _bulk_confirm_page(request, step, ids, form, status=400)
    selected = list(selectors.application_selected(user=user, ids=ids))
    done, refused = services.applications_bulk_step(
        user=user, action=action, applications=selected, comment=form.cleaned_data["comment"]
    )
    unseen = [pk for pk in ids if pk not in {application.pk for application in selected}]
    # Read again as they are now, in one query (the services' row locks dropped what was joined).
    now = {application.pk: application for application in selectors.application_selected(user=user, ids=ids)}
    return render(
        request,
        "subsidies/bulk_result.html",
        {
            "step": step,
            "done": [now[application.pk] for application in done],
            "done_total": sum((application.amount for application in done), Decimal("0")),
            "refused": [{"application": now[r.application.pk], "reason": r.reason} for r in refused],
            "unseen": unseen,
            "not_done": len(refused) + len(unseen),
            "not_yours": NOT_YOURS,
        },
    )


# --- creating -------------------------------------------------------------------------------------


def _application_form(user, data=None, search_entry: dict | None = None, *, narrow: bool = True) -> ApplicationForm:
    """The choices of the user's scope; for display the people are narrowed to the trainee search
    (no search: none); to validate a POST (`narrow=False`) every person of the scope counts."""
    enrolments = scope_queryset(
        Enrolment.objects.select_related("trainee", "batch", "batch__area", "batch__occupation"),
        user,
        area_field="batch__area",
    ).filter(completed=True)
    outcomes = scope_queryset(EmploymentOutcome.objects.select_related("trainee"), user)
    if narrow:
        if search_entry:
            trainees = trainee_search.search_trainees(user, search_entry).values("pk")
            enrolments = enrolments.filter(trainee__in=trainees)
            outcomes = outcomes.filter(trainee__in=trainees)
        else:
            enrolments, outcomes = enrolments.none(), outcomes.none()
    return ApplicationForm(
        data,
        rules=selectors.rule_list(active_only=True),
        organisations=organisation_list(user=user),
        recognitions=recognition_list(user=user),
        labour_exports=employment_selectors.labour_export_list(user=user),
        enrolments=enrolments.order_by(pinyin("trainee__name"), "-batch__end_date"),
        outcomes=outcomes.order_by(pinyin("trainee__name"), "-id"),
    )


def _application_search(request) -> tuple[dict | None, str]:
    """The trainee search of the new-application page and the query string that keeps it: a token
    (`?s=`), or for a name or a few last digits of an old-style address, `?q=` itself."""
    token = request.GET.get("s", "")
    if token:
        entry = trainee_search.search_recall(request, token)
        if entry is None:
            messages.info(request, "查找学员的条件已过期，请重新查找。")
            return None, ""
        return entry, f"?s={token}"
    query = (request.GET.get("q") or "").strip()[:50]
    if query:
        return {"q": query, "label": query}, f"?{urlencode({'q': query})}"
    return None, ""


@require_http_methods(GET_OR_POST)
@login_required
@permission_required("subsidies.add_subsidyapplication", raise_exception=True)
def application_create(request):
    """A person is looked up by a search that posts and is then addressed by a token, as on the trainee
    list: an ID number never appears in this page's address either."""
    user = request.user
    url = reverse("subsidies:application_create")
    query = (request.GET.get("q") or "").strip()
    if request.method == "GET" and query and not trainee_search.may_stay_in_address(query):
        return redirect(f"{url}?s={trainee_search.search_remember(request, query)}")
    if request.method == "POST" and "find" in request.POST:
        query = (request.POST.get("q") or "").strip()[:50]
        return redirect(f"{url}?s={trainee_search.search_remember(request, query)}" if query else url)
    entry, keep = _application_search(request)
    if request.method == "POST":
        form = _application_form(user, request.POST, narrow=False)
        application = service_save(request, form, lambda data: services.application_create(user=user, **data))
        if application:
            messages.success(request, "已登记补贴申请（草稿）。请上传证明材料后提交审核。")
            return redirect("subsidies:application_detail", pk=application.pk)
        # Shown again with the choices of the search, the input and the messages kept.
        errors = form.errors
        form = _application_form(user, request.POST, entry)
        form._errors = errors
        messages.error(request, "补贴申请还没有保存：请按红字提示修改后再保存。")
    else:
        form = _application_form(user, search_entry=entry)
    return render(
        request,
        "subsidies/application_form.html",
        {
            "form": form,
            "query": entry["label"] if entry else "",
            "search_text": entry.get("q", "") if entry else "",
            "keep": keep,
        },
    )


# --- training subsidies of a batch ----------------------------------------------------------------


def _preview(user, batch, rule):
    """What the bulk service would do, without keeping it: the drafts are rolled back."""
    with transaction.atomic():
        created, ineligible = services.training_subsidies_for_batch(user=user, batch=batch, rule=rule)
        transaction.set_rollback(True)
    return created, ineligible


@require_http_methods(GET_OR_POST)
@login_required
@permission_required("subsidies.add_subsidyapplication", raise_exception=True)
def batch_applications(request, batch_id: int):
    user = request.user
    batch = training_selectors.batch_get(user=user, pk=batch_id)
    rules = selectors.rule_list(active_only=True).filter(kind=SubsidyKind.TRAINING)
    data = request.POST if request.method == "POST" else (request.GET if "rule" in request.GET else None)
    form = BatchSubsidyForm(data, rules=rules)
    eligible = ineligible = None
    if form.is_bound and form.is_valid():
        rule = form.cleaned_data["rule"]
        try:
            if request.method == "POST":
                created, ineligible = services.training_subsidies_for_batch(user=user, batch=batch, rule=rule)
                messages.success(
                    request, f"已生成 {len(created)} 份职业培训补贴申请（草稿）；{len(ineligible)} 人不符合条件。"
                )
                return redirect(f"{reverse('subsidies:application_list')}?kind={SubsidyKind.TRAINING}")
            eligible, ineligible = _preview(user, batch, rule)
        except (ValidationError, PermissionDenied) as error:
            add_service_errors(form, error)
    return render(
        request,
        "subsidies/batch_applications.html",
        {"batch": batch, "form": form, "eligible": eligible, "ineligible": ineligible},
    )


# --- budgets and totals ---------------------------------------------------------------------------


def _year(request) -> int | None:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return None
    return year if 2000 <= year <= 2100 else None


def _budget_rows(user, year):
    rows = selectors.budget_list(user=user, year=year)
    for row in rows:
        share = {figure: _share(row[figure], row["allocated"]) for figure in ("committed", "paid")}
        used = share["committed"] + share["paid"]
        # 0.4% is "<1%", never "0%": only a budget nothing is drawn on is at 0%.
        row["used_percent"] = "<1" if 0 < used < 1 else f"{used:.0f}"
        # Widths with a dot whatever the locale; anything drawn on shows as a sliver of at least 1%.
        paid = min(100.0, max(share["paid"], 1.0 if share["paid"] else 0.0))
        committed = min(100.0 - paid, max(share["committed"], 1.0 if share["committed"] else 0.0))
        row["paid_width"], row["committed_width"] = f"{paid:.2f}", f"{committed:.2f}"
    return rows


def _share(amount, allocated) -> float:
    return float(amount * 100 / allocated) if allocated and amount > 0 else 0.0


def _totals(user, year):
    return [
        {
            "by": by,
            "title": TOTAL_TITLES[by],
            "key": TOTAL_KEYS[by],
            "rows": selectors.application_totals(user=user, by=by, year=year),
        }
        for by in ("area", "brand", "kind", "status")
    ]


@require_safe
@login_required
@permission_required("subsidies.view_budget", raise_exception=True)
def budget_list(request):
    year = _year(request)
    return render(
        request,
        "subsidies/budget_list.html",
        {"year": year, "budgets": _budget_rows(request.user, year), "totals": _totals(request.user, year)},
    )


@require_safe
@login_required
@permission_required("subsidies.view_budget", raise_exception=True)
def budget_xlsx(request):
    year = _year(request)
    workbook = new_workbook()
    add_table_sheet(
        workbook,
        title="预算执行",
        heading=f"就业补助资金预算执行{f'（{year} 年度）' if year else ''}",
        headers=["年度", "地区", "下达金额（元）", "已审批未拨付（元）", "已拨付（元）", "余额（元）"],
        rows=(
            [row["budget"].year, str(row["budget"].area), *(row[figure] for figure in BUDGET_FIGURES)]
            for row in _budget_rows(request.user, year)
        ),
        widths=[8, 14, 16, 18, 14, 14],
    )
    for total in _totals(request.user, year):
        add_table_sheet(
            workbook,
            title=total["title"],
            headers=[total["key"], "申请数", "申请金额（元）"],
            rows=([row["label"], row["count"], row["amount"]] for row in total["rows"]),
            widths=[24, 10, 18],
        )
    return xlsx_response(workbook, f"补贴预算与汇总{year or ''}.xlsx")
