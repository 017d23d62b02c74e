"""The follow-up schedule: due dates, the inverse the worklist filters on, due and overdue points."""

import datetime

import pytest

from employment.models import EmploymentOutcome
from employment.tests.factories import EmploymentOutcomeFactory

from .. import schedule
from .factories import FollowUpFactory

D = datetime.date


@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        (D(2025, 1, 15), 1, D(2025, 2, 15)),
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2024, 8, 31), 6, D(2025, 2, 28)),
        (D(2024, 11, 30), 3, D(2025, 2, 28)),
        (D(2024, 12, 5), 12, D(2025, 12, 5)),
    ],
)
def test_due_dates_are_calendar_months_later(start, months, due):
    assert schedule.due_on(start, months) == due


def test_latest_start_due_is_the_exact_inverse_of_the_due_date():
    starts = [D(2022, 10, 1) + datetime.timedelta(days=n) for n in range(1000)]
    for on in [D(2025, 2, 28), D(2024, 2, 29), D(2025, 3, 31), D(2025, 3, 30), D(2025, 1, 1), D(2024, 12, 31)]:
        for months in (1, 3, 6, 12):
            due = [s for s in starts if schedule.due_on(s, months) <= on]
            assert max(due) == schedule.latest_start_due(on, months), (on, months)


def test_the_schedule_is_the_setting(settings):
    settings.FOLLOW_UP_MONTHS = [2, 4]
    assert schedule.schedule_months() == [2, 4]


@pytest.mark.django_db
def test_open_points_follow_the_calendar_and_leave_out_recorded_ones_and_start_ups(settings):
    settings.FOLLOW_UP_MONTHS = [1, 3, 6, 12]
    settings.FOLLOW_UP_GRACE_DAYS = 30
    on = D(2025, 7, 1)
    employed = EmploymentOutcomeFactory(start_date=D(2025, 1, 1))  # 1, 3, 6 due; 12 later
    flexible = EmploymentOutcomeFactory(start_date=D(2025, 5, 31), kind=EmploymentOutcome.Kind.FLEXIBLE)  # 1 due
    EmploymentOutcomeFactory(start_date=D(2024, 1, 1), kind=EmploymentOutcome.Kind.ENTREPRENEURSHIP)  # never
    FollowUpFactory(outcome=employed, months=3)
    outcomes = EmploymentOutcome.objects.all()

    rows = list(schedule.open_point_rows(outcomes, on=on))

    assert [(pk, months) for pk, months, _ in rows] == [
        (employed.pk, 1),
        (flexible.pk, 1),
        (employed.pk, 6),
    ]  # by due date
    overdue = list(schedule.open_point_rows(outcomes, on=on, overdue_only=True))
    # Due 1 Feb: overdue. Due 1 Jul and 30 Jun: within the 30 days' grace.
    assert [(pk, months) for pk, months, _ in overdue] == [(employed.pk, 1)]
    assert schedule.open_point_rows(outcomes, on=on).count() == 3
