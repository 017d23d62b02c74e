"""Yearly reports (年报): a county's figures of a whole ended year, computed like a month's, submitted by the
county reviewer and accepted or returned by the city on the monthly report's path; no month is locked by
it, and another area's user finds none of it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import MonthLock
from training.models import TrainingBatch
from training.tests.factories import EnrolmentFactory, TrainingBatchFactory

from .. import services
from ..models import MonthlyReport, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def last_year():
    return timezone.localdate().year - 1


@pytest.fixture
def batches(area, last_year):
    """Two completed trainings of 钦南区 in March and November of last year, one in January of this year."""
    for start in (datetime.date(last_year, 3, 2), datetime.date(last_year, 11, 2), datetime.date(last_year + 1, 1, 2)):
        batch = TrainingBatchFactory(
            area=area,
            start_date=start,
            end_date=start + datetime.timedelta(days=9),
            status=TrainingBatch.Status.COMPLETED,
        )
        EnrolmentFactory(batch=batch, completed=True)


def test_the_yearly_report_counts_the_whole_year_and_goes_the_reports_path(
    batches, clerk, reviewer, city_admin, area, last_year
):
    report = services.yearly_report_open(user=clerk, year=last_year)
    assert str(report) == f"钦南区 {last_year}年年报"
    assert services.yearly_report_open(user=reviewer, year=last_year) == report  # one per area and year
    with pytest.raises(PermissionDenied, match="只有本县区审核员可以报送年报"):
        services.report_step(report=report, user=clerk, action="submit")
    report = services.report_step(report=report, user=reviewer, action="submit")
    assert (report.status, report.figures["trainings"], report.figures["batches_started"]) == (Status.SUBMITTED, 2, 2)
    report = services.report_step(report=report, user=city_admin, action="accept")
    assert report.status == Status.ACCEPTED
    assert not MonthLock.objects.exists()  # the months are locked by their own monthly reports
    with pytest.raises(ValidationError, match="不能重新开放"):
        services.report_step(report=report, user=city_admin, action="reopen", reason="更正")


def test_only_an_ended_recent_year_can_be_reported(clerk):
    year = timezone.localdate().year
    with pytest.raises(ValidationError, match="只能填报最近 3 个已经结束的年度"):
        services.yearly_report_open(user=clerk, year=year)
    with pytest.raises(PermissionDenied, match="只有县区经办员或审核员可以填报年报"):
        services.yearly_report_open(user=_city(), year=year - 1)


def _city():
    from accounts.roles import Role
    from accounts.services import staff_upsert

    return staff_upsert(username="city_viewer_y", role=Role.CITY_VIEWER, area=None, password=None)[0]


def test_the_yearly_report_pages(client, batches, clerk, reviewer, city_admin, other_clerk, last_year):
    client.force_login(clerk)
    listing = client.get(reverse("plans:report_list")).content.decode()
    assert f"{last_year} 年" in listing and "填报年报" in listing
    page = client.post(reverse("plans:yearly_report_open"), {"year": last_year}, follow=True).content.decode()
    assert f"钦南区 {last_year}年年报" in page and f"本年度数据（{last_year} 年 1 月 1 日至 12 月 31 日）" in page
    refused = client.post(reverse("plans:yearly_report_open"), {"year": "去年"}, follow=True).content.decode()
    assert "请填写年度，例如 2025。" in refused
    report = MonthlyReport.objects.get(kind=MonthlyReport.Kind.YEAR)
    client.force_login(reviewer)
    page = client.post(reverse("plans:report_action", args=[report.pk, "submit"]), follow=True).content.decode()
    assert "已报送，等待市人社局审核。" in page
    client.force_login(city_admin)
    page = client.get(reverse("plans:report_detail", args=[report.pk])).content.decode()
    assert "审核通过" in page and "重新开放该月" not in page
    client.force_login(other_clerk)
    assert client.get(reverse("plans:report_detail", args=[report.pk])).status_code == 404
