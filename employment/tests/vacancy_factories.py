import datetime

import factory

from brands.models import Area, Occupation, Organisation
from brands.tests.factories import OrganisationFactory

from ..vacancy_models import JobFair, Vacancy


def _area_450702():
    return Area.objects.get(code="450702")


class VacancyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vacancy

    area = factory.LazyFunction(_area_450702)
    employer = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.ENTERPRISE)
    occupation = factory.LazyFunction(lambda: Occupation.objects.get(name="母婴护理员"))
    title = factory.Sequence(lambda n: f"岗位{n}")
    work_area = factory.LazyFunction(_area_450702)
    openings = 3
    valid_from = datetime.date(2024, 1, 1)
    valid_to = datetime.date(2099, 12, 31)


class JobFairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobFair

    area = factory.LazyFunction(_area_450702)
    title = factory.Sequence(lambda n: f"八桂家政专场招聘会{n}")
    held_on = datetime.date(2024, 6, 1)
    place = "钦州市人力资源市场"
    organiser = "钦南区人社局"
