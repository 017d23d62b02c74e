import datetime
from decimal import Decimal

import factory

from brands.models import Area, Organisation
from brands.tests.factories import OrganisationFactory
from training.tests.factories import TraineeFactory

from .. import tallies
from ..models import EmploymentOutcome, JobReferral, LabourExport, WageCase


def _area_450702():
    return Area.objects.get(code="450702")


class JobReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobReferral

    trainee = factory.SubFactory(TraineeFactory)
    area = factory.LazyFunction(_area_450702)
    employer = None
    employer_name = factory.Sequence(lambda n: f"用人单位{n}")
    position = "家政服务员"
    referred_on = datetime.date(2024, 4, 1)
    channel = JobReferral.Channel.JOB_FAIR
    result = JobReferral.Result.PENDING


class LabourExportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LabourExport

    agency = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.HR_AGENCY)
    area = factory.LazyFunction(_area_450702)
    destination = "广东省深圳市"
    employer = None
    employer_name = factory.Sequence(lambda n: f"接收单位{n}")
    departed_on = datetime.date(2024, 5, 1)


class EmploymentOutcomeFactory(factory.django.DjangoModelFactory):
    """An employed outcome by default; pass kind= with the fields of that kind for the others."""

    class Meta:
        model = EmploymentOutcome
        skip_postgeneration_save = True  # the day_rows hook saves nothing

    trainee = factory.SubFactory(TraineeFactory)
    area = factory.LazyFunction(_area_450702)
    kind = EmploymentOutcome.Kind.EMPLOYED
    start_date = datetime.date(2024, 5, 1)
    employer = None
    employer_name = factory.LazyAttribute(
        lambda o: "钦州某家政公司" if o.kind == EmploymentOutcome.Kind.EMPLOYED else ""
    )
    business_name = factory.LazyAttribute(
        lambda o: "某某米粉店" if o.kind == EmploymentOutcome.Kind.ENTREPRENEURSHIP else ""
    )
    work_kind = factory.LazyAttribute(lambda o: "网约配送" if o.kind == EmploymentOutcome.Kind.FLEXIBLE else "")

    @factory.post_generation
    def day_rows(obj, create, extracted, **kwargs):
        """Its day row, as `outcome_create` keeps it (the follow-up counts read it); the job and referral rows
        are left to the tests that call `tallies.trainees_changed`."""
        if create:
            tallies.recount_days(tallies.outcome_days(EmploymentOutcome.objects.filter(pk=obj.pk)))


class WageCaseFactory(factory.django.DjangoModelFactory):
    """An open case by default; pass status=CLOSED with closed_on and resolution for a closed one."""

    class Meta:
        model = WageCase

    area = factory.LazyFunction(_area_450702)
    received_on = datetime.date(2024, 6, 1)
    employer = None
    employer_name = factory.Sequence(lambda n: f"被投诉单位{n}")
    workers = 5
    amount_owed = Decimal("30000.00")
    status = WageCase.Status.RECEIVED
