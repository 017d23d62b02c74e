"""Demo 就业补助资金 budgets, per-person training-subsidy rules and applications in every state, 退回修改
(with its reason) and a city-level organisation's award submitted by the city clerk included (idempotent),
for `load_demo`.

Applications go through the services, as the clerks, reviewers and the city administrator would move
them. Budgets and rules are the city administrator's settings (made in the admin, which has no service
layer): they are written here the same way, validated, once. Every amount below is a demo value, not an
official one, and says so."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from brands.models import Area, Occupation, Recognition
from employment.models import EmploymentOutcome
from subsidies import services
from subsidies.models import Beneficiary, Budget, EvidenceKind, SubsidyApplication, SubsidyKind, SubsidyRule
from training.models import Enrolment, PriorityCategory, TrainingBatch

DEMO_NOTE = "演示数据"
DEMO_BASIS = "演示数据：金额由市人社局按规定核定。此处金额仅用于演示，不是官方标准。"
DEMO_COMMENT = "演示数据：按班期结业证书申请职业培训补贴"
DEMO_PDF = b"%PDF-1.4\n% demo evidence\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
CITY_COMMENT = "演示数据：市级劳务品牌龙头企业一次性奖补，由市人社局经办员申报"
RULES_FROM = datetime.date(2022, 7, 13)  # 钦政办〔2022〕22号
BUDGET_YEARS = (2024, 2025, 2026)
CITY_BUDGET = Decimal("2000000.00")
AREA_BUDGET = Decimal("500000.00")

# (certificate, name, demo cap in yuan)
TRAINING_RULES = [
    (Enrolment.Certificate.LEVEL_5, "职业培训补贴（五级/初级工，演示）", Decimal("1000.00")),
    (Enrolment.Certificate.LEVEL_4, "职业培训补贴（四级/中级工，演示）", Decimal("1500.00")),
    (Enrolment.Certificate.LEVEL_3, "职业培训补贴（三级/高级工，演示）", Decimal("2000.00")),
    (Enrolment.Certificate.SPECIAL, "职业培训补贴（专项职业能力，演示）", Decimal("600.00")),
]

# Rules with a scope (#14): per-person subsidies reserved for the groups the plan names (三（二）1: 社会保险补贴
# and 一次性交通补助 for 脱贫人口、农村低收入人口等困难群体; 三（三）2: 一次性创业补贴 for 高校毕业生、农民工、就业困难人员),
# a higher training standard for two occupations, and the 创业培训 certificate's own standard.
# (kind, name, amount type, demo amount, certificate, occupations, eligible category codes, required evidence codes)
SCOPED_RULES = [
    (
        SubsidyKind.TRANSPORT,
        "一次性交通补助（脱贫人口等困难群体，演示）",
        SubsidyRule.AmountType.FIXED,
        Decimal("500.00"),
        "",
        (),
        ("poverty-alleviated", "rural-low-income", "relapse-monitoring", "relocated"),
        ("id-document", "category-proof", "export-roster"),
    ),
    (
        SubsidyKind.SOCIAL_INSURANCE,
        "社会保险补贴（脱贫人口等困难群体，演示）",
        SubsidyRule.AmountType.CAP,
        Decimal("3000.00"),
        "",
        (),
        ("poverty-alleviated", "rural-low-income", "relapse-monitoring", "employment-difficulty"),
        ("id-document", "category-proof", "labour-contract", "social-insurance"),
    ),
    (
        SubsidyKind.STARTUP,
        "一次性创业补贴（高校毕业生、农民工、就业困难人员，演示）",
        SubsidyRule.AmountType.FIXED,
        Decimal("5000.00"),
        "",
        (),
        ("graduate", "migrant-worker", "employment-difficulty", "poverty-alleviated"),
        ("id-document", "business-licence"),
    ),
    (
        SubsidyKind.TRAINING,
        "职业培训补贴（母婴护理员、养老护理员五级，演示）",
        SubsidyRule.AmountType.CAP,
        Decimal("1200.00"),
        Enrolment.Certificate.LEVEL_5,
        ("母婴护理员", "养老护理员"),
        (),
        (),
    ),
    (
        SubsidyKind.TRAINING,
        "创业培训补贴（创业培训合格证书，演示）",
        SubsidyRule.AmountType.CAP,
        Decimal("800.00"),
        Enrolment.Certificate.ENTREPRENEURSHIP,
        (),
        (),
        ("id-document", "certificate"),
    ),
]

Status = SubsidyApplication.Status
# The states the demo applications of each area end in, one application each.
TARGET_STATES = [Status.PAID, Status.APPROVED, Status.REVIEWED, Status.SUBMITTED, Status.DRAFT, Status.REJECTED]


def load(*, clerks: dict, reviewers: dict, city_admin, city_clerk=None) -> dict[str, int]:
    """`clerks` and `reviewers` map area codes to the demo accounts of that area."""
    _budgets()
    _rules()
    if city_admin is not None and not SubsidyApplication.objects.filter(comment=DEMO_COMMENT).exists():
        _applications(clerks=clerks, reviewers=reviewers, city_admin=city_admin)
    _startup_application(clerks)
    _entrepreneurship_drafts(clerks)
    if city_clerk is not None:
        _city_level_application(city_clerk)
    return {
        "budgets": Budget.objects.count(),
        "rules": SubsidyRule.objects.count(),
        "applications": SubsidyApplication.objects.count(),
    }


def _city_level_application(city_clerk) -> None:
    """The 市级龙头企业 award of the city's demo organisation, recorded and submitted by the city clerk: it waits
    for the city administrator's approval (no county reviewer owns the city area)."""
    recognition = (
        Recognition.objects.filter(
            organisation__area__kind=Area.Kind.CITY,
            kind=Recognition.Kind.LEADING_ENTERPRISE,
            level=Recognition.Level.CITY,
        )
        .select_related("organisation")
        .order_by("id")
        .first()
    )
    rule = SubsidyRule.objects.filter(
        kind=SubsidyKind.LEADING_ENTERPRISE, level=SubsidyRule.Level.CITY, active=True, amount__isnull=False
    ).first()
    if recognition is None or rule is None or SubsidyApplication.objects.filter(recognition=recognition).exists():
        return
    application = services.application_create(
        user=city_clerk,
        rule=rule,
        amount=rule.amount,
        organisation=recognition.organisation,
        recognition=recognition,
        comment=CITY_COMMENT,
    )
    services.application_submit(application=application, user=city_clerk, comment="认定文件及投入明细已上传。")


