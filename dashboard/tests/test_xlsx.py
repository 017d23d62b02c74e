"""The dashboard's xlsx carries the same numbers as `progress_summary`, the dict the page is built from."""

import datetime
import io

import pytest
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from brands.models import Area, Occupation
from dashboard.selectors import progress_summary
from employment.tests.factories import EmploymentOutcomeFactory
from training.models import PriorityCategory
from training.tests.factories import EnrolmentFactory, TraineeFactory, TrainingBatchFactory

pytestmark = pytest.mark.django_db

D = datetime.date
EXPORT = reverse("dashboard:export")
SHEETS = ["总体进度", "分品牌", "分地区", "分年度", "地区×品牌", "其他指标", "重点帮扶县", "重点帮扶县重点人员"]


@pytest.fixture
def records(area, other_area, recount_tallies):
    batch = TrainingBatchFactory(area=area, start_date=D(2024, 3, 1), end_date=D(2024, 3, 20))
    done = EnrolmentFactory.create_batch(2, batch=batch, completed=True)
    EmploymentOutcomeFactory(trainee=done[0].trainee, area=area, start_date=D(2024, 6, 1))
    rice = TrainingBatchFactory(
        area=other_area,
        occupation=Occupation.objects.get(name="灵山刮粉制作工"),
        start_date=D(2023, 5, 1),
        end_date=D(2023, 5, 20),
    )
    EnrolmentFactory(batch=rice, completed=True)
    recount_tallies()


def download(client, user, **params):
    client.force_login(user)
    response = client.get(EXPORT, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content))


def data_rows(sheet) -> list[tuple]:
    """The rows under the heading line and the header row."""
    return list(sheet.iter_rows(min_row=3, values_only=True))


def test_the_workbook_has_the_numbers_of_the_summary(client, city_viewer, records):
    workbook = download(client, city_viewer)
    progress = progress_summary(user=city_viewer)
    assert workbook.sheetnames == SHEETS

    overall = data_rows(workbook["总体进度"])
    pace = progress["pace"]
    assert overall[0][:3] == ("培训人次", pace["trainings"], 12000)
    assert overall[0][4] == pace["trainings_expected"]
    assert overall[1][:3] == ("带动就业创业人次", pace["jobs"], 10000)
    assert pace["trainings"] == 3 and pace["jobs"] == 1

    brands = data_rows(workbook["分品牌"])
    assert [(row[0], row[1], row[2], row[6], row[7]) for row in brands] == [
        (b["name"], b["trainings"], b["trainings_target"], b["jobs"], b["jobs_target"]) for b in pace["brands"]
    ]

    areas = data_rows(workbook["分地区"])
    assert [(row[0], row[1], row[2], row[4], row[5]) for row in areas] == [
        (a["name"], a["trainings"], a["trainings_target"], a["jobs"], a["jobs_target"]) for a in progress["areas"]
    ]

    years = data_rows(workbook["分年度"])
    assert [(row[0], row[1], row[2], row[5]) for row in years] == [
        (y["year"], y["period"] or "不在任何规划期内", y["trainings"], y["jobs"]) for y in progress["years"]
    ]

    matrix = data_rows(workbook["地区×品牌"])
    assert [(row[0], row[1], row[2], row[7]) for row in matrix] == [
        (c["area_name"], c["brand_name"], c["trainings"], c["jobs"]) for c in progress["matrix"]
    ]
    assert matrix[0][:3] == ("钦南区", "八桂家政", 2)
    assert matrix[0][-1] == "未分配目标"

    other = {row[1]: row for row in data_rows(workbook["其他指标"])}
    referrals = progress["referrals"]
    referral_row = other["参训学员（已开班）中获得 3 次及以上岗位推荐的人数，开班前的推荐不计入（目标 100%）"]
    assert referral_row[2:] == (referrals["with_3_or_more"], referrals["trainees"], referrals["rate"])
    assert other["就业补助资金预算"][2] == progress["subsidies"]["budget_amount"]
    shortfall = next(row for label, row in other.items() if label.startswith("培训人次 · 八桂家政：各县区分配合计"))
    assert shortfall[2:4] == (0, 3000)


