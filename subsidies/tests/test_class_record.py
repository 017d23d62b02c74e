"""The training-subsidy application shows its enrolment's class approval and attendance to the reviewer."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from training.models import Attendance, ClassPlan, ClassSession

from .. import services

pytestmark = pytest.mark.django_db


def test_the_reviewer_sees_approval_and_attendance(client, clerk, reviewer, training_rule, make_enrolment):
    enrolment = make_enrolment()
    plan = ClassPlan.objects.get(batch=enrolment.batch)
    plan.review_note = "同意开班"
    plan.save()
    for hour in (8, 14):
        session = ClassSession.objects.create(
            plan=plan,
            date=enrolment.batch.start_date,
            start_time=datetime.time(hour, 0),
            end_time=datetime.time(hour + 4, 0),
            hours=Decimal(4),
        )
    Attendance.objects.create(session=session, enrolment=enrolment, present=True, source="phone", flagged=True)
    application = services.application_create(
        user=clerk, rule=training_rule, amount=Decimal("1500"), enrolment=enrolment
    )
    client.force_login(reviewer)
    page = re.sub(
        r"\s+", " ", client.get(reverse("subsidies:application_detail", args=[application.pk])).content.decode()
    )
    assert "开班审批与考勤（审核前请核对）" in page
    assert "已批准" in page and "同意开班" in page
    assert "1 / 2 个课次，4.0 / 8.0 课时，出勤率 50.0%" in page
    assert "1 次签到与他人使用同一设备" in page
