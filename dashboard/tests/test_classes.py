"""Class approval and attendance figures on the dashboard and in `progress_report --json` (issue 17)."""

import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from training.models import Attendance, ClassPlan, ClassSession, TrainingBatch
from training.tests.factories import EnrolmentFactory, TrainingBatchFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def classes(area, other_area):
    running = TrainingBatchFactory(area=area, status=TrainingBatch.Status.RUNNING)
    session = ClassSession.objects.create(
        plan=running.class_plan,
        date=running.start_date,
        start_time=datetime.time(8),
        end_time=datetime.time(12),
        hours=Decimal(4),
    )
    people = [EnrolmentFactory(batch=running) for _ in range(4)]
    for enrolment in people[:3]:
        Attendance.objects.create(session=session, enrolment=enrolment, present=True, source="page")
    TrainingBatchFactory(area=other_area, status=TrainingBatch.Status.RUNNING)  # running, no attendance
    waiting = TrainingBatchFactory(area=other_area, approved=False)
    ClassPlan.objects.create(batch=waiting, status=ClassPlan.Status.SUBMITTED)


def test_progress_report_json_gains_classes(classes):
    out = io.StringIO()
    call_command("progress_report", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["classes"] == {
        "awaiting_approval": 1,
        "approved": 2,
        "sessions": 1,
        "attendance_rate": 0.75,
        "running_without_attendance": 1,
    }
    assert "city" in report  # the existing keys stay


def test_the_dashboard_shows_class_figures_by_area_and_brand(client, city_admin, classes):
    client.force_login(city_admin)
    page = re.sub(r"\s+", " ", client.get(reverse("dashboard:index")).content.decode())
    section = page[page.index('id="classes"') :]
    assert re.search(r'stat-value">1</div><div class="stat-label">待审批开班申请', section)
    assert re.search(r'stat-value text-danger">1</div><div class="stat-label">培训中但未登记考勤', section)
    assert '75%</div><div class="stat-label">出勤率（1 个课次）' in section
    assert (
        '<td>钦南区</td><td class="text-end">4</td><td class="text-end">3</td><td class="text-end">75.0%</td>'
        in section
    )
