"""Every read of the vacancy register, job fairs and matching, scoped by the requesting user.

Vacancies: every county sees every open vacancy (people move) and its own in every state; city roles
see all. Fairs, their attendance and intentions name people: a county sees its own area's fairs only."""

import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum, Window
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.scoping import scope_for, scope_queryset
from core.db import pinyin
from training.models import Enrolment, Trainee, TrainingBatch

from .counting import REFERRALS_REQUIRED
from .matching import Profile, age_on, person_score_for, profiles_of, score, vacancy_score_for
from .models import EmploymentOutcome, JobReferral, ReferralStanding
from .vacancy_models import FairIntention, JobFair, Vacancy

MATCHES_SHOWN = 20
SUGGESTIONS_PER_PERSON = 3
SUGGESTION_CANDIDATES = 500


def _vacancies() -> QuerySet:
    return Vacancy.objects.select_related("employer", "occupation__brand", "area", "work_area", "fair")


def open_vacancies(*, on: datetime.date | None = None) -> QuerySet:
    """Vacancies people may be referred to on `on` (today): open and within their validity."""
    day = on or timezone.localdate()
    return Vacancy.objects.filter(status=Vacancy.Status.OPEN, valid_from__lte=day, valid_to__gte=day)


def vacancy_list(*, user) -> QuerySet:
    """Every open vacancy and the user's area's own in every state (all, for a city-wide role)."""
    scope = scope_for(user)
    vacancies = _vacancies()
    if not scope.sees_all_areas:
        own = Q(area_id=scope.area.pk) if scope.area else Q(pk__in=[])
        vacancies = vacancies.filter(own | Q(status=Vacancy.Status.OPEN))
    return vacancies.annotate(referral_count=Count("referrals")).order_by("-valid_from", "-id")


def vacancy_get(*, user, pk: int) -> Vacancy:
    return get_object_or_404(vacancy_list(user=user), pk=pk)


def vacancy_for_change(*, user, pk: int) -> Vacancy:
    """A vacancy the user's area registered (the one they may change); 404 otherwise."""
    return get_object_or_404(scope_queryset(_vacancies(), user), pk=pk)


def vacancy_referrals(*, user, vacancy: Vacancy) -> QuerySet:
    """The referrals to `vacancy` the user's area made, with their people."""
    return scope_queryset(vacancy.referrals.select_related("trainee", "area"), user).order_by("-referred_on", "-id")


def vacancy_summary(*, year: int | None = None, area=None) -> dict:
    """The `vacancies` figures of progress_report and the dashboard: vacancies open today (and their
    openings), fairs, their attendance and intentions (held in `year`, when given); those registered
    or held by `area`, when given."""
    vacancies = open_vacancies()
    fairs = JobFair.objects.all()
    if year is not None:
        fairs = fairs.filter(held_on__year=year)
    if area is not None:
        vacancies = vacancies.filter(area_id=area.pk)
        fairs = fairs.filter(area_id=area.pk)
    totals = vacancies.aggregate(open=Count("id"), openings=Sum("openings", default=0))
    # One query for the fairs' three counts: the joins multiply rows, the distinct counts do not.
    held = fairs.aggregate(
        fairs=Count("id", distinct=True),
        attendance=Count("attendances", distinct=True),
        intentions=Count("intentions", distinct=True),
    )
    return {"open": totals["open"], "openings": totals["openings"], **held}


# --- matching -------------------------------------------------------------------------------------


def matches_for_person(*, trainee: Trainee, on: datetime.date | None = None, limit: int = MATCHES_SHOWN):
    """The open vacancies that fit the person's completed training (its brand lines), best first, each
    with its `match` (score and reasons): ranked in the database, explained by `matching.score`."""
    day = on or timezone.localdate()
    profile = profiles_of([trainee.pk], on=day).get(trainee.pk)
    if profile is None:
        return []
    # Ranked on the narrow vacancy rows (thousands open in the person's brand lines at a million), then
    # only the page's vacancies are read with their employer, areas and fair.
    ranked = list(
        open_vacancies(on=day)
        .filter(occupation__brand_id__in=profile.brand_ids)
        .annotate(score=vacancy_score_for(profile))
        .order_by("-score", "valid_to", "id")
        .values_list("pk", "score")[:limit]
    )
    found = _vacancies().in_bulk([pk for pk, _ in ranked])
    for pk, points in ranked:
        found[pk].score, found[pk].match = points, score(profile, found[pk])
    return [found[pk] for pk, _ in ranked]


