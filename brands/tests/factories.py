import factory

from brands.models import Area, Organisation, Recognition
from core.credit_code import make_uscc


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"测试单位{n}")
    uscc = factory.Sequence(lambda n: make_uscc(admin_code="450702", serial=90000000 + n))
    kind = Organisation.Kind.TRAINING_PROVIDER
    area = factory.LazyFunction(lambda: Area.objects.get(code="450702"))


class RecognitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recognition

    organisation = factory.SubFactory(OrganisationFactory)
    kind = Recognition.Kind.TRAINING_BASE
    level = Recognition.Level.CITY
    year = 2024
