import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def test_catalogue_is_public_and_grouped_by_brand(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = client.get(reverse("brands:catalogue"))
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "八桂家政",
        "八桂建工",
        "八桂米粉师傅",
        "钦州地方特色",
        "母婴护理员",
        "灵山刮粉制作工",
        "全市",
        "灵山县",
    ):
        assert text in page
    assert "下载 Excel" in page


def test_catalogue_xlsx_download(client):
    response = client.get(reverse("brands:catalogue_xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "动态培训清单"
    assert "动态培训清单" in sheet["A1"].value
    assert [cell.value for cell in sheet[2]][:3] == ["劳务品牌", "职业（工种）", "重点发展地区"]
    rows = {row[1]: row for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows["茶叶加工工"][0] == "钦州地方特色"
    assert rows["茶叶加工工"][2] == "灵山县"
    assert rows["母婴护理员"][2] == "全市"
    assert rows["母婴护理员"][4] == "长期"


def test_catalogue_rejects_writes(client):
    assert client.post(reverse("brands:catalogue")).status_code == 405
