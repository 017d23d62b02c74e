"""The batch list's one FilterSet (`training.filters.BatchFilter`): the page and the API filter alike, a
bad value is a Chinese message on the page (never a 500) and a 400 on the API, and no filter widens
the user's scope."""

import datetime

import pytest
from django.urls import reverse

from brands.models import Occupation
from qinzhou_brands.tests.apiclient import api, url
from training.models import TrainingBatch

from .factories import TrainingBatchFactory

pytestmark = pytest.mark.django_db

PARAMS = [
    {},
    {"brand": "construction"},
    {"year": "2024"},
    {"status": "completed"},
    {"area": "450702", "year": "2023"},
    {"area": "450703"},
]


@pytest.fixture
def batches(area, other_area):
    return [
        TrainingBatchFactory(area=area, name="母婴班", status=TrainingBatch.Status.COMPLETED),
        TrainingBatchFactory(
            area=area,
            name="砌筑班",
            occupation=Occupation.objects.get(name="砌筑工"),
            start_date=datetime.date(2023, 5, 1),
            end_date=datetime.date(2023, 5, 20),
        ),
        TrainingBatchFactory(area=other_area, name="钦北班"),
    ]


@pytest.mark.parametrize("params", PARAMS)
def test_the_page_and_the_api_list_the_same_batches(client, clerk, batches, params):
    client.force_login(clerk)
    page = client.get(reverse("training:batch_list"), params).content.decode()
    response = api(clerk).get(url("batch-list"), params)
    assert response.status_code == 200
    listed = {row["id"] for row in response.json()["results"]}
    assert {batch.pk for batch in batches if batch.title in page} == listed


def test_another_areas_code_lists_nothing_on_the_page_nor_the_api(client, clerk, batches):
    client.force_login(clerk)
    page = client.get(reverse("training:batch_list"), {"area": "450703"}).content.decode()
    assert "没有符合条件的班期" in page
    assert "钦北班" not in page
    assert api(clerk).get(url("batch-list"), {"area": "450703"}).json()["results"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [({"year": "二〇二四"}, "结业年度"), ({"year": "99999"}, "结业年度"), ({"status": "done"}, "状态")],
)
def test_a_bad_value_is_a_chinese_message_on_the_page_and_a_400_on_the_api(client, clerk, batches, params, field):
    client.force_login(clerk)
    response = client.get(reverse("training:batch_list"), params)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"筛选条件有误，请修改后重新查询：{field}：" in page
    assert "母婴班" not in page
    assert api(clerk).get(url("batch-list"), params).status_code == 400


def test_the_filter_bar_offers_chinese_choices(client, city_viewer, batches):
    client.force_login(city_viewer)
    page = client.get(reverse("training:batch_list")).content.decode()
    for text in (
        "承办地区",
        "全部地区",
        "劳务品牌",
        "全部品牌",
        "职业（工种）",
        "全部工种",
        "全部状态",
        "全部年度",
        "查询",
    ):
        assert text in page
