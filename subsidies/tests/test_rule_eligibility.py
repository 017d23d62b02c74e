"""Who a rule is for (its eligible categories), which occupations and certificates its standard covers
(the most specific rule wins), and the 创业培训合格证书 of 创业培训 batches (#14)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from brands.models import Occupation
from employment.tests.factories import EmploymentOutcomeFactory, LabourExportFactory
from training import services as training_services
from training.models import Enrolment, PriorityCategory, TrainingBatch
from training.tests.factories import EnrolmentFactory, TraineeFactory, TrainingBatchFactory

from .. import services
from ..models import SubsidyApplication, SubsidyKind
from .factories import SubsidyRuleFactory

pytestmark = pytest.mark.django_db
LEVEL_4 = Enrolment.Certificate.LEVEL_4
ENTREPRENEURSHIP = Enrolment.Certificate.ENTREPRENEURSHIP


def _categories(*codes):
    return list(PriorityCategory.objects.filter(code__in=codes))


POVERTY_GROUPS = ("poverty-alleviated", "rural-low-income", "relapse-monitoring")


def _outcome_for(kind, area, trainee):
    """An outcome that meets the kind's own requirement, so only the person's category decides."""
    if kind == SubsidyKind.TRANSPORT:
        return EmploymentOutcomeFactory(area=area, trainee=trainee, labour_export=LabourExportFactory(area=area))
    if kind == SubsidyKind.SOCIAL_INSURANCE:
        return EmploymentOutcomeFactory(area=area, trainee=trainee, social_insurance=True)
    return EmploymentOutcomeFactory(area=area, trainee=trainee, kind="entrepreneurship")


# --- target groups --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [SubsidyKind.TRANSPORT, SubsidyKind.SOCIAL_INSURANCE, SubsidyKind.STARTUP])
def test_a_subsidy_reserved_for_groups_refuses_a_person_outside_them(kind, clerk, area):
    rule = SubsidyRuleFactory(kind=kind, amount=Decimal("500.00"))
    rule.eligible_categories.set(_categories(*POVERTY_GROUPS))
    outsider = _outcome_for(kind, area, TraineeFactory(name="王五", categories=_categories("graduate")))
    with pytest.raises(ValidationError) as refused:
        services.application_create(user=clerk, rule=rule, amount=Decimal("500.00"), outcome=outsider)
    assert refused.value.messages == [
        "该补贴仅限脱贫人口、农村低收入人口、防止返贫监测对象，该人员登记的人员类别不在其中（王五）。"
        "如人员类别有误，请先更正学员登记信息。"
    ]
    assert not SubsidyApplication.objects.exists()

    member = _outcome_for(kind, area, TraineeFactory(categories=_categories("rural-low-income", "migrant-worker")))
    application = services.application_create(user=clerk, rule=rule, amount=Decimal("500.00"), outcome=member)
    # The basis of the decision stays with the application, whatever the registry says later.
    assert [c.code for c in application.qualifying_categories.all()] == ["rural-low-income"]
    member.trainee.categories.clear()
    assert [c.code for c in application.qualifying_categories.all()] == ["rural-low-income"]


def test_a_rule_without_categories_is_for_everyone(clerk, area):
    rule = SubsidyRuleFactory(kind=SubsidyKind.STARTUP, amount=Decimal("5000.00"))
    outcome = EmploymentOutcomeFactory(area=area, kind="entrepreneurship")
    application = services.application_create(user=clerk, rule=rule, amount=Decimal("5000.00"), outcome=outcome)
    assert not application.qualifying_categories.exists()


def test_the_create_page_shows_the_group_refusal_in_chinese(client, clerk, area):
    rule = SubsidyRuleFactory(kind=SubsidyKind.STARTUP, amount=Decimal("5000.00"))
    rule.eligible_categories.set(_categories("poverty-alleviated"))
    outcome = EmploymentOutcomeFactory(area=area, kind="entrepreneurship")
    client.force_login(clerk)
    response = client.post(
        reverse("subsidies:application_create"), {"rule": rule.pk, "amount": "5000.00", "outcome": outcome.pk}
    )
    assert response.status_code == 200
    assert "该补贴仅限脱贫人口，该人员登记的人员类别不在其中" in response.content.decode()
    # The clerk sees whom the rule is for when picking it.
    assert f"{rule.name}（个人，最高限额 5000.00 元，限脱贫人口）" in response.content.decode()
    assert not SubsidyApplication.objects.exists()


def test_a_training_rule_for_a_group_leaves_others_out_of_the_batch_with_the_reason(clerk, area):
    rule = SubsidyRuleFactory(certificate=LEVEL_4, amount=Decimal("1200.00"))
    rule.eligible_categories.set(_categories("poverty-alleviated"))
    batch = TrainingBatchFactory(area=area, status=TrainingBatch.Status.COMPLETED)
    member = EnrolmentFactory(
        batch=batch,
        completed=True,
        certificate=LEVEL_4,
        trainee=TraineeFactory(categories=_categories(*POVERTY_GROUPS)),
    )
    outsider = EnrolmentFactory(batch=batch, completed=True, certificate=LEVEL_4)
    created, ineligible = services.training_subsidies_for_batch(user=clerk, batch=batch, rule=rule)
    assert [a.enrolment for a in created] == [member]
    assert [(i.enrolment, i.reason) for i in ineligible] == [
        (outsider, "该补贴仅限脱贫人口，该人员登记的人员类别不在其中")
    ]
    assert [c.code for c in created[0].qualifying_categories.all()] == ["poverty-alleviated"]


# --- standards by occupation and certificate ------------------------------------------------------


@pytest.fixture
def standards():
    """A city-wide standard for 四级 and a higher one for 母婴护理员 四级 (test amounts)."""
    general = SubsidyRuleFactory(name="职业培训补贴（四级）", certificate=LEVEL_4, amount=Decimal("1000.00"))
    nursing = SubsidyRuleFactory(name="母婴护理员培训补贴（四级）", certificate=LEVEL_4, amount=Decimal("1800.00"))
    nursing.occupations.set([Occupation.objects.get(name="母婴护理员")])
    return general, nursing


def _completed_batch(area, occupation_name, n=2, **options):
    batch = TrainingBatchFactory(
        area=area,
        occupation=Occupation.objects.get(name=occupation_name),
        status=TrainingBatch.Status.COMPLETED,
        **options,
    )
    for _ in range(n):
        EnrolmentFactory(batch=batch, completed=True, certificate=LEVEL_4)
    return batch


def test_the_batch_subsidies_take_the_occupation_standard_where_there_is_one(clerk, area, standards):
    general, nursing = standards
    created, _ = services.training_subsidies_for_batch(user=clerk, batch=_completed_batch(area, "母婴护理员"))
    assert {(a.rule, a.amount) for a in created} == {(nursing, Decimal("1800.00"))}
    created, _ = services.training_subsidies_for_batch(user=clerk, batch=_completed_batch(area, "砌筑工"))
    assert {(a.rule, a.amount) for a in created} == {(general, Decimal("1000.00"))}


def test_the_general_rule_is_not_the_standard_where_an_occupation_has_its_own(clerk, area, standards):
    general, nursing = standards
    enrolment = _completed_batch(area, "母婴护理员", n=1).enrolments.get()
    with pytest.raises(ValidationError, match="适用的补贴标准为“母婴护理员培训补贴（四级）”"):
        services.application_create(user=clerk, rule=general, amount=Decimal("1000.00"), enrolment=enrolment)
    other = _completed_batch(area, "砌筑工", n=1).enrolments.get()
    with pytest.raises(ValidationError, match="规则“母婴护理员培训补贴（四级）”仅适用于母婴护理员"):
        services.application_create(user=clerk, rule=nursing, amount=Decimal("1800.00"), enrolment=other)
    application = services.application_create(user=clerk, rule=nursing, amount=Decimal("1800.00"), enrolment=enrolment)
    assert application.amount == Decimal("1800.00")


def test_the_batch_page_previews_each_persons_rule_and_amount(client, clerk, area, standards):
    batch = _completed_batch(area, "母婴护理员", n=1)
    client.force_login(clerk)
    page = client.get(reverse("subsidies:batch_applications", args=[batch.pk]), {"rule": ""})
    html = page.content.decode()
    assert "按工种、证书和人员类别自动匹配" in html
    assert "<td>母婴护理员培训补贴（四级）</td>" in html and '<td class="text-end">1,800.00</td>' in html
    response = client.post(reverse("subsidies:batch_applications", args=[batch.pk]), {"rule": ""})
    assert response.status_code == 302
    assert SubsidyApplication.objects.get().amount == Decimal("1800.00")


def test_an_entrepreneurship_batch_is_subsidised_by_its_own_certificate(clerk, area):
    rule = SubsidyRuleFactory(name="创业培训补贴", certificate=ENTREPRENEURSHIP, amount=Decimal("800.00"))
    batch = TrainingBatchFactory(area=area, mode=TrainingBatch.Mode.ENTREPRENEURSHIP, status="completed")
    enrolment = EnrolmentFactory(batch=batch, completed=True)
    training_services.enrolments_record_results(
        batch=batch,
        user=clerk,
        entries=[
            training_services.ResultEntry(
                enrolment_id=enrolment.pk,
                completed=True,
                certificate=ENTREPRENEURSHIP,
                certificate_number="CY2024001",
                certificate_date=batch.end_date,
            )
        ],
    )
    enrolment.refresh_from_db()
    assert enrolment.get_certificate_display() == "创业培训合格证书"
    created, ineligible = services.training_subsidies_for_batch(user=clerk, batch=batch)
    assert [(a.rule, a.amount) for a in created] == [(rule, Decimal("800.00"))] and not ineligible


def test_the_entrepreneurship_certificate_belongs_to_entrepreneurship_batches_only(clerk, area):
    batch = TrainingBatchFactory(area=area, mode=TrainingBatch.Mode.REGULAR)
    enrolment = EnrolmentFactory(batch=batch, trainee=TraineeFactory(name="李四"))
    entry = training_services.ResultEntry(
        enrolment_id=enrolment.pk,
        completed=True,
        certificate=ENTREPRENEURSHIP,
        certificate_number="CY2024002",
        certificate_date=datetime.date(2024, 4, 1),
    )
    with pytest.raises(ValidationError) as refused:
        training_services.enrolments_record_results(batch=batch, user=clerk, entries=[entry])
    assert refused.value.messages == ["李四：创业培训合格证书只能登记在培训方式为“创业培训”的班期。"]
