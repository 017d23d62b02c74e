"""The employer's vacancy sheet on the import pipeline: preview with row errors, commit, no repeats."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from brands.tests.factories import OrganisationFactory
from core.imports.services import import_request_commit, import_upload

from ..vacancy_import import VACANCIES
from ..vacancy_models import Vacancy, VacancyImport

pytestmark = pytest.mark.django_db

HEADERS = [
    "用人单位",
    "职业（工种）",
    "岗位名称",
    "工作地区",
    "市外输出目的地",
    "招聘人数",
    "月薪下限",
    "月薪上限",
    "证书要求",
    "最高年龄",
    "用工形式",
    "有效期起",
    "有效期止",
]


def xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["某某公司招聘岗位表"])  # a title row above the header
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = [
    "钦州好帮手家政",
    "母婴护理员",
    "住家月嫂",
    "钦南区",
    "",
    3,
    6000,
    9000,
    "四级",
    50,
    "全职",
    "2025-01-01",
    "2025-12-31",
]
EXPORT = [
    "钦州好帮手家政",
    "家务服务员",
    "深圳家政员",
    "",
    "广东省深圳市",
    "10",
    "",
    "",
    "",
    "",
    "季节性",
    "2025/3/1",
    "2025.9.30",
]


@pytest.fixture
def employer(area):
    return OrganisationFactory(name="钦州好帮手家政", kind="enterprise", area=area)


def upload(user, rows, area=None):
    return import_upload(spec=VACANCIES, scope=area, user=user, file_name="岗位表.xlsx", content=xlsx(rows))


def test_a_clean_sheet_is_previewed_then_committed_once(clerk, area, employer):
    record = upload(clerk, [GOOD, EXPORT], area)
    assert record.status == VacancyImport.Status.PREVIEW
    assert (record.rows, record.valid_rows, record.error_rows) == (2, 2, 0)
    assert Vacancy.objects.count() == 0
    import_request_commit(spec=VACANCIES, record=record, user=clerk, skip_invalid=False)
    vacancies = {v.title: v for v in Vacancy.objects.all()}
    assert vacancies["住家月嫂"].certificate == "level4" and vacancies["住家月嫂"].work_area == area
    assert vacancies["深圳家政员"].destination == "广东省深圳市" and vacancies["深圳家政员"].kind == "seasonal"
    assert {v.area for v in vacancies.values()} == {area}
    again = upload(clerk, [GOOD, EXPORT], area)
    assert again.report["created"] == 0 and again.report["existing"] == 2


def test_row_errors_name_the_row_column_and_fix(clerk, area, employer):
    bad = [
        ["不在名录的单位", "母婴护理员", "岗位甲", "钦南区", "", 3, "", "", "", "", "", "2025-01-01", "2025-12-31"],
        [
            "钦州好帮手家政",
            "不存在的工种",
            "岗位乙",
            "火星",
            "",
            0,
            9000,
            6000,
            "博士",
            "",
            "",
            "2025-12-31",
            "2025-01-01",
        ],
    ]
    record = upload(clerk, bad, area)
    errors = {(e["row"], e["column"], e["message"]) for e in record.report["errors"]}
    assert (
        3,
        "用人单位",
        "“不在名录的单位”不在单位名录中：请填写名录中的名称或统一社会信用代码，或先在单位名录登记该单位。",
    ) in errors
    assert (4, "招聘人数", "招聘人数 0 不合理，应在 1–100000 之间。") in errors
    assert (4, "月薪上限", "月薪上限不能低于下限。") in errors
    assert (4, "有效期止", "有效期止不能早于有效期起。") in errors
    assert (4, "职业（工种）", "工种“不存在的工种”不在培训目录中，请核对名称。") in errors
    assert (4, "工作地区", "工作地区“火星”无法识别：请填钦州市内的县区；市外岗位请填写市外输出目的地。") in errors
    assert any(row == 4 and column == "证书要求" for row, column, _message in errors)


def test_the_upload_page_and_another_areas_record(client, clerk, other_clerk, area, employer):
    client.force_login(clerk)
    page = client.get(reverse("employment:vacancy_import_upload")).content.decode()
    assert "批量导入岗位" in page and "下载岗位表模板" in page
    assert client.get(reverse("employment:vacancy_template")).status_code == 200
    record = upload(clerk, [GOOD], area)
    assert client.get(reverse("employment:vacancy_import_detail", args=[record.pk])).status_code == 200
    client.force_login(other_clerk)
    assert client.get(reverse("employment:vacancy_import_detail", args=[record.pk])).status_code == 404
