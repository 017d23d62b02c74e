"""Every write of the vacancy register and job fairs, and referrals made from a vacancy or an intention."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.scoping import require_area
from brands.models import Area, BrandLine, Occupation, Organisation
from training.models import Trainee

from . import tallies
from .models import JobReferral
from .services import RECORD_WORK, referral_build
from .vacancy_models import FairAttendance, FairIntention, JobFair, Vacancy
from .vacancy_workflow import ACTIONS, next_state

# What a caller may set: every field of the vacancy but those the services set themselves.
VACANCY_FIELDS = {field.name for field in Vacancy._meta.fields} - {"id", "area", "status", "created_by", "created_at"}
TEXT_FIELDS = ("title", "address", "destination", "note")


def _set_fields(vacancy: Vacancy, fields: dict) -> None:
    unknown = set(fields) - VACANCY_FIELDS
    if unknown:
        raise TypeError(f"unknown vacancy fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(vacancy, name, value.strip() if name in TEXT_FIELDS and isinstance(value, str) else value)
    if vacancy.work_area_id:
        vacancy.destination = ""  # a place in Qinzhou, or a destination outside it


@transaction.atomic
def vacancy_create(
    *, user, area: Area | None = None, employer: Organisation, occupation: Occupation, **fields
) -> Vacancy:
    """Register a vacancy for the user's area (a city user names the area)."""
    vacancy = Vacancy(area=require_area(user, area, action=RECORD_WORK), created_by=user)
    _set_fields(vacancy, {"employer": employer, "occupation": occupation, **fields})
    vacancy.full_clean()
    vacancy.save()
    return vacancy


@transaction.atomic
def vacancy_update(*, vacancy: Vacancy, user, **fields) -> Vacancy:
    """Change a vacancy: only its own county (or a city-wide role) may."""
    require_area(user, vacancy.area, action="修改岗位")
    _set_fields(vacancy, fields)
    vacancy.full_clean()
    vacancy.save(update_fields=[*fields, "destination"] if fields else None)
    return vacancy


@transaction.atomic
def vacancy_act(*, vacancy: Vacancy, user, action: str) -> Vacancy:
    """Move a vacancy along `vacancy_workflow.TRANSITIONS` (fill, close, reopen)."""
    require_area(user, vacancy.area, action="修改岗位")
    if action not in ACTIONS:
        raise ValidationError("操作无效。")
    vacancy.status = next_state(vacancy, action)
    vacancy.save(update_fields=["status"])
    return vacancy


@transaction.atomic
def referrals_to_vacancies(
    *,
    user,
    trainees: list[Trainee],
    vacancies: list[Vacancy],
    referred_on: datetime.date,
    channel: str = JobReferral.Channel.OTHER,
    area: Area | None = None,
    note: str = "",
) -> list[JobReferral]:
    """Refer each person to each vacancy in one step (several people to one vacancy, or one person to
    several vacancies), each referral linked to its vacancy. A person already referred to a vacancy is
    not referred to it again; a vacancy that is not open is refused."""
    if not trainees:
        raise ValidationError("请至少选择一名学员。")
    if not vacancies:
        raise ValidationError("请至少选择一个岗位。")
    if referred_on > timezone.localdate():
        raise ValidationError("推荐日期不能晚于今天。")
    for vacancy in vacancies:
        if vacancy.status != Vacancy.Status.OPEN:
            raise ValidationError(f"岗位“{vacancy.title}”当前为“{vacancy.get_status_display()}”，不能推荐。")
    already = set(
        JobReferral.objects.filter(
            trainee__in=[t.pk for t in trainees], vacancy__in=[v.pk for v in vacancies]
        ).values_list("trainee_id", "vacancy_id")
    )
    made = []
    for trainee in trainees:
        for vacancy in vacancies:
            if (trainee.pk, vacancy.pk) in already:
                continue
            referral = referral_build(
                user=user,
                trainee=trainee,
                position=vacancy.title,
                referred_on=referred_on,
                channel=channel,
                employer=vacancy.employer,
                note=note,
                area=area,
            )
            referral.vacancy = vacancy
            referral.full_clean()
            made.append(referral)
    JobReferral.objects.bulk_create(made)
    if made:
        tallies.trainees_changed({referral.trainee_id for referral in made})
    return made


# --- job fairs ------------------------------------------------------------------------------------


@transaction.atomic
def fair_create(
    *,
    user,
    title: str,
    held_on: datetime.date,
    place: str,
    organiser: str,
    brand: BrandLine | None = None,
    employers=(),
    area: Area | None = None,
) -> JobFair:
    fair = JobFair(
        area=require_area(user, area, action=RECORD_WORK),
        title=title.strip(),
        held_on=held_on,
        place=place.strip(),
        organiser=organiser.strip(),
        brand=brand,
        created_by=user,
    )
    fair.full_clean()
    fair.save()
    fair.employers.set(employers)
    return fair


@transaction.atomic
def fair_attend(*, user, fair: JobFair, trainees: list[Trainee]) -> int:
    """Sign people in at a fair; someone already signed in is not counted twice. Returns how many are new."""
    require_area(user, fair.area, action=RECORD_WORK)
    already = set(FairAttendance.objects.filter(fair=fair).values_list("trainee_id", flat=True))
    new = [FairAttendance(fair=fair, trainee=t) for t in {t.pk: t for t in trainees}.values() if t.pk not in already]
    FairAttendance.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def intention_create(*, user, fair: JobFair, trainee: Trainee, vacancy: Vacancy) -> FairIntention:
    """达成意向 between a person and a vacancy at a fair (the person is signed in, if not yet)."""
    require_area(user, fair.area, action=RECORD_WORK)
    fair_attend(user=user, fair=fair, trainees=[trainee])
    intention, _created = FairIntention.objects.get_or_create(fair=fair, trainee=trainee, vacancy=vacancy)
    return intention


@transaction.atomic
def intention_refer(*, user, intention: FairIntention, referred_on: datetime.date | None = None) -> JobReferral:
    """Turn an intention into a referral to its vacancy in one step (channel 专场招聘, dated the fair's day)."""
    fair = intention.fair
    require_area(user, fair.area, action=RECORD_WORK)
    if intention.referral_id:
        raise ValidationError("该意向已转为岗位推荐。")
    existing = JobReferral.objects.filter(trainee=intention.trainee, vacancy=intention.vacancy).first()
    if existing is None:
        (existing,) = referrals_to_vacancies(
            user=user,
            trainees=[intention.trainee],
            vacancies=[intention.vacancy],
            referred_on=referred_on or min(fair.held_on, timezone.localdate()),
            channel=JobReferral.Channel.JOB_FAIR,
            area=fair.area,
            note=f"{fair.title}达成意向",
        )
    intention.referral = existing
    intention.save(update_fields=["referral"])
    return existing
