"""Issue 18: from an outcome to a recorded follow-up, through the pages a clerk uses.

A 钦南区 clerk records a person's employment (started two months ago) on the person's employment page,
opens its 跟踪服务 page from the outcome's row, records the 1-month follow-up with a problem that opens a
wage case, and finds the 3-month point still to come; the 跟踪服务工作台 (from the navigation) no longer lists
the recorded point. A 钦北区 clerk gets 404 for the same follow-up."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from followups.models import FollowUp
from followups.schedule import add_months
from training.models import TrainingBatch
from training.tests.factories import EnrolmentFactory, TraineeFactory, TrainingBatchFactory

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PERSON = "韦秀英"


def test_from_an_outcome_to_a_recorded_follow_up(sessions, open_as, clerk, other_clerk, area, live_server):
    today = timezone.localdate()
    started = add_months(today, -2)
    person = TraineeFactory(name=PERSON)
    batch = TrainingBatchFactory(
        area=area,
        start_date=started - datetime.timedelta(days=40),
        end_date=started - datetime.timedelta(days=20),
        status=TrainingBatch.Status.COMPLETED,
    )
    EnrolmentFactory(trainee=person, batch=batch, completed=True)

    sessions.step("经办员：登记就业结果")
    page = open_as(clerk)
    page.goto(live_server.url + reverse("employment:trainee_employment", args=[person.pk]))
    form = page.locator("#add-outcome form")
    form.locator("[name=kind]").select_option(label="就业")
    form.locator("[name=start_date]").fill(started.isoformat())
    form.locator("[name=employer_name]").fill("钦州市好帮手家政服务有限公司")
    form.get_by_role("button", name="保存结果").click()
    expect(page.locator(".alert-success")).to_contain_text(f"已为{PERSON}登记就业结果")

    sessions.step("经办员：从就业结果进入跟踪服务")
    page.locator("#outcomes tbody tr").first.get_by_role("link", name="跟踪服务").click()
    expect(page.locator("h1")).to_contain_text(f"跟踪服务：{PERSON}")
    schedule = page.locator("#schedule tbody tr")
    expect(schedule.nth(0)).to_contain_text("待跟踪")
    expect(schedule.nth(1)).to_contain_text("未到期")

    sessions.step("经办员：登记第 1 个月跟踪并转欠薪案件")
    record = page.locator("#record form")
    expect(record.locator("[name=months]")).to_have_value("1")
    record.get_by_label("已联系上").check()
    record.locator("[name=employment]").select_option(label="原单位在岗")
    record.locator("[name=wage_band]").select_option(label="3000–3999 元")
    record.locator("[name=contract_signed]").select_option(label="是")
    record.locator("[name=social_insurance]").select_option(label="否")
    record.locator("[name=problems]").fill("反映拖欠一个月工资")
    record.locator("[name=open_wage_case]").check()
    record.locator("[name=wage_case_amount]").fill("3500")
    record.get_by_role("button", name="保存跟踪记录").click()
    expect(page.locator(".alert-success")).to_contain_text(
        f"已登记{PERSON}第 1 个月的跟踪服务，并已转为欠薪举报投诉案件"
    )
    expect(page.locator("dl")).to_contain_text("原单位在岗")
    expect(page.locator("dl")).to_contain_text("受理 · 已受理")

    sessions.step("经办员：跟踪服务工作台")
    page.locator("nav.navbar").get_by_role("button", name="就业服务").or_(
        page.locator("nav.navbar").get_by_role("link", name="就业服务")
    ).click()
    page.locator("nav.navbar").get_by_role("link", name="跟踪服务工作台").click()
    expect(page.locator("h1")).to_have_text("跟踪服务工作台")
    expect(page.locator("#follow-up-summary")).to_contain_text("已跟踪")
    expect(page.locator("table tbody")).not_to_contain_text(PERSON)

    sessions.step("他区经办员：404")
    follow_up = FollowUp.objects.get()
    other = open_as(other_clerk)
    response = other.goto(live_server.url + reverse("followups:detail", args=[follow_up.pk]))
    assert response.status == 404
    sessions.assert_pages_healthy()
