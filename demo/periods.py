"""Demo plan periods (idempotent), for `load_demo`: 十四五 closed with its closing report (the snapshot of
the demo's figures when it is first loaded) and an active 十五五 with city targets and 2026 allocations."""

from brands.models import BrandLine, PlanPeriod, Target
from brands.selectors import reporting_areas
from brands.services import targets_allocate
from dashboard import services

FIFTEENTH = {
    "code": "2026-2030",
    "name": "十五五",
    "year_from": 2026,
    "year_to": 2030,
    "document_title": "钦州市“十五五”劳务品牌建设促进就业行动方案（演示）",
    "document_number": "钦政办〔2026〕演示1号",
}
# The city's 2026–2030 targets (演示数字): all brands, then each brand line.
CITY_TARGETS = {Target.Metric.TRAININGS: (15000, 3500), Target.Metric.JOBS: (12000, 2800)}
# 2026 trainings allocated to each county-level area, per brand line.
ALLOCATION_2026 = 120


def load(*, city_admin) -> dict[str, int]:
    fifteenth = PlanPeriod.objects.filter(code=FIFTEENTH["code"]).first()
    created = fifteenth is None
    if created:
        fifteenth = services.period_create(by=city_admin, **FIFTEENTH)
    brands = list(BrandLine.objects.all())
    values = {}
    for metric, (total, per_brand) in CITY_TARGETS.items():
        values[(metric, None)] = total
        values.update({(metric, brand): per_brand for brand in brands})
    if created:  # set once: a second load neither changes nor re-audits what the city has since edited
        services.period_city_targets_set(period=fifteenth, values=values, by=city_admin)
        areas = list(reporting_areas())
        targets_allocate(
            metric=Target.Metric.TRAININGS,
            year=2026,
            values={(area, brand): ALLOCATION_2026 for area in areas for brand in brands},
            by=city_admin,
        )
    # Closed last, once: its snapshot holds the demo's 十四五 figures as first loaded.
    fourteenth = PlanPeriod.objects.get(code="2021-2025")
    if not fourteenth.is_closed:
        services.period_close(period=fourteenth, by=city_admin)
    return {"periods": PlanPeriod.objects.count(), "periods_created": int(created)}