def _budgets() -> None:
    # The current year too, should the demo be loaded after 2026: approvals draw on this year's budget.
    for year in sorted({*BUDGET_YEARS, timezone.localdate().year}):
        for area in Area.objects.all():
            if Budget.objects.filter(year=year, area=area).exists():
                continue  # an amount the administrator has set is kept
            amount = CITY_BUDGET if area.kind == Area.Kind.CITY else AREA_BUDGET
            budget = Budget(year=year, area=area, amount=amount, note=f"{DEMO_NOTE}：{year}年度就业补助资金（示例）")
            budget.full_clean()
            budget.save()


def _rules() -> None:
    for certificate, name, amount in TRAINING_RULES:
        if not SubsidyRule.objects.filter(
            kind=SubsidyKind.TRAINING, certificate=certificate, effective_from=RULES_FROM
        ).exists():
            _rule_create(SubsidyKind.TRAINING, name, SubsidyRule.AmountType.CAP, amount, certificate)
    for kind, name, amount_type, amount, certificate, occupations, categories, evidence in SCOPED_RULES:
        if SubsidyRule.objects.filter(kind=kind, name=name).exists():
            continue  # what the administrator has changed since is kept
        rule = _rule_create(kind, name, amount_type, amount, certificate)
        rule.occupations.set(Occupation.objects.filter(name__in=occupations))
        rule.eligible_categories.set(PriorityCategory.objects.filter(code__in=categories))
        rule.required_evidence.set(EvidenceKind.objects.filter(code__in=evidence))


def _rule_create(kind, name, amount_type, amount, certificate) -> SubsidyRule:
    rule = SubsidyRule(
        kind=kind,
        name=name,
        beneficiary=Beneficiary.PERSON,
        amount_type=amount_type,
        amount=amount,
        certificate=certificate,
        effective_from=RULES_FROM,
        legal_basis=DEMO_BASIS,
    )
    rule.full_clean()
    rule.save()
    return rule


def _attach_required(application: SubsidyApplication, clerk) -> None:
    """One demo PDF for each kind of material the rule requires, so the application may be submitted."""
    for kind in application.rule.required_evidence.all():
        services.evidence_add(
            application=application,
            user=clerk,
            kind=kind,
            file=SimpleUploadedFile(f"{kind.name[:20]}（演示）.pdf", DEMO_PDF, content_type="application/pdf"),
        )


