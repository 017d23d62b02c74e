"""Issue 7: the programme's main path, in the browser, by the people who walk it.

A 钦南区 clerk logs in, opens a batch, downloads the roster template, uploads a roster with errors,
sees the row errors, commits the valid rows, records completion and certificates, closes the batch,
records three referrals and an outcome for one trainee and submits a training-subsidy application;
the 钦南区 reviewer reviews it and the city administrator approves it; the city official's dashboard
shows the new trainings and job. One test, because each step needs what the previous one made."""

import datetime
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from playwright.sync_api import Download, Page, expect

from brands.models import PlanPeriod
from brands.selectors import period_containing
from subsidies.models import SubsidyApplication
from subsidies.tests.factories import BudgetFactory, SubsidyRuleFactory
from training.models import Enrolment, RosterImport
from training.roster import TEMPLATE_HEADERS
from training.tests.rosters import make_roster, person_ids, valid_row

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BATCH_NAME = "钦南区母婴护理员第一期（端到端）"
CERTIFICATE = "职业技能等级证书（五级/初级工）"
# The three people of the roster who can be imported.
HUANG, LI, CHEN = "黄秀英", "李明", "陈丽"


def wrong_check_digit(id_number: str) -> str:
    return id_number[:17] + ("0" if id_number[17] != "0" else "1")


def opposite_sex(row: list) -> list:
    return [row[0], row[1], "女" if row[2] == "男" else "男", *row[3:]]


def roster_with_errors(ids: list[str]) -> tuple[bytes, dict[int, tuple[str, str]]]:
    """A roster under a title row (header on Excel row 2): three good rows (3–5), then a wrong check
    digit (6), the first person again (7: a repeat, not an error) and a sex that contradicts the ID
    number (8). Also returns the errors the preview must show: Excel row -> (column, message)."""
    rows = [
        valid_row(ids[0], name=HUANG),
        valid_row(ids[1], name=LI),
        valid_row(ids[2], name=CHEN),
        valid_row(wrong_check_digit(ids[3]), name="韦强"),
        valid_row(ids[0], name=HUANG),
        opposite_sex(valid_row(ids[4], name="覃海燕")),
    ]
    return make_roster(rows, title_rows=["钦南区母婴护理员培训花名册"]), {
        6: ("身份证号码", "身份证号码校验位不正确"),
        8: ("性别", "性别填写为“男”，但身份证号码显示为女性，请核对。"),
    }


def workbook(download: Download) -> Workbook:
    """The xlsx the browser downloaded (Playwright keeps it under a name without an extension)."""
    return load_workbook(io.BytesIO(Path(download.path()).read_bytes()))


def menu(page: Page, name: str):
    """A link of the top navigation bar."""
    return page.locator("nav.navbar").get_by_role("link", name=name, exact=True)


def action(page: Page, name: str):
    """A page's button-styled link (the same words may also be a link in the text)."""
    return page.locator("a.btn").filter(has_text=name)


def stat(page: Page, label: str):
    """The figure under a stat label (batch page, import preview)."""
    return page.locator(f"*:has(> .stat-label:text-is('{label}')) > .stat-value")


def success(page: Page):
    return page.locator(".alert-success")


def status_badge(page: Page):
    return page.locator("h1 .badge")


def figure(locator) -> int:
    return int(locator.inner_text().strip().replace(",", ""))


def dashboard_figures(page: Page) -> dict[str, int]:
    """The city headline figures, the 钦南区 row and the 八桂家政 row of the progress dashboard."""
    expect(page.locator("h1")).to_have_text("“八桂系列”劳务品牌进度看板")

    def headline(label: str) -> int:
        return figure(page.locator(".headline-card").filter(has_text=label).locator(".stat-value a"))

    area = page.locator('section[aria-labelledby="areas-title"] tbody tr').filter(
        has=page.get_by_role("rowheader", name="钦南区", exact=True)
    )
    brand = page.locator('section[aria-labelledby="brands-title"] tbody tr').filter(
        has=page.get_by_role("rowheader", name="八桂家政", exact=True)
    )
    return {
        "city trainings": headline("全市培训人次"),
        "city jobs": headline("全市带动就业创业人次"),
        "钦南区 trainings": figure(area.locator("td").nth(0)),
        "钦南区 jobs": figure(area.locator("td").nth(3)),
        "八桂家政 trainings": figure(brand.locator("td").nth(0).locator("a")),
        "八桂家政 jobs": figure(brand.locator("td").nth(4).locator("a")),
    }


