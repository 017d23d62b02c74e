"""Every write of 跟踪服务: recording a follow-up (and the wage case a problem opens)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import AuditEntry
from accounts.scoping import require_area
from employment import services as employment_services
from employment.models import EmploymentOutcome

from . import schedule
from .models import FollowUp

RECORD_WORK = "登记跟踪服务"
ALREADY = "该就业结果第 {months} 个月的跟踪已登记，不能重复登记。"


@dataclass
class FollowUpEntry:
    """What one follow-up records (a page's form or a sheet's row)."""

    months: int
    followed_on: datetime.date
    reached: bool
    employment: str = ""
    wage_band: str = ""
    contract_signed: bool | None = None
    social_insurance: bool | None = None
    problems: str = ""


def follow_up_problem(*, outcome: EmploymentOutcome, entry: FollowUpEntry, today: datetime.date) -> str | None:
    """Why `entry` cannot be recorded for `outcome`, in the clerk's words; None when it can. The page, the
    import's preview and the write all ask this."""
    if outcome.kind not in schedule.FOLLOWED_KINDS:
        return "只对就业和灵活就业结果做跟踪服务，创业结果不做跟踪。"
    if entry.months not in schedule.schedule_months():
        months = "、".join(str(m) for m in schedule.schedule_months())
        return f"跟踪节点只能是第 {months} 个月。"
    if entry.followed_on > today:
        return "跟踪日期不能晚于今天。"
    if entry.followed_on < outcome.start_date:
        return f"跟踪日期不能早于就业开始日期（{outcome.start_date:%Y-%m-%d}）。"
    if entry.reached and entry.employment not in FollowUp.Employment.values:
        return "联系上本人时请填写在岗情况（原单位在岗、已换单位在岗或未就业）。"
    return None


def _cleaned(entry: FollowUpEntry) -> dict:
    """The entry's fields as stored: nothing about a job the person does not have, or was not asked about."""
    employed = entry.reached and entry.employment in (FollowUp.Employment.SAME, FollowUp.Employment.OTHER)
    return {
        "months": entry.months,
        "followed_on": entry.followed_on,
        "reached": entry.reached,
        "employment": entry.employment if entry.reached else "",
        "wage_band": entry.wage_band if employed else "",
        "contract_signed": entry.contract_signed if employed else None,
        "social_insurance": entry.social_insurance if employed else None,
        "problems": entry.problems.strip()[:200],
    }


@transaction.atomic
def follow_up_record(
    *,
    user,
    outcome: EmploymentOutcome,
    entry: FollowUpEntry,
    wage_case_amount: Decimal | None = None,
    audit: bool = True,
) -> FollowUp:
    """Record one follow-up of `outcome`. With `wage_case_amount` the problem reported opens a wage-arrears
    case (受理 on the follow-up's date, one worker, the outcome's employer), linked to the follow-up."""
    require_area(user, outcome.area, action=RECORD_WORK)
    problem = follow_up_problem(outcome=outcome, entry=entry, today=timezone.localdate())
    if problem:
        raise ValidationError(problem)
    if FollowUp.objects.filter(outcome=outcome, months=entry.months).exists():
        raise ValidationError(ALREADY.format(months=entry.months))
    follow_up = FollowUp(outcome=outcome, created_by=user, **_cleaned(entry))
    if wage_case_amount is not None:
        if not follow_up.problems:
            raise ValidationError("转欠薪案件前请在“反映的问题”中写明欠薪情况。")
        if wage_case_amount <= 0:
            raise ValidationError("欠薪金额须大于 0。")
        follow_up.wage_case = employment_services.wage_case_create(
            user=user,
            received_on=entry.followed_on,
            workers=1,
            amount_owed=wage_case_amount,
            employer=outcome.employer,
            employer_name=outcome.employer_name or outcome.work_kind,
            area=outcome.area,
        )
    follow_up.full_clean(exclude=["outcome", "wage_case", "created_by"], validate_unique=False)
    try:
        with transaction.atomic():
            follow_up.save()
    except IntegrityError:  # recorded by someone else a moment ago
        raise ValidationError(ALREADY.format(months=entry.months)) from None
    if audit:
        audit_record(
            user=user,
            action=AuditEntry.Action.CHANGE,
            person=outcome.trainee,
            area=outcome.area,
            detail=f"登记第 {entry.months} 个月跟踪服务" + ("，并转欠薪案件" if follow_up.wage_case_id else ""),
        )
    return follow_up


@transaction.atomic
def follow_ups_record(*, user, rows: list[tuple[EmploymentOutcome, FollowUpEntry]]) -> list[FollowUp]:
    """Record many follow-ups (a filled worklist sheet): each as `follow_up_record` does; the caller audits
    the import once."""
    return [follow_up_record(user=user, outcome=outcome, entry=entry, audit=False) for outcome, entry in rows]
