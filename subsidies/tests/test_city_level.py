"""A city-level organisation's application (a 市级龙头企业, ¥300,000): the 市人社局经办员 (city clerk) records
and submits it, the city administrator approves it as submitted; nobody approves what they submitted,
and the city clerk and the county clerks stay out of each other's applications."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.roles import GROUP_NAMES, Role
from accounts.scoping import scope_for
from brands.models import Area, Recognition
from brands.tests.factories import OrganisationFactory, RecognitionFactory

from .. import services
from ..models import SubsidyApplication, SubsidyRule
from .factories import BudgetFactory

pytestmark = pytest.mark.django_db
Status = SubsidyApplication.Status
AWARD = Decimal("300000.00")


@pytest.fixture
def city(db):
    return Area.objects.get(code="450700")


@pytest.fixture
def city_clerk(make_staff):
    return make_staff(Role.CITY_CLERK, username="city_clerk")


@pytest.fixture
def city_application(city, city_clerk):
    """A 市级龙头企业's award, recorded by the city clerk."""
    recognition = RecognitionFactory(
        organisation=OrganisationFactory(area=city, name="钦州市坭兴陶艺有限公司"),
        kind=Recognition.Kind.LEADING_ENTERPRISE,
        level=Recognition.Level.CITY,
    )
    return services.application_create(
        user=city_clerk,
        rule=SubsidyRule.objects.get(kind="leading_enterprise", level="city"),
        amount=AWARD,
        organisation=recognition.organisation,
        recognition=recognition,
    )


def test_the_city_clerk_is_a_role_of_its_own_scoped_to_the_city_area(city_clerk, city):
    assert list(city_clerk.groups.values_list("name", flat=True)) == [GROUP_NAMES[Role.CITY_CLERK]]
    assert GROUP_NAMES[Role.CITY_CLERK] == "市人社局经办员"
    scope = scope_for(city_clerk)
    assert (scope.role, scope.area, scope.sees_all_areas) == (Role.CITY_CLERK, city, False)
    assert city_clerk.is_staff  # the admin, for the city-level organisations it keeps
    assert city_clerk.has_perm("subsidies.add_subsidyapplication")
    assert city_clerk.has_perm("brands.change_organisation")
    for permission in ("subsidies.change_subsidyrule", "subsidies.change_budget", "brands.change_recognition"):
        assert not city_clerk.has_perm(permission), permission


def test_a_city_level_application_goes_from_the_city_clerk_to_the_city_administrator(
    city_application, city_clerk, city_admin, city
):
    BudgetFactory(area=city, amount=Decimal("2000000.00"))
    assert city_application.area == city
    services.application_submit(application=city_application, user=city_clerk)
    services.application_approve(application=city_application, user=city_admin, comment="同意")
    city_application.refresh_from_db()
    assert (city_application.status, city_application.amount, city_application.budget.area) == (
        Status.APPROVED,
        AWARD,
        city,
    )
    steps = list(city_application.transitions.values_list("from_status", "to_status", "by"))
    assert steps == [
        ("", "draft", city_clerk.pk),
        ("draft", "submitted", city_clerk.pk),
        ("submitted", "approved", city_admin.pk),
    ]


def test_no_county_user_submits_reviews_or_approves_a_city_level_application(
    city_application, city_clerk, clerk, reviewer, city_admin
):
    with pytest.raises(PermissionDenied, match="只有市人社局经办员可以提交补贴申请"):
        services.application_submit(application=city_application, user=clerk)
    with pytest.raises(PermissionDenied, match="只有市人社局经办员可以提交补贴申请"):
        services.application_submit(application=city_application, user=city_admin)
    services.application_submit(application=city_application, user=city_clerk)
    with pytest.raises(ValidationError, match="由市人社局管理员直接审批，无需县区审核"):
        services.application_review(application=city_application, user=reviewer)
    with pytest.raises(PermissionDenied, match="只有市人社局管理员可以审批补贴申请"):
        services.application_approve(application=city_application, user=city_clerk)
    city_application.refresh_from_db()
    assert city_application.status == Status.SUBMITTED


def test_nobody_approves_what_they_submitted(city, city_admin, make_staff):
    """A city administrator who recorded and submitted a city-level application cannot approve it; another can."""
    BudgetFactory(area=city)
    recognition = RecognitionFactory(
        organisation=OrganisationFactory(area=city), kind="leading_enterprise", level=Recognition.Level.CITY
    )
    application = services.application_create(
        user=city_admin,
        rule=SubsidyRule.objects.get(kind="leading_enterprise", level="city"),
        amount=AWARD,
        organisation=recognition.organisation,
        recognition=recognition,
    )
    SubsidyApplication.objects.filter(pk=application.pk).update(status=Status.SUBMITTED, submitted_by=city_admin)
    with pytest.raises(PermissionDenied, match="不能审批自己登记、提交或审核的补贴申请"):
        services.application_approve(application=application, user=city_admin)
    other_admin = make_staff(Role.CITY_ADMIN, username="city_admin_2")
    services.application_approve(application=application, user=other_admin)
    assert application.status == Status.APPROVED


