"""Progress against the plan's targets, under DESIGN.md's counting rules.

One function, `progress_summary`, feeds `progress_report --json`, the dashboard page and its xlsx, so the
three always agree. Counts come from the lower apps' summary rows (kept exact by their services, and tested against the
counting rules) as {(area id, brand id, year): n}; targets
are `brands.Target` records; everything else here is arithmetic on those two, so the number of queries
does not depend on the amount of data.

Periods: every figure belongs to a plan period (`brands.PlanPeriod`, the default one unless asked):
cumulative figures (city, brands, areas, pace, matrix, key counties, allocation) count only its years;
the yearly rows show every year with counts, each naming the period it lies in (None: outside every one).

Pace: the progress expected on a day is the target spread evenly over its period (e.g. 2021-01-01 to
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
from brands.models import Area, BrandLine, PlanPeriod, Target
from brands.selectors import (
    brand_lines,
    city_area,
    default_period,
    period_list,
    period_of_years,
    reporting_areas,
)
from employment.selectors import job_tallies, priority_group_tallies, referral_tally, wage_case_summary
from employment.vacancy_selectors import vacancy_summary
from followups.selectors import follow_up_summary
from plantasks.selectors import task_summary
from subsidies.selectors import progress_summary_additions
from training.class_selectors import class_figures
from training.selectors import training_tally

METRICS = (Target.Metric.TRAININGS, Target.Metric.JOBS)
COUNT_KEYS = {Target.Metric.TRAININGS: "trainings", Target.Metric.JOBS: "jobs"}


def jobs_count_startup_employees() -> bool:
    """Whether the people start-ups employ are part of every jobs figure (the city's decision, a setting)."""
    return settings.JOBS_COUNT_STARTUP_EMPLOYEES


def plan_years(period: PlanPeriod | None = None) -> list[int]:
    """The years of `period` (the default period when not given; none when there is no period at all)."""
    period = period or default_period()
    return list(period.years) if period else []


def offered_years(*, user) -> list[int]:
    """The years the dashboard's year selector offers: those of the default period, those with counted
    records in the user's scope, and those any target covers; not empty years to come."""
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

    period: dict  # (metric, area id, brand id or None) -> value for the whole plan period
    yearly: dict  # (metric, area id, brand id or None) -> {year: value}, the years of every period
    brand_ids: tuple[int, ...]
    year_from: int
    year_to: int

    @classmethod
    def load(cls, brand_ids, *, plan_period: PlanPeriod | None) -> "Plan":
        """The whole-period targets of `plan_period` and the yearly targets of every year (a year's view
        may ask for a year of another period); with no period, only the yearly ones."""
        period, yearly = {}, {}
        for target in Target.objects.filter(metric__in=METRICS).only(
            "metric", "area_id", "brand_id", "year_from", "year_to", "value", "period_id"
        ):
            key = (target.metric, target.area_id, target.brand_id)
            if (
                plan_period is not None
                and target.period_id == plan_period.pk
                and (target.year_from, target.year_to) == (plan_period.year_from, plan_period.year_to)
            ):
                period[key] = target.value
            elif target.year_from == target.year_to:
                yearly.setdefault(key, {})[target.year_from] = target.value
        first, last = (plan_period.year_from, plan_period.year_to) if plan_period else (0, -1)
        return cls(period=period, yearly=yearly, brand_ids=tuple(brand_ids), year_from=first, year_to=last)

    def _in_period(self, years: dict) -> dict:
        return {y: v for y, v in years.items() if self.year_from <= y <= self.year_to}

    def target(self, metric, area_id, brand_id=None, year=None) -> int | None:
        """The target of a cell: the one set for it, else its yearly targets added up, else (for an area's
        all-brands figure) its brands' targets added up; None when nothing was set."""
        key = (metric, area_id, brand_id)
        years = self.yearly.get(key, {})
        if year is None:
            years = self._in_period(years)
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
        if year is None:
            years = self._in_period(years)
        if year is not None:
            if year in years:
                return years[year] * elapsed_fraction(year, year, on)
        elif key in self.period and not years:
            return self.period[key] * elapsed_fraction(self.year_from, self.year_to, on)
        elif years:
            return sum(value * elapsed_fraction(y, y, on) for y, value in years.items())
        if brand_id is None:
            return _sum_or_none(self.expected(metric, area_id, b, on, year) for b in self.brand_ids)
        return None


def _sum_or_none(values) -> int | float | None:
    present = [value for value in values if value is not None]
    return sum(present) if present else None


def _within(counts: Counter, years: set[int]) -> Counter:
    """The counts of `counts` keyed by (area, brand, year) whose year is one of `years`."""
    return Counter({key: n for key, n in counts.items() if key[2] in years})


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


def period_summary(period: PlanPeriod | None) -> dict | None:
    """The `period` key of the report: which period the cumulative figures are for."""
    if period is None:
        return None
    return {
        "code": period.code,
        "name": period.name,
        "year_from": period.year_from,
        "year_to": period.year_to,
        "status": period.status,
    }


@dataclass
class Counts:
    """The counts and targets one scope's figures are made of, read once (a handful of queries): the
    scope's areas and brand lines, the tallies of every year and of the period's years, the plan."""

    on: datetime.date
    period: PlanPeriod | None
    periods: list
    city: Area
    area: Area | None  # a county user's own area; None: the whole city
    areas: list
    brands: list
    fold_startups: bool
    all_counts: dict
    counts: dict
    startups: Counter
    period_startups: Counter
    plan: Plan

    @classmethod
    def read(cls, *, user=None, on: datetime.date | None = None, period: PlanPeriod | None = None) -> "Counts":
        on = on or timezone.localdate()
        periods = list(period_list())
        period = period or default_period(on=on, periods=periods)
        brands = list(brand_lines())
        areas = list(reporting_areas())
        area = None
        if user is not None and not scope_for(user).sees_all_areas:
            # A county user's own area; a user with no area in their profile gets an empty area-less report.
            area = scope_for(user).area or Area(code="", short_name="—")
            areas = [a for a in areas if a.pk == area.pk]
        fold_startups = jobs_count_startup_employees()
        jobs, startups = job_tallies(area=area)
        all_counts = {
            Target.Metric.TRAININGS: training_tally(area=area),
            Target.Metric.JOBS: jobs + startups if fold_startups else jobs,
        }
        # Cumulative figures count the period's years only; a year's figures any year.
        in_period = set(period.years) if period else set()
        return cls(
            on=on,
            period=period,
            periods=periods,
            city=city_area(),
            area=area,
            areas=areas,
            brands=brands,
            fold_startups=fold_startups,
            all_counts=all_counts,
            counts={metric: _within(tally, in_period) for metric, tally in all_counts.items()},
            startups=startups,
            period_startups=_within(startups, in_period),
            plan=Plan.load((brand.pk for brand in brands), plan_period=period),
        )

    def figures(self, *, area_id, brand_id, target_area_id, for_year=None, with_pace=False) -> dict:
        row = {}
        tallies = self.counts if for_year is None else self.all_counts
        for metric in METRICS:
            name = COUNT_KEYS[metric]
            actual = _total(tallies[metric], area_id=area_id, brand_id=brand_id, year=for_year)
            row[name] = actual
            row[f"{name}_target"] = self.plan.target(metric, target_area_id, brand_id, for_year)
            if with_pace:
                pace = _pace(actual, self.plan.expected(metric, target_area_id, brand_id, self.on, for_year))
                row[f"{name}_expected"] = pace["expected"]
                row[f"{name}_behind_pace"] = pace["behind_pace"]
        row["jobs_created_by_startups"] = _total(
            self.period_startups if for_year is None else self.startups,
            area_id=area_id,
            brand_id=brand_id,
            year=for_year,
        )
        return row

    def matrix(self, *, year: int | None = None) -> list[dict]:
        """Each area × brand line's figures with its pace, and whether any of them is behind."""
        cells = []
        for a in self.areas:
            for brand in self.brands:
                cell = self.figures(area_id=a.pk, brand_id=brand.pk, target_area_id=a.pk, for_year=year, with_pace=True)
                flags = [cell[f"{name}_behind_pace"] for name in COUNT_KEYS.values()]
                cell_flag = None if all(flag is None for flag in flags) else any(flag for flag in flags)
                cells.append(
                    {
                        "area": a.code,
                        "area_name": a.short_name,
                        "brand": brand.code,
                        "brand_name": brand.name,
                        **cell,
                        "behind_pace": cell_flag,
                    }
                )
        return cells


def pace_matrix(*, user=None, on: datetime.date | None = None) -> list[dict]:
    """`progress_summary`'s "matrix" of the default period, alone: what the inbox reads for areas behind pace."""
    return Counts.read(user=user, on=on).matrix()


def progress_summary(
    *,
    year: int | None = None,
    user=None,
    on: datetime.date | None = None,
    period: PlanPeriod | None = None,
) -> dict:
    """Targets, counts and pace for the scope, each brand line, each area, each year and each area × brand.

    `user` narrows everything to the user's scope: a county user gets their own area (its totals under
    "city", with the targets the city allocated to it); the management command passes none and reports
    on the whole city. `on` is the day pace is measured at (today by default). `period`: the plan period whose years the
    cumulative figures count (the default period: the one containing today, else the last closed one)."""
    read = Counts.read(user=user, on=on, period=period)
    on, period, city, area, areas, brands = read.on, read.period, read.city, read.area, read.areas, read.brands
    fold_startups, all_counts, plan = read.fold_startups, read.all_counts, read.plan
    in_period = set(period.years) if period else set()
    top = city if area is None else area
    top_area_id = None if area is None else area.pk

    def figures(*, for_year=year, **where) -> dict:
        return read.figures(for_year=for_year, **where)

    def brand_rows(*, with_pace=False) -> list[dict]:
        """The scope's figures of each brand line."""
        return [
            {
                "code": brand.code,
                "name": brand.name,
                **figures(area_id=top_area_id, brand_id=brand.pk, target_area_id=top.pk, with_pace=with_pace),
            }
            for brand in brands
        ]

    key_counties = [a for a in areas if a.is_key_county]
    # The scope's priority groups under None, each key county's under its id.
    groups = priority_group_tallies(
        year=year, area=area, areas=key_counties, years=period.years if period else range(0)
    )
    for figures_of_area in groups.values():
        for group in figures_of_area.values():
            if fold_startups:
                group["jobs"] += group["jobs_created_by_startups"]

    years = sorted({y for metric in METRICS for (_a, _b, y) in all_counts[metric]} | in_period)
    return {
        "as_of": on.isoformat(),
        # Class approval and attendance (issue 17), in the same scope.
        "classes": class_figures(user=user),
        "year": year,
        "scope": {"code": top.code, "name": top.short_name, "city": area is None},
        "city": figures(area_id=top_area_id, brand_id=None, target_area_id=top.pk),
        "brands": brand_rows(),
        "areas": [
            {"code": a.code, "name": a.short_name, **figures(area_id=a.pk, brand_id=None, target_area_id=a.pk)}
            for a in areas
        ],
        "pace": {
            "on": on.isoformat(),
            "plan_elapsed": round(elapsed_fraction(plan.year_from, plan.year_to, on), 4) if period else None,
            **figures(area_id=top_area_id, brand_id=None, target_area_id=top.pk, with_pace=True),
            "brands": brand_rows(with_pace=True),
        },
        "years": [
            {
                "year": y,
                **figures(area_id=top_area_id, brand_id=None, target_area_id=top.pk, for_year=y),
                # The period the year lies in (None: outside every period, so in no cumulative figure).
                "period": getattr(period_of_years(read.periods, y), "code", None),
            }
            for y in years
            if year is None or y == year
        ],
        "matrix": read.matrix(year=year),
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
        **progress_summary_additions(year, area=area, period_years=period.years if period else None),
        "period": period_summary(period),
        # The plan's tasks of the period (issue 19): the city's, so only in the city's report.
        **({"tasks": task_summary(period=period, today=on)} if area is None else {}),
    }


def target_allocation(*, plan: Plan, city: Area, areas: list[Area], brands: list[BrandLine]) -> dict:
    """How much of the city's targets for the plan period the city has shared out to the areas, per brand line.

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


def closing_report(*, period: PlanPeriod, user=None, on: datetime.date | None = None) -> dict:
    """The 总结评估 of a period: the dashboard's figures for it (`summary`, the very dict the dashboard
    shows for the period), achievement per year for the city, each brand and each area, the years that
    fell behind pace and, once the period is closed, how today's figures differ from its snapshot.

    A year is behind pace when its count is below its yearly target, or, without one, below the
    period's target shared evenly by days (a year still running: the part of it that has passed)."""
    on = on or timezone.localdate()
    summary = progress_summary(user=user, on=on, period=period)
    total_days = (datetime.date(period.year_to, 12, 31) - datetime.date(period.year_from, 1, 1)).days + 1
    years = []
    for y in period.years:
        of_year = progress_summary(user=user, on=on, period=period, year=y)
        year_days = (datetime.date(y, 12, 31) - datetime.date(y, 1, 1)).days + 1
        row = {"year": y, "city": of_year["city"], "brands": of_year["brands"], "areas": of_year["areas"]}
        flags = []
        for name in COUNT_KEYS.values():
            target = of_year["city"][f"{name}_target"]
            if target is None and summary["city"][f"{name}_target"] is not None:
                target = summary["city"][f"{name}_target"] * year_days / total_days
            expected = None if target is None else round(target * elapsed_fraction(y, y, on))
            row[f"{name}_expected"] = expected
            flags.append(None if expected is None else of_year["city"][name] < expected)
        row["behind_pace"] = None if all(f is None for f in flags) else any(flags)
        years.append(row)
    report = {
        "as_of": on.isoformat(),
        "period": period_summary(period),
        "summary": summary,
        "years": years,
        "years_behind_pace": [row["year"] for row in years if row["behind_pace"]],
        # The same figures turned round: each brand line's and each area's years, for the report's tables.
        "brand_years": _by_year(summary["brands"], years, "brands"),
        "area_years": _by_year(summary["areas"], years, "areas"),
    }
    report["differences"] = (
        snapshot_differences(report, period.snapshot) if period.is_closed and period.snapshot else None
    )
    return report


