"""Issue 18: vacancy → match → referral → outcome → follow-up, in the browser, by a 钦南区 clerk.

The clerk opens the vacancy register from the navigation, registers a vacancy, finds the trainee who
completed 母婴护理员 training among its ranked matches (with the reasons), refers them in one step, then
on the person's page records the referral's result and the employment outcome, and from the outcome's
row its first follow-up (跟踪服务)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from brands.models import Occupation
from brands.tests.factories import OrganisationFactory
from employment.models import EmploymentOutcome, JobReferral
from followups.models import FollowUp
from training.tests.factories import EnrolmentFactory, TraineeFactory, TrainingBatchFactory

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERSON = "韦秀兰"
EMPLOYER = "钦州市月嫂之家家政服务有限公司"


def success(page: Page):
    return page.locator(".alert-success")


@pytest.fixture
def completed_trainee(area):
    today = timezone.localdate()
    batch = TrainingBatchFactory(
        area=area,
        occupation=Occupation.objects.get(name="母婴护理员"),
        start_date=today - datetime.timedelta(days=60),
        end_date=today - datetime.timedelta(days=40),
        status="completed",
    )
    OrganisationFactory(name=EMPLOYER, kind="enterprise", area=area)
    return EnrolmentFactory(
        batch=batch, completed=True, certificate="level4", trainee=TraineeFactory(name=PERSON)
    ).trainee


def test_vacancy_match_referral_outcome_follow_up(sessions, open_as, clerk, completed_trainee):
    today = timezone.localdate()
    page = open_as(clerk)

    sessions.step("经办员：从导航打开岗位信息库，登记岗位")
    page.get_by_role("button", name="就业服务").or_(page.get_by_role("link", name="就业服务")).first.click()
    page.get_by_role("link", name="岗位信息库").click()
    expect(page.locator("h1")).to_have_text("岗位信息库")
    page.locator("a.btn").filter(has_text="登记岗位").click()
    page.get_by_label("用人单位").select_option(label=EMPLOYER)
    page.get_by_label("职业（工种）").select_option(label="八桂家政 · 母婴护理员")
    page.get_by_label("岗位名称").fill("住家月嫂")
    page.get_by_label("招聘人数").fill("3")
    page.get_by_label("工作地区").select_option(label="钦南区")
    page.get_by_label("月薪下限（元）").fill("6000")
    page.get_by_label("月薪上限（元）").fill("9000")
    page.get_by_label("证书要求").select_option(label="职业技能等级证书（四级/中级工）")
    page.get_by_label("有效期起").fill(today.isoformat())
    page.get_by_label("有效期止").fill((today + datetime.timedelta(days=90)).isoformat())
    page.get_by_role("button", name="保存岗位").click()
    expect(success(page)).to_contain_text(f"已登记岗位：{EMPLOYER} · 住家月嫂")

    sessions.step("经办员：岗位的匹配学员，一步推荐")
    matches = page.locator("#matches tbody tr")
    expect(matches).to_have_count(1)
    expect(matches).to_contain_text(PERSON)
    expect(matches).to_contain_text("工种对口（+100）")
    expect(matches).to_contain_text("证书符合要求（+20）")
    matches.get_by_label(f"选择{PERSON}").check()
    page.get_by_role("button", name="推荐所选学员").click()
    expect(success(page)).to_contain_text(f"已推荐 1 人到“住家月嫂”：{PERSON}。")
    expect(page.locator("#matches")).to_contain_text("没有符合条件的学员。")
    referred = page.locator("#referrals tbody tr")
    expect(referred).to_contain_text(PERSON)
    sessions.snapshot(page, "vacancy referred")

    sessions.step("经办员：登记推荐结果和就业结果")
    referred.get_by_role("link", name=PERSON).click()
    row = page.locator("#referrals tbody tr").first
    expect(row).to_contain_text(EMPLOYER)
    expect(row).to_contain_text("住家月嫂")
    row.locator("select[name=result]").select_option(label="已录用")
    row.get_by_role("button", name="保存").click()
    expect(success(page)).to_contain_text("推荐结果已改为“已录用”")
    outcome_form = page.locator("#add-outcome form")
    outcome_form.locator("[name=kind]").select_option(label="就业")
    outcome_form.locator("[name=start_date]").fill(today.isoformat())
    outcome_form.locator("[name=employer]").select_option(label=EMPLOYER)
    outcome_form.locator("[name=contract_signed]").check()
    outcome_form.get_by_role("button", name="保存结果").click()
    expect(success(page)).to_contain_text(f"已为{PERSON}登记就业结果：{EMPLOYER}")
    expect(page.locator("#outcomes tbody tr")).to_have_count(1)

    sessions.step("经办员：从就业结果进入跟踪服务，登记第 1 次跟踪")
    page.locator("#outcomes tbody tr").first.get_by_role("link", name="跟踪服务").click()
    expect(page.locator("h1")).to_contain_text(f"跟踪服务：{PERSON}")
    record = page.locator("#record form")
    expect(record.locator("[name=months]")).to_have_value("1")
    record.get_by_label("已联系上").check()
    record.locator("[name=employment]").select_option(label="原单位在岗")
    record.locator("[name=wage_band]").select_option(label="5000–7999 元")
    record.locator("[name=contract_signed]").select_option(label="是")
    record.locator("[name=social_insurance]").select_option(label="是")
    record.get_by_role("button", name="保存跟踪记录").click()
    expect(success(page)).to_contain_text(f"已登记{PERSON}第 1 个月的跟踪服务")
    expect(page.locator("dl")).to_contain_text("原单位在岗")

    follow_up = FollowUp.objects.get(outcome__trainee=completed_trainee)
    assert (follow_up.months, follow_up.contract_signed, follow_up.social_insurance) == (1, True, True)
    referral = JobReferral.objects.get(trainee=completed_trainee)
    assert (referral.vacancy.title, referral.result) == ("住家月嫂", "hired")
    assert EmploymentOutcome.objects.get(trainee=completed_trainee).employer.name == EMPLOYER
    sessions.assert_pages_healthy()
