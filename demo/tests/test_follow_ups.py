"""`load_demo`'s follow-ups: made once, in every state a clerk meets."""

from io import StringIO

import pytest
from django.core.management import call_command

from employment.models import EmploymentOutcome
from followups import schedule
from followups.models import FollowUp
from followups.selectors import outcome_schedule

pytestmark = pytest.mark.django_db


def test_demo_follow_ups_are_made_once_in_every_state():
    call_command("load_demo", "--password", "Demo-password-2025", stdout=StringIO())
    count = FollowUp.objects.count()
    output = StringIO()
    call_command("load_demo", "--password", "Demo-password-2025", stdout=output)
    assert FollowUp.objects.count() == count > 0
    assert f"跟踪服务记录 {count} 条" in output.getvalue()

    kinds = {(f.reached, f.employment) for f in FollowUp.objects.all()}
    assert kinds >= {(True, "same"), (True, "other"), (True, "none"), (False, "")}
    assert FollowUp.objects.filter(wage_case__isnull=False).count() == 1
    states = {
        point.state
        for outcome in schedule.followed(EmploymentOutcome.objects.all())
        for point in outcome_schedule(outcome=outcome)
    }
    assert states == {"recorded", "due", "overdue", "later"}
