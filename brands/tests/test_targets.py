"""The city's target allocation: the service, the grid it reads back, and the page."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from brands.models import Area, BrandLine, Target
from brands.selectors import target_grid
from brands.services import targets_allocate

pytestmark = pytest.mark.django_db

TARGETS = reverse("dashboard:targets")


@pytest.fixture
def housekeeping():
    return BrandLine.objects.get(code="housekeeping")


@pytest.fixture
def construction():
    return BrandLine.objects.get(code="construction")


def yearly(metric="trainings", year=2023):
    return Target.objects.filter(metric=metric, year_from=year, year_to=year)


def test_allocate_creates_updates_and_deletes_targets(city_admin, area, other_area, housekeeping, construction):
    counts = targets_allocate(
        metric="trainings",
        year=2023,
        values={(area, housekeeping): 120, (area, construction): 60, (other_area, housekeeping): None},
        by=city_admin,
    )
    assert counts == {"created": 2, "updated": 0, "deleted": 0, "unchanged": 1}
    assert target_grid(metric="trainings", year=2023) == {
        (area.pk, housekeeping.pk): 120,
        (area.pk, construction.pk): 60,
    }
    target = yearly().get(area=area, brand=housekeeping)
    assert target.note.startswith(f"市人社局分配（{city_admin.get_username()}，")

    counts = targets_allocate(
        metric="trainings",
        year=2023,
        values={(area, housekeeping): 150, (area, construction): None, (other_area, housekeeping): 0},
        by=city_admin,
    )
    assert counts == {"created": 1, "updated": 1, "deleted": 1, "unchanged": 0}
    assert target_grid(metric="trainings", year=2023) == {
        (area.pk, housekeeping.pk): 150,
        (other_area.pk, housekeeping.pk): 0,
    }
    # Other years, other metrics and the city's own targets are untouched.
    assert target_grid(metric="trainings", year=2024) == {}
    assert target_grid(metric="jobs", year=2023) == {}
    assert Target.objects.filter(area__code="450700", metric="trainings", brand__isnull=True).get().value == 12000


def test_the_grid_reads_only_yearly_county_cells(city_admin, area, housekeeping):
    Target.objects.create(area=area, brand=housekeeping, year_from=2021, year_to=2025, metric="trainings", value=500)
    Target.objects.create(area=area, brand=None, year_from=2023, year_to=2023, metric="trainings", value=90)
    assert target_grid(metric="trainings", year=2023) == {}


@pytest.mark.parametrize("value", [-1, 1_000_001, "12", 2.5, True])
def test_allocate_refuses_a_bad_value_and_saves_nothing(city_admin, area, other_area, housekeeping, value):
    with pytest.raises(ValidationError, match="目标值须为 0 至 1,000,000 之间的整数"):
        targets_allocate(
            metric="trainings",
            year=2023,
            values={(other_area, housekeeping): 10, (area, housekeeping): value},
            by=city_admin,
        )
    assert not yearly().exists()


@pytest.mark.parametrize(
    ("metric", "year", "message"),
    [("wages", 2023, "未知的指标"), ("trainings", 2026, "不在任何规划期内"), ("jobs", 2020, "不在任何规划期内")],
)
def test_allocate_refuses_other_metrics_and_years(city_admin, area, housekeeping, metric, year, message):
    with pytest.raises(ValidationError, match=message):
        targets_allocate(metric=metric, year=year, values={(area, housekeeping): 1}, by=city_admin)


def test_allocate_refuses_the_city_itself(city_admin, housekeeping):
    with pytest.raises(ValidationError, match="只能向县区分配目标"):
        targets_allocate(
            metric="trainings", year=2023, values={(Area.objects.get(code="450700"), housekeeping): 1}, by=city_admin
        )


@pytest.mark.parametrize("user", ["clerk", "reviewer", "city_viewer"])
def test_only_the_city_administrator_may_allocate(request, area, housekeeping, user):
    with pytest.raises(PermissionDenied):
        targets_allocate(
            metric="trainings", year=2023, values={(area, housekeeping): 1}, by=request.getfixturevalue(user)
        )
    assert not yearly().exists()


# --- the page -----------------------------------------------------------------------------------


def cell(area_code: str, brand_code: str) -> str:
    return f"cell_{area_code}_{brand_code}"


def test_the_page_shows_the_grid_sums_and_the_shortfall(admin_client_city, area, other_area, housekeeping, city_admin):
    targets_allocate(
        metric="trainings", year=2023, values={(area, housekeeping): 120, (other_area, housekeeping): 80}, by=city_admin
    )
    response = admin_client_city.get(TARGETS, {"metric": "trainings", "year": "2023"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="cell_450702_housekeeping"' in html
    assert 'value="120"' in html
    assert "200" in html  # the column sum of 八桂家政
    assert "八桂家政：各县区分配合计 200 少于 全市目标 3,000，差 2,800" in html
    assert response.context["allocation"]["brands"][0]["shortfall"] == 2800


def test_saving_the_grid_stores_the_targets(admin_client_city, area, housekeeping):
    data = {
        "metric": "jobs",
        "year": "2024",
        cell("450702", "housekeeping"): "40",
        cell("450703", "construction"): "０25",
    }
    response = admin_client_city.post(TARGETS, data, follow=True)
    assert response.redirect_chain[-1][0] == f"{TARGETS}?metric=jobs&year=2024"
    assert "已保存 2024 年带动就业创业人次目标分配：新增 2 项" in response.content.decode()
    assert target_grid(metric="jobs", year=2024) == {
        (area.pk, housekeeping.pk): 40,
        (Area.objects.get(code="450703").pk, BrandLine.objects.get(code="construction").pk): 25,
    }
    # Clearing a cell removes its target.
    admin_client_city.post(TARGETS, {"metric": "jobs", "year": "2024", cell("450702", "housekeeping"): ""})
    assert (area.pk, housekeeping.pk) not in target_grid(metric="jobs", year=2024)


def test_targets_may_be_written_with_thousands_separators(admin_client_city, area, housekeeping):
    data = {
        "metric": "trainings",
        "year": "2025",
        cell("450702", "housekeeping"): "1,000",
        cell("450703", "housekeeping"): "1，200",  # the full-width comma of a Chinese keyboard
        cell("450721", "housekeeping"): "１，５００",
    }
    response = admin_client_city.post(TARGETS, data, follow=True)
    assert "已保存 2025 年培训人次目标分配：新增 3 项" in response.content.decode()
    assert sorted(target_grid(metric="trainings", year=2025).values()) == [1000, 1200, 1500]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "请填写整数"),
        ("-3", "目标不能为负数"),
        ("1000001", "目标不能超过 1,000,000"),
        ("1,000,001", "目标不能超过 1,000,000"),
        ("1.5", "请填写整数"),
        ("1,00", "请填写整数"),  # a comma that separates no thousands is a typo, not a number
    ],
)
def test_a_bad_cell_saves_nothing_and_keeps_what_was_typed(admin_client_city, value, message):
    data = {
        "metric": "trainings",
        "year": "2022",
        cell("450702", "housekeeping"): "10",
        cell("450721", "rice-noodle"): value,
    }
    response = admin_client_city.post(TARGETS, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "未保存任何目标" in html
    assert f'value="{value}"' in html
    assert 'value="10"' in html
    assert not yearly(year=2022).exists()


def test_a_bad_metric_or_year_in_a_post_saves_nothing(admin_client_city):
    response = admin_client_city.post(TARGETS, {"metric": "wages", "year": "2023", cell("450702", "housekeeping"): "1"})
    assert response.status_code == 400
    assert "未知的指标" in response.content.decode()
    response = admin_client_city.post(TARGETS, {"metric": "jobs", "year": "2031", cell("450702", "housekeeping"): "1"})
    assert response.status_code == 400
    response = admin_client_city.post(TARGETS, {cell("450702", "housekeeping"): "1"})
    assert response.status_code == 400
    assert not Target.objects.filter(year_from__gt=2025).exists()


def test_a_bad_year_in_the_address_falls_back_to_the_first_year(admin_client_city):
    response = admin_client_city.get(TARGETS, {"metric": "jobs", "year": "abc"})
    assert response.status_code == 200
    assert response.context["year"] == 2021
    assert "年度无效" in response.content.decode()


@pytest.mark.parametrize("user", ["clerk", "reviewer", "city_viewer"])
def test_other_roles_get_the_chinese_403_page(client, request, user):
    client.force_login(request.getfixturevalue(user))
    response = client.get(TARGETS)
    assert response.status_code == 403
    assert "没有权限" in response.content.decode()
    response = client.post(TARGETS, {"metric": "trainings", "year": "2023", cell("450702", "housekeeping"): "5"})
    assert response.status_code == 403
    assert not yearly().exists()


def test_the_allocated_targets_reach_the_dashboard(admin_client_city, area, housekeeping, city_admin):
    targets_allocate(metric="trainings", year=2023, values={(area, housekeeping): 120}, by=city_admin)
    progress = admin_client_city.get(reverse("dashboard:index")).context["progress"]
    line = progress["allocation"]["trainings"]["brands"][0]
    assert (line["allocated"], line["shortfall"]) == (120, 2880)
    cell_ = next(c for c in progress["matrix"] if c["area"] == area.code and c["brand"] == "housekeeping")
    assert cell_["trainings_target"] == 120
