"""Progress against the plan's targets, under DESIGN.md's counting rules.

One function, `progress_summary`, feeds `progress_report --json`, the dashboard page and its xlsx, so the
three always agree. Counts come from the lower apps' summary rows (kept exact by their services, and tested against the
counting rules) as {(area id, brand id, year): n}; targets
are `brands.Target` records; everything else here is arithmetic on those two, so the number of queries
does not depend on the amount of data.

Pace: the progress expected on a day is the target spread evenly over its period (2021-01-01 to
2025-12-31), or, where the city has set yearly targets, each year's target spread over its own year.
An area × brand is behind pace when its count is below the expected figure, rounded to whole people.

Start-ups: every figure carries `jobs_created_by_startups`, the people the counted start-ups employ
(带动就业), attributed as their outcomes are. They are part of `jobs` (the figure against the 10,000) only
when the city has decided so (`settings.JOBS_COUNT_STARTUP_EMPLOYEES`, off by default); the report says
which in `jobs_count_startup_employees`."""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from accounts.scoping import scope_for
from brands.models import Area, BrandLine, Target
from brands.selectors import PLAN_FIRST_YEAR, PLAN_LAST_YEAR, brand_lines, city_area, reporting_areas
from employment.selectors import job_tallies, priority_group_tallies, referral_tally, wage_case_summary
from employment.vacancy_selectors import vacancy_summary
from followups.selectors import follow_up_summary
from subsidies.selectors import progress_summary_additions
from training.class_selectors import class_figures
from training.selectors import training_tally

METRICS = (Target.Metric.TRAININGS, Target.Metric.JOBS)
COUNT_KEYS = {Target.Metric.TRAININGS: "trainings", Target.Metric.JOBS: "jobs"}


def jobs_count_startup_employees() -> bool:
    """Whether the people start-ups employ are part of every jobs figure (the city's decision, a setting)."""
    return settings.JOBS_COUNT_STARTUP_EMPLOYEES


def plan_years() -> list[int]:
    return list(range(PLAN_FIRST_YEAR, PLAN_LAST_YEAR + 1))


def offered_years(*, user) -> list[int]:
    """The years the dashboard's year selector offers: those of the plan, those with counted records in
    the user's scope, and those any target covers; not empty years to come."""
    scope = scope_for(user)
    area = None if scope.sees_all_areas else scope.area or Area(code="", short_name="—")
    counted = {y for tally in (training_tally(area=area), *job_tallies(area=area)) for (_a, _b, y) in tally}
    targeted = {y for start, end in Target.objects.values_list("year_from", "year_to") for y in range(start, end + 1)}
    return sorted(counted | targeted | set(plan_years()))


def elapsed_fraction(year_from: int, year_to: int, on: datetime.date) -> float:
    """The share of the days from 1 January `year_from` to 31 December `year_to` that have passed by the end of `on`."""
    start = datetime.date(year_from, 1, 1)
    end = datetime.date(year_to, 12, 31)
    if on < start:
        return 0.0
    if on >= end:
        return 1.0
    return ((on - start).days + 1) / ((end - start).days + 1)