def test_the_workbook_is_formatted(client, city_viewer, records):
    workbook = download(client, city_viewer)
    sheet = workbook["分品牌"]
    assert sheet["A1"].value.startswith("钦州市“八桂系列”劳务品牌建设进度")
    assert sheet["A2"].value == "劳务品牌"
    assert sheet["A2"].fill.fgColor.rgb.endswith("1F4E79")
    assert sheet.freeze_panes == "A3"
    assert sheet["B3"].number_format == "#,##0"
    assert sheet["D3"].number_format == "0.0%"
    assert sheet.column_dimensions["A"].width >= 12
    assert workbook["总体进度"]["F3"].value == "落后于进度"


def test_one_year_exports_that_year(client, city_viewer, records):
    workbook = download(client, city_viewer, year="2023")
    assert "2023 年" in workbook["总体进度"]["A1"].value
    assert data_rows(workbook["总体进度"])[0][1] == 1
    assert [row[0] for row in data_rows(workbook["分年度"])] == [2023]


def test_a_county_clerk_exports_their_own_area(client, clerk, records):
    workbook = download(client, clerk)
    assert [row[0] for row in data_rows(workbook["分地区"])] == ["钦南区"]
    assert {row[0] for row in data_rows(workbook["地区×品牌"])} == {"钦南区"}
    assert data_rows(workbook["总体进度"])[0][1] == 2
    assert not any(row[0] == "目标分配" for row in data_rows(workbook["其他指标"]))


def test_the_page_links_to_the_export_with_its_year(client, city_viewer):
    client.force_login(city_viewer)
    assert (
        f'href="{EXPORT}?period=2021-2025&amp;year=2024"'
        in client.get(reverse("dashboard:index"), {"year": "2024"}).content.decode()
    )


@pytest.fixture
def lingshan_start_up(recount_tallies):
    """灵山县 (the key county): three completions in 2024, one a 脱贫人口 founder whose start-up employs 5."""
    lingshan = Area.objects.get(code="450721")
    batch = TrainingBatchFactory(area=lingshan, start_date=D(2024, 3, 1), end_date=D(2024, 3, 20))
    founder = TraineeFactory(categories=[PriorityCategory.objects.get(name="脱贫人口")])
    EnrolmentFactory(batch=batch, trainee=founder, completed=True)
    EnrolmentFactory.create_batch(2, batch=batch, completed=True)
    EmploymentOutcomeFactory(
        trainee=founder, area=lingshan, kind="entrepreneurship", start_date=D(2024, 6, 1), jobs_created=5
    )
    recount_tallies()


def test_start_up_employees_and_the_key_county_are_in_the_workbook(client, city_viewer, lingshan_start_up):
    workbook = download(client, city_viewer)
    overall = {row[0]: row for row in data_rows(workbook["总体进度"])}
    assert overall["带动就业创业人次"][1] == 1
    assert overall["创业带动就业人数（未计入就业创业人次）"][1] == 5
    areas = {row[0]: row for row in data_rows(workbook["分地区"])}
    assert workbook["分地区"]["H2"].value == "创业带动就业人数（未计入就业创业人次）"
    assert (areas["灵山县"][4], areas["灵山县"][7]) == (1, 5)
    assert [row[-1] for row in data_rows(workbook["分年度"]) if row[0] == 2024] == [5]
    matrix = [row for row in data_rows(workbook["地区×品牌"]) if row[0] == "灵山县" and row[1] == "八桂家政"]
    assert matrix[0][-2:] == (5, "未分配目标")

    [county] = data_rows(workbook["重点帮扶县"])
    assert (county[0], county[1], county[6], county[11]) == ("灵山县", 3, 1, 5)
    groups = {row[1]: row for row in data_rows(workbook["重点帮扶县重点人员"])}
    assert groups["脱贫人口"] == ("灵山县", "脱贫人口", 1, pytest.approx(1 / 3), 1, 1.0)
    assert workbook["重点帮扶县重点人员"]["D3"].number_format == "0.0%"


@override_settings(JOBS_COUNT_STARTUP_EMPLOYEES=True)
def test_the_workbook_says_when_start_up_employees_count_in_the_jobs(client, city_viewer, lingshan_start_up):
    workbook = download(client, city_viewer)
    overall = {row[0]: row for row in data_rows(workbook["总体进度"])}
    assert overall["带动就业创业人次（含创业带动就业）"][1:3] == (6, 10000)
    assert overall["创业带动就业人数（已计入就业创业人次）"][1] == 5
    [county] = data_rows(workbook["重点帮扶县"])
    assert (county[6], county[11]) == (6, 5)


def test_a_county_without_the_flag_gets_no_key_county_sheets(client, clerk, lingshan_start_up):
    assert "重点帮扶县" not in download(client, clerk).sheetnames