def _by_year(rows: list[dict], years: list[dict], part: str) -> list[dict]:
    return [
        {**row, "by_year": [year[part][i] | {"year": year["year"]} for year in years]} for i, row in enumerate(rows)
    ]


def _headline_figures(report: dict) -> dict[str, int]:
    """The figures of a closing report a correction can change, by label: trainings and jobs of the
    scope, each brand, each area and each year."""
    summary, figures = report["summary"], {}
    labels = {"trainings": "培训人次", "jobs": "带动就业创业人次"}
    rows = [("合计", summary["city"])]
    rows += [(b["name"], b) for b in summary["brands"]]
    rows += [(a["name"], a) for a in summary["areas"]]
    rows += [(f"{y['year']} 年", y["city"]) for y in report["years"]]
    for label, row in rows:
        for key, metric in labels.items():
            figures[f"{label} · {metric}"] = row[key]
    return figures


def snapshot_differences(report: dict, snapshot: dict) -> list[dict]:
    """Where today's figures differ from those reported when the period closed (later corrections)."""
    now, reported = _headline_figures(report), _headline_figures(snapshot)
    return [
        {
            "label": label,
            "reported": reported.get(label),
            "now": value,
            "difference": value - (reported.get(label) or 0),
        }
        for label, value in now.items()
        if reported.get(label) != value
    ]
