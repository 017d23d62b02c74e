"""The employment lists' FilterSets (`employment.filters`): the 岗位推荐工作台 and the wage cases filter on
their pages by the FilterSet's rules, a bad value is a Chinese message on the page (never a 500, never
a silently wider list) and no filter widens the user's scope; the API's referral and outcome filters
refuse a bad value with a 400."""

import pytest
from django.urls import reverse

from qinzhou_brands.tests.apiclient import api, url

from ..models import WageCase
from .factories import WageCaseFactory
from .test_views import completed, completed_batch, worklist_people  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

MESSAGE = "筛选条件有误，请修改后重新查询："


def _page(client, user, name, params) -> str:
    client.force_login(user)
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(("params", "field"), [({"batch": "第一期"}, "班期"), ({"batch": str(2**70)}, "班期")])
def test_a_bad_worklist_filter_is_a_chinese_message_and_lists_nobody(client, clerk, worklist_people, params, field):  # noqa: F811
    page = _page(client, clerk, "employment:worklist", params)
    assert f"{MESSAGE}{field}：" in page
    assert "黄脱贫" not in page
    client.force_login(clerk)
    export = client.get(reverse("employment:worklist_xlsx"), params)
    assert export.status_code == 200
    assert "黄脱贫".encode() not in export.content


def test_the_worklist_filtered_by_another_areas_code_or_batch_lists_nobody(
    client,
    clerk,
    other_area,
    worklist_people,  # noqa: F811
):
    theirs = completed_batch(other_area)
    assert "黄脱贫" not in _page(client, clerk, "employment:worklist", {"area": other_area.code})
    assert "黄脱贫" not in _page(client, clerk, "employment:worklist", {"batch": theirs.pk})
    assert "黄脱贫" in _page(client, clerk, "employment:worklist", {})


def test_wage_cases_filter_by_state_with_a_chinese_message_for_a_bad_one(client, clerk, area, other_area):
    WageCaseFactory(area=area, employer_name="钦南受理单位")
    WageCaseFactory(
        area=area,
        employer_name="钦南结案单位",
        status=WageCase.Status.CLOSED,
        closed_on="2024-07-01",
        resolution="已追回",
    )
    WageCaseFactory(area=other_area, employer_name="钦北受理单位")
    page = _page(client, clerk, "employment:wage_case_list", {"status": WageCase.Status.RECEIVED})
    assert "钦南受理单位" in page
    assert "钦南结案单位" not in page
    assert "钦北受理单位" not in page
    assert "全部状态" in page
    page = _page(client, clerk, "employment:wage_case_list", {"status": "lost"})
    assert f"{MESSAGE}状态：" in page
    assert "钦南受理单位" not in page


@pytest.mark.parametrize(
    ("route", "params"),
    [("referral-list", {"result": "employed"}), ("outcome-list", {"year": "1999"}), ("outcome-list", {"kind": "x"})],
)
def test_the_api_refuses_a_bad_referral_or_outcome_filter_with_a_400(clerk, route, params):
    assert api(clerk).get(url(route), params).status_code == 400
