"""The subsidy application lists' one FilterSet (`subsidies.filters.ApplicationFilter`): the list page,
the bulk pages and the API filter alike, the bulk pages leave the state to their step, a bad value is
a Chinese message on the page and a 400 on the API, and no filter widens the user's scope."""

import pytest
from django.urls import reverse

from qinzhou_brands.tests.apiclient import api, url

from .. import services
from .test_bulk import _batch_drafts

pytestmark = pytest.mark.django_db


@pytest.fixture
def drafts(area, clerk, training_rule):
    drafts = _batch_drafts(area, clerk, training_rule, people=3)
    services.application_submit(application=drafts[0], user=clerk)
    return drafts


def _listed(response) -> set[int]:
    return {application.pk for application in response.context["page"]}


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"status": "draft"},
        {"status": "submitted"},
        {"kind": "training"},
        {"kind": "training_base"},
        {"year": "2020"},
    ],
)
def test_the_list_page_and_the_api_list_the_same_applications(client, clerk, drafts, params):
    client.force_login(clerk)
    page = _listed(client.get(reverse("subsidies:application_list"), params))
    response = api(clerk).get(url("application-list"), params)
    assert response.status_code == 200
    assert page == {row["id"] for row in response.json()["results"]}


def test_the_bulk_page_filters_with_the_same_rules_but_its_step_decides_the_state(client, clerk, drafts):
    client.force_login(clerk)
    bulk = reverse("subsidies:bulk_list", args=["submit"])
    assert _listed(client.get(bulk)) == {a.pk for a in drafts[1:]}
    assert _listed(client.get(bulk, {"kind": "training_base"})) == set()
    # A state in the address does not take the step's place.
    assert _listed(client.get(bulk, {"status": "submitted"})) == {a.pk for a in drafts[1:]}
    assert 'name="status"' not in client.get(bulk).content.decode()


def test_another_areas_code_lists_nothing(client, clerk, other_clerk, drafts):
    client.force_login(other_clerk)
    assert _listed(client.get(reverse("subsidies:application_list"), {"area": "450702"})) == set()
    assert api(other_clerk).get(url("application-list"), {"area": "450702"}).json()["results"] == []


@pytest.mark.parametrize(("params", "field"), [({"year": "明年"}, "年度"), ({"kind": "bonus"}, "补贴类型")])
def test_a_bad_value_is_a_chinese_message_on_both_pages_and_a_400_on_the_api(client, clerk, drafts, params, field):
    client.force_login(clerk)
    for address in (reverse("subsidies:application_list"), reverse("subsidies:bulk_list", args=["submit"])):
        response = client.get(address, params)
        assert response.status_code == 200
        assert f"筛选条件有误，请修改后重新查询：{field}：" in response.content.decode()
        assert _listed(response) == set()
    assert api(clerk).get(url("application-list"), params).status_code == 400