def test_clerk_to_city_main_flow(sessions, open_as, clerk, reviewer, city_admin, city_viewer, area, tmp_path):
    today = timezone.localdate()
    start, end = today - datetime.timedelta(days=30), today - datetime.timedelta(days=10)
    if period_containing(today.year) is None:  # 十四五 has ended: the city opened the next period (issue 16)
        PlanPeriod.objects.create(
            code=f"{today.year}-{today.year + 4}", name="十五五", year_from=today.year, year_to=today.year + 4
        )
    # What the city administrator sets up before any county can apply: the per-person training subsidy
    # (no amount is seeded: the plan leaves it to the city) and this year's 就业补助资金 for 钦南区.
    rule = SubsidyRuleFactory(name="职业培训补贴（五级，端到端测试）", amount=Decimal("1500.00"))
    BudgetFactory(area=area, year=today.year, amount=Decimal("100000.00"))
    ids = person_ids(5, start=700)

    sessions.step("市领导：进度看板（之前）")
    viewer = open_as(city_viewer)
    menu(viewer, "进度看板").click()
    before = dashboard_figures(viewer)

    sessions.step("经办员：登录并开设班期")
    page = open_as(clerk)
    menu(page, "培训班期").click()
    action(page, "开设班期").click()
    expect(page.get_by_label("承办地区")).to_have_value(str(area.pk))  # a clerk's one area, preselected
    page.get_by_label("职业（工种）").select_option(label="母婴护理员")
    page.get_by_label("班期名称").fill(BATCH_NAME)
    page.get_by_label("计划人数").fill("30")
    page.get_by_label("开班日期").fill(start.isoformat())
    page.get_by_label("结业日期").fill(end.isoformat())
    page.get_by_label("状态").select_option(label="计划中")  # a new batch starts only once its class is approved
    page.get_by_role("button", name="开设班期").click()
    expect(success(page)).to_contain_text(f"已开设班期“{BATCH_NAME}”")
    expect(page.locator("h1")).to_have_text(BATCH_NAME)
    batch_url = page.url
    assert re.search(r"/training/batches/\d+/$", batch_url), batch_url

    sessions.step("经办员：填报开班申请（课程模块、教师、场地、课表）并提交审批")
    expect(page.locator("#class-unapproved")).to_contain_text("开班申请尚未批准")
    action(page, "开班申请与考勤").click()
    page.get_by_role("button", name="填报开班申请").click()
    page.get_by_label("培训场地").fill("钦南区实训楼 201")
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_label("课程模块", exact=True).first.fill("母婴护理基础")
    page.get_by_label("理论课时").fill("8")
    page.get_by_label("实操课时").fill("16")
    page.get_by_role("button", name="添加模块").click()
    page.get_by_label("教师姓名").fill("韦老师")
    page.get_by_label("资格或证书编号").fill("高级技师 GX2020001")
    page.get_by_role("button", name="添加教师").click()
    page.get_by_label("上课日期").fill(start.isoformat())
    page.get_by_label("开始时间").fill("08:30")
    page.get_by_label("结束时间").fill("12:30")
    page.get_by_role("button", name="添加课次").click()
    expect(page.locator("#sessions tbody tr")).to_have_count(1)
    page.get_by_role("button", name="提交审批").click()
    expect(success(page)).to_contain_text("已提交，等待县区审核员审批")
    class_url = page.url

    sessions.step("县区审核员：开班审批")
    approver = open_as(reviewer, "reviewer-class")
    approver.goto(class_url)
    expect(approver.locator("#modules")).to_contain_text("母婴护理基础")
    approver.get_by_role("button", name="批准开班").click()
    expect(success(approver)).to_contain_text("已批准开班")
    page.goto(batch_url)
    expect(page.locator("#class-unapproved")).to_have_count(0)

    sessions.step("经办员：下载花名册模板")
    with page.expect_download() as download_info:
        action(page, "下载花名册模板").click()
    download = download_info.value
    assert download.suggested_filename == "学员花名册模板.xlsx"
    template = workbook(download)
    assert [cell.value for cell in template["花名册"][1]] == TEMPLATE_HEADERS
    assert template["花名册"]["B2"].number_format == "@"  # the ID column is text: no lost digits

    sessions.step("经办员：上传有错误的花名册")
    content, expected_errors = roster_with_errors(ids)
    roster = tmp_path / "钦南区母婴护理员花名册.xlsx"
    roster.write_bytes(content)
    action(page, "上传花名册").click()
    page.get_by_label("花名册文件（").set_input_files(roster)
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_url(re.compile(r"/training/imports/\d+/$"))

    sessions.step("经办员：预览中的行错误")
    expect(status_badge(page)).to_have_text("待确认")
    expect(page.get_by_text("表头在第 2 行")).to_be_visible()
    expect(stat(page, "数据行")).to_have_text("6")
    expect(stat(page, "新增人员")).to_have_text("3")
    expect(stat(page, "错误行")).to_have_text("2")
    expect(stat(page, "文件内重复")).to_have_text("1")
    expect(page.locator(".card-body").filter(has_text="文件内重复")).to_contain_text("第 7 行")
    errors = page.locator(".card").filter(has_text="错误（请按行号在 Excel 中修改）").locator("tbody tr")
    expect(errors).to_have_count(len(expected_errors))
    for row, (column, message) in expected_errors.items():
        cells = errors.filter(has_text=f"第 {row} 行").locator("td")
        expect(cells.nth(1)).to_have_text(column)
        expect(cells.nth(2)).to_contain_text(message)
    expect(page.get_by_text("花名册有 2 行错误。")).to_be_visible()
    expect(page.get_by_role("button", name="全部导入")).to_be_disabled()
    assert not RosterImport.objects.filter(status="committed").exists()  # nothing written before the clerk confirms
    sessions.snapshot(page, "roster preview with errors")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载检查结果（含错误说明）").click()
    checked = list(workbook(download_info.value).active.iter_rows(values_only=True))
    # The title row is kept above the header: row N of the workbook is the row the messages call 第 N 行.
    assert checked[1][:2] == ("姓名", "身份证号码") and checked[1][-1].startswith("错误说明")
    assert len(checked) == 2 + 6
    assert "校验位不正确" in checked[5][-1]
    assert "与第 3 行是同一人" in checked[6][-1]

    sessions.step("经办员：仅导入有效行")
    page.get_by_role("button", name="仅导入 3 条有效行").click()
    expect(success(page)).to_contain_text("已导入：新增人员 3，更新人员 0，新增参训 3。（仅导入了有效行）")
    expect(status_badge(page)).to_have_text("已导入")
    page.get_by_role("link", name="查看班期花名册").click()
    expect(stat(page, "参训人数")).to_have_text("3")
    expect(stat(page, "已结业")).to_have_text("0")
    roster_rows = page.locator("table").first.locator("tbody tr")
    expect(roster_rows).to_have_count(3)
    expect(roster_rows.filter(has_text=HUANG)).to_contain_text(f"{ids[0][:6]}********{ids[0][14:]}")
    assert ids[0] not in page.content()  # lists show masked numbers only

    sessions.step("经办员：登记结业与证书")
    action(page, "登记结业与证书").click()
    page.wait_for_load_state()  # the page's script ties 本页全部结业 to the rows once it has run
    page.get_by_label("本页全部结业").check()
    for name in (HUANG, LI, CHEN):
        expect(page.get_by_label(f"{name} 已结业", exact=True)).to_be_checked()
    for number, name in enumerate((HUANG, LI), start=1):
        page.get_by_label(f"{name} 考核结果", exact=True).select_option(label="合格")
        page.get_by_label(f"{name} 证书", exact=True).select_option(label=CERTIFICATE)
        page.get_by_label(f"{name} 证书编号", exact=True).fill(f"S45070220260{number:02d}")
        page.get_by_label(f"{name} 发证日期", exact=True).fill(end.isoformat())
    page.get_by_label(f"{CHEN} 考核结果", exact=True).select_option(label="不合格")
    # Not get_by_role: the icon font's glyph is part of the button's accessible name.
    page.locator("button").filter(has_text=re.compile(r"^\s*保存\s*$")).click()
    expect(success(page)).to_contain_text("已保存 3 名学员的结业与证书信息。")
    expect(stat(page, "已结业")).to_have_text("3")
    expect(stat(page, "已取得证书")).to_have_text("2")

    sessions.step("经办员：班期结业（全部学员已登记结果，页面提示设为已结业）")
    expect(page.locator("#finish-batch")).to_contain_text("全部 3 名学员都已登记结业或考核结果")
    page.locator("#finish-batch button").click()
    expect(success(page)).to_contain_text("班期已设为“已结业”。")
    expect(page.locator(".page-header .badge")).to_have_text("已结业")
    expect(page.locator("#subsidy-step")).to_contain_text("下一步：为符合条件的学员申请培训补贴")

    sessions.step("经办员：岗位推荐三次")
    page.locator("table").first.get_by_role("link", name=HUANG).click()
    action(page, "岗位推荐与就业").click()
    expect(page.locator("h1")).to_contain_text("已推荐 0 次，还差 3 次")
    referral_form = page.locator("#add-referral form")
    for number, (channel, result) in enumerate(
        [("专场招聘", "未录用/本人放弃"), ("零工市场", "未到场"), ("劳务协作", "已录用")], start=1
    ):
        referral_form.locator("[name=employer_name]").fill(f"钦州市第{number}家政服务有限公司")
        referral_form.locator("[name=position]").fill("母婴护理员")
        referral_form.locator("[name=channel]").select_option(label=channel)
        referral_form.locator("[name=result]").select_option(label=result)
        referral_form.get_by_role("button", name="保存推荐").click()
        expect(success(page)).to_contain_text(f"已为{HUANG}登记岗位推荐：钦州市第{number}家政服务有限公司 · 母婴护理员")
        expect(page.locator("#referrals tbody tr")).to_have_count(number)
    expect(page.locator("h1")).to_contain_text("已达 3 次")
    expect(page.locator("#referrals tbody tr").nth(2)).to_contain_text("钦州市第3家政服务有限公司")

    sessions.step("经办员：登记就业结果")
    outcome_form = page.locator("#add-outcome form")
    outcome_form.locator("[name=kind]").select_option(label="就业")
    # The page shows the fields of the chosen kind only (a script; without it the form still posts, so
    # this is a soft assertion: the test goes on and reports it at the end).
    expect.soft(outcome_form.locator("[name=business_name]"), "创业 fields for 就业").to_be_hidden(timeout=5_000)
    outcome_form.locator("[name=start_date]").fill(today.isoformat())
    outcome_form.locator("[name=employer_name]").fill("钦州市第3家政服务有限公司")
    outcome_form.locator("[name=contract_signed]").check()
    outcome_form.locator("[name=social_insurance]").check()
    outcome_form.get_by_role("button", name="保存结果").click()
    expect(success(page)).to_contain_text(f"已为{HUANG}登记就业结果：")
    outcomes = page.locator("#outcomes tbody tr")
    expect(outcomes).to_have_count(1)
    expect(outcomes).to_contain_text("钦州市第3家政服务有限公司")
    expect(outcomes).to_contain_text("计入 钦南区 · 八桂家政")
    sessions.snapshot(page, "referrals and outcome")

    sessions.step("经办员：按班期生成培训补贴申请")
    page.goto(batch_url)
    action(page, "申请培训补贴").first.click()
    page.get_by_label("职业培训补贴规则").select_option(label=rule.name)
    page.get_by_role("button", name="预览").click()
    expect(page.get_by_role("heading", name="符合条件（2 人）")).to_be_visible()
    expect(page.get_by_role("heading", name="不符合条件（1 人）")).to_be_visible()
    expect(page.locator("tr").filter(has_text=CHEN)).to_contain_text("无证书")
    page.get_by_role("button", name="生成 2 份申请草稿").click()
    expect(success(page)).to_contain_text("已生成 2 份职业培训补贴申请（草稿）；1 人不符合条件。")
    applications = page.locator("table tbody tr")
    expect(applications).to_have_count(2)
    expect(applications.filter(has_text=HUANG)).to_contain_text("草稿")

    sessions.step("经办员：提交补贴申请")
    applications.filter(has_text=HUANG).get_by_role("link", name=rule.name).click()
    expect(status_badge(page)).to_have_text("草稿")
    page.locator("#action-submit").get_by_role("button", name="提交审核").click()
    expect(success(page)).to_contain_text("已提交，等待县区审核员审核。")
    expect(status_badge(page)).to_have_text("已提交")
    application_url = page.url
    assert not page.locator("#action-review").count()  # the clerk cannot review what they submitted

    sessions.step("审核员：审核通过")
    county_reviewer = open_as(reviewer)
    menu(county_reviewer, "补贴申请").click()
    county_reviewer.locator("table tbody tr").filter(has_text=HUANG).get_by_role("link", name=rule.name).click()
    assert county_reviewer.url == application_url
    review = county_reviewer.locator("#action-review")
    review.get_by_label("意见").fill("证书、身份证明材料齐全。")
    review.get_by_role("button", name="审核通过").click()
    expect(success(county_reviewer)).to_contain_text("已审核，报送市人社局审批。")
    expect(status_badge(county_reviewer)).to_have_text("已审核")

    sessions.step("市管理员：审批通过")
    admin = open_as(city_admin)
    menu(admin, "补贴申请").click()
    admin.get_by_label("状态").select_option(label="已审核")
    admin.get_by_role("button", name="查询").click()
    listed = admin.locator("table tbody tr")
    expect(listed).to_have_count(1)
    listed.get_by_role("link", name=rule.name).click()
    admin.locator("#action-approve").get_by_role("button", name="审批通过").click()
    expect(success(admin)).to_contain_text("已审批，已占用预算。")
    expect(status_badge(admin)).to_have_text("已审批")
    expect(admin.locator("dd").filter(has_text=f"{today.year} 年度")).to_contain_text("钦南区")
    history = admin.locator("#history tbody tr")
    expect(history).to_have_count(4)
    expect(history.nth(3)).to_contain_text("已审核 → 已审批")
    sessions.snapshot(admin, "application approved")

    application = SubsidyApplication.objects.get(trainee__name=HUANG)
    assert (application.status, application.amount) == ("approved", Decimal("1500.00"))
    assert (application.submitted_by, application.reviewed_by, application.approved_by) == (
        clerk,
        reviewer,
        city_admin,
    )
    assert Enrolment.objects.filter(completed=True).count() == 3

    sessions.step("市领导：进度看板（之后）")
    viewer.reload()
    after = dashboard_figures(viewer)
    sessions.snapshot(viewer, "dashboard after")
    gained = {key: after[key] - before[key] for key in before}
    assert gained == {
        "city trainings": 3,
        "city jobs": 1,
        "钦南区 trainings": 3,
        "钦南区 jobs": 1,
        "八桂家政 trainings": 3,
        "八桂家政 jobs": 1,
    }, (before, after)

    sessions.assert_pages_healthy()
