"""Progress against the plan's targets, under DESIGN.md's counting rules.

The same function feeds `progress_report --json`, the dashboard page and its xlsx, so the
three always agree. Counts come from the lower apps' selectors as {(area id, brand id): n}."""

from collections import Counter

from django.utils import timezone

from accounts.scoping import scope_for
from brands.models import Target
from brands.selectors import brand_lines, city_area, reporting_areas, target_values
from employment.selectors import job_counts, priority_group_counts, referral_summary, wage_case_summary
from subsidies.selectors import progress_summary_additions
from training.selectors import training_counts


def progress_summary(*, year: int | None = None, user=None) -> dict:
    """Targets and counts for the city, each brand line and each area.

    `user` narrows the areas to the user's scope (a county user sees their own area); the
    management command passes none and reports on everything."""
    trainings = training_counts(year=year)
    jobs = job_counts(year=year)
    training_targets = target_values(metric=Target.Metric.TRAININGS, year=year)
    job_targets = target_values(metric=Target.Metric.JOBS, year=year)
    city = city_area()

    def total(counts: Counter, *, area_id=None, brand_id=None) -> int:
        return sum(
            n
            for (a, b), n in counts.items()
            if (area_id is None or a == area_id) and (brand_id is None or b == brand_id)
        )

    areas = list(reporting_areas())
    if user is not None:
        scope = scope_for(user)
        if not scope.sees_all_areas:
            areas = [area for area in areas if scope.area is not None and area.pk == scope.area.pk]
    return {
        "as_of": timezone.localdate().isoformat(),
        "year": year,
        "city": {
            "trainings": total(trainings),
            "trainings_target": training_targets.get((city.pk, None)),
            "jobs": total(jobs),
            "jobs_target": job_targets.get((city.pk, None)),
        },
        "brands": [
            {
                "code": brand.code,
                "name": brand.name,
                "trainings": total(trainings, brand_id=brand.pk),
                "trainings_target": training_targets.get((city.pk, brand.pk)),
                "jobs": total(jobs, brand_id=brand.pk),
                "jobs_target": job_targets.get((city.pk, brand.pk)),
            }
            for brand in brand_lines()
        ],
        "areas": [
            {
                "code": area.code,
                "name": area.short_name,
                "trainings": total(trainings, area_id=area.pk),
                "trainings_target": training_targets.get((area.pk, None)),
                "jobs": total(jobs, area_id=area.pk),
                "jobs_target": job_targets.get((area.pk, None)),
            }
            for area in areas
        ],
        "referrals": referral_summary(year=year),
        "wage_cases": wage_case_summary(year=year),
        "priority_groups": priority_group_counts(year=year),
        **progress_summary_additions(year),
    }
