"""Demo follow-ups (跟踪服务) in every state, for `load_demo` (idempotent: made once).

Through the service, as a clerk's entries: for the demo's employment and flexible-employment outcomes, most
points already due are recorded (in post at the same employer, at another, out of work, not reached; one
problem opens a wage case), every third outcome's latest due point is left open (overdue when its grace has
passed), and the points still to come stay 未到期. One outcome per area whose first point fell due within the
grace days is left 待跟踪 when the demo's dates give one."""

import datetime
from decimal import Decimal

from django.utils import timezone

from employment.models import EmploymentOutcome
from followups import schedule
from followups.models import FollowUp
from followups.services import FollowUpEntry, follow_up_record

E = FollowUp.Employment
WAGES = [FollowUp.WageBand.FROM_3000, FollowUp.WageBand.FROM_4000, FollowUp.WageBand.FROM_2000]


def _entry(number: int, months: int, followed_on: datetime.date) -> FollowUpEntry:
    """The kinds of answers a clerk gets, in turn."""
    if number % 9 == 4:
        return FollowUpEntry(months=months, followed_on=followed_on, reached=False)
    if number % 7 == 5 and months >= 6:
        return FollowUpEntry(months=months, followed_on=followed_on, reached=True, employment=E.NONE)
    return FollowUpEntry(
        months=months,
        followed_on=followed_on,
        reached=True,
        employment=E.OTHER if number % 5 == 3 and months >= 3 else E.SAME,
        wage_band=WAGES[number % 3],
        contract_signed=number % 4 != 1,
        social_insurance=number % 3 != 1,
    )


def load(*, clerks: dict) -> dict[str, int]:
    if FollowUp.objects.exists():
        return {"follow_ups": FollowUp.objects.count(), "follow_ups_created": 0}
    today = timezone.localdate()
    overdue_by = schedule.overdue_from(today)
    outcomes = schedule.followed(EmploymentOutcome.objects.select_related("area", "trainee")).order_by(
        "start_date", "id"
    )
    created, wage_case_opened = 0, False
    for number, outcome in enumerate(outcomes):
        clerk = clerks.get(outcome.area.code)
        if clerk is None:
            continue
        due = [m for m in schedule.schedule_months() if schedule.due_on(outcome.start_date, m) <= today]
        if due and schedule.due_on(outcome.start_date, due[-1]) > overdue_by:
            due = due[:-1]  # the latest point fell due within the grace: 待跟踪
        elif due and number % 3 == 0:
            due = due[:-1]  # left open past its grace: 已逾期
        for months in due:
            followed_on = min(
                schedule.due_on(outcome.start_date, months) + datetime.timedelta(days=3 + number % 10), today
            )
            entry = _entry(number, months, followed_on)
            amount = None
            if not wage_case_opened and entry.reached and entry.employment == E.SAME:
                entry.problems = "反映用人单位拖欠两个月工资"
                amount = Decimal("7200.00")
                wage_case_opened = True
            follow_up_record(user=clerk, outcome=outcome, entry=entry, wage_case_amount=amount, audit=False)
            created += 1
    return {"follow_ups": FollowUp.objects.count(), "follow_ups_created": created}
