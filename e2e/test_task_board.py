"""Issue 19, in the browser: 市发展改革委's reporter finds its task with the list's filter and reports the quarter
as 滞后; the city administrator sees it on the task board (任务看板) with the department's words, sees the
overdue quarters of another department (市住房城乡建设局 on 八桂建工), and renames a task on its 编辑 page."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from accounts.services import staff_upsert
from brands.models import Department, PlanPeriod
from brands.selectors import period_containing
from conftest import PASSWORD
from plantasks.models import PlanTask
from plantasks.quarters import due_quarters, quarter_label, quarter_of
from plantasks.services import tasks_copy_forward

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = "家政服务业专项资金尚未下达，家政企业扶持政策推迟到下季度。"


@pytest.fixture
def reporter(db):
    user, _created = staff_upsert(
        username="dept_fgw",
        role=Role.DEPARTMENT_REPORTER,
        area=None,
        password=PASSWORD,
        department=Department.objects.get(code="fgw"),
    )
    return user


def _period_of_today(today: datetime.date) -> PlanPeriod:
    """The period containing today, with the plan's tasks reporting from its first day. 十四五 has ended: the
    city opened the next period, whose tasks were copied forward (as the 规划期 page does)."""
    period = period_containing(today.year) or PlanPeriod.objects.create(
        code=f"{today.year}-{today.year + 4}", name="十五五", year_from=today.year, year_to=today.year + 4
    )
    tasks_copy_forward(target=period)
    PlanTask.objects.filter(period=period).update(reporting_from=datetime.date(period.year_from, 1, 1))
    return period


def test_a_department_reports_behind_and_the_city_sees_it_and_edits_a_task(sessions, open_as, reporter, city_admin):
    today = timezone.localdate()
    period = _period_of_today(today)
    housekeeping = PlanTask.objects.get(period=period, section="二（一）")
    construction = PlanTask.objects.get(period=period, section="二（二）")
    overdue = due_quarters(construction, today=today)
    if not overdue:
        pytest.skip("the period began less than a quarter and its 10 days ago: no quarter is overdue yet")

    sessions.step("部门填报员：任务分工，按规划期和关键词筛选")
    page = open_as(reporter)
    page.get_by_role("link", name="任务分工").first.click()
    page.get_by_label("规划期").select_option(period.code)
    page.get_by_label("任务或条目").fill("家政")
    page.get_by_role("button", name="查询").click()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(period.name)
    rows.first.get_by_role("link", name="打造“八桂家政”劳务品牌").click()

    sessions.step("部门填报员：报告本季度进展（滞后）")
    year, quarter = quarter_of(today)
    page.locator("select[name=quarter]").select_option(f"{year}-{quarter}")
    page.get_by_label("滞后").check()
    page.locator("textarea[name=text]").fill(WORDS)
    page.get_by_role("button", name="保存进展").click()
    expect(page.locator(".alert-success")).to_contain_text(f"已保存 {quarter_label(year, quarter)}的进展")
    expect(page.locator("table")).to_contain_text(WORDS)
    sessions.snapshot(page, "the reporter's report")

    sessions.step("市人社局管理员：任务看板")
    city = open_as(city_admin)
    city.goto("/dashboard/tasks/")
    expect(city.locator("h1")).to_contain_text("任务分工进展")
    card = city.locator(f"#task-{housekeeping.pk}")
    expect(card.locator(".badge").first).to_have_text("滞后")
    fgw_line = card.locator("tr", has_text="市发展改革委")
    expect(fgw_line).to_contain_text("滞后")
    expect(fgw_line).to_contain_text(WORDS)
    # Another department's quarters past their deadline without a report are flagged.
    zjj_line = city.locator(f"#task-{construction.pk} tr", has_text="市住房城乡建设局")
    expect(zjj_line.locator(".badge")).to_have_text("逾期")
    expect(zjj_line).to_contain_text(quarter_label(*overdue[0]))
    expect(city.locator("#board-departments tr.table-warning", has_text="市住房城乡建设局")).to_be_visible()
    sessions.snapshot(city, "the task board")

    sessions.step("市人社局管理员：编辑任务名称")
    city.locator(f"#task-{construction.pk}").get_by_role("link", name="编辑").click()
    expect(city.locator("h1")).to_contain_text("编辑任务：二（二）")
    city.locator("#id_title").fill("打造“八桂建工”劳务品牌（乡村工匠）")
    sessions.snapshot(city, "the task form")
    city.get_by_role("button", name="保存任务").click()
    expect(city.locator(".alert-success")).to_contain_text("已保存任务 二（二） 打造“八桂建工”劳务品牌（乡村工匠）。")
    expect(city.locator("h1")).to_have_text("二（二） 打造“八桂建工”劳务品牌（乡村工匠）")
    city.goto("/dashboard/tasks/")
    expect(city.locator(f"#task-{construction.pk} h3")).to_contain_text("打造“八桂建工”劳务品牌（乡村工匠）")
    construction.refresh_from_db()
    assert construction.title == "打造“八桂建工”劳务品牌（乡村工匠）"

    sessions.assert_pages_healthy()
