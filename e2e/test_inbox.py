"""Issue 19: a clerk with a returned application sees it first on the home page and counted in the navigation
bar (the badge is filled by static/js/inbox-badge.js under the Content-Security-Policy), and follows the item
to the list where it is done."""

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from brands.tests.factories import OrganisationFactory, RecognitionFactory
from plans.models import MonthlyReport, Status
from plans.selectors import previous_month
from subsidies.models import SubsidyApplication, SubsidyRule
from subsidies.tests.factories import SubsidyRuleFactory

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_sees_and_follows_the_inbox(sessions, open_as, clerk, area):
    # The seeded rule, unless an earlier browser test's flush took it (only brands/training data are re-seeded).
    rule = SubsidyRule.objects.filter(kind="training_base", level="city").first() or SubsidyRuleFactory(
        kind="training_base", level="city"
    )
    recognition = RecognitionFactory(organisation=OrganisationFactory(area=area), kind="training_base", level="city")
    SubsidyApplication.objects.create(
        rule=rule,
        kind=rule.kind,
        area=area,
        organisation=recognition.organisation,
        recognition=recognition,
        amount=Decimal("1000.00"),
        status=SubsidyApplication.Status.RETURNED,
    )
    # Last month already reported: the returned application is the one thing waiting.
    MonthlyReport.objects.create(area=area, month=previous_month(timezone.localdate()), status=Status.ACCEPTED)
    sessions.step("经办员：首页的我的待办")
    page = open_as(clerk)
    page.goto("/")
    expect(page.locator("#inbox")).to_contain_text("补贴申请退回修改")
    expect(page.locator("#nav-inbox-count")).to_have_text("1")
    sessions.snapshot(page, "home page with the inbox")
    page.locator("#inbox-applications_returned").click()
    expect(page).to_have_url(f"{sessions.base_url}/subsidies/?status=returned")
