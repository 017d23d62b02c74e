"""Demo annual plans (one in each state, with key projects and milestones, one of them overdue) and monthly
reports (accepted and locked, submitted, returned, draft, missing), for `load_demo`. Idempotent: an area's
plan of the year and an area's report of a month are made once; everything goes through the services, as
the county and the city would."""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import MonthLock
from brands.models import Area, BrandLine
from plans import selectors, services
from plans.models import AnnualPlan, MonthlyReport

# (area code, the state the demo leaves its plan in): every state of the path.
PLAN_STATES = {"450702": "accepted", "450703": "submitted", "450721": "returned", "450722": "draft"}
# area code → {brand code: (trainings, jobs)}
PLANNED = {
    "450702": {"housekeeping": (260, 200), "construction": (120, 100), "rice-noodle": (80, 60)},
    "450703": {"housekeeping": (150, 120), "construction": (180, 150)},
    "450721": {"rice-noodle": (200, 160), "local-specialty": (150, 110)},
    "450722": {"local-specialty": (120, 90), "housekeeping": (90, 70)},
}
PROJECTS = {
    "450702": ("钦南区八桂家政实训基地提升", "housekeeping", "钦南区人力资源和社会保障局", "180.00"),
    "450703": ("钦北区建筑工匠培训中心", "construction", "钦北区人力资源和社会保障局", "150.00"),
    "450721": ("灵山刮粉师傅技能大师工作室", "rice-noodle", "灵山县人力资源和社会保障局", "60.00"),
    "450722": ("浦北县电商直播培训基地", "local-specialty", "浦北县商务局", "90.00"),
}
# Each key project's milestones: (title, (month, day) due).
MILESTONES = [("完成选址和方案设计", (3, 31)), ("完成场地改造和设备采购", (9, 30)), ("挂牌运营并开班", (12, 31))]
# (area code, how many ended months back, the state the demo leaves the report in, on time)
REPORTS = [
    ("450702", 3, "accepted", True),
    ("450703", 3, "accepted", True),
    ("450721", 3, "accepted", False),
    ("450722", 3, "accepted", True),
    ("450702", 2, "accepted", True),
    ("450703", 2, "submitted", False),
    ("450721", 2, "returned", True),
    ("450702", 1, "submitted", True),
    ("450703", 1, "draft", True),
]


def _plan(area: Area, year: int, state: str, *, clerk, reviewer, city_admin, brands: dict) -> AnnualPlan:
    plan = services.annual_plan_create(user=clerk, year=year, area=area)
    lines = {brands[code].pk: planned for code, planned in PLANNED[area.code].items()}
    services.annual_plan_update(plan=plan, user=clerk, lines=lines, note="按市人社局下达的年度任务分解。")
    name, brand, unit, investment = PROJECTS[area.code]
    project = services.key_project_add(
        plan=plan,
        user=clerk,
        name=name,
        brand=brands[brand],
        responsible_unit=unit,
        planned_investment=Decimal(investment),
    )
    today = timezone.localdate()
    first, second, _last = (
        services.milestone_add(project=project, user=clerk, title=title, due_date=datetime.date(year, *month_day))
        for title, month_day in MILESTONES
    )
    services.milestone_progress(
        milestone=first, user=clerk, progress=100, done_on=min(today, datetime.date(year, 3, 28))
    )
    # One county is behind: its second milestone is overdue once its date has passed (the flag on the pages).
    services.milestone_progress(
        milestone=second,
        user=clerk,
        progress=100 if area.code == "450702" else 40,
        done_on=min(today, datetime.date(year, 9, 20)) if area.code == "450702" else None,
        note="" if area.code == "450702" else "设备招标延期",
    )
    if state in ("submitted", "accepted", "returned"):
        plan = services.plan_step(plan=plan, user=reviewer, action="submit")
    if state == "accepted":
        plan = services.plan_step(plan=plan, user=city_admin, action="accept")
    elif state == "returned":
        plan = services.plan_step(
            plan=plan, user=city_admin, action="return", reason="米粉师傅培训计划低于上年实际，请调增。"
        )
    return plan


def _report(area: Area, month: datetime.date, state: str, on_time: bool, *, clerk, reviewer, city_admin):
    report = services.report_open(user=reviewer, month=month, area=area)
    services.report_update(report=report, user=clerk, note=f"{month.month}月按计划开展培训和岗位推荐，数据已核对。")
    if state == "draft":
        return report
    report = services.report_step(report=report, user=reviewer, action="submit")
    # When it was first submitted decides its timeliness: the demo dates it around the deadline.
    deadline = selectors.report_deadline(month)
    submitted = timezone.make_aware(
        datetime.datetime.combine(deadline - datetime.timedelta(days=2 if on_time else -3), datetime.time(16, 30))
    )
    if submitted < timezone.now():
        MonthlyReport.objects.filter(pk=report.pk).update(first_submitted_at=submitted, submitted_at=submitted)
    if state == "accepted":
        services.report_step(report=report, user=city_admin, action="accept")
    elif state == "returned":
        services.report_step(report=report, user=city_admin, action="return", reason="岗位推荐次数与台账不符，请核对。")
    return report


def load(*, clerks: dict, reviewers: dict, city_admin) -> dict[str, int]:
    if city_admin is None:
        return {"plans": AnnualPlan.objects.count(), "reports": MonthlyReport.objects.count(), "locked_months": 0}
    areas = {area.code: area for area in Area.objects.exclude(kind=Area.Kind.CITY)}
    brands = {brand.code: brand for brand in BrandLine.objects.all()}
    year = timezone.localdate().year
    for code, state in PLAN_STATES.items():
        area = areas.get(code)
        if area is None or code not in clerks or code not in reviewers:
            continue
        if not AnnualPlan.objects.filter(area=area, year=year).exists():
            _plan(area, year, state, clerk=clerks[code], reviewer=reviewers[code], city_admin=city_admin, brands=brands)
    months = selectors.reportable_months(count=3)
    for code, back, state, on_time in REPORTS:
        area, month = areas.get(code), months[back - 1]
        if area is None or code not in clerks or MonthlyReport.objects.filter(area=area, month=month).exists():
            continue
        _report(area, month, state, on_time, clerk=clerks[code], reviewer=reviewers[code], city_admin=city_admin)
    return {
        "plans": AnnualPlan.objects.count(),
        "reports": MonthlyReport.objects.count(),
        "locked_months": MonthLock.objects.filter(locked=True).count(),
    }
