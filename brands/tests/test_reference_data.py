import datetime

import pytest

from brands.models import CITY_AREA_CODE, Area, BrandLine, Occupation, Target
from brands.selectors import catalogue_published, city_area

pytestmark = pytest.mark.django_db


def test_migrations_seed_the_plan():
    assert list(BrandLine.objects.values_list("code", flat=True)) == [
        "housekeeping",
        "construction",
        "rice-noodle",
        "local-specialty",
    ]
    assert set(Area.objects.values_list("code", flat=True)) == {
        "450700",
        "450702",
        "450703",
        "450721",
        "450722",
        "QZFTZ",
    }
    assert Area.objects.get(code="450721").is_key_county
    assert Occupation.objects.get(name="母婴护理员").brand.code == "housekeeping"
    assert list(Occupation.objects.get(name="茶叶加工工").areas.values_list("code", flat=True)) == ["450721"]
    city = Area.objects.get(code="450700")
    assert Target.objects.get(area=city, brand=None, metric="trainings").value == 12000
    assert Target.objects.get(area=city, brand=None, metric="jobs").value == 10000
    assert Target.objects.filter(area=city, brand__isnull=False, metric="trainings", value=3000).count() == 4
    assert Target.objects.filter(area=city, brand__isnull=False, metric="jobs", value=2400).count() == 4


def test_the_one_city_area_code_is_the_seeded_city():
    """Budgets and city-level applications find the city by this code (subsidies' services and selectors)."""
    assert city_area().code == CITY_AREA_CODE == "450700"


def test_catalogue_only_shows_occupations_published_on_the_day():
    occupation = Occupation.objects.get(name="编织工")
    occupation.published_to = datetime.date(2024, 12, 31)
    occupation.save(update_fields=["published_to"])
    names_2024 = {o.name for line in catalogue_published(on=datetime.date(2024, 6, 1)) for o in line.occupations}
    names_2025 = {o.name for line in catalogue_published(on=datetime.date(2025, 1, 1)) for o in line.occupations}
    names_2021 = {o.name for line in catalogue_published(on=datetime.date(2021, 1, 1)) for o in line.occupations}
    assert "编织工" in names_2024
    assert "编织工" not in names_2025
    assert names_2021 == set()