@dataclass(frozen=True)
class Plan:
    """The trainings and jobs targets, read once, with the rules for what a cell's target and pace are."""

    period: dict  # (metric, area id, brand id or None) -> value for 2021–2025
    yearly: dict  # (metric, area id, brand id or None) -> {year: value}
    brand_ids: tuple[int, ...]

    @classmethod
    def load(cls, brand_ids) -> "Plan":
        period, yearly = {}, {}
        for target in Target.objects.filter(metric__in=METRICS).only(
            "metric", "area_id", "brand_id", "year_from", "year_to", "value"
        ):
            key = (target.metric, target.area_id, target.brand_id)
            if target.year_from == PLAN_FIRST_YEAR and target.year_to == PLAN_LAST_YEAR:
                period[key] = target.value
            elif target.year_from == target.year_to:
                yearly.setdefault(key, {})[target.year_from] = target.value
        return cls(period=period, yearly=yearly, brand_ids=tuple(brand_ids))

    def target(self, metric, area_id, brand_id=None, year=None) -> int | None:
        """The target of a cell: the one set for it, else its yearly targets added up, else (for an area's
        all-brands figure) its brands' targets added up; None when nothing was set."""
        key = (metric, area_id, brand_id)
        years = self.yearly.get(key, {})
        if year is None:
            if key in self.period:
                return self.period[key]
            if years:
                return sum(years.values())
        elif year in years:
            return years[year]
        if brand_id is None:
            return _sum_or_none(self.target(metric, area_id, b, year) for b in self.brand_ids)
        return None

    def expected(self, metric, area_id, brand_id, on: datetime.date, year=None) -> float | None:
        """The count the cell should have reached by `on`, or None without a target."""
        key = (metric, area_id, brand_id)
        years = self.yearly.get(key, {})
        if year is not None:
            if year in years:
                return years[year] * elapsed_fraction(year, year, on)
        elif key in self.period and not years:
            return self.period[key] * elapsed_fraction(PLAN_FIRST_YEAR, PLAN_LAST_YEAR, on)
        elif years:
            return sum(value * elapsed_fraction(y, y, on) for y, value in years.items())
        if brand_id is None:
            return _sum_or_none(self.expected(metric, area_id, b, on, year) for b in self.brand_ids)
        return None


def _sum_or_none(values) -> int | float | None:
    present = [value for value in values if value is not None]
    return sum(present) if present else None


def _total(counts: Counter, *, area_id=None, brand_id=None, year=None) -> int:
    return sum(
        n
        for (a, b, y), n in counts.items()
        if (area_id is None or a == area_id) and (brand_id is None or b == brand_id) and (year is None or y == year)
    )


def _pace(actual: int, expected: float | None) -> dict:
    if expected is None:
        return {"expected": None, "behind_pace": None}
    expected = round(expected)
    return {"expected": expected, "behind_pace": actual < expected}


