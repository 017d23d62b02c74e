"""Two approvals racing for the last money of a budget: exactly one wins (PostgreSQL row lock)."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.roles import Role
from brands.models import Recognition
from brands.tests.factories import OrganisationFactory, RecognitionFactory
from conftest import require_service, uses_postgresql

from .. import services
from ..models import SubsidyApplication, SubsidyRule
from .factories import BudgetFactory, SubsidyRuleFactory

Status = SubsidyApplication.Status


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_approvals_racing_for_the_last_money_exactly_one_wins(make_staff, area):
    require_service("PostgreSQL", uses_postgresql(), "the race needs row locks")
    clerk = make_staff(Role.COUNTY_CLERK, area)
    reviewer = make_staff(Role.COUNTY_REVIEWER, area)
    approvers = [make_staff(Role.CITY_ADMIN, username=f"city_admin_{n}") for n in range(2)]
    # Transactional tests get areas back but not the seeded rules: make the rule here.
    rule = SubsidyRule.objects.filter(kind="training_base", level="city").first() or SubsidyRuleFactory(
        kind="training_base", level="city", amount=Decimal("500000")
    )
    budget = BudgetFactory(area=area, amount=Decimal("500000"))
    applications = []
    for _ in range(2):
        recognition = RecognitionFactory(
            organisation=OrganisationFactory(area=area), kind=Recognition.Kind.TRAINING_BASE, level="city"
        )
        application = services.application_create(
            user=clerk,
            rule=rule,
            amount=Decimal("300000"),
            organisation=recognition.organisation,
            recognition=recognition,
        )
        services.application_submit(application=application, user=clerk)
        services.application_review(application=application, user=reviewer)
        applications.append(application)

    barrier = threading.Barrier(2)
    outcomes = []

    def approve(application, user):
        try:
            barrier.wait(timeout=10)
            services.application_approve(application=application, user=user)
            outcomes.append("approved")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=pair) for pair in zip(applications, approvers, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(outcomes) == 2
    assert outcomes.count("approved") == 1
    refusal = next(o for o in outcomes if o != "approved")
    assert "就业补助资金余额不足：剩余 200000.00 元，本申请 300000.00 元" in refusal
    statuses = sorted(
        SubsidyApplication.objects.filter(pk__in=[a.pk for a in applications]).values_list("status", flat=True)
    )
    assert statuses == [Status.APPROVED, Status.REVIEWED]
    assert budget.applications.filter(status=Status.APPROVED).count() == 1
