import datetime
from decimal import Decimal

import factory

from brands.models import Area, BrandLine

from ..models import AnnualPlan, AnnualPlanLine, KeyProject, Milestone


class AnnualPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualPlan

    area = factory.LazyFunction(lambda: Area.objects.get(code="450702"))
    year = factory.LazyFunction(lambda: datetime.date.today().year)


class AnnualPlanLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualPlanLine

    plan = factory.SubFactory(AnnualPlanFactory)
    brand = factory.LazyFunction(lambda: BrandLine.objects.get(code="housekeeping"))
    trainings = 120
    jobs = 90


class KeyProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyProject

    plan = factory.SubFactory(AnnualPlanFactory)
    name = factory.Sequence(lambda n: f"家政服务实训基地建设{n}")
    brand = factory.LazyFunction(lambda: BrandLine.objects.get(code="housekeeping"))
    responsible_unit = "钦南区人社局"
    planned_investment = Decimal("120.00")


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(KeyProjectFactory)
    title = "完成场地改造"
    due_date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=30))
