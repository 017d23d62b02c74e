"""Reads of the reference data. The catalogue is public; area-owned records (organisations,
recognitions) are read through accounts.selectors, which applies the user's scope."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from .models import Area, BrandLine, Occupation, Target

# The plan's period (十四五): targets without a year are for these years together.
PLAN_FIRST_YEAR = 2021
PLAN_LAST_YEAR = 2025


@dataclass(frozen=True)
class CatalogueLine:
    brand: BrandLine
    occupations: list[Occupation]


def catalogue_published(*, on: datetime.date | None = None) -> list[CatalogueLine]:
    """The 动态培训清单 as published on `on` (today by default), grouped by brand line."""
    day = on or timezone.localdate()
    occupations = (
        Occupation.objects.published_on(day)
        .select_related("brand")
        .prefetch_related(Prefetch("areas", queryset=Area.objects.order_by("sort_order")))
    )
    lines: dict[int, CatalogueLine] = {}
    for brand in BrandLine.objects.all():
        lines[brand.pk] = CatalogueLine(brand=brand, occupations=[])
    for occupation in occupations:
        lines[occupation.brand_id].occupations.append(occupation)
    return [line for line in lines.values() if line.occupations]


def reporting_areas():
    """The five county-level areas, in report order."""
    return Area.objects.exclude(kind=Area.Kind.CITY).order_by("sort_order", "code")


def city_area() -> Area:
    return Area.objects.get(kind=Area.Kind.CITY)


def brand_lines():
    return BrandLine.objects.all()


def area_list():
    """Every area (the city, the counties and the free-trade zone), in report order."""
    return Area.objects.select_related("parent").order_by("sort_order", "code")


def occupation_list():
    """The whole occupation catalogue, withdrawn occupations included, by brand line."""
    return (
        Occupation.objects.select_related("brand")
        .prefetch_related("areas")
        .order_by("brand__sort_order", "sort_order", "name")
    )


def target_grid(*, metric: str, year: int) -> dict[tuple[int, int], int]:
    """The targets the city has allocated for one metric and one year, keyed by (area id, brand id):
    the cells of the allocation grid (county-level areas × brand lines; blank cells are absent)."""
    targets = Target.objects.filter(
        metric=metric, year_from=year, year_to=year, brand__isnull=False, area__in=reporting_areas()
    ).only("area_id", "brand_id", "value")
    return {(t.area_id, t.brand_id): t.value for t in targets}
