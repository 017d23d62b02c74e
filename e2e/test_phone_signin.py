"""Issue 17: a trainee signs in from a phone-sized screen through the classroom QR code's link.

The clerk opens the session's QR page (drawn by the server), a phone-sized browser opens its link, the
trainee types their name and the last 6 characters of their ID number, and the clerk's attendance list shows
the sign-in as 手机签到 on the same record the page ticks."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from training.models import Attendance, ClassSession
from training.tests.factories import EnrolmentFactory, TraineeFactory, TrainingBatchFactory

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "user_agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
}


@pytest.fixture
def open_session(area):
    """An approved batch running today with a session open for sign-in now, and one trainee."""
    now = timezone.localtime()
    today = now.date()
    start = max(now - datetime.timedelta(minutes=10), now.replace(hour=0, minute=0, second=0, microsecond=0))
    end = min(now + datetime.timedelta(minutes=60), now.replace(hour=23, minute=59, second=0, microsecond=0))
    batch = TrainingBatchFactory(area=area, status="running", start_date=today, end_date=today + datetime.timedelta(9))
    session = ClassSession.objects.create(
        plan=batch.class_plan, date=today, start_time=start.time(), end_time=end.time(), hours=Decimal(1)
    )
    enrolment = EnrolmentFactory(batch=batch, trainee=TraineeFactory(name="黄秀英"))
    return session, enrolment


def test_a_trainee_signs_in_from_a_phone(sessions, open_as, clerk, open_session):
    session, enrolment = open_session
    sessions.step("经办员：打开课次签到二维码")
    page = open_as(clerk)
    page.goto(reverse("training:session_qr", args=[session.pk]))
    expect(page.locator("#qr svg")).to_be_visible()
    link = page.locator("#signin-link").inner_text().strip()
    sessions.snapshot(page, "classroom QR code")

    sessions.step("学员：手机扫码签到（身份证号码后 6 位不符时被拒）")
    context = sessions.browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **PHONE)
    try:
        phone = context.new_page()
        phone.goto(link)
        expect(phone.get_by_role("heading", name="课堂签到")).to_be_visible()
        assert phone.viewport_size["width"] == 390
        phone.get_by_label("姓名").fill("黄秀英")
        phone.get_by_label("身份证号码后 6 位").fill(
            "000000" if enrolment.trainee.id_number[-6:] != "000000" else "111111"
        )
        phone.get_by_role("button", name="签到").click()
        expect(phone.locator("#signin-refused")).to_contain_text("姓名或身份证号码后 6 位与本班花名册不符")
        phone.get_by_label("身份证号码后 6 位").fill(enrolment.trainee.id_number[-6:])
        phone.get_by_role("button", name="签到").click()
        expect(phone.locator("#signin-done")).to_contain_text("签到成功：黄秀英")
        # The button fits the phone's screen: no sideways scrolling.
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()

    sessions.step("经办员：考勤表显示手机签到")
    record = Attendance.objects.get(session=session, enrolment=enrolment)
    assert record.source == "phone" and record.present and "iPhone" in record.device
    page.goto(reverse("training:session_attendance", args=[session.pk]))
    row = page.locator("#attendance tbody tr").filter(has_text="黄秀英")
    expect(row).to_contain_text("手机签到")
    expect(row.get_by_role("checkbox")).to_be_checked()
    sessions.assert_pages_healthy()
