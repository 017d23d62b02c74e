"""Pages of the vacancy register (岗位信息库), matching and brand job fairs (专场招聘会).

Every object comes from a scoped selector: another area's fair, intention or person is a 404, and so is
another area's vacancy unless it is open (every county sees every open vacancy, but changes only its
own: the change pages answer 404 for another area's)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.scoping import scope_areas, scope_covers, scope_for
from accounts.selectors import organisation_list
from core.form_views import service_save
from core.forms import service_error_messages
from core.identity import IdNumberError, parse_id_number
from training.selectors import trainee_search

from . import selectors, vacancy_selectors, vacancy_services
from .filters import JobFairFilter, VacancyFilter
from .vacancy_forms import IntentionForm, JobFairForm, ReferSeveralForm, VacancyActionForm, VacancyForm
from .vacancy_models import Vacancy
from .vacancy_workflow import ACTIONS, actions_from

VACANCIES_PER_PAGE = 50
CANDIDATES_PER_PAGE = 50
FAIRS_PER_PAGE = 50
GET_OR_POST = ["GET", "HEAD", "POST"]


def _areas(user):
    """The areas a city-wide user records for (None: a county user records for their own)."""
    return scope_areas(user) if scope_for(user).sees_all_areas else None


def _refer_form(user, data=None, *, choices=()) -> ReferSeveralForm:
    return ReferSeveralForm(data, choices=list(choices), areas=_areas(user), today=timezone.localdate())


def _refer_several(request, *, choices, trainees, vacancies):
    """The refer-several form of a POST and the referrals it made; None when nothing was saved (the
    form then carries the errors, and a message says so)."""
    form = _refer_form(request.user, request.POST, choices=choices)
    made = service_save(
        request,
        form,
        lambda data: vacancy_services.referrals_to_vacancies(
            user=request.user,
            trainees=trainees,
            vacancies=vacancies,
            referred_on=data["referred_on"],
            channel=data["channel"],
            area=data.get("area"),
        ),
    )
    if made is None:
        messages.error(request, "推荐没有保存：" + "；".join(e for errors in form.errors.values() for e in errors))
    return form, made


# --- the vacancy register -------------------------------------------------------------------------


@require_safe
@login_required
@permission_required("employment.view_vacancy", raise_exception=True)
def vacancy_list(request):
    filters = VacancyFilter.for_page(request, vacancy_selectors.vacancy_list(user=request.user))
    page = Paginator(filters.page_qs, VACANCIES_PER_PAGE).get_page(request.GET.get("page"))
    summary = vacancy_selectors.vacancy_summary()
    return render(request, "employment/vacancy_list.html", {"filters": filters, "page": page, "summary": summary})


def _vacancy_form(request, *, instance: Vacancy | None = None):
    user = request.user
    if instance is not None:
        initial = {name: getattr(instance, name) for name in VacancyForm.base_fields if name != "area"}
    else:
        today = timezone.localdate()
        initial = {"valid_from": today, "valid_to": today + datetime.timedelta(days=90)}
    return VacancyForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        organisations=organisation_list(user=user),
        areas=_areas(user) if instance is None else None,
        show_area=scope_for(user).sees_all_areas,
    )


@require_http_methods(GET_OR_POST)
@login_required
@permission_required("employment.add_vacancy", raise_exception=True)
def vacancy_create(request):
    form = _vacancy_form(request)
    vacancy = service_save(request, form, lambda data: vacancy_services.vacancy_create(user=request.user, **data))
    if vacancy is not None:
        messages.success(
            request, f"已登记岗位：{vacancy.employer.name} · {vacancy.title}。下方可查看匹配的学员并推荐。"
        )
        return redirect("employment:vacancy_detail", pk=vacancy.pk)
    return render(request, "employment/vacancy_form.html", {"form": form, "vacancy": None})


@require_http_methods(GET_OR_POST)
@login_required
@permission_required("employment.change_vacancy", raise_exception=True)
def vacancy_update(request, pk: int):
    vacancy = vacancy_selectors.vacancy_for_change(user=request.user, pk=pk)
    form = _vacancy_form(request, instance=vacancy)
    if service_save(
        request, form, lambda data: vacancy_services.vacancy_update(vacancy=vacancy, user=request.user, **data)
    ):
        messages.success(request, "岗位信息已保存。")
        return redirect("employment:vacancy_detail", pk=vacancy.pk)
    return render(request, "employment/vacancy_form.html", {"form": form, "vacancy": vacancy})


@require_POST
@login_required
@permission_required("employment.change_vacancy", raise_exception=True)
def vacancy_act(request, pk: int):
    vacancy = vacancy_selectors.vacancy_for_change(user=request.user, pk=pk)
    form = VacancyActionForm(request.POST)
    action = form.cleaned_data["action"] if form.is_valid() else ""
    try:
        vacancy_services.vacancy_act(vacancy=vacancy, user=request.user, action=action)
    except (ValidationError, PermissionDenied) as error:
        for message in service_error_messages(error):
            messages.error(request, message)
    else:
        messages.success(request, ACTIONS[action].done)
    return redirect("employment:vacancy_detail", pk=vacancy.pk)


def _vacancy_page(request, vacancy: Vacancy, *, refer_form=None):
    user = request.user
    may_refer = vacancy.status == Vacancy.Status.OPEN and user.has_perm("employment.add_jobreferral")
    page = vacancy_selectors.candidates_page(
        user=user, vacancy=vacancy, number=request.GET.get("page"), per_page=CANDIDATES_PER_PAGE
    )
    people = list(page.object_list)
    vacancy_selectors.explain_for_vacancy(people, vacancy)
    if refer_form is None and may_refer:
        refer_form = _refer_form(user)
    return render(
        request,
        "employment/vacancy_detail.html",
        {
            "vacancy": vacancy,
            "may_change": scope_covers(user, vacancy.area) and user.has_perm("employment.change_vacancy"),
            "actions": actions_from(vacancy),
            "page": page,
            "people": people,
            "may_refer": may_refer,
            "refer_form": refer_form,
            "referrals": list(vacancy_selectors.vacancy_referrals(user=user, vacancy=vacancy)[:100]),
        },
    )


@require_safe
@login_required
@permission_required("employment.view_vacancy", raise_exception=True)
def vacancy_detail(request, pk: int):
    return _vacancy_page(request, vacancy_selectors.vacancy_get(user=request.user, pk=pk))


@require_POST
@login_required
@permission_required("employment.add_jobreferral", raise_exception=True)
def vacancy_refer(request, pk: int):
    """Refer the ticked people to the vacancy in one step."""
    user = request.user
    vacancy = vacancy_selectors.vacancy_get(user=user, pk=pk)
    allowed = vacancy_selectors.candidates_for_vacancy(user=user, vacancy=vacancy)
    chosen = [int(value) for value in request.POST.getlist("chosen") if value.isdigit()]
    people = list(allowed.filter(pk__in=chosen))
    form, made = _refer_several(request, choices=[p.pk for p in people], trainees=people, vacancies=[vacancy])
    if made is not None:
        names = "、".join(referral.trainee.name for referral in made)
        messages.success(request, f"已推荐 {len(made)} 人到“{vacancy.title}”：{names}。")
        return redirect(reverse("employment:vacancy_detail", args=[vacancy.pk]) + "#referrals")
    return _vacancy_page(request, vacancy, refer_form=form)


# --- a person's matches ---------------------------------------------------------------------------


def _matches_page(request, trainee, *, refer_form=None):
    user = request.user
    vacancies = vacancy_selectors.matches_for_person(trainee=trainee)
    may_refer = user.has_perm("employment.add_jobreferral")
    if refer_form is None and may_refer:
        refer_form = _refer_form(user)
    already = set(trainee.referrals.filter(vacancy__isnull=False).values_list("vacancy_id", flat=True))
    return render(
        request,
        "employment/trainee_matches.html",
        {
            "trainee": trainee,
            "vacancies": vacancies,
            "may_refer": may_refer,
            "refer_form": refer_form,
            "already": already,
        },
    )


@require_safe
@login_required
@permission_required("employment.view_vacancy", raise_exception=True)
def trainee_matches(request, pk: int):
    return _matches_page(request, selectors.trainee_for_employment(user=request.user, pk=pk))


@require_POST
@login_required
@permission_required("employment.add_jobreferral", raise_exception=True)
def trainee_refer(request, pk: int):
    """Refer the person to the ticked vacancies in one step."""
    user = request.user
    trainee = selectors.trainee_for_employment(user=user, pk=pk)
    open_ids = {vacancy.pk: vacancy for vacancy in vacancy_selectors.matches_for_person(trainee=trainee, limit=200)}
    chosen = [open_ids[int(v)] for v in request.POST.getlist("chosen") if v.isdigit() and int(v) in open_ids]
    form, made = _refer_several(request, choices=[v.pk for v in chosen], trainees=[trainee], vacancies=chosen)
    if made is not None:
        messages.success(request, f"已为{trainee.name}推荐 {len(made)} 个岗位。推荐结果请在下方“岗位推荐”中登记。")
        return redirect(reverse("employment:trainee_employment", args=[trainee.pk]) + "#referrals")
    return _matches_page(request, trainee, refer_form=form)


# --- job fairs ------------------------------------------------------------------------------------


@require_safe
@login_required
@permission_required("employment.view_jobfair", raise_exception=True)
def fair_list(request):
    filters = JobFairFilter.for_page(request, vacancy_selectors.fair_list(user=request.user))
    page = Paginator(filters.page_qs, FAIRS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "employment/fair_list.html", {"filters": filters, "page": page})


@require_http_methods(GET_OR_POST)
@login_required
@permission_required("employment.add_jobfair", raise_exception=True)
def fair_create(request):
    user = request.user
    form = JobFairForm(
        request.POST if request.method == "POST" else None,
        organisations=organisation_list(user=user),
        areas=_areas(user),
    )
    fair = service_save(request, form, lambda data: vacancy_services.fair_create(user=user, **data))
    if fair is not None:
        messages.success(request, f"已登记招聘会：{fair.title}。可在本页登记签到和达成意向。")
        return redirect("employment:fair_detail", pk=fair.pk)
    return render(request, "employment/fair_form.html", {"form": form})


def _fair_page(request, fair, *, intention_form=None):
    user = request.user
    may_record = scope_covers(user, fair.area) and user.has_perm("employment.add_fairintention")
    if intention_form is None and may_record:
        intention_form = IntentionForm(vacancies=vacancy_selectors.fair_vacancy_choices(fair=fair))
    return render(
        request,
        "employment/fair_detail.html",
        {
            "fair": fair,
            "employers": list(fair.employers.all()),
            "vacancies": list(fair.vacancies.select_related("employer", "occupation")),
            "attendances": list(vacancy_selectors.fair_attendances(fair=fair)),
            "intentions": list(vacancy_selectors.fair_intentions(fair=fair)),
            "may_record": may_record,
            "may_refer": may_record and user.has_perm("employment.add_jobreferral"),
            "intention_form": intention_form,
        },
    )


@require_safe
@login_required
@permission_required("employment.view_jobfair", raise_exception=True)
def fair_detail(request, pk: int):
    return _fair_page(request, vacancy_selectors.fair_get(user=request.user, pk=pk))


@require_POST
@login_required
@permission_required("employment.add_fairintention", raise_exception=True)
def intention_create(request, pk: int):
    user = request.user
    fair = vacancy_selectors.fair_get(user=user, pk=pk)
    form = IntentionForm(request.POST, vacancies=vacancy_selectors.fair_vacancy_choices(fair=fair))
    if form.is_valid():
        trainee = None
        try:
            number = parse_id_number(form.cleaned_data["id_number"]).number
        except IdNumberError as problem:
            form.add_error("id_number", str(problem))
        else:
            trainee = trainee_search(user=user, query=number).first()
            if trainee is None:
                form.add_error("id_number", "该身份证号码不是本县区已登记参训的学员，请核对。")
        if trainee is not None and service_save(
            request,
            form,
            lambda data: vacancy_services.intention_create(
                user=user, fair=fair, trainee=trainee, vacancy=data["vacancy"]
            ),
        ):
            messages.success(request, f"已登记{trainee.name}的达成意向：{form.cleaned_data['vacancy'].title}。")
            return redirect(reverse("employment:fair_detail", args=[fair.pk]) + "#intentions")
    messages.error(request, "达成意向没有保存：请按红字提示修改。")
    return _fair_page(request, fair, intention_form=form)


@require_POST
@login_required
@permission_required("employment.add_jobreferral", raise_exception=True)
def intention_refer(request, pk: int):
    """One step from an intention to a referral."""
    intention = vacancy_selectors.intention_get(user=request.user, pk=pk)
    try:
        vacancy_services.intention_refer(user=request.user, intention=intention)
    except (ValidationError, PermissionDenied) as error:
        for message in service_error_messages(error):
            messages.error(request, message)
    else:
        messages.success(request, f"已将{intention.trainee.name}的意向转为岗位推荐：{intention.vacancy.title}。")
    return redirect(reverse("employment:fair_detail", args=[intention.fair_id]) + "#intentions")
