"""The reference data through the API: areas, brand lines and the occupation catalogue, read only, for
every staff role."""

import pytest
from rest_framework.test import APIClient

from brands.models import Occupation
from qinzhou_brands.tests.apiclient import api, url

pytestmark = pytest.mark.django_db

ROLES = ["clerk", "reviewer", "city_admin", "city_viewer"]


@pytest.fixture
def viewer_api(city_viewer) -> APIClient:
    return api(city_viewer)


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_reference_data(request, role):
    client = api(request.getfixturevalue(role))
    areas = client.get(url("area-list")).json()
    assert [a["code"] for a in areas["results"]] == ["450700", "450702", "450703", "450721", "450722", "QZFTZ"]
    brands = client.get(url("brand-list")).json()
    assert [b["code"] for b in brands["results"]] == ["housekeeping", "construction", "rice-noodle", "local-specialty"]
    assert client.get(url("occupation-list")).json()["count"] == Occupation.objects.count()


def test_an_area_is_read_by_its_code(viewer_api):
    body = viewer_api.get(url("area-detail", "450721")).json()
    assert body == {
        "code": "450721",
        "name": body["name"],
        "short_name": "灵山县",
        "kind": "county",
        "parent": "450700",
        "is_key_county": True,
    }


def test_a_brand_line_and_an_occupation_are_read(viewer_api):
    client = viewer_api
    assert client.get(url("brand-detail", "rice-noodle")).json()["name"] == "八桂米粉师傅"
    occupation = Occupation.objects.get(name="灵山刮粉制作工")
    body = client.get(url("occupation-detail", occupation.pk)).json()
    assert (body["name"], body["brand"], body["brand_name"]) == ("灵山刮粉制作工", "rice-noodle", "八桂米粉师傅")
    assert isinstance(body["areas"], list)


def test_occupations_filter_by_brand(viewer_api):
    body = viewer_api.get(url("occupation-list"), {"brand": "construction"}).json()
    assert body["count"] == Occupation.objects.filter(brand__code="construction").count() > 0
    assert {row["brand"] for row in body["results"]} == {"construction"}


@pytest.mark.parametrize(
    ("name", "key"), [("area-detail", "999999"), ("brand-detail", "nope"), ("occupation-detail", "x")]
)
def test_unknown_reference_records_are_json_404s(viewer_api, name, key):
    response = viewer_api.get(url(name, key))
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。"}


def test_reference_data_is_read_only(city_admin):
    client = api(city_admin)
    assert client.post(url("area-list"), {"code": "1"}, format="json").status_code == 405
    assert client.delete(url("brand-detail", "housekeeping")).status_code == 405


def test_anonymous_users_get_401():
    response = api().get(url("occupation-list"))
    assert response.status_code == 401
    assert response.json()["detail"] == "身份认证信息未提供。"


@pytest.mark.parametrize("page_size", [1, 20])
def test_the_occupation_list_query_count_does_not_grow(clerk, page_size, django_assert_max_num_queries):
    client = api(clerk)
    with django_assert_max_num_queries(8):
        response = client.get(url("occupation-list"), {"page_size": page_size})
    assert len(response.json()["results"]) == page_size
