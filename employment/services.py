"""Every write of the employment app: referrals, outcomes, labour export groups, wage-arrears cases."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.scoping import require_area, require_open_month
from brands.models import Area, Organisation
from core.credit_code import normalise_uscc
from notices.services import sms_send_on_commit
from training.models import Trainee

from . import tallies
from .models import EmploymentOutcome, JobReferral, LabourExport, WageCase

RECORD_WORK = "登记"


def _check_not_future(day: datetime.date, label: str) -> None:
    if day > timezone.localdate():
        raise ValidationError(f"{label}不能晚于今天。")


def referral_build(
    *,
    user,
    trainee: Trainee,
    position: str,
    referred_on: datetime.date,
    channel: str,
    employer: Organisation | None = None,
    employer_name: str = "",
    result: str = JobReferral.Result.PENDING,
    note: str = "",
    area: Area | None = None,
) -> JobReferral:
    """An unsaved referral as `referral_create` records it (the demo writes hundreds of them at once)."""
    return JobReferral(
        trainee=trainee,
        area=require_area(user, area, action=RECORD_WORK),
        employer=employer,
        employer_name="" if employer else employer_name.strip(),
        position=position.strip(),
        referred_on=referred_on,
        channel=channel,
        result=result,
        note=note.strip(),
        created_by=user,
    )


@transaction.atomic
def referral_create(*, user, trainee: Trainee, referred_on: datetime.date, **fields) -> JobReferral:
    """Record a referral (the fields are `referral_build`'s)."""
    _check_not_future(referred_on, "推荐日期")
    referral = referral_build(user=user, trainee=trainee, referred_on=referred_on, **fields)
    require_open_month(user, referral.area, referred_on)
    referral.full_clean()
    referral.save()
    tallies.trainees_changed([trainee.pk])
    # The trainee hears of it by SMS when a phone is known and a backend configured (notices.sms), after commit.
    sms_send_on_commit(phone=trainee.phone, text=referral_notice_text(referral), kind=REFERRAL_NOTICE)
    return referral


REFERRAL_NOTICE = "referral_notice"


def referral_notice_text(referral: JobReferral) -> str:
    """The trainee's SMS: no name or ID number, only what was recommended and by whom."""
    employer = referral.employer.name if referral.employer else referral.employer_name
    return (
        f"您好！{referral.area.short_name}人社部门已为您推荐{employer + '的' if employer else ''}"
        f"“{referral.position}”岗位（{referral.referred_on:%Y年%m月%d日}），请留意用人单位的联系。"
    )


@transaction.atomic
def referral_set_result(*, referral: JobReferral, user, result: str, note: str | None = None) -> JobReferral:
    require_area(user, referral.area, action=RECORD_WORK)
    require_open_month(user, referral.area, referral.referred_on)
    if result not in JobReferral.Result.values:
        raise ValidationError("推荐结果无效，请从列表中选择。")
    referral.result = result
    fields = ["result"]
    if note is not None:
        referral.note = note.strip()[:200]
        fields.append("note")
    referral.save(update_fields=fields)
    return referral


def outcome_build(
    *,
    user,
    trainee: Trainee,
    kind: str,
    start_date: datetime.date,
    employer: Organisation | None = None,
    employer_name: str = "",
    contract_signed: bool = False,
    social_insurance: bool = False,
    business_name: str = "",
    business_uscc: str = "",
    jobs_created: int = 0,
    work_kind: str = "",
    labour_export: LabourExport | None = None,
    note: str = "",
    area: Area | None = None,
) -> EmploymentOutcome:
    """An unsaved outcome keeping only the fields of its kind, as `outcome_create` records it (the demo
    writes hundreds of them at once)."""
    outcome = EmploymentOutcome(
        trainee=trainee,
        area=require_area(user, area, action=RECORD_WORK),
        kind=kind,
        start_date=start_date,
        labour_export=labour_export,
        note=note.strip(),
        created_by=user,
    )
    if kind == EmploymentOutcome.Kind.EMPLOYED:
        outcome.employer = employer
        outcome.employer_name = "" if employer else employer_name.strip()
        outcome.contract_signed = contract_signed
        outcome.social_insurance = social_insurance
    elif kind == EmploymentOutcome.Kind.ENTREPRENEURSHIP:
        outcome.business_name = business_name.strip()
        outcome.business_uscc = normalise_uscc(business_uscc) if business_uscc else ""
        outcome.jobs_created = jobs_created
    elif kind == EmploymentOutcome.Kind.FLEXIBLE:
        outcome.work_kind = work_kind.strip()
    return outcome


@transaction.atomic
def outcome_create(*, user, trainee: Trainee, start_date: datetime.date, **fields) -> EmploymentOutcome:
    """Record an outcome; only the fields of its kind are kept (the fields are `outcome_build`'s)."""
    _check_not_future(start_date, "开始日期")
    outcome = outcome_build(user=user, trainee=trainee, start_date=start_date, **fields)
    require_open_month(user, outcome.area, start_date)
    outcome.full_clean()
    outcome.save()
    tallies.trainees_changed([trainee.pk])
    return outcome


@transaction.atomic
def labour_export_create(
    *,
    user,
    agency: Organisation,
    destination: str,
    departed_on: datetime.date,
    trainees: list[Trainee],
    employer: Organisation | None = None,
    employer_name: str = "",
    note: str = "",
    area: Area | None = None,
) -> LabourExport:
    """An organised labour-export group and, for each person sent, an employment outcome linked to it."""
    if agency.kind != Organisation.Kind.HR_AGENCY:
        raise ValidationError("有组织劳务输出须由人力资源服务机构组织，请选择人力资源服务机构。")
    if not trainees:
        raise ValidationError("请至少选择一名输出人员。")
    _check_not_future(departed_on, "输出日期")
    require_open_month(user, require_area(user, area, action=RECORD_WORK), departed_on)
    export = LabourExport(
        agency=agency,
        area=require_area(user, area, action=RECORD_WORK),
        destination=destination.strip(),
        employer=employer,
        employer_name="" if employer else employer_name.strip(),
        departed_on=departed_on,
        note=note.strip(),
        created_by=user,
    )
    export.full_clean()
    export.save()
    already = set(EmploymentOutcome.objects.filter(labour_export=export).values_list("trainee_id", flat=True))
    for trainee in trainees:
        if trainee.pk in already:
            continue
        outcome_create(
            user=user,
            trainee=trainee,
            kind=EmploymentOutcome.Kind.EMPLOYED,
            start_date=departed_on,
            employer=employer,
            employer_name=employer_name or destination,
            labour_export=export,
            area=export.area,
        )
    return export


@transaction.atomic
def wage_case_create(
    *,
    user,
    received_on: datetime.date,
    workers: int,
    amount_owed: Decimal,
    employer: Organisation | None = None,
    employer_name: str = "",
    area: Area | None = None,
) -> WageCase:
    _check_not_future(received_on, "受理日期")
    require_open_month(user, require_area(user, area, action=RECORD_WORK), received_on)
    case = WageCase(
        area=require_area(user, area, action=RECORD_WORK),
        received_on=received_on,
        employer=employer,
        employer_name="" if employer else employer_name.strip(),
        workers=workers,
        amount_owed=amount_owed,
        created_by=user,
    )
    case.full_clean()
    case.save()
    return case


@transaction.atomic
def wage_case_progress(
    *, case: WageCase, user, status: str, closed_on: datetime.date | None = None, resolution: str = ""
) -> WageCase:
    """Move a case to investigating or closed (closing needs the date and how it was resolved)."""
    require_area(user, case.area, action=RECORD_WORK)
    require_open_month(user, case.area, closed_on if status == WageCase.Status.CLOSED else None)
    if case.status == WageCase.Status.CLOSED:
        raise ValidationError("该案件已结案，不能再修改状态。")
    if status not in WageCase.Status.values:
        raise ValidationError("案件状态无效。")
    if status == WageCase.Status.CLOSED:
        if closed_on is None or not resolution.strip():
            raise ValidationError("结案必须填写结案日期和处理结果。")
        _check_not_future(closed_on, "结案日期")
        if closed_on < case.received_on:
            raise ValidationError("结案日期不能早于受理日期。")
    # Checked before anything is set: a refused change leaves the caller's object as stored.
    case.status = status
    case.closed_on = closed_on if status == WageCase.Status.CLOSED else None
    case.resolution = resolution.strip() if status == WageCase.Status.CLOSED else case.resolution
    case.save(update_fields=["status", "closed_on", "resolution"])
    return case