def test_the_city_administrator_returns_a_city_level_application_to_the_city_clerk(
    city_application, city_clerk, city_admin, city
):
    BudgetFactory(area=city)
    services.application_submit(application=city_application, user=city_clerk)
    services.application_return(application=city_application, user=city_admin, reason="请附认定文件")
    assert city_application.status == Status.RETURNED
    services.application_update(application=city_application, user=city_clerk, comment="已附认定文件")
    services.application_submit(application=city_application, user=city_clerk)
    services.application_approve(application=city_application, user=city_admin)
    assert city_application.status == Status.APPROVED


def test_the_city_clerk_keeps_to_the_city_area(city_clerk, base_application, clerk, area):
    county = base_application()
    with pytest.raises(PermissionDenied, match="只能在本辖区（钦州市）登记补贴申请"):
        base_application(user=city_clerk)
    with pytest.raises(PermissionDenied, match="只有本县区经办员可以提交补贴申请"):
        services.application_submit(application=county, user=city_clerk)


def test_the_city_clerks_pages_show_city_level_applications_only(
    client, city_application, city_clerk, base_application, city_admin, city
):
    county = base_application()
    client.force_login(city_clerk)
    listed = client.get(reverse("subsidies:application_list"))
    assert listed.status_code == 200
    assert list(listed.context["page"]) == [city_application]
    assert client.get(reverse("subsidies:application_detail", args=[county.pk])).status_code == 404
    assert client.post(reverse("subsidies:application_action", args=[county.pk, "submit"])).status_code == 404
    page = client.get(reverse("subsidies:application_detail", args=[city_application.pk])).content.decode()
    assert "提交审核" in page and "修改申请" in page
    response = client.post(reverse("subsidies:application_action", args=[city_application.pk, "submit"]))
    assert response.status_code == 302
    messages = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert messages == ["已提交，等待市人社局管理员审批。"]
    # The city administrator finds it waiting and approves it from its page.
    BudgetFactory(area=city)
    client.force_login(city_admin)
    home = client.get(reverse("home")).content.decode()
    assert 'id="todo-approve"' in home
    page = client.get(reverse("subsidies:application_detail", args=[city_application.pk])).content.decode()
    assert "审批通过" in page and "审核通过" not in page
    client.post(reverse("subsidies:application_action", args=[city_application.pk, "approve"]))
    city_application.refresh_from_db()
    assert city_application.status == Status.APPROVED


def test_a_county_clerk_gets_404_on_a_city_level_application(client, city_application, clerk):
    client.force_login(clerk)
    for url in (
        reverse("subsidies:application_detail", args=[city_application.pk]),
        reverse("subsidies:evidence_upload", args=[city_application.pk]),
    ):
        method = client.get if url.endswith(f"{city_application.pk}/") else client.post
        assert method(url).status_code == 404, url
    assert client.post(reverse("subsidies:application_action", args=[city_application.pk, "submit"])).status_code == 404


def test_the_city_clerk_has_no_progress_dashboard(client, city_clerk):
    """Its scope is the city's own records; the whole city's progress is the city roles' (and it would be
    the city's targets against the city area's own, empty, counts)."""
    client.force_login(city_clerk)
    home = client.get(reverse("home"))
    assert home.status_code == 200
    content = home.content.decode()
    assert "市人社局经办员" in content and "补贴申请" in content
    assert "进度看板" not in content and home.context["progress"] is None
    assert client.get(reverse("dashboard:index")).status_code == 403


def test_the_api_follows_the_same_path(city_application, city_clerk, city_admin, city):
    from rest_framework.test import APIClient

    BudgetFactory(area=city)
    api = APIClient()
    api.force_authenticate(city_clerk)
    response = api.post(f"/api/v1/applications/{city_application.pk}/submit/", {}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    api.force_authenticate(city_admin)
    response = api.post(f"/api/v1/applications/{city_application.pk}/approve/", {}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "approved"


def test_the_city_clerk_pays_nothing(city_application, city_clerk, city_admin, city):
    BudgetFactory(area=city)
    services.application_submit(application=city_application, user=city_clerk)
    services.application_approve(application=city_application, user=city_admin)
    with pytest.raises(PermissionDenied, match="只有市人社局管理员可以登记拨付"):
        services.application_mark_paid(
            application=city_application, user=city_clerk, paid_on=datetime.date.today(), voucher_number="记-1"
        )


def test_the_city_clerk_records_a_city_level_application_on_the_page(client, city_clerk, city):
    recognition = RecognitionFactory(
        organisation=OrganisationFactory(area=city), kind="leading_enterprise", level=Recognition.Level.CITY
    )
    county_recognition = RecognitionFactory(kind="leading_enterprise", level=Recognition.Level.CITY)
    rule = SubsidyRule.objects.get(kind="leading_enterprise", level="city")
    client.force_login(city_clerk)
    page = client.get(reverse("subsidies:application_create"))
    assert page.status_code == 200
    assert list(page.context["form"].fields["organisation"].queryset) == [recognition.organisation]
    assert county_recognition.organisation.name not in page.content.decode()
    response = client.post(
        reverse("subsidies:application_create"),
        {
            "rule": rule.pk,
            "amount": "300000.00",
            "organisation": recognition.organisation.pk,
            "recognition": recognition.pk,
        },
    )
    assert response.status_code == 302
    application = SubsidyApplication.objects.get(recognition=recognition)
    assert (application.area, application.status, application.created_by) == (city, Status.DRAFT, city_clerk)