def _startup_application(clerks: dict) -> None:
    """A draft 一次性创业补贴 for a person in one of the rule's groups, its required materials not yet all
    uploaded: the page shows what is missing (idempotent: one such draft)."""
    rule = SubsidyRule.objects.filter(kind=SubsidyKind.STARTUP, name=SCOPED_RULES[2][1]).first()
    if rule is None or SubsidyApplication.objects.filter(rule=rule).exists():
        return
    outcomes = EmploymentOutcome.objects.filter(
        kind=EmploymentOutcome.Kind.ENTREPRENEURSHIP,
        area__code__in=list(clerks),
        trainee__categories__in=rule.eligible_categories.all(),
    ).order_by("start_date", "id")
    for outcome in outcomes.select_related("area", "trainee")[:5]:
        try:
            application = services.application_create(
                user=clerks[outcome.area.code],
                rule=rule,
                amount=rule.amount,
                outcome=outcome,
                comment="演示数据：一次性创业补贴，身份证明已上传，营业执照待补",
            )
        except ValidationError:
            continue
        services.evidence_add(
            application=application,
            user=clerks[outcome.area.code],
            kind=EvidenceKind.objects.get(code="id-document"),
            file=SimpleUploadedFile("身份证明（演示）.pdf", DEMO_PDF, content_type="application/pdf"),
        )
        return


def _entrepreneurship_drafts(clerks: dict) -> None:
    """The drafts a clerk makes in one step from a completed 创业培训 batch, at the 创业培训合格证书's own
    standard (idempotent: only while that rule has no application)."""
    rule = SubsidyRule.objects.filter(kind=SubsidyKind.TRAINING, name=SCOPED_RULES[4][1]).first()
    if rule is None or SubsidyApplication.objects.filter(rule=rule).exists():
        return
    batches = TrainingBatch.objects.filter(
        mode=TrainingBatch.Mode.ENTREPRENEURSHIP,
        status=TrainingBatch.Status.COMPLETED,
        area__code__in=list(clerks),
        enrolments__certificate=Enrolment.Certificate.ENTREPRENEURSHIP,
    ).distinct()
    for batch in batches.select_related("area").order_by("end_date", "id")[:1]:
        services.training_subsidies_for_batch(user=clerks[batch.area.code], batch=batch)


def _applications(*, clerks: dict, reviewers: dict, city_admin) -> None:
    today = timezone.localdate()
    in_force = services.training_rules_in_force(today)  # each person gets the most specific standard
    voucher = 0
    for number, area in enumerate(Area.objects.exclude(kind=Area.Kind.CITY).order_by("sort_order")):
        clerk, reviewer = clerks.get(area.code), reviewers.get(area.code)
        if clerk is None or reviewer is None:
            continue
        enrolments = (
            Enrolment.objects.filter(batch__area=area, completed=True)
            .exclude(certificate="")
            .select_related("trainee", "batch")
            .prefetch_related("trainee__categories")
            .order_by("batch__end_date", "id")
        )
        states = iter(TARGET_STATES)
        state = next(states)
        for enrolment in enrolments:
            category_ids = {category.pk for category in enrolment.trainee.categories.all()}
            rule = services.training_rule_for(enrolment, in_force, category_ids)
            if rule is None:
                continue
            try:
                application = services.application_create(
                    user=clerk, rule=rule, amount=rule.amount, enrolment=enrolment, comment=DEMO_COMMENT
                )
            except ValidationError:
                continue  # not eligible (e.g. already subsidised for this occupation and level)
            if state == Status.DRAFT and number % 2:
                # A draft the reviewer returned for correction, waiting for the clerk.
                _attach_required(application, clerk)
                services.application_submit(application=application, user=clerk)
                services.application_return(
                    application=application, user=reviewer, reason="请补充结业证书复印件后重新提交。"
                )
            elif state != Status.DRAFT:
                _attach_required(application, clerk)
                services.application_submit(application=application, user=clerk)
            if state == Status.REJECTED:
                services.application_reject(
                    application=application, user=reviewer, reason="证书信息与花名册不一致，不予受理。"
                )
            if state in (Status.REVIEWED, Status.APPROVED, Status.PAID):
                services.application_review(application=application, user=reviewer, comment="材料齐全，同意。")
            if state in (Status.APPROVED, Status.PAID):
                services.application_approve(application=application, user=city_admin, comment="同意拨付。")
            if state == Status.PAID:
                voucher += 1
                services.application_mark_paid(
                    application=application,
                    user=city_admin,
                    paid_on=today,
                    voucher_number=f"演示-{today:%Y}-{voucher:04d}",
                )
            state = next(states, None)
            if state is None:
                break
