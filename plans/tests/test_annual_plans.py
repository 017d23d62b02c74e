"""Annual county plans: drafted by the county clerk, submitted by the county reviewer, accepted (its lines
become that year's area targets) or returned by the city administrator; key projects and milestones;
overdue milestones flagged; another area's user finds none of it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from accounts.roles import Role
from accounts.scoping import OutOfScope
from brands import services as brand_services
from brands.models import BrandLine, PlanPeriod, Target

from .. import services
from ..models import AnnualPlan, Status
from .factories import AnnualPlanFactory, KeyProjectFactory, MilestoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def housekeeping():
    return BrandLine.objects.get(code="housekeeping")


@pytest.fixture
def plan(clerk, housekeeping):
    plan = services.annual_plan_create(user=clerk, year=timezone.localdate().year)
    services.annual_plan_update(plan=plan, user=clerk, lines={housekeeping.pk: (150, 120)}, note="重点抓家政")
    return plan


@pytest.fixture
def period_of_this_year(city_admin):
    """The plan period containing today (a year target needs one): 十四五 has ended."""
    year = timezone.localdate().year
    if not PlanPeriod.objects.filter(year_from__lte=year, year_to__gte=year).exists():
        brand_services.period_create(
            code=f"{year}-{year + 4}", name="下一规划期", year_from=year, year_to=year + 4, by=city_admin
        )


def test_the_plan_goes_from_clerk_to_reviewer_to_city_and_becomes_the_years_targets(
    plan, clerk, reviewer, city_admin, area, housekeeping, period_of_this_year
):
    with pytest.raises(PermissionDenied, match="只有本县区审核员可以报送年度计划"):
        services.plan_step(plan=plan, user=clerk, action="submit")
    plan = services.plan_step(plan=plan, user=reviewer, action="submit")
    assert plan.status == Status.SUBMITTED
    with pytest.raises(ValidationError, match="不能修改"):
        services.annual_plan_update(plan=plan, user=clerk, lines={housekeeping.pk: (1, 1)})
    plan = services.plan_step(plan=plan, user=city_admin, action="accept")
    assert plan.status == Status.ACCEPTED
    year = plan.year
    targets = Target.objects.filter(area=area, brand=housekeeping, year_from=year, year_to=year)
    assert sorted(targets.values_list("metric", "value")) == [("jobs", 120), ("trainings", 150)]
    assert AuditEntry.objects.filter(subject=str(plan), detail__contains="写入 2 项年度目标").exists()


def test_a_returned_plan_needs_a_reason_and_goes_back_to_the_clerk(plan, clerk, reviewer, city_admin, housekeeping):
    services.plan_step(plan=plan, user=reviewer, action="submit")
    with pytest.raises(ValidationError, match="请填写退回修改的原因"):
        services.plan_step(plan=plan, user=city_admin, action="return")
    plan = services.plan_step(plan=plan, user=city_admin, action="return", reason="家政培训计划偏低")
    assert (plan.status, plan.return_reason) == (Status.RETURNED, "家政培训计划偏低")
    services.annual_plan_update(plan=plan, user=clerk, lines={housekeeping.pk: (300, 200)})
    assert services.plan_step(plan=plan, user=reviewer, action="submit").status == Status.SUBMITTED


def test_an_empty_plan_cannot_be_submitted(clerk, reviewer):
    plan = services.annual_plan_create(user=clerk, year=timezone.localdate().year)
    with pytest.raises(ValidationError, match="还没有填写任何品牌"):
        services.plan_step(plan=plan, user=reviewer, action="submit")


def test_one_plan_per_area_and_year(plan, clerk):
    with pytest.raises(ValidationError, match="年度计划已经存在"):
        services.annual_plan_create(user=clerk, year=plan.year)


def test_milestone_progress_by_the_county_and_its_rules(plan, clerk, reviewer, other_clerk, housekeeping):
    project = services.key_project_add(
        plan=plan,
        user=clerk,
        name="家政实训基地",
        brand=housekeeping,
        responsible_unit="钦南区人社局",
        planned_investment=Decimal("80"),
    )
    milestone = services.milestone_add(
        project=project, user=clerk, title="场地改造", due_date=datetime.date(plan.year, 6, 30)
    )
    with pytest.raises(ValidationError, match="请填写实际完成日期"):
        services.milestone_progress(milestone=milestone, user=reviewer, progress=100)
    with pytest.raises(OutOfScope):
        services.milestone_progress(milestone=milestone, user=other_clerk, progress=50)
    milestone = services.milestone_progress(milestone=milestone, user=reviewer, progress=60, note="已完成招标")
    milestone.refresh_from_db()
    assert (milestone.progress, milestone.progress_note, milestone.updated_by) == (60, "已完成招标", reviewer)


def test_the_clerk_builds_the_plan_on_its_page(client, clerk, housekeeping):
    client.force_login(clerk)
    year = timezone.localdate().year
    response = client.post(reverse("plans:plan_create"), {"year": year}, follow=True)
    plan = AnnualPlan.objects.get()
    assert f"已新建钦南区 {year} 年度计划" in response.content.decode()
    lines = {f"trainings_{brand.pk}": 0 for brand in BrandLine.objects.all()}
    lines |= {f"jobs_{brand.pk}": 0 for brand in BrandLine.objects.all()}
    lines |= {f"trainings_{housekeeping.pk}": 200, f"jobs_{housekeeping.pk}": 150, "note": ""}
    response = client.post(reverse("plans:plan_update", args=[plan.pk]), lines, follow=True)
    assert "计划人次已保存" in response.content.decode()
    project = {"name": "钦南家政实训基地", "brand": housekeeping.pk, "responsible_unit": "钦南区人社局"}
    response = client.post(
        reverse("plans:project_add", args=[plan.pk]), project | {"planned_investment": "-1"}, follow=True
    )
    assert "未能新增重点建设项目：计划投资（万元）：" in response.content.decode()
    response = client.post(
        reverse("plans:project_add", args=[plan.pk]), project | {"planned_investment": "50"}, follow=True
    )
    page = response.content.decode()
    assert "钦南家政实训基地" in page and "计划投资 50.00 万元" in page
    # The clerk drafts; submitting is the reviewer's: no button for the clerk.
    assert "报送市人社局" not in page


def test_buttons_follow_the_table(client, plan, reviewer, city_admin):
    client.force_login(reviewer)
    assert "报送市人社局" in client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    response = client.post(reverse("plans:plan_action", args=[plan.pk, "submit"]), follow=True)
    assert "已报送，等待市人社局审核" in response.content.decode()
    client.force_login(city_admin)
    page = client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert "审核通过" in page and "退回修改" in page
    response = client.post(reverse("plans:plan_action", args=[plan.pk, "return"]), {"reason": ""}, follow=True)
    assert "未能退回修改：请填写退回修改的原因" in response.content.decode()


def test_another_areas_clerk_finds_none_of_the_plan(client, plan, make_staff, other_area):
    project = KeyProjectFactory(plan=plan)
    milestone = MilestoneFactory(project=project)
    client.force_login(make_staff(Role.COUNTY_CLERK, other_area))
    assert client.get(reverse("plans:plan_detail", args=[plan.pk])).status_code == 404
    for name, pk in (
        ("plans:plan_update", plan.pk),
        ("plans:project_add", plan.pk),
        ("plans:project_remove", project.pk),
        ("plans:milestone_add", project.pk),
        ("plans:milestone_progress", milestone.pk),
    ):
        assert client.post(reverse(name, args=[pk]), {}).status_code == 404, name
    assert client.post(reverse("plans:plan_action", args=[plan.pk, "submit"])).status_code == 404
    assert "钦南区" not in client.get(reverse("plans:plan_list")).content.decode().split("<tbody>")[1]


def test_overdue_milestones_are_flagged_on_the_county_home_page_and_the_dashboard(
    client, clerk, city_admin, other_clerk
):
    today = timezone.localdate()
    project = KeyProjectFactory(plan=AnnualPlanFactory(), name="米粉师傅培训中心")
    MilestoneFactory(project=project, title="设备采购", due_date=today - datetime.timedelta(days=3))
    MilestoneFactory(project=project, title="挂牌运营", due_date=today + datetime.timedelta(days=30))
    MilestoneFactory(
        project=project, title="选址", due_date=today - datetime.timedelta(days=60), progress=100, done_on=today
    )
    client.force_login(clerk)
    page = client.get(reverse("home")).content.decode()
    assert "逾期未完成的重点项目节点（1）" in page and "设备采购" in page
    assert "挂牌运营" not in page and "选址" not in page
    client.force_login(city_admin)
    page = client.get(reverse("dashboard:index")).content.decode()
    assert "逾期未完成的重点项目节点（1）" in page and "米粉师傅培训中心" in page
    client.force_login(other_clerk)
    assert "设备采购" not in client.get(reverse("home")).content.decode()