def progress_summary(*, year: int | None = None, user=None, on: datetime.date | None = None) -> dict:
    """Targets, counts and pace for the scope, each brand line, each area, each year and each area × brand.

    `user` narrows everything to the user's scope: a county user gets their own area (its totals under
    "city", with the targets the city allocated to it); the management command passes none and reports
    on the whole city. `on` is the day pace is measured at (today by default)."""
    on = on or timezone.localdate()
    city = city_area()
    brands = list(brand_lines())
    areas = list(reporting_areas())
    area = None
    if user is not None and not scope_for(user).sees_all_areas:
        # A county user's own area; a user with no area in their profile gets an empty area-less report.
        area = scope_for(user).area or Area(code="", short_name="—")
        areas = [a for a in areas if a.pk == area.pk]
    fold_startups = jobs_count_startup_employees()
    jobs, startups = job_tallies(area=area)
    counts = {
        Target.Metric.TRAININGS: training_tally(area=area),
        Target.Metric.JOBS: jobs + startups if fold_startups else jobs,
    }
    plan = Plan.load(brand.pk for brand in brands)
    top = city if area is None else area
    top_area_id = None if area is None else area.pk

    def figures(*, area_id, brand_id, target_area_id, for_year=year, with_pace=False) -> dict:
        row = {}
        for metric in METRICS:
            name = COUNT_KEYS[metric]
            actual = _total(counts[metric], area_id=area_id, brand_id=brand_id, year=for_year)
            row[name] = actual
            row[f"{name}_target"] = plan.target(metric, target_area_id, brand_id, for_year)
            if with_pace:
                pace = _pace(actual, plan.expected(metric, target_area_id, brand_id, on, for_year))
                row[f"{name}_expected"] = pace["expected"]
                row[f"{name}_behind_pace"] = pace["behind_pace"]
        row["jobs_created_by_startups"] = _total(startups, area_id=area_id, brand_id=brand_id, year=for_year)
        return row

    key_counties = [a for a in areas if a.is_key_county]
    # The scope's priority groups under None, each key county's under its id.
    groups = priority_group_tallies(year=year, area=area, areas=key_counties)
    for figures_of_area in groups.values():
        for group in figures_of_area.values():
            if fold_startups:
                group["jobs"] += group["jobs_created_by_startups"]

    years = sorted({y for metric in METRICS for (_a, _b, y) in counts[metric]} | set(plan_years()))
    matrix = []
    for a in areas:
        for brand in brands:
            cell = figures(area_id=a.pk, brand_id=brand.pk, target_area_id=a.pk, with_pace=True)
            flags = [cell[f"{name}_behind_pace"] for name in COUNT_KEYS.values()]
            cell_flag = None if all(flag is None for flag in flags) else any(flag for flag in flags)
            matrix.append(
                {
                    "area": a.code,
                    "area_name": a.short_name,
                    "brand": brand.code,
                    "brand_name": brand.name,
                    **cell,
                    "behind_pace": cell_flag,
                }
            )
    return {
        "as_of": on.isoformat(),
        # Class approval and attendance (issue 17), in the same scope.
        "classes": class_figures(user=user),
        "year": year,
        "scope": {"code": top.code, "name": top.short_name, "city": area is None},
        "city": figures(area_id=top_area_id, brand_id=None, target_area_id=top.pk),
        "brands": [
            {
                "code": brand.code,
                "name": brand.name,
                **figures(area_id=top_area_id, brand_id=brand.pk, target_area_id=top.pk),
            }
            for brand in brands
        ],
        "areas": [
            {"code": a.code, "name": a.short_name, **figures(area_id=a.pk, brand_id=None, target_area_id=a.pk)}
            for a in areas
        ],
        "pace": {
            "on": on.isoformat(),
            "plan_elapsed": round(elapsed_fraction(PLAN_FIRST_YEAR, PLAN_LAST_YEAR, on), 4),
            **figures(area_id=top_area_id, brand_id=None, target_area_id=top.pk, with_pace=True),
            "brands": [
                {
                    "code": brand.code,
                    "name": brand.name,
                    **figures(area_id=top_area_id, brand_id=brand.pk, target_area_id=top.pk, with_pace=True),
                }
                for brand in brands
            ],
        },
        "years": [
            {"year": y, **figures(area_id=top_area_id, brand_id=None, target_area_id=top.pk, for_year=y)}
            for y in years
            if year is None or y == year
        ],
        "matrix": matrix,
        "allocation": target_allocation(plan=plan, city=city, areas=list(reporting_areas()), brands=brands)
        if area is None
        else None,
        "referrals": referral_tally(year=year, area=area, on=on),
        "wage_cases": wage_case_summary(year=year, area=area),
        "vacancies": vacancy_summary(year=year, area=area),
        # 跟踪服务, as of `on` (all years: a follow-up belongs to the day it falls due, not to a target year).
        "follow_up": follow_up_summary(area=area, on=on, areas=areas, brands=brands),
        "priority_groups": groups[None],
        "jobs_count_startup_employees": fold_startups,
        # The 乡村振兴重点帮扶县 (the areas flagged so, never a name or code) in scope, shown apart as the
        # plan asks (三（二）3, 四（二）): their figures and priority groups.
        "key_assistance_counties": [
            {
                "code": a.code,
                "name": a.short_name,
                **figures(area_id=a.pk, brand_id=None, target_area_id=a.pk, with_pace=True),
                "priority_groups": groups[a.pk],
            }
            for a in key_counties
        ],
        **progress_summary_additions(year, area=area),
    }


def target_allocation(*, plan: Plan, city: Area, areas: list[Area], brands: list[BrandLine]) -> dict:
    """How much of the city's 2021–2025 targets the city has shared out to the areas, per brand line.

    An area × brand's share is its period target, else its yearly targets added up. `shortfall` is
    what is still to be allocated (0 when the areas add up to the city's target or more)."""
    result = {}
    for metric in METRICS:
        lines = []
        for brand in brands:
            target = plan.target(metric, city.pk, brand.pk)
            allocated = sum(plan.target(metric, a.pk, brand.pk) or 0 for a in areas)
            lines.append(
                {
                    "code": brand.code,
                    "name": brand.name,
                    "target": target,
                    "allocated": allocated,
                    "shortfall": max((target or 0) - allocated, 0),
                }
            )
        target = plan.period.get((metric, city.pk, None))
        allocated = sum(line["allocated"] for line in lines)
        result[COUNT_KEYS[metric]] = {
            "target": target,
            "allocated": allocated,
            "shortfall": max((target or 0) - allocated, 0),
            "brands": lines,
        }
    return result
