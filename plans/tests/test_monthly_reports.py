"""Monthly reports and the data lock: figures computed from the records, the path reviewer → city, a month
the city accepted refusing county writes dated in it (imports included), a reopened month accepting them,
reporting timeliness, and another area's user finding none of it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry, MonthLock
from accounts.roles import Role
from accounts.scoping import MonthLocked
from employment import services as employment_services
from employment.models import JobReferral, ReferralImport
from employment.tests import referral_sheets
from training import services as training_services
from training.models import Enrolment, RosterImport, TrainingBatch
from training.tests import rosters
from training.tests.factories import EnrolmentFactory, TraineeFactory, TrainingBatchFactory
from training.tests.rosters import make_roster, valid_row

from .. import selectors, services
from ..models import MonthlyReport, Status

pytestmark = pytest.mark.django_db

REFERRAL_HEADERS = ["身份证号码", "姓名", "用人单位", "推荐岗位", "推荐日期", "推荐渠道", "推荐结果", "备注"]


@pytest.fixture
def month():
    """The last month that has ended: the one a county reports now."""
    return selectors.previous_month(timezone.localdate())


@pytest.fixture
def batch(area, month):
    """A batch of 钦南区 that ran and ended in `month`, with one completed and one not completed enrolment."""
    batch = TrainingBatchFactory(
        area=area, start_date=month, end_date=month + datetime.timedelta(days=9), status=TrainingBatch.Status.COMPLETED
    )
    EnrolmentFactory(batch=batch, trainee=TraineeFactory(name="黄秀英"), completed=True)
    EnrolmentFactory(batch=batch, trainee=TraineeFactory(name="李明"), completed=False)
    return batch


@pytest.fixture
def person(batch):
    return Enrolment.objects.get(batch=batch, completed=True).trainee


def accepted(report, reviewer, city_admin) -> MonthlyReport:
    services.report_step(report=report, user=reviewer, action="submit")
    return services.report_step(report=report, user=city_admin, action="accept")


def referral_sheet(person, day) -> bytes:
    return make_roster(
        [[person.id_number, person.name, "钦州市好帮手家政服务有限公司", "家政服务员", day, "专场招聘", "待反馈", ""]],
        headers=REFERRAL_HEADERS,
    )


def test_the_figures_are_computed_from_the_records_and_kept_as_submitted(
    batch, person, clerk, reviewer, city_admin, month
):
    employment_services.referral_create(
        user=clerk,
        trainee=person,
        employer_name="好帮手家政",
        position="家政服务员",
        referred_on=month + datetime.timedelta(days=12),
        channel="job_fair",
    )
    report = services.report_open(user=reviewer, month=month)
    figures = selectors.month_figures(area=report.area, month=month)
    assert (figures["batches_started"], figures["participants"], figures["trainings"], figures["referrals"]) == (
        1,
        2,
        1,
        1,
    )
    assert figures["by_brand"] == {batch.occupation.brand.code: {"trainings": 1, "jobs": 0}}
    services.report_update(report=report, user=clerk, note="本月开班一期。")
    report = services.report_step(report=report, user=reviewer, action="submit")
    assert report.figures["trainings"] == 1 and report.first_submitted_at is not None
    # A record added after submission changes the live figures, not the submitted report.
    EnrolmentFactory(batch=batch, completed=True)
    report.refresh_from_db()
    assert report.figures["trainings"] == 1


def test_only_the_reviewer_submits_and_only_the_city_accepts(reviewer, clerk, city_admin, month):
    report = services.report_open(user=clerk, month=month)
    with pytest.raises(PermissionDenied, match="只有本县区审核员可以报送月报"):
        services.report_step(report=report, user=clerk, action="submit")
    services.report_step(report=report, user=reviewer, action="submit")
    with pytest.raises(PermissionDenied, match="只有市人社局管理员可以审核月报"):
        services.report_step(report=report, user=reviewer, action="accept")
    with pytest.raises(ValidationError, match="最近 24 个月中已经结束的月份"):
        services.report_open(user=reviewer, month=timezone.localdate())


def test_a_locked_month_refuses_county_writes_dated_in_it(batch, person, clerk, reviewer, city_admin, month, area):
    accepted(services.report_open(user=reviewer, month=month), reviewer, city_admin)
    assert MonthLock.objects.get(area=area, month=month).locked
    day = month + datetime.timedelta(days=14)
    refusal = f"钦南区{month.year}年{month.month}月的月报已由市人社局审核通过，该月数据已锁定"
    with pytest.raises(MonthLocked, match=refusal):
        employment_services.referral_create(
            user=clerk,
            trainee=person,
            employer_name="好帮手家政",
            position="家政服务员",
            referred_on=day,
            channel="job_fair",
        )
    with pytest.raises(MonthLocked, match=refusal):
        employment_services.outcome_create(
            user=clerk, trainee=person, kind="flexible", start_date=day, work_kind="保洁"
        )
    with pytest.raises(MonthLocked, match=refusal):
        training_services.batch_complete_all(batch=batch, user=clerk, expected=1)
    # The city administrator is not bound by the lock; the month after is open to the county.
    employment_services.referral_create(
        user=city_admin,
        trainee=person,
        employer_name="好帮手家政",
        position="家政服务员",
        referred_on=day,
        channel="job_fair",
        area=area,
    )
    assert JobReferral.objects.count() == 1


def test_a_locked_month_refuses_a_late_import_and_a_reopened_month_accepts_it(
    batch, person, clerk, reviewer, city_admin, month, area
):
    report = accepted(services.report_open(user=reviewer, month=month), reviewer, city_admin)
    day = month + datetime.timedelta(days=20)

    late = referral_sheets.referral_upload(user=clerk, file_name="推荐.xlsx", content=referral_sheet(person, day))
    assert (late.valid_rows, late.error_rows) == (0, 1)
    assert "该月数据已锁定" in late.report["errors"][0]["message"]
    with pytest.raises(ValidationError, match="没有可导入的有效行"):
        referral_sheets.referral_commit(referral_import=late, user=clerk, skip_invalid=True)
    # A roster into a batch ending in the locked month is refused at upload.
    with pytest.raises(MonthLocked, match="不能导入或修改该月的记录"):
        rosters.roster_upload(
            batch=batch, user=clerk, file_name="花名册.xlsx", content=make_roster([valid_row(rosters.person_ids(1)[0])])
        )
    assert JobReferral.objects.count() == 0

    with pytest.raises(ValidationError, match="请填写重新开放的原因"):
        services.report_step(report=report, user=city_admin, action="reopen")
    with pytest.raises(PermissionDenied):
        services.report_step(report=report, user=reviewer, action="reopen", reason="补录")
    report = services.report_step(report=report, user=city_admin, action="reopen", reason="补录迟报的推荐记录")
    assert report.status == Status.RETURNED
    assert AuditEntry.objects.filter(subject__contains="数据重新开放", detail="原因：补录迟报的推荐记录").exists()

    again = referral_sheets.referral_upload(user=clerk, file_name="推荐.xlsx", content=referral_sheet(person, day))
    assert (again.valid_rows, again.error_rows) == (1, 0)
    referral_sheets.referral_commit(referral_import=again, user=clerk, skip_invalid=False)
    again.refresh_from_db()
    assert again.status == ReferralImport.Status.COMMITTED
    assert list(JobReferral.objects.values_list("trainee__name", "referred_on")) == [(person.name, day)]
    roster = rosters.roster_upload(
        batch=batch, user=clerk, file_name="花名册.xlsx", content=make_roster([valid_row(rosters.person_ids(1)[0])])
    )
    assert roster.status == RosterImport.Status.PREVIEW


def test_a_month_locked_after_the_upload_refuses_the_commit(person, clerk, reviewer, city_admin, month):
    day = month + datetime.timedelta(days=3)
    pending = referral_sheets.referral_upload(user=clerk, file_name="推荐.xlsx", content=referral_sheet(person, day))
    assert pending.valid_rows == 1
    accepted(services.report_open(user=reviewer, month=month), reviewer, city_admin)
    # The commit checks the file again: its row is now refused, and nothing is written.
    referral_sheets.referral_commit(referral_import=pending, user=clerk, skip_invalid=False)
    pending.refresh_from_db()
    assert pending.status == ReferralImport.Status.FAILED
    # The write itself re-checks: a record already committing (the Celery path) fails with the refusal.
    assert (
        referral_sheets.referral_process(
            content=referral_sheet(person, day), area=pending.area, user=clerk, commit=True, skip_invalid=True
        )["committed"]
        is False
    )
    assert JobReferral.objects.count() == 0


def test_timeliness_on_time_late_and_missing(area, other_area, reviewer, make_staff, city_admin, month, settings):
    settings.MONTHLY_REPORT_DEADLINE_DAY = 10
    deadline = selectors.report_deadline(month)
    assert deadline == (month + datetime.timedelta(days=32)).replace(day=10)
    on_time = services.report_open(user=reviewer, month=month)
    on_time = services.report_step(report=on_time, user=reviewer, action="submit")
    after_deadline = deadline + datetime.timedelta(days=1)
    assert selectors.timeliness_of(on_time, month, after_deadline) == selectors.ON_TIME
    late = MonthlyReport(
        area=area,
        month=month,
        first_submitted_at=timezone.make_aware(datetime.datetime.combine(after_deadline, datetime.time(9))),
    )
    assert selectors.timeliness_of(late, month, after_deadline) == selectors.LATE
    assert selectors.timeliness_of(None, month, after_deadline) == selectors.MISSING
    assert selectors.timeliness_of(None, month, deadline) == selectors.PENDING
    rows = {row["area"].code: row["cells"][0]["report"] for row in selectors.report_timeliness(user=city_admin)["rows"]}
    assert rows[area.code] == on_time and rows[other_area.code] is None


def test_the_report_pages(client, batch, reviewer, city_admin, month):
    client.force_login(reviewer)
    page = client.get(reverse("plans:report_list")).content.decode()
    assert f"{month.year}年{month.month}月" in page and "填报" in page
    response = client.post(reverse("plans:report_open"), {"month": month.strftime("%Y-%m")}, follow=True)
    page = response.content.decode()
    assert "培训人次（结业）" in page and "按当前登记记录自动统计" in page
    report = MonthlyReport.objects.get()
    response = client.post(reverse("plans:report_action", args=[report.pk, "submit"]), follow=True)
    assert "已报送，等待市人社局审核" in response.content.decode()
    client.force_login(city_admin)
    assert "月报报送及时性" in client.get(reverse("plans:report_list")).content.decode()
    response = client.post(reverse("plans:report_action", args=[report.pk, "accept"]), follow=True)
    page = response.content.decode()
    assert "已审核通过" in page and "该月数据已于" in page and "重新开放该月" in page
    response = client.post(
        reverse("plans:report_action", args=[report.pk, "reopen"]), {"reason": "更正结业人数"}, follow=True
    )
    assert "已重新开放：</strong>更正结业人数" in response.content.decode()
    response = client.post(reverse("plans:report_open"), {"month": "2026-13"}, follow=True)
    assert "未能填报月报：月份：" in response.content.decode()


def test_another_areas_user_finds_none_of_the_report(client, reviewer, make_staff, other_area, month):
    report = services.report_open(user=reviewer, month=month)
    client.force_login(make_staff(Role.COUNTY_REVIEWER, other_area))
    assert client.get(reverse("plans:report_detail", args=[report.pk])).status_code == 404
    assert client.post(reverse("plans:report_update", args=[report.pk]), {"note": "x"}).status_code == 404
    assert client.post(reverse("plans:report_action", args=[report.pk, "submit"])).status_code == 404


def test_the_clerk_reads_the_refusal_on_the_referral_form(client, person, clerk, reviewer, city_admin, month):
    accepted(services.report_open(user=reviewer, month=month), reviewer, city_admin)
    client.force_login(clerk)
    data = {
        "employer_name": "好帮手家政",
        "position": "家政服务员",
        "referred_on": (month + datetime.timedelta(days=5)).isoformat(),
        "channel": "job_fair",
        "result": "pending",
    }
    response = client.post(reverse("employment:referral_create", args=[person.pk]), data)
    assert response.status_code == 200
    assert "该月数据已锁定，不能登记或修改该月的记录" in response.content.decode()
    assert JobReferral.objects.count() == 0
