"""Each role's inbox on hand-made records: the home page's list, the navigation badge, /inbox/ and the API."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from brands.models import Area, BrandLine, Target
from brands.selectors import default_period
from brands.tests.factories import OrganisationFactory, RecognitionFactory
from core.imports.models import ImportStatus
from employment.models import ReferralImport
from plans.models import AnnualPlan, MonthlyReport
from plans.models import Status as PlanStatus
from plans.selectors import previous_month
from subsidies.models import SubsidyApplication, SubsidyRule
from subsidies.tests.factories import BudgetFactory
from training.models import ClassPlan
from training.tests.factories import TrainingBatchFactory

pytestmark = pytest.mark.django_db
Status = SubsidyApplication.Status


def _application(area, status, **fields):
    rule = SubsidyRule.objects.get(kind="training_base", level="city")
    recognition = RecognitionFactory(organisation=OrganisationFactory(area=area), kind="training_base", level="city")
    return SubsidyApplication.objects.create(
        rule=rule,
        kind=rule.kind,
        area=area,
        organisation=recognition.organisation,
        recognition=recognition,
        **{"amount": Decimal("1000.00"), "status": status, **fields},
    )


def _items(client, user) -> dict:
    client.force_login(user)
    answer = client.get("/api/v1/inbox/")
    assert answer.status_code == 200
    return {item["key"]: item for item in answer.json()["items"]}


def _this_months_report_done(area):
    MonthlyReport.objects.create(area=area, month=previous_month(timezone.localdate()), status=PlanStatus.ACCEPTED)


def test_a_clerk_sees_their_imports_returned_applications_and_the_month_to_report(
    client, clerk, other_clerk, area, other_area
):
    ReferralImport.objects.create(
        area=area, uploaded_by=clerk, file_name="推荐.xlsx", file_size=1, content=b"x", status=ImportStatus.PREVIEW
    )
    ReferralImport.objects.create(
        area=other_area,
        uploaded_by=other_clerk,
        file_name="推荐.xlsx",
        file_size=1,
        content=b"x",
        status=ImportStatus.PREVIEW,
    )
    ReferralImport.objects.create(
        area=area, uploaded_by=clerk, file_name="旧.xlsx", file_size=1, content=b"x", status=ImportStatus.COMMITTED
    )
    _application(area, Status.RETURNED)
    _application(area, Status.RETURNED)
    _application(other_area, Status.RETURNED)

    items = _items(client, clerk)

    assert items["imports_to_commit:referralimport"]["count"] == 1
    assert items["imports_to_commit:referralimport"]["label"].endswith("待确认")
    assert items["applications_returned"]["count"] == 2
    assert items["applications_returned"]["url"] == "/subsidies/?status=returned"
    month = previous_month(timezone.localdate())
    assert items["month_to_report"]["label"] == f"{month.year}年{month.month}月月报待报送"
    assert "class_approvals" not in items and "budgets_low" not in items

    _this_months_report_done(area)
    assert "month_to_report" not in _items(client, clerk)


def test_the_home_page_starts_with_the_list_and_the_badge_counts_it(client, clerk, area):
    _application(area, Status.RETURNED)
    _this_months_report_done(area)
    client.force_login(clerk)
    page = client.get(reverse("home")).content.decode()
    assert page.index('id="inbox"') < page.index("row g-3 mb-4")
    assert "补贴申请退回修改" in page
    assert 'data-count-url="/inbox/count/"' in page and "js/inbox-badge.js" in page
    assert client.get(reverse("inbox:count")).json() == {"total": 1}
    inbox_page = client.get(reverse("inbox:index")).content.decode()
    assert "补贴申请退回修改" in inbox_page and "/subsidies/?status=returned" in inbox_page


def test_a_reviewer_sees_applications_and_class_approvals_awaiting_them(client, reviewer, area, other_area):
    _application(area, Status.SUBMITTED)
    _application(other_area, Status.SUBMITTED)
    ClassPlan.objects.filter(batch=TrainingBatchFactory(area=area)).update(status=ClassPlan.Status.SUBMITTED)
    ClassPlan.objects.filter(batch=TrainingBatchFactory(area=other_area)).update(status=ClassPlan.Status.SUBMITTED)
    _this_months_report_done(area)

    items = _items(client, reviewer)

    assert items["applications_review"]["count"] == 1
    assert items["class_approvals"] == {
        "key": "class_approvals",
        "label": "开班申请待审批",
        "count": 1,
        "url": "/training/classes/queue/",
        "urgent": False,
    }
    assert "applications_returned" not in items


def test_the_city_administrator_sees_approvals_reports_to_accept_and_low_budgets(client, city_admin, area, other_area):
    _application(area, Status.REVIEWED)
    year = timezone.localdate().year
    low = BudgetFactory(area=area, year=year, amount=Decimal("10000.00"))
    BudgetFactory(area=other_area, year=year, amount=Decimal("10000.00"))
    _application(area, Status.APPROVED, budget=low, amount=Decimal("9500.00"))
    MonthlyReport.objects.create(area=area, month=datetime.date(2024, 5, 1), status=PlanStatus.SUBMITTED)
    MonthlyReport.objects.create(area=other_area, month=datetime.date(2024, 5, 1), status=PlanStatus.ACCEPTED)
    AnnualPlan.objects.create(area=area, year=year, status=PlanStatus.SUBMITTED)

    items = _items(client, city_admin)

    assert items["applications_approve"]["count"] == 1
    assert items["reports_to_accept"]["count"] == 1
    assert items["plans_to_accept"]["count"] == 1
    assert items["budgets_low"]["count"] == 1
    assert "month_to_report" not in items


def test_a_city_viewer_sees_areas_behind_pace_and_nothing_to_approve(client, city_viewer, area):
    _application(area, Status.REVIEWED)
    period = default_period()
    # A target for 钦南区's housekeeping line in the current period and no training at all: behind pace.
    Target.objects.create(
        period=period,
        area=area,
        brand=BrandLine.objects.get(code="housekeeping"),
        year_from=period.year_from,
        year_to=period.year_to,
        metric="trainings",
        value=500,
    )
    items = _items(client, city_viewer)
    assert "applications_approve" not in items
    assert items["areas_behind_pace"]["label"] == f"落后于时间进度的县区（{area.short_name}）"
    assert items["areas_behind_pace"]["url"] == "/dashboard/"


def test_the_api_answers_only_for_the_requesting_user_and_refuses_the_anonymous(client, clerk, other_clerk, area):
    _application(area, Status.RETURNED)
    assert _items(client, clerk)["applications_returned"]["count"] == 1
    assert "applications_returned" not in _items(client, other_clerk)
    client.logout()
    assert client.get("/api/v1/inbox/").status_code in (401, 403)


def test_the_inbox_costs_a_bounded_number_of_queries(client, clerk, area, django_assert_max_num_queries):
    for _ in range(5):
        _application(area, Status.RETURNED)
    client.force_login(clerk)
    client.get(reverse("inbox:index"))
    with django_assert_max_num_queries(40):
        client.get(reverse("inbox:index"))


def test_the_city_clerk_has_no_county_items(client, make_staff):
    city_clerk = make_staff(Role.CITY_CLERK, Area.objects.get(code="450700"))
    items = _items(client, city_clerk)
    assert "referrals_short" not in items and "month_to_report" not in items
