import datetime

import factory

from employment.tests.factories import EmploymentOutcomeFactory

from ..models import FollowUp


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    outcome = factory.SubFactory(EmploymentOutcomeFactory)
    months = 1
    followed_on = factory.LazyAttribute(lambda o: o.outcome.start_date + datetime.timedelta(days=31 * o.months))
    reached = True
    employment = FollowUp.Employment.SAME
    contract_signed = True
    social_insurance = True
