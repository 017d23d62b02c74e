"""Issue 16 in the browser: the city administrator finds the closed 十四五 with its 总结评估 and the active
十五五 under 规划期; a county clerk drafts the year's annual plan, the county reviewer submits it, the city
administrator accepts it, and the plan's numbers are that year's county targets on the target page."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from brands import services as brand_services
from brands.models import Area, BrandLine, PlanPeriod
from dashboard import services as dashboard_services
from dashboard.forms import TargetGridForm

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def periods(city_admin):
    """十四五 closed (its figures frozen), 十五五 created after it and running today."""
    fourteenth = PlanPeriod.objects.get(code="2021-2025")
    dashboard_services.period_close(period=fourteenth, by=city_admin)
    fifteenth = brand_services.period_create(
        code="2026-2030", name="十五五", year_from=2026, year_to=2030, document_title="十五五规划", by=city_admin
    )
    assert timezone.localdate().year in fifteenth.years, "the test needs today inside 十五五"
    return fourteenth, fifteenth


def test_the_periods_page_shows_the_closed_and_the_active_period(sessions, open_as, city_admin, periods):
    sessions.step("市人社局管理员：从进度看板打开规划期")
    page = open_as(city_admin)
    page.goto(reverse("dashboard:index"))
    page.get_by_role("link", name="规划期与总结评估").click()
    expect(page.locator("h1")).to_have_text("规划期")
    rows = page.locator("#period-list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("十四五")
    expect(rows.nth(0)).to_contain_text("2021–2025 年")
    expect(rows.nth(0)).to_contain_text("已结束")
    expect(rows.nth(1)).to_contain_text("十五五")
    expect(rows.nth(1)).to_contain_text("进行中")
    expect(rows.nth(1)).to_contain_text("看板默认")

    sessions.step("市人社局管理员：打开十四五的总结评估")
    rows.nth(0).get_by_role("link", name="总结评估").click()
    expect(page.locator("h1")).to_have_text("“十四五”规划期总结评估")
    expect(page.locator("#closing-report .lead")).to_contain_text("已结束")
    sessions.snapshot(page, "closing report")
    sessions.assert_pages_healthy()


def test_an_annual_plan_from_the_clerk_to_the_citys_targets(
    sessions, open_as, clerk, reviewer, city_admin, area, periods
):
    year = timezone.localdate().year
    housekeeping = BrandLine.objects.get(code="housekeeping")

    sessions.step("县区经办员：从首页进入年度计划并新建")
    page = open_as(clerk)
    page.get_by_role("link", name="年度计划").first.click()
    expect(page.locator("h1")).to_have_text("年度计划")
    page.get_by_label("年度").fill(str(year))
    page.get_by_role("button", name="新建年度计划").click()
    expect(page.locator(".alert-success.alert-dismissible")).to_contain_text(f"已新建钦南区 {year} 年度计划")

    sessions.step("县区经办员：填写八桂家政的计划人次")
    lines = page.locator("#lines")
    lines.locator(f"[name=trainings_{housekeeping.pk}]").fill("150")
    lines.locator(f"[name=jobs_{housekeeping.pk}]").fill("120")
    lines.get_by_role("button", name="保存计划人次").click()
    expect(page.locator(".alert-success.alert-dismissible")).to_contain_text("计划人次已保存")
    expect(page.get_by_role("button", name="报送市人社局")).to_have_count(0)  # the reviewer submits
    plan_url = page.url

    sessions.step("县区审核员：报送")
    review = open_as(reviewer)
    review.goto(plan_url)
    review.get_by_role("button", name="报送市人社局").click()
    expect(review.locator(".alert-success.alert-dismissible")).to_contain_text("已报送，等待市人社局审核")

    sessions.step("市人社局管理员：审核通过")
    city = open_as(city_admin)
    city.goto(reverse("plans:plan_list"))
    city.get_by_role("link", name=f"{year} 年度").click()
    city.get_by_role("button", name="审核通过").click()
    expect(city.locator(".alert-success.alert-dismissible")).to_contain_text("已写入该年度各品牌的县区目标")
    expect(city.locator("h1")).to_contain_text("已审核通过")

    sessions.step("市人社局管理员：目标分配页显示该年度的县区目标")
    city.goto(reverse("dashboard:index"))
    city.get_by_role("link", name="目标分配").first.click()
    trainings = TargetGridForm.field_name(Area.objects.get(pk=area.pk), housekeeping)
    city.goto(reverse("dashboard:targets") + f"?metric=trainings&year={year}")
    expect(city.locator("h1")).to_contain_text(f"{year} 年")
    expect(city.locator(f"#target-grid [name={trainings}]")).to_have_value("150")
    city.goto(reverse("dashboard:targets") + f"?metric=jobs&year={year}")
    expect(city.locator(f"#target-grid [name={trainings}]")).to_have_value("120")
    sessions.snapshot(city, "targets")
    sessions.assert_pages_healthy()
