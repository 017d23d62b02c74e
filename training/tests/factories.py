import datetime

import factory

from brands.models import Area, Occupation
from brands.tests.factories import OrganisationFactory
from core.identity import parse_id_number
from training.models import ClassPlan, Enrolment, Trainee, TrainingBatch

from .rosters import person_ids


class TrainingBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingBatch
        skip_postgeneration_save = True

    area = factory.LazyFunction(lambda: Area.objects.get(code="450702"))
    occupation = factory.LazyFunction(lambda: Occupation.objects.get(name="母婴护理员"))
    # A batch of its own provider by default: (area, occupation, provider, dates) is unique, so two
    # batches with the default area, occupation and dates can coexist.
    provider = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"测试班期{n}")
    start_date = datetime.date(2024, 3, 1)
    end_date = datetime.date(2024, 3, 20)
    mode = TrainingBatch.Mode.REGULAR
    status = TrainingBatch.Status.PLANNED

    @factory.post_generation
    def approved(self, create, extracted, **kwargs):
        """Approved for classes by default (tests of rosters and results start there); approved=False: not."""
        if create and extracted is not False:
            ClassPlan.objects.get_or_create(batch=self, defaults={"status": ClassPlan.Status.APPROVED})


class TraineeFactory(factory.django.DjangoModelFactory):
    """A person with a valid, unique ID number; sex and birth date are what the number says."""

    class Meta:
        model = Trainee
        skip_postgeneration_save = True

    id_number = factory.Sequence(lambda n: person_ids(1, start=n)[0])
    name = factory.Sequence(lambda n: f"学员{n}")
    sex = factory.LazyAttribute(lambda o: parse_id_number(o.id_number).sex)
    birth_date = factory.LazyAttribute(lambda o: parse_id_number(o.id_number).birth_date)
    phone = "13800138000"
    education = Trainee.Education.JUNIOR
    household_address = "广西钦州市钦南区"

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create and extracted:
            self.categories.set(extracted)


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    trainee = factory.SubFactory(TraineeFactory)
    batch = factory.SubFactory(TrainingBatchFactory)
    certificate = ""
    # Certificate numbers are unique per certificate type across the registry.
    certificate_number = factory.LazyAttributeSequence(lambda o, n: f"TEST{n:06d}" if o.certificate else "")


def approve_classes(batch):
    """The batch with its class plan approved, as a reviewer leaves it (tests of what follows approval)."""
    ClassPlan.objects.update_or_create(batch=batch, defaults={"status": ClassPlan.Status.APPROVED})
    return batch