def candidates_for_vacancy(*, user, vacancy: Vacancy, on: datetime.date | None = None) -> QuerySet:
    """People who took part in training in the vacancy's occupation in a batch of the user's area (all
    areas for a city-wide user), have no employment outcome recorded, have fewer than three counted
    referrals and were not referred to this vacancy yet: priority groups first, then by score
    (`matching.person_score_for`), then name.

    The people are found from the occupation's batches in scope (a few thousand enrolments at a million),
    not by scanning the registry: only they are scored."""
    day = on or timezone.localdate()
    batches = scope_queryset(TrainingBatch.objects.all(), user).filter(
        occupation_id=vacancy.occupation_id, start_date__lte=day
    )
    # The exclusions apply to the enrolments' trainee ids (index-only probes), before a person's row is
    # read: of the ~17,000 who took part in an occupation in an area at a million, ~2,000 remain.
    took_part_here = (
        Enrolment.objects.filter(batch__in=batches)
        .exclude(Exists(EmploymentOutcome.objects.filter(trainee_id=OuterRef("trainee_id"))))
        .exclude(
            Exists(
                ReferralStanding.objects.filter(trainee_id=OuterRef("trainee_id"), referrals__gte=REFERRALS_REQUIRED)
            )
        )
        .exclude(Exists(JobReferral.objects.filter(trainee_id=OuterRef("trainee_id"), vacancy_id=vacancy.pk)))
        .values("trainee_id")
    )
    return (
        Trainee.objects.filter(pk__in=took_part_here)
        .annotate(
            is_priority=Exists(Trainee.categories.through.objects.filter(trainee_id=OuterRef("pk"))),
            score=person_score_for(vacancy, on=day),
        )
        .order_by("-is_priority", "-score", "name", "id")
    )


def candidates_page(*, user, vacancy: Vacancy, number, per_page: int, on: datetime.date | None = None) -> Page:
    """One page of `candidates_for_vacancy`, as `Paginator.get_page` gives it, in one query: the page's
    rows carry the count of all the candidates (a window count over the ranked set, computed in the same
    pass), so the paginator does not find and filter the candidates a second time to count them. A
    number past the end (or not a number) gives the last (the first) page, as `get_page` does; only
    then are more queries needed."""
    candidates = candidates_for_vacancy(user=user, vacancy=vacancy, on=on)
    paginator = Paginator(candidates, per_page)
    try:
        number = max(1, int(number))
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * per_page
    rows = list(candidates.annotate(candidate_count=Window(Count("pk")))[start : start + per_page])
    if rows:
        paginator.count = rows[0].candidate_count  # Paginator.count is a cached property: set it
        return Page(rows, number, paginator)
    if number == 1:
        paginator.count = 0
        return Page(rows, number, paginator)
    return paginator.get_page(paginator.num_pages)  # past the end: count, then the last page


def explain_for_vacancy(people: list[Trainee], vacancy: Vacancy, *, on: datetime.date | None = None) -> None:
    """Set `match` (score and reasons) on each of `people` (a page of `candidates_for_vacancy`)."""
    day = on or timezone.localdate()
    profiles = profiles_of([person.pk for person in people], on=day)
    for person in people:
        # Someone who took part but has not completed yet earns no training points.
        profile = profiles.get(person.pk) or Profile(age=age_on(person.birth_date, day))
        person.match = score(profile, vacancy)


def suggested_vacancies(people: list[Trainee], *, on: datetime.date | None = None) -> None:
    """Set `suggestions` (up to three vacancies, best first, each with its `match`) on each of `people`
    (a page of the referral worklist), in two queries whatever the page's size: the open vacancies in the
    occupations the page's people completed, scored in Python."""
    day = on or timezone.localdate()
    profiles = profiles_of([person.pk for person in people], on=day)
    occupations = set().union(*(profile.occupation_ids for profile in profiles.values())) if profiles else set()
    vacancies = (
        list(
            _vacancies()
            .filter(pk__in=open_vacancies(on=day).filter(occupation_id__in=occupations).values("pk"))
            .order_by("valid_to", "id")[:SUGGESTION_CANDIDATES]
        )
        if occupations
        else []
    )
    for person in people:
        profile = profiles.get(person.pk)
        fitting = [v for v in vacancies if v.occupation_id in profile.occupation_ids] if profile is not None else []
        ranked = sorted(((score(profile, v), v) for v in fitting), key=lambda p: (-p[0].score, p[1].valid_to, p[1].pk))
        person.suggestions = [{"vacancy": v, "match": match} for match, v in ranked[:SUGGESTIONS_PER_PERSON]]


# --- job fairs ------------------------------------------------------------------------------------


def fair_list(*, user) -> QuerySet:
    return (
        scope_queryset(JobFair.objects.select_related("area", "brand"), user)
        .annotate(
            attendance=Count("attendances", distinct=True),
            intention_count=Count("intentions", distinct=True),
            vacancy_count=Count("vacancies", distinct=True),
        )
        .order_by("-held_on", "-id")
    )


def fair_get(*, user, pk: int) -> JobFair:
    return get_object_or_404(scope_queryset(JobFair.objects.select_related("area", "brand"), user), pk=pk)


def fair_attendances(*, fair: JobFair) -> QuerySet:
    return fair.attendances.select_related("trainee").order_by(pinyin("trainee__name"), "id")


def fair_intentions(*, fair: JobFair) -> QuerySet:
    return fair.intentions.select_related("trainee", "vacancy__employer", "referral").order_by(
        pinyin("trainee__name"), "id"
    )


def intention_get(*, user, pk: int) -> FairIntention:
    return get_object_or_404(
        scope_queryset(
            FairIntention.objects.select_related("fair__area", "trainee", "vacancy__employer"),
            user,
            area_field="fair__area",
        ),
        pk=pk,
    )


def fair_vacancy_choices(*, fair: JobFair) -> QuerySet:
    """The vacancies an intention at `fair` may name: the fair's own and its employers' open ones."""
    return (
        _vacancies()
        .filter(Q(fair=fair) | Q(employer__in=fair.employers.all(), status=Vacancy.Status.OPEN))
        .order_by(pinyin("employer__name"), "title")
    )
