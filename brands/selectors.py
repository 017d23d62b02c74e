"""Reads of the reference data. The catalogue is public; area-owned records (organisations,
recognitions) are read through accounts.selectors, which applies the user's scope."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from .models import Area, BrandLine, Department, Occupation, PlanPeriod, Target


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
    lines = {brand.pk: CatalogueLine(brand=brand, occupations=[]) for brand in BrandLine.objects.all()}
    for occupation in occupations:
        lines[occupation.brand_id].occupations.append(occupation)
    return [line for line in lines.values() if line.occupations]


def reporting_areas():
    """The five county-level areas, in report order."""
    return Area.objects.exclude(kind=Area.Kind.CITY).order_by("sort_order", "code")


def city_area() -> Area:
    return Area.objects.get(kind=Area.Kind.CITY)


def id_number_area_codes() -> tuple[str, dict[str, str]]:
    """(the city's four-digit prefix, {six-digit code: name}) of the codes an ID number issued in the city may start
    with: the city's, its areas' and 市辖区 (xxxx01, on cards issued before the districts had codes of their own).
    A number with the prefix and another code (450799) names no place in the city."""
    areas = list(Area.objects.values_list("code", "short_name", "kind"))
    prefix = next((code[:4] for code, _name, kind in areas if kind == Area.Kind.CITY), None)
    if prefix is None:  # no reference data (a database not migrated yet): nothing to judge by
        return "", {}
    codes = {code: name for code, name, _kind in areas if code.startswith(prefix)}
    codes.setdefault(f"{prefix}01", "市辖区")
    return prefix, dict(sorted(codes.items()))


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


def period_list():
    """Every plan period, oldest first."""
    return PlanPeriod.objects.order_by("year_from")


def periods_open():
    """The periods not closed, oldest first: the ones whose tasks and figures may still change."""
    return period_list().exclude(status=PlanPeriod.Status.CLOSED)


def department_list():
    """Every department (责任单位) the plan's tasks may name, in the plan's order."""
    return Department.objects.order_by("sort_order", "code")


def period_by_code(code: str) -> PlanPeriod | None:
    return PlanPeriod.objects.filter(code=code).first()


def period_containing(year: int) -> PlanPeriod | None:
    return PlanPeriod.objects.filter(year_from__lte=year, year_to__gte=year).first()


def default_period(*, on: datetime.date | None = None, periods: list[PlanPeriod] | None = None) -> PlanPeriod | None:
    """The period the figures are shown for when none is asked for: the one containing `on` (today),
    else the last closed one, else the latest one (of `periods` when already read; one query otherwise)."""
    day = on or timezone.localdate()
    periods = list(period_list()) if periods is None else periods
    closed = [p for p in periods if p.is_closed]
    return (
        period_of_years(periods, day.year)
        or max(closed, key=lambda p: p.year_to, default=None)
        or max(periods, key=lambda p: p.year_to, default=None)
    )


def period_of_years(periods, year: int) -> PlanPeriod | None:
    """Which of `periods` (already read) contains `year`, or None: the year lies outside every period."""
    return next((p for p in periods if p.year_from <= year <= p.year_to), None)
