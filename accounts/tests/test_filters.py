"""The organisation directory's FilterSet (`accounts.filters.OrganisationFilter`), drawn as the shared
filter bar: it narrows the user's scope by name or credit code, kind and area, never widens it, and a
bad value is a Chinese message on the page instead of a silently unfiltered list."""

import pytest
from django.urls import reverse

from brands.models import Organisation
from brands.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _listing(client, **params) -> str:
    response = client.get(reverse("organisation_list"), params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def organisations(area, other_area):
    OrganisationFactory(area=area, name="钦南家政培训学校")
    OrganisationFactory(area=area, name="钦南建工集团", kind=Organisation.Kind.ENTERPRISE)
    OrganisationFactory(area=other_area, name="钦北家政培训学校")


def test_the_directory_filters_by_name_kind_and_area(clerk_client, organisations):
    assert "钦南建工集团" not in _listing(clerk_client, q="家政")
    assert "钦南家政培训学校" in _listing(clerk_client, q="家政")
    by_kind = _listing(clerk_client, kind=Organisation.Kind.ENTERPRISE)
    assert "钦南建工集团" in by_kind and "钦南家政培训学校" not in by_kind
    for text in ("名称或信用代码", "全部类型", "查询"):
        assert text in _listing(clerk_client)


def test_another_areas_code_widens_nothing(clerk_client, other_area, organisations):
    assert "钦北家政培训学校" not in _listing(clerk_client, area=other_area.code)
    assert "钦北家政培训学校" not in _listing(clerk_client, q="钦北")


def test_a_bad_kind_is_a_chinese_message(clerk_client, organisations):
    page = _listing(clerk_client, kind="bank")
    assert "筛选条件有误，请修改后重新查询：类型：" in page
    assert "钦南家政培训学校" not in page


def test_the_directory_lists_an_areas_organisations_in_pinyin_order_on_postgresql(clerk_client, area):
    """单位名录 as people look names up (finding walk-2026-12); SQLite, which has no pinyin collation, by code point."""
    from django.db import connection

    names = ["张记餐饮", "农家乐合作社", "何氏家政", "劳务派遣公司", "安居建工"]
    for name in names:
        OrganisationFactory(area=area, name=name)
    page = _listing(clerk_client)
    expected = ["安居建工", "何氏家政", "劳务派遣公司", "农家乐合作社", "张记餐饮"]
    assert sorted(names, key=page.index) == (expected if connection.vendor == "postgresql" else sorted(names))
