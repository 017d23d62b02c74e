"""Batch and trainee pages of the county clerks: list, open and edit batches, record results, look up trainees.

Every object comes from a selector scoped by the user, so another area's batch or trainee is a 404."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.audit import may_reveal_id_numbers
from accounts.scoping import scope_areas, scope_for
from accounts.selectors import organisation_list
from core.forms import add_service_errors, message_service_errors

from . import class_services, search, selectors, services
from .filters import BatchFilter
from .forms import BatchForm, EnrolmentResultForm, TraineeSearchForm

BATCHES_PER_PAGE = 50
ROSTER_PER_PAGE = 100
# Six inputs a row: a page of results stays well under Django's 1,000-field limit on a POST.
RESULTS_PER_PAGE = 100
TRAINEES_PER_PAGE = 50


def _age(birth_date: datetime.date, today: datetime.date) -> int:
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def _batch_form(request, *, batch=None) -> BatchForm:
    user = request.user
    return BatchForm(
        request.POST if request.method == "POST" else None,
        areas=scope_areas(user),
        providers=organisation_list(user=user),
        today=timezone.localdate(),
        batch=batch,
        show_provider_area=scope_for(user).sees_all_areas,
    )


@require_safe
@login_required
@permission_required("training.view_trainingbatch", raise_exception=True)
def batch_list(request):
    filters = BatchFilter.for_page(request, selectors.batch_list(user=request.user))
    page = Paginator(filters.page_qs, BATCHES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "training/batch_list.html", {"filters": filters, "page": page})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@permission_required("training.add_trainingbatch", raise_exception=True)
def batch_create(request):
    form = _batch_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.batch_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"已开设班期“{batch}”。下一步：上传花名册。")
            return redirect("training:batch_detail", pk=batch.pk)
    return render(request, "training/batch_form.html", {"form": form, "batch": None})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@permission_required("training.change_trainingbatch", raise_exception=True)
def batch_update(request, pk: int):
    batch = selectors.batch_get(user=request.user, pk=pk)
    title = batch.title  # before the service touches the instance, for the page heading
    form = _batch_form(request, batch=batch)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.batch_update(batch=batch, user=request.user, **form.changes())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"已保存班期“{batch}”的修改。")
            return redirect("training:batch_detail", pk=batch.pk)
    return render(request, "training/batch_form.html", {"form": form, "batch": batch, "title": title})


@require_safe
@login_required
@permission_required("training.view_trainingbatch", raise_exception=True)
def batch_detail(request, pk: int):
    batch = selectors.batch_get(user=request.user, pk=pk)
    enrolments = selectors.batch_enrolments(batch=batch)
    summary = enrolments.aggregate(
        # First: once an aggregate is named "completed", a filter on the field of that name means the aggregate.
        without_result=Count("pk", filter=Q(completed=False, assessment="")),
        enrolled=Count("pk"),
        completed=Count("pk", filter=Q(completed=True)),
        certified=Count("pk", filter=~Q(certificate="")),
    )
    page = Paginator(enrolments, ROSTER_PER_PAGE).get_page(request.GET.get("page"))
    imports = selectors.import_list(user=request.user, batch=batch).defer("content", "report")
    return render(
        request,
        "training/batch_detail.html",
        {
            "batch": batch,
            "page": page,
            "summary": summary,
            "imports": imports,
            "class_approved": class_services.is_approved(batch),
            # Every enrolment has its result: the next step is to close the batch (then its subsidies).
            "may_finish": batch.status != batch.Status.COMPLETED
            and summary["enrolled"] > 0
            and summary["without_result"] == 0,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@permission_required("training.change_enrolment", raise_exception=True)
def batch_results(request, pk: int):
    batch = selectors.batch_get(user=request.user, pk=pk)
    enrolments = selectors.batch_enrolments(batch=batch)
    page = None
    if request.method == "POST":
        # The rows are the ones the clerk saw (listed in the page), never "whatever is on page N now".
        shown = [int(value) for value in request.POST.getlist("rows") if value.isdigit()]
        rows = [EnrolmentResultForm(request.POST, enrolment=e, batch=batch) for e in enrolments.filter(pk__in=shown)]
        valid = [row.is_valid() for row in rows]  # every row, not up to the first bad one: all errors show
        if all(valid):
            entries = [services.ResultEntry(enrolment_id=row.enrolment.pk, **row.cleaned_data) for row in rows]
            try:
                changed = services.enrolments_record_results(batch=batch, user=request.user, entries=entries)
            except ValidationError as error:
                messages.error(request, "还没有保存：请修改下列问题后再保存（您填写的内容都保留在下面）。")
                message_service_errors(request, error)
                # The service names the trainee before "：": mark those rows so they are easy to find.
                named = {message.split("：", 1)[0] for message in error.messages}
                for row in rows:
                    row.refused = row.enrolment.trainee.name in named
            else:
                if changed:
                    messages.success(request, f"已保存 {changed} 名学员的结业与证书信息。")
                else:
                    messages.info(request, "没有修改任何内容。")
                return redirect("training:batch_detail", pk=batch.pk)
        else:
            messages.error(request, "有填写不正确的内容，请按红框提示修改后再保存。")
    else:
        page = Paginator(enrolments, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
        rows = [EnrolmentResultForm(enrolment=e, batch=batch) for e in page]
    return render(
        request,
        "training/batch_results.html",
        {
            "batch": batch,
            "rows": rows,
            "page": page,
            "all_completed": bool(rows) and all(row["completed"].value() for row in rows),
            "pending": enrolments.filter(completed=False).count(),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@permission_required("training.change_enrolment", raise_exception=True)
def batch_complete_all(request, pk: int):
    """Every trainee of the batch not yet completed, marked completed after one confirmation that states
    how many (the results page shows a hundred at a time; this is the whole batch)."""
    batch = selectors.batch_get(user=request.user, pk=pk)
    pending = selectors.batch_enrolments(batch=batch).filter(completed=False).count()
    if request.method == "POST":
        try:
            expected = int(request.POST.get("expected", ""))
        except ValueError:
            expected = -1
        try:
            done = services.batch_complete_all(batch=batch, user=request.user, expected=expected)
        except ValidationError as error:
            message_service_errors(request, error)
            return redirect("training:batch_complete_all", pk=batch.pk)
        messages.success(request, f"已将 {done} 名学员标记为已结业。")
        return redirect("training:batch_detail", pk=batch.pk)
    return render(request, "training/batch_complete_all.html", {"batch": batch, "pending": pending})


@require_POST
@login_required
@permission_required("training.change_trainingbatch", raise_exception=True)
def batch_finish(request, pk: int):
    batch = selectors.batch_get(user=request.user, pk=pk)
    try:
        services.batch_finish(batch=batch, user=request.user)
    except ValidationError as error:
        message_service_errors(request, error)
    else:
        messages.success(request, "班期已设为“已结业”。")
    return redirect("training:batch_detail", pk=batch.pk)


def _search_redirect(request, query: str):
    url = reverse("training:trainee_list")
    return redirect(f"{url}?s={search.search_remember(request, query)}" if query else url)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@permission_required("training.view_trainee", raise_exception=True)
def trainee_list(request):
    """Search by name or ID number. The form posts, and the results page is addressed by a token:
    an ID number never appears in a URL (browser history, proxy and server logs, Referer headers)."""
    if request.method == "POST":
        form = TraineeSearchForm(request.POST)
        if form.is_valid():
            return _search_redirect(request, form.cleaned_data["q"])
        entry = None
    elif "q" in request.GET:
        # A link or bookmark of the older GET form: a name or a few last digits may stay in the address;
        # anything longer is moved into the session at once, so the address bar no longer shows it.
        form = TraineeSearchForm(request.GET)
        query = form.cleaned_data["q"] if form.is_valid() else ""
        if not search.may_stay_in_address(query):
            return _search_redirect(request, query)
        entry = {"q": query, "label": query} if query else None
    else:
        token = request.GET.get("s", "")
        entry = search.search_recall(request, token)
        if token and entry is None:
            messages.info(request, "查询条件已过期，请重新输入。")
        form = TraineeSearchForm(initial={"q": entry.get("q", "")} if entry else None)
    trainees = search.search_trainees(request.user, entry)
    page = Paginator(trainees, TRAINEES_PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for trainee in page:
        trainee.age = _age(trainee.birth_date, today)
    return render(
        request,
        "training/trainee_list.html",
        {"form": form, "page": page, "query": entry["label"] if entry else "", "searched": entry is not None},
    )


def _trainee_page(request, trainee, *, revealed_id: str = ""):
    enrolments = list(selectors.trainee_enrolments(user=request.user, trainee=trainee))
    return render(
        request,
        "training/trainee_detail.html",
        {
            "trainee": trainee,
            "age": _age(trainee.birth_date, timezone.localdate()),
            "categories": trainee.categories.all(),
            "enrolments": enrolments,
            "completed": sum(e.completed for e in enrolments),
            "certified": sum(bool(e.certificate) for e in enrolments),
            "may_reveal_id": may_reveal_id_numbers(request.user),
            "revealed_id": revealed_id,
        },
    )


@never_cache
@require_safe
@login_required
@permission_required("training.view_trainee", raise_exception=True)
def trainee_detail(request, pk: int):
    return _trainee_page(request, selectors.trainee_get(user=request.user, pk=pk))


@never_cache  # Cache-Control: no-store: the full number must not stay in a browser or proxy cache
@require_POST
@login_required
@permission_required("training.view_trainee", raise_exception=True)
def trainee_reveal_id(request, pk: int):
    """The trainee page with the full ID number, as the answer to a POST (never in a URL); logged.

    Another area's person is a 404 (`trainee_get`); a role that works with masked numbers only is a 403."""
    trainee = selectors.trainee_get(user=request.user, pk=pk)
    number = services.trainee_reveal_id(user=request.user, trainee=trainee, request=request)
    return _trainee_page(request, trainee, revealed_id=number)
