"""Fixtures of the subsidies tests: the plan's rules, recognitions, eligible enrolments, and a helper
that walks an application along its path."""

import datetime
from decimal import Decimal

import pytest

from brands.models import Recognition
from brands.tests.factories import OrganisationFactory, RecognitionFactory
from training.models import Enrolment, TrainingBatch
from training.tests.factories import EnrolmentFactory, TraineeFactory, TrainingBatchFactory

from .. import services
from ..models import SubsidyApplication, SubsidyRule
from .factories import BudgetFactory, SubsidyRuleFactory

Status = SubsidyApplication.Status


@pytest.fixture
def base_rule(db):
    return SubsidyRule.objects.get(kind="training_base", level="city")


@pytest.fixture
def leading_rule(db):
    return SubsidyRule.objects.get(kind="leading_enterprise", level="region")


@pytest.fixture
def training_rule(db):
    return SubsidyRuleFactory()


@pytest.fixture
def budget(area):
    return BudgetFactory(area=area, amount=Decimal("1000000.00"))


@pytest.fixture
def base_recognition(area):
    return RecognitionFactory(
        organisation=OrganisationFactory(area=area), kind=Recognition.Kind.TRAINING_BASE, level=Recognition.Level.CITY
    )


@pytest.fixture
def make_enrolment(area):
    """A completed enrolment with a certificate in a completed batch of `area` (options override)."""

    def make(
        trainee=None,
        *,
        occupation=None,
        certificate=Enrolment.Certificate.LEVEL_4,
        completed=True,
        year=2024,
        **batch_options,
    ):
        batch_options.setdefault("area", area)
        batch_options.setdefault("status", TrainingBatch.Status.COMPLETED)
        batch_options.setdefault("start_date", datetime.date(year, 3, 1))
        batch_options.setdefault("end_date", batch_options["start_date"] + datetime.timedelta(days=19))
        if occupation is not None:
            batch_options["occupation"] = occupation
        return EnrolmentFactory(
            trainee=trainee or TraineeFactory(),
            batch=TrainingBatchFactory(**batch_options),
            completed=completed,
            certificate=certificate,
        )

    return make


@pytest.fixture
def base_application(clerk, base_rule, base_recognition):
    def make(amount=Decimal("400000.00"), user=None):
        return services.application_create(
            user=user or clerk,
            rule=base_rule,
            amount=amount,
            organisation=base_recognition.organisation,
            recognition=base_recognition,
        )

    return make


@pytest.fixture
def advance(clerk, reviewer, city_admin):
    """Walk an application from draft up to `status` by the right people."""

    steps = [
        (Status.SUBMITTED, lambda a: services.application_submit(application=a, user=clerk)),
        (Status.REVIEWED, lambda a: services.application_review(application=a, user=reviewer)),
        (Status.APPROVED, lambda a: services.application_approve(application=a, user=city_admin)),
        (
            Status.PAID,
            lambda a: services.application_mark_paid(
                application=a, user=city_admin, paid_on=datetime.date.today(), voucher_number="记-001"
            ),
        ),
    ]

    def walk(application, status):
        if status == Status.REJECTED:
            return services.application_reject(application=application, user=clerk, reason="材料不全")
        if status == Status.RETURNED:
            services.application_submit(application=application, user=clerk)
            return services.application_return(application=application, user=reviewer, reason="请补充材料")
        order = [Status.DRAFT, Status.RETURNED] + [step_status for step_status, _ in steps]
        for step_status, step in steps:
            if application.status == status:
                break
            if order.index(step_status) <= order.index(application.status):
                continue
            step(application)
        assert application.status == status
        return application

    return walk
