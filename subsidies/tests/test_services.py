"""Amounts, eligibility and limits of subsidy applications, with the message a user reads for each refusal."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import Role
from brands.models import Occupation, Recognition
from brands.tests.factories import OrganisationFactory, RecognitionFactory
from training.models import Enrolment, TrainingBatch
from training.tests.factories import EnrolmentFactory, TraineeFactory, TrainingBatchFactory

from .. import services
from ..models import ApplicationTransition, SubsidyApplication, SubsidyRule
from .factories import SubsidyRuleFactory

pytestmark = pytest.mark.django_db
Status = SubsidyApplication.Status
LEVEL_4 = Enrolment.Certificate.LEVEL_4
LEVEL_3 = Enrolment.Certificate.LEVEL_3


def test_the_plan_rules_are_seeded_and_other_kinds_wait_for_the_city():
    rules = {(r.kind, r.level): r for r in SubsidyRule.objects.all()}
    assert set(rules) == {
        ("training_base", "city"),
        ("expert_studio", "city"),
        ("leading_enterprise", "region"),
        ("leading_enterprise", "city"),
    }
    assert rules["training_base", "city"].amount == Decimal("500000")
    assert rules["training_base", "city"].amount_type == SubsidyRule.AmountType.CAP
    assert rules["expert_studio", "city"].amount == Decimal("100000")
    for level in ("region", "city"):
        rule = rules["leading_enterprise", level]
        assert (rule.amount, rule.amount_type) == (Decimal("300000"), SubsidyRule.AmountType.FIXED)
    assert all("钦政办〔2022〕22号" in r.legal_basis for r in rules.values())


def test_a_rule_whose_beneficiary_contradicts_its_kind_is_refused():
    rule = SubsidyRuleFactory.build(kind="training", beneficiary="organisation")
    with pytest.raises(ValidationError, match="补贴对象与补贴类型不符"):
        rule.full_clean()


# --- amounts --------------------------------------------------------------------------------------


def test_an_award_up_to_the_cap_is_accepted_as_a_draft_with_its_first_step_recorded(base_application, clerk, area):
    application = base_application(Decimal("500000.00"))
    assert (application.status, application.area, application.kind) == (Status.DRAFT, area, "training_base")
    assert list(application.transitions.values_list("from_status", "to_status", "by")) == [("", "draft", clerk.pk)]


def test_an_award_above_the_cap_is_refused(base_application):
    with pytest.raises(ValidationError, match="超过该补贴的最高限额 500000.00 元"):
        base_application(Decimal("500000.01"))
    assert not SubsidyApplication.objects.exists()


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-1")])
def test_a_zero_or_negative_amount_is_refused(base_application, amount):
    with pytest.raises(ValidationError, match="申请金额必须大于 0"):
        base_application(amount)


def test_a_fixed_award_must_ask_exactly_its_amount(clerk, leading_rule, area):
    recognition = RecognitionFactory(
        organisation=OrganisationFactory(area=area, kind="enterprise"),
        kind=Recognition.Kind.LEADING_ENTERPRISE,
        level=Recognition.Level.REGION,
    )
    options = {
        "user": clerk,
        "rule": leading_rule,
        "organisation": recognition.organisation,
        "recognition": recognition,
    }
    with pytest.raises(ValidationError, match="定额补贴，申请金额须为 300000.00 元"):
        services.application_create(amount=Decimal("299999"), **options)
    assert services.application_create(amount=Decimal("300000"), **options).amount == Decimal("300000")


def test_a_rule_without_an_amount_cannot_be_applied_for(clerk, make_enrolment):
    rule = SubsidyRuleFactory(amount=None)
    with pytest.raises(ValidationError, match="该补贴规则尚未设定金额"):
        services.application_create(user=clerk, rule=rule, amount=Decimal("100"), enrolment=make_enrolment())


def test_an_inactive_or_expired_rule_cannot_be_applied_for(clerk, make_enrolment):
    for rule in (SubsidyRuleFactory(active=False), SubsidyRuleFactory(effective_to=datetime.date(2023, 1, 1))):
        with pytest.raises(ValidationError, match="未启用或不在有效期内"):
            services.application_create(user=clerk, rule=rule, amount=Decimal("100"), enrolment=make_enrolment())


# --- recognitions ---------------------------------------------------------------------------------


def test_one_award_per_recognition_until_the_first_is_rejected(base_application, advance):
    first = base_application()
    with pytest.raises(ValidationError, match="该认定已申请过奖补，不能重复申请"):
        base_application()
    advance(first, Status.REJECTED)
    assert base_application().status == Status.DRAFT


def test_an_award_needs_a_recognition_of_its_kind_and_level(clerk, base_rule, area):
    organisation = OrganisationFactory(area=area)
    options = {"user": clerk, "rule": base_rule, "amount": Decimal("1000"), "organisation": organisation}
    with pytest.raises(ValidationError, match="奖补须选择使该单位符合条件的认定"):
        services.application_create(**options)
    studio = RecognitionFactory(organisation=organisation, kind=Recognition.Kind.EXPERT_STUDIO)
    with pytest.raises(ValidationError, match="该奖补须有劳务品牌培训示范基地认定"):
        services.application_create(recognition=studio, **options)
    regional = RecognitionFactory(organisation=organisation, level=Recognition.Level.REGION)
    with pytest.raises(ValidationError, match="该奖补仅适用于市级认定"):
        services.application_create(recognition=regional, **options)
    elsewhere = RecognitionFactory(organisation=OrganisationFactory(area=area))
    with pytest.raises(ValidationError, match="所选认定不属于该单位"):
        services.application_create(recognition=elsewhere, **options)


# --- training subsidies ---------------------------------------------------------------------------


def test_a_training_subsidy_needs_a_completed_enrolment_with_a_certificate(clerk, training_rule, make_enrolment):
    apply = lambda enrolment: services.application_create(  # noqa: E731
        user=clerk, rule=training_rule, amount=Decimal("1500"), enrolment=enrolment
    )
    with pytest.raises(ValidationError, match="不符合职业培训补贴条件：无证书"):
        apply(make_enrolment(certificate=""))
    with pytest.raises(ValidationError, match="不符合职业培训补贴条件：未结业"):
        apply(make_enrolment(certificate="", completed=False))
    with pytest.raises(ValidationError, match="职业培训补贴须选择参训记录"):
        apply(None)
    application = apply(make_enrolment())
    assert application.trainee == application.enrolment.trainee


def test_a_training_rule_for_one_certificate_refuses_another(clerk, make_enrolment):
    rule = SubsidyRuleFactory(certificate=LEVEL_3)
    with pytest.raises(ValidationError, match="证书与规则不符"):
        services.application_create(user=clerk, rule=rule, amount=Decimal("100"), enrolment=make_enrolment())


def test_once_for_the_same_occupation_and_level(clerk, training_rule, make_enrolment):
    trainee = TraineeFactory()
    nursing = Occupation.objects.get(name="母婴护理员")
    apply = lambda enrolment: services.application_create(  # noqa: E731
        user=clerk, rule=training_rule, amount=Decimal("1000"), enrolment=enrolment
    )
    apply(make_enrolment(trainee, occupation=nursing, certificate=LEVEL_4))
    with pytest.raises(ValidationError, match="已就同一工种同一等级享受过职业培训补贴"):
        apply(make_enrolment(trainee, occupation=nursing, certificate=LEVEL_4, start_date=datetime.date(2024, 5, 1)))
    # Another level of the same occupation, or the same level of another, is a new subsidy.
    apply(make_enrolment(trainee, occupation=nursing, certificate=LEVEL_3, start_date=datetime.date(2024, 6, 1)))
    apply(make_enrolment(trainee, occupation=Occupation.objects.get(name="养老护理员"), certificate=LEVEL_4))


def test_the_same_enrolment_cannot_be_applied_for_twice(clerk, training_rule, make_enrolment, settings):
    settings.SUBSIDY_TRAINING_ONCE_PER_OCCUPATION_LEVEL = False
    enrolment = make_enrolment()
    services.application_create(user=clerk, rule=training_rule, amount=Decimal("1000"), enrolment=enrolment)
    with pytest.raises(ValidationError, match="该参训记录已申请过职业培训补贴"):
        services.application_create(user=clerk, rule=training_rule, amount=Decimal("1000"), enrolment=enrolment)


def test_once_per_occupation_and_level_is_a_setting(clerk, training_rule, make_enrolment, settings):
    settings.SUBSIDY_TRAINING_ONCE_PER_OCCUPATION_LEVEL = False
    trainee = TraineeFactory()
    for month in (3, 5):
        services.application_create(
            user=clerk,
            rule=training_rule,
            amount=Decimal("1000"),
            enrolment=make_enrolment(
                trainee, start_date=datetime.date(2024, month, 1), end_date=datetime.date(2024, month, 20)
            ),
        )
    assert SubsidyApplication.objects.filter(trainee=trainee).count() == 2


def _occupations(n):
    return list(Occupation.objects.order_by("id")[:n])


def test_at_most_three_training_subsidies_a_year(clerk, training_rule, make_enrolment):
    trainee = TraineeFactory()
    first, *others, fourth = [make_enrolment(trainee, occupation=o) for o in _occupations(4)]
    for enrolment in [first, *others]:
        services.application_create(user=clerk, rule=training_rule, amount=Decimal("500"), enrolment=enrolment)
    with pytest.raises(ValidationError, match="本年度已达 3 次"):
        services.application_create(user=clerk, rule=training_rule, amount=Decimal("500"), enrolment=fourth)
    # The next calendar year (of the batch's end date) starts again.
    next_year = make_enrolment(trainee, occupation=fourth.batch.occupation, year=2025)
    services.application_create(user=clerk, rule=training_rule, amount=Decimal("500"), enrolment=next_year)


def test_the_yearly_limit_is_a_setting_and_rejected_applications_do_not_count(
    clerk, training_rule, make_enrolment, settings, advance
):
    settings.SUBSIDY_TRAINING_MAX_PER_YEAR = 1
    trainee = TraineeFactory()
    first, second = [make_enrolment(trainee, occupation=o) for o in _occupations(2)]
    application = services.application_create(user=clerk, rule=training_rule, amount=Decimal("500"), enrolment=first)
    with pytest.raises(ValidationError, match="本年度已达 1 次"):
        services.application_create(user=clerk, rule=training_rule, amount=Decimal("500"), enrolment=second)
    advance(application, Status.REJECTED)
    services.application_create(user=clerk, rule=training_rule, amount=Decimal("500"), enrolment=second)


def test_bulk_applications_for_a_completed_batch_list_the_ineligible_with_reasons(
    clerk, training_rule, make_enrolment, area
):
    batch = TrainingBatchFactory(area=area, status=TrainingBatch.Status.COMPLETED)
    eligible = EnrolmentFactory(batch=batch, completed=True, certificate=LEVEL_4)
    no_certificate = EnrolmentFactory(batch=batch, completed=True)
    not_completed = EnrolmentFactory(batch=batch)
    already = EnrolmentFactory(batch=batch, completed=True, certificate=LEVEL_4)
    services.application_create(
        user=clerk,
        rule=training_rule,
        amount=Decimal("1000"),
        enrolment=make_enrolment(already.trainee, occupation=batch.occupation, start_date=datetime.date(2023, 1, 1)),
    )
    busy = EnrolmentFactory(batch=batch, completed=True, certificate=LEVEL_4)
    for occupation in _occupations(5)[1:4]:
        services.application_create(
            user=clerk,
            rule=training_rule,
            amount=Decimal("1000"),
            enrolment=make_enrolment(busy.trainee, occupation=occupation),
        )

    created, ineligible = services.training_subsidies_for_batch(user=clerk, batch=batch, rule=training_rule)

    assert [(a.enrolment, a.amount, a.status) for a in created] == [(eligible, Decimal("1500.00"), Status.DRAFT)]
    assert {(i.enrolment, i.reason) for i in ineligible} == {
        (no_certificate, "无证书"),
        (not_completed, "未结业"),
        (already, "已就同一工种同一等级享受过职业培训补贴"),
        (busy, "本年度已达 3 次"),
    }
    assert ApplicationTransition.objects.filter(application__in=created, to_status=Status.DRAFT).count() == 1
    # Running it again creates nothing: every enrolment is either applied for or ineligible.
    again, _ = services.training_subsidies_for_batch(user=clerk, batch=batch, rule=training_rule)
    assert again == []


def test_bulk_applications_are_refused_for_a_batch_not_completed_or_another_area(
    clerk, other_clerk, training_rule, area
):
    running = TrainingBatchFactory(area=area, status=TrainingBatch.Status.RUNNING)
    with pytest.raises(ValidationError, match="班期尚未结业"):
        services.training_subsidies_for_batch(user=clerk, batch=running, rule=training_rule)
    completed = TrainingBatchFactory(area=area, status=TrainingBatch.Status.COMPLETED)
    with pytest.raises(PermissionDenied, match="只能在本辖区（钦北区）登记补贴申请"):
        services.training_subsidies_for_batch(user=other_clerk, batch=completed, rule=training_rule)
    with pytest.raises(ValidationError, match="请选择职业培训补贴规则"):
        services.training_subsidies_for_batch(
            user=clerk, batch=completed, rule=SubsidyRule.objects.get(kind="expert_studio")
        )


# --- who may create -------------------------------------------------------------------------------


def test_only_a_clerk_of_the_area_or_the_city_administrator_creates(
    base_application, other_clerk, reviewer, city_admin, city_viewer
):
    with pytest.raises(PermissionDenied, match="只能在本辖区（钦北区）登记补贴申请"):
        base_application(user=other_clerk)
    for user in (reviewer, city_viewer):
        with pytest.raises(PermissionDenied, match="只有县区经办员、市人社局经办员或市人社局管理员可以登记补贴申请"):
            base_application(user=user)
    assert base_application(user=city_admin).created_by == city_admin


# --- outcomes and labour export -------------------------------------------------------------------


def test_person_subsidies_from_outcomes_need_the_right_outcome(clerk, area):
    from employment.tests.factories import EmploymentOutcomeFactory, LabourExportFactory

    startup_rule = SubsidyRuleFactory(kind="startup", amount_type="fixed", amount=Decimal("5000"))
    employed = EmploymentOutcomeFactory(area=area)
    with pytest.raises(ValidationError, match="一次性创业补贴须为创业结果"):
        services.application_create(user=clerk, rule=startup_rule, amount=Decimal("5000"), outcome=employed)
    business = EmploymentOutcomeFactory(area=area, kind="entrepreneurship")
    services.application_create(user=clerk, rule=startup_rule, amount=Decimal("5000"), outcome=business)
    with pytest.raises(ValidationError, match="该就业创业结果已申请过该项补贴"):
        services.application_create(user=clerk, rule=startup_rule, amount=Decimal("5000"), outcome=business)

    transport_rule = SubsidyRuleFactory(kind="transport", amount=Decimal("500"))
    with pytest.raises(ValidationError, match="一次性交通补助须为有组织劳务输出的就业结果"):
        services.application_create(user=clerk, rule=transport_rule, amount=Decimal("300"), outcome=employed)
    exported = EmploymentOutcomeFactory(area=area, labour_export=LabourExportFactory(area=area))
    services.application_create(user=clerk, rule=transport_rule, amount=Decimal("300"), outcome=exported)


def test_the_labour_export_service_subsidy_goes_to_the_agency_once_per_group(clerk, area):
    from employment.tests.factories import LabourExportFactory

    rule = SubsidyRuleFactory(kind="export_service", amount=Decimal("20000"))
    export = LabourExportFactory(area=area)
    options = {"user": clerk, "rule": rule, "amount": Decimal("8000"), "labour_export": export}
    with pytest.raises(ValidationError, match="补贴单位须为组织该批劳务输出的人力资源服务机构"):
        services.application_create(organisation=OrganisationFactory(area=area), **options)
    services.application_create(organisation=export.agency, **options)
    with pytest.raises(ValidationError, match="该批劳务输出已申请过就业创业服务补助"):
        services.application_create(organisation=export.agency, **options)


# --- evidence -------------------------------------------------------------------------------------


def test_evidence_is_kept_with_its_original_name(base_application, clerk, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    application = base_application()
    evidence = services.evidence_add(
        application=application, user=clerk, file=SimpleUploadedFile("认定文件.pdf", b"%PDF-1.4", "application/pdf")
    )
    assert evidence.original_name == "认定文件.pdf"
    assert evidence.file.name.startswith(f"subsidies/evidence/{datetime.date.today():%Y/%m}/")
    with pytest.raises(ValidationError, match="证明材料只接受"):
        services.evidence_add(application=application, user=clerk, file=SimpleUploadedFile("run.exe", b"MZ"))


def test_a_role_outside_the_path_cannot_create(make_staff, base_application):
    nobody = make_staff(Role.CITY_VIEWER, username="viewer2")
    with pytest.raises(PermissionDenied):
        base_application(user=nobody)


def test_bulk_applications_read_a_constant_number_of_queries(clerk, training_rule, area, django_assert_max_num_queries):
    batch = TrainingBatchFactory(area=area, status=TrainingBatch.Status.COMPLETED)
    for n in range(8):
        EnrolmentFactory(batch=batch, completed=True, certificate=LEVEL_4 if n % 2 else "")
    # The rules in force with their scopes (3) and the people's categories (1) are read once too.
    with django_assert_max_num_queries(14):
        created, ineligible = services.training_subsidies_for_batch(user=clerk, batch=batch, rule=training_rule)
    assert (len(created), len(ineligible)) == (4, 4)
