"""Every write of the subsidies app: applications, their path from county to city, evidence, and the
bulk training-subsidy applications of a completed batch.

Each transition locks the application row, checks the state it starts from, the actor's role and
area, and that nobody passes what they themselves created, submitted or reviewed; then it saves with
`update_fields` and records an ApplicationTransition. Approval locks the budget row it draws on, so
two approvals racing for the last money cannot both win."""

import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Prefetch, Q, Sum
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.roles import CLERK_ROLES, Role
from accounts.scoping import require_area, scope_for
from brands.models import CITY_AREA_CODE, Area, Organisation, Recognition
from core.db import lock_in_id_order
from employment.models import EmploymentOutcome, LabourExport
from training.models import Enrolment, Trainee, TrainingBatch

from . import evidence as evidence_files
from .models import (
    RECOGNITION_KIND_FOR,
    ApplicationEvidence,
    ApplicationTransition,
    Beneficiary,
    Budget,
    EvidenceKind,
    SubsidyApplication,
    SubsidyKind,
    SubsidyRule,
)
from .workflow import Step, step_check

Status = SubsidyApplication.Status
LIVE_STATUSES = [s for s in Status.values if s != Status.REJECTED]
COMMITTED_STATUSES = [Status.APPROVED, Status.PAID]
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024


# --- who may act ----------------------------------------------------------------------------------


def _creating_area(user, area: Area) -> None:
    """A clerk records applications of their own area (the city clerk: of the city's own area, a city-level
    organisation's); the city administrator of any area."""
    if scope_for(user).role not in {*CLERK_ROLES, Role.CITY_ADMIN}:
        raise PermissionDenied("只有县区经办员、市人社局经办员或市人社局管理员可以登记补贴申请。")
    require_area(user, area, action="登记补贴申请")


# --- eligibility ----------------------------------------------------------------------------------


def _check_amount(rule: SubsidyRule, amount: Decimal) -> None:
    if rule.amount is None:
        raise ValidationError("该补贴规则尚未设定金额，请联系市人社局管理员。")
    if amount is None or amount <= 0:
        raise ValidationError("申请金额必须大于 0。")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError("申请金额最多保留两位小数。")
    if rule.amount_type == SubsidyRule.AmountType.FIXED and amount != rule.amount:
        raise ValidationError(f"该补贴为定额补贴，申请金额须为 {rule.amount} 元。")
    if rule.amount_type == SubsidyRule.AmountType.CAP and amount > rule.amount:
        raise ValidationError(f"申请金额超过该补贴的最高限额 {rule.amount} 元。")


def _names(objects) -> str:
    return "、".join(str(obj) for obj in objects)


def category_refusal(rule: SubsidyRule, category_ids: set[int]) -> str | None:
    """Why a person in `category_ids` is outside the groups `rule` is reserved for (None: inside, or
    the rule is for everyone). The registry keeps a person's current categories; the application is made
    on the day it is checked, so current membership is membership on the application date."""
    eligible = list(rule.eligible_categories.all())
    if not eligible or category_ids & {category.pk for category in eligible}:
        return None
    return f"该补贴仅限{_names(eligible)}，该人员登记的人员类别不在其中"


def _qualifying(rule: SubsidyRule, category_ids: set[int]) -> list[int]:
    return sorted(category_ids & {category.pk for category in rule.eligible_categories.all()})


def training_scope_refusal(rule: SubsidyRule, enrolment: Enrolment) -> str | None:
    """Why `rule` is not the standard for `enrolment`'s occupation and certificate (None: it is one)."""
    if (
        enrolment.certificate == Enrolment.Certificate.ENTREPRENEURSHIP
        and enrolment.batch.mode != TrainingBatch.Mode.ENTREPRENEURSHIP
    ):
        return "创业培训合格证书只适用于创业培训班期"
    occupations = list(rule.occupations.all())
    if occupations and enrolment.batch.occupation_id not in {occupation.pk for occupation in occupations}:
        return f"规则“{rule.name}”仅适用于{_names(occupations)}"
    if rule.certificate and enrolment.certificate != rule.certificate:
        return f"证书与规则不符（规则要求：{rule.get_certificate_display()}）"
    return None


def _specificity(rule: SubsidyRule) -> tuple:
    """The most specific standard wins: scoped to the occupation, then to the certificate, then to a
    group of people; among equals the newest."""
    return (
        bool(rule.occupations.all()),
        bool(rule.certificate),
        bool(rule.eligible_categories.all()),
        rule.effective_from,
        rule.pk,
    )


def training_rules_in_force(day: datetime.date) -> list[SubsidyRule]:
    """The training-subsidy rules in force on `day` with an amount set, their scopes prefetched."""
    return list(
        SubsidyRule.objects.filter(kind=SubsidyKind.TRAINING, active=True, amount__isnull=False)
        .filter(effective_from__lte=day)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=day))
        .prefetch_related("occupations", "eligible_categories")
    )


def training_rule_for(enrolment: Enrolment, rules: list[SubsidyRule], category_ids: set[int]) -> SubsidyRule | None:
    """The most specific of `rules` that applies to this enrolment and person, or None."""
    applicable = [
        rule
        for rule in rules
        if not training_scope_refusal(rule, enrolment) and not category_refusal(rule, category_ids)
    ]
    return max(applicable, key=_specificity, default=None)


@dataclass
class TrainingHistory:
    """The live training-subsidy applications of a set of people, read once, updated as drafts are made."""

    enrolment_ids: set[int]
    occupation_levels: set[tuple[int, int, str]]  # (trainee, occupation, certificate)
    per_year: Counter  # (trainee, year of the batch end date) -> applications

    @classmethod
    def of(cls, trainee_ids) -> "TrainingHistory":
        rows = SubsidyApplication.objects.filter(
            kind=SubsidyKind.TRAINING, trainee_id__in=trainee_ids, status__in=LIVE_STATUSES
        ).values_list(
            "enrolment_id",
            "trainee_id",
            "enrolment__batch__occupation_id",
            "enrolment__certificate",
            "enrolment__batch__end_date",
        )
        history = cls(set(), set(), Counter())
        for enrolment_id, trainee_id, occupation_id, certificate, end_date in rows:
            history.add(enrolment_id, trainee_id, occupation_id, certificate, end_date.year)
        return history

    def add(self, enrolment_id, trainee_id, occupation_id, certificate, year) -> None:
        self.enrolment_ids.add(enrolment_id)
        self.occupation_levels.add((trainee_id, occupation_id, certificate))
        self.per_year[(trainee_id, year)] += 1

    def record(self, enrolment: Enrolment) -> None:
        self.add(
            enrolment.pk,
            enrolment.trainee_id,
            enrolment.batch.occupation_id,
            enrolment.certificate,
            enrolment.batch.end_date.year,
        )

    def refusal(
        self, enrolment: Enrolment, rule: SubsidyRule | None, *, rules: list[SubsidyRule], category_ids: set[int]
    ) -> str | None:
        """Why `enrolment` earns no training subsidy under `rule` (None: it does). `rules` are the rules
        in force: a rule is the standard only where no more specific one applies."""
        if not enrolment.completed:
            return "未结业"
        if not enrolment.certificate:
            return "无证书"
        best = training_rule_for(enrolment, rules, category_ids)
        if rule is None:
            if best is None:
                return "没有适用于该工种、证书和人员类别的职业培训补贴规则"
        else:
            reason = training_scope_refusal(rule, enrolment) or category_refusal(rule, category_ids)
            if reason:
                return reason
            if best is not None and best.pk != rule.pk and _specificity(best) > _specificity(rule):
                return (
                    f"该参训记录适用的补贴标准为“{best.name}”（限定工种、证书或人员类别的规则优先，其次是较新的规则）"
                )
        if enrolment.pk in self.enrolment_ids:
            return "该参训记录已申请过职业培训补贴"
        key = (enrolment.trainee_id, enrolment.batch.occupation_id, enrolment.certificate)
        if settings.SUBSIDY_TRAINING_ONCE_PER_OCCUPATION_LEVEL and key in self.occupation_levels:
            return "已就同一工种同一等级享受过职业培训补贴"
        limit = settings.SUBSIDY_TRAINING_MAX_PER_YEAR
        year = enrolment.batch.end_date.year
        if self.per_year[(enrolment.trainee_id, year)] >= limit:
            return f"本年度已达 {limit} 次"
        return None


def _check_rule(rule: SubsidyRule, today: datetime.date) -> None:
    if not rule.is_effective_on(today):
        raise ValidationError("该补贴规则未启用或不在有效期内。")


def _organisation_target(rule, *, organisation, recognition, labour_export) -> dict:
    if rule.kind in RECOGNITION_KIND_FOR:
        if recognition is None:
            raise ValidationError("奖补须选择使该单位符合条件的认定。")
        if recognition.organisation_id != organisation.pk:
            raise ValidationError("所选认定不属于该单位。")
        if recognition.kind != RECOGNITION_KIND_FOR[rule.kind]:
            raise ValidationError(f"该奖补须有{Recognition.Kind(RECOGNITION_KIND_FOR[rule.kind]).label}认定。")
        if rule.level and recognition.level != rule.level:
            raise ValidationError(f"该奖补仅适用于{rule.get_level_display()}认定。")
        if SubsidyApplication.objects.filter(recognition=recognition, status__in=LIVE_STATUSES).exists():
            raise ValidationError("该认定已申请过奖补，不能重复申请。")
        return {"organisation": organisation, "recognition": recognition}
    # 就业创业服务补助: the HR agency that organised a labour-export group.
    if labour_export is None:
        raise ValidationError("就业创业服务补助须选择有组织劳务输出记录。")
    if labour_export.agency_id != organisation.pk:
        raise ValidationError("补贴单位须为组织该批劳务输出的人力资源服务机构。")
    if organisation.kind != Organisation.Kind.HR_AGENCY:
        raise ValidationError("就业创业服务补助只发给人力资源服务机构。")
    if SubsidyApplication.objects.filter(
        kind=rule.kind, labour_export=labour_export, trainee__isnull=True, status__in=LIVE_STATUSES
    ).exists():
        raise ValidationError("该批劳务输出已申请过就业创业服务补助。")
    return {"organisation": organisation, "labour_export": labour_export}


# What outcome each person kind (other than training) needs, and the refusal when it is missing.
OUTCOME_REQUIREMENTS = {
    SubsidyKind.TRANSPORT: (lambda o: o.labour_export_id is not None, "一次性交通补助须为有组织劳务输出的就业结果。"),
    SubsidyKind.SOCIAL_INSURANCE: (
        lambda o: o.kind == EmploymentOutcome.Kind.EMPLOYED and o.social_insurance,
        "社会保险补贴须为已缴纳社会保险的就业结果。",
    ),
    SubsidyKind.STARTUP: (lambda o: o.kind == EmploymentOutcome.Kind.ENTREPRENEURSHIP, "一次性创业补贴须为创业结果。"),
    SubsidyKind.STARTUP_JOBS: (
        lambda o: o.kind == EmploymentOutcome.Kind.ENTREPRENEURSHIP and o.jobs_created > 0,
        "创业带动就业补贴须为带动就业人数大于 0 的创业结果。",
    ),
}


def _category_ids(trainee_id: int) -> set[int]:
    return set(
        Trainee.categories.through.objects.filter(trainee_id=trainee_id).values_list("prioritycategory_id", flat=True)
    )


def _person_target(rule, *, enrolment, outcome) -> tuple[dict, Area, set[int]]:
    if rule.kind == SubsidyKind.TRAINING:
        if enrolment is None:
            raise ValidationError("职业培训补贴须选择参训记录。")
        # One person's applications are serialised so the per-person limits cannot be raced past.
        Trainee.objects.select_for_update().filter(pk=enrolment.trainee_id).first()
        category_ids = _category_ids(enrolment.trainee_id)
        reason = TrainingHistory.of([enrolment.trainee_id]).refusal(
            enrolment, rule, rules=training_rules_in_force(timezone.localdate()), category_ids=category_ids
        )
        if reason:
            raise ValidationError(f"不符合职业培训补贴条件：{reason}。")
        return {"trainee": enrolment.trainee, "enrolment": enrolment}, enrolment.batch.area, category_ids
    if outcome is None:
        raise ValidationError("请选择使该人员符合条件的就业创业结果。")
    check, message = OUTCOME_REQUIREMENTS[rule.kind]
    if not check(outcome):
        raise ValidationError(message)
    category_ids = _category_ids(outcome.trainee_id)
    reason = category_refusal(rule, category_ids)
    if reason:
        raise ValidationError(f"{reason}（{outcome.trainee.name}）。如人员类别有误，请先更正学员登记信息。")
    if SubsidyApplication.objects.filter(kind=rule.kind, outcome=outcome, status__in=LIVE_STATUSES).exists():
        raise ValidationError("该就业创业结果已申请过该项补贴。")
    return {"trainee": outcome.trainee, "outcome": outcome}, outcome.area, category_ids


def _record(application: SubsidyApplication, *, from_status: str, by, comment: str = "") -> ApplicationTransition:
    return ApplicationTransition.objects.create(
        application=application, from_status=from_status, to_status=application.status, by=by, comment=comment
    )


@transaction.atomic
def application_create(
    *,
    user,
    rule: SubsidyRule,
    amount: Decimal,
    organisation: Organisation | None = None,
    recognition: Recognition | None = None,
    labour_export: LabourExport | None = None,
    enrolment: Enrolment | None = None,
    outcome: EmploymentOutcome | None = None,
    comment: str = "",
) -> SubsidyApplication:
    """A draft application. Its area is where the eligibility arose: the organisation's area, the area
    that ran the batch, or the area that recorded the outcome."""
    _check_rule(rule, timezone.localdate())
    _check_amount(rule, amount)
    category_ids: set[int] = set()
    if rule.beneficiary == Beneficiary.ORGANISATION:
        if enrolment is not None or outcome is not None:
            raise ValidationError("单位补贴不能选择个人的参训记录或就业结果。")
        if organisation is None:
            raise ValidationError("请选择补贴单位。")
        if rule.kind in RECOGNITION_KIND_FOR and labour_export is not None:
            raise ValidationError("奖补不能选择劳务输出批次。")
        # A labour-export subsidy belongs to the area that sent the group; an award to the organisation's area.
        area = labour_export.area if labour_export is not None else organisation.area
        _creating_area(user, area)
        target = _organisation_target(
            rule, organisation=organisation, recognition=recognition, labour_export=labour_export
        )
    else:
        if organisation is not None or recognition is not None or labour_export is not None:
            raise ValidationError("个人补贴不能选择单位、认定或劳务输出批次。")
        source = enrolment.batch if enrolment is not None else outcome
        if source is not None:
            _creating_area(user, source.area)
        target, area, category_ids = _person_target(rule, enrolment=enrolment, outcome=outcome)
    application = SubsidyApplication(
        rule=rule, kind=rule.kind, area=area, amount=amount, comment=comment.strip(), created_by=user, **target
    )
    application.full_clean()
    application._history_user = user  # the change history names the actor outside a request too
    application.save()
    application.qualifying_categories.set(_qualifying(rule, category_ids))
    _record(application, from_status="", by=user)
    return application


@dataclass(frozen=True)
class Ineligible:
    enrolment: Enrolment
    reason: str


@transaction.atomic
def training_subsidies_for_batch(
    *, user, batch: TrainingBatch, rule: SubsidyRule | None = None
) -> tuple[list[SubsidyApplication], list[Ineligible]]:
    """Draft training-subsidy applications for every eligible enrolment of a completed batch, and the
    ineligible ones with the reason for each. Each draft is at the amount of the most specific rule in
    force for its occupation, certificate and person; given `rule`, only enrolments whose standard it is."""
    today = timezone.localdate()
    if rule is not None:
        if rule.kind != SubsidyKind.TRAINING:
            raise ValidationError("请选择职业培训补贴规则。")
        _check_rule(rule, today)
        if rule.amount is None:
            raise ValidationError("该补贴规则尚未设定金额，请联系市人社局管理员。")
    if batch.status != TrainingBatch.Status.COMPLETED:
        raise ValidationError("班期尚未结业，不能批量申请职业培训补贴。")
    _creating_area(user, batch.area)
    rules = training_rules_in_force(today)
    if rule is not None:
        rule = next((r for r in rules if r.pk == rule.pk), rule)  # with its scopes prefetched
    enrolments = list(
        Enrolment.objects.filter(batch=batch)
        .select_related("trainee", "batch")
        .prefetch_related(Prefetch("trainee__categories", to_attr="category_list"))
        .order_by("trainee__name", "id")
    )
    trainee_ids = [e.trainee_id for e in enrolments]
    # Lock the people first, then read their history: a concurrent single application waits.
    lock_in_id_order(Trainee.objects.filter(pk__in=trainee_ids))
    history = TrainingHistory.of(trainee_ids)
    drafts, ineligible, qualifying = [], [], []
    for enrolment in enrolments:
        category_ids = {category.pk for category in enrolment.trainee.category_list}
        reason = history.refusal(enrolment, rule, rules=rules, category_ids=category_ids)
        if reason:
            ineligible.append(Ineligible(enrolment, reason))
            continue
        chosen = rule or training_rule_for(enrolment, rules, category_ids)
        history.record(enrolment)
        qualifying.append(_qualifying(chosen, category_ids))
        drafts.append(
            SubsidyApplication(
                rule=chosen,
                kind=chosen.kind,
                area=batch.area,
                trainee_id=enrolment.trainee_id,
                enrolment=enrolment,
                amount=chosen.amount,
                created_by=user,
            )
        )
    created = bulk_create_with_history(drafts, SubsidyApplication, default_user=user)
    ApplicationTransition.objects.bulk_create(
        ApplicationTransition(application=a, from_status="", to_status=Status.DRAFT, by=user, comment="按班期批量生成")
        for a in created
    )
    through = SubsidyApplication.qualifying_categories.through
    through.objects.bulk_create(
        through(subsidyapplication_id=application.pk, prioritycategory_id=category_id)
        for application, category_ids in zip(created, qualifying, strict=True)
        for category_id in category_ids
    )
    return created, ineligible


# --- the path -------------------------------------------------------------------------------------


def _locked_step(application: SubsidyApplication, *, action: str, user) -> Step:
    """The step `user` takes by `action`, checked against the stored application, row-locked for the rest of
    the transaction (the caller's object is refreshed first), or the refusal (workflow.step_check)."""
    application.refresh_from_db(from_queryset=SubsidyApplication.objects.select_for_update())
    return step_check(application, action=action, user=user)


def _move(application, *, to: str, by, comment: str = "", fields: tuple[str, ...] = ()) -> SubsidyApplication:
    from_status = application.status
    application.status = to
    application._history_user = by  # the change history names the actor outside a request too
    application.save(update_fields=["status", "updated_at", *fields])
    _record(application, from_status=from_status, by=by, comment=comment)
    return application


@transaction.atomic
def application_update(
    *, application: SubsidyApplication, user, amount: Decimal | None = None, comment: str | None = None
) -> SubsidyApplication:
    """Correct a draft or an application returned for correction; the change is kept as a step that
    stays in its state (草稿 → 草稿, 退回修改 → 退回修改).

    Only the clerk of the application's area corrects it: the one who submits it, so every amount that
    reaches the reviewer and the city is one its area put its name to. Nobody changes an application
    after submission: whoever holds it then returns it for correction (`application_return`), and the
    city administrator, who approves, never edits what they approve."""
    to = _locked_step(application, action="update", user=user).to
    changes, fields = [], []
    if amount is not None and amount != application.amount:
        _check_amount(application.rule, amount)
        changes.append(f"申请金额 {application.amount} → {amount} 元")
        application.amount = amount
        fields.append("amount")
    if comment is not None and comment.strip() != application.comment:
        changes.append("修改说明")
        application.comment = comment.strip()
        fields.append("comment")
    if not fields:
        return application
    return _move(application, to=to, by=user, comment="；".join(changes), fields=tuple(fields))


@transaction.atomic
def application_submit(*, application: SubsidyApplication, user, comment: str = "") -> SubsidyApplication:
    """A draft or a corrected returned application, by the clerk of its area (the city clerk for the city's)."""
    to = _locked_step(application, action="submit", user=user).to
    _require_evidence(application)
    application.submitted_by = user
    application.reason = ""
    return _move(application, to=to, by=user, comment=comment, fields=("submitted_by", "reason"))


@transaction.atomic
def application_review(*, application: SubsidyApplication, user, comment: str = "") -> SubsidyApplication:
    to = _locked_step(application, action="review", user=user).to
    application.reviewed_by = user
    return _move(application, to=to, by=user, comment=comment, fields=("reviewed_by",))


def _budget_for(application: SubsidyApplication, year: int) -> Budget:
    """The area's budget for the year, or else the city's; row-locked."""
    budgets = {
        budget.area.code: budget
        for budget in Budget.objects.select_for_update(of=("self",))
        .select_related("area")
        .filter(year=year, area__code__in=[application.area.code, CITY_AREA_CODE])
    }
    budget = budgets.get(application.area.code) or budgets.get(CITY_AREA_CODE)
    if budget is None:
        raise ValidationError(f"{application.area}及全市均未下达 {year} 年度就业补助资金预算，不能审批。")
    return budget


def budget_used(budget: Budget) -> Decimal:
    return SubsidyApplication.objects.filter(budget=budget, status__in=COMMITTED_STATUSES).aggregate(
        total=Sum("amount")
    )["total"] or Decimal("0")


@transaction.atomic
def application_approve(*, application: SubsidyApplication, user, comment: str = "") -> SubsidyApplication:
    """A county's reviewed application, or a city-level one as submitted, by the city administrator."""
    to = _locked_step(application, action="approve", user=user).to
    # The lock is taken before the sum is read: a second approval waits here and then sees the first.
    budget = _budget_for(application, timezone.localdate().year)
    remaining = budget.amount - budget_used(budget)
    if application.amount > remaining:
        raise ValidationError(
            f"{budget.year} 年度{budget.area}就业补助资金余额不足：剩余 {remaining} 元，本申请 {application.amount} 元。"
        )
    application.budget = budget
    application.approved_by = user
    return _move(application, to=to, by=user, comment=comment, fields=("budget", "approved_by"))


@transaction.atomic
def application_mark_paid(
    *, application: SubsidyApplication, user, paid_on: datetime.date, voucher_number: str, comment: str = ""
) -> SubsidyApplication:
    to = _locked_step(application, action="pay", user=user).to
    voucher_number = (voucher_number or "").strip()
    if paid_on is None or not voucher_number:
        raise ValidationError("登记拨付须填写拨付日期和凭证号。")
    if paid_on > timezone.localdate():
        raise ValidationError("拨付日期不能晚于今天。")
    if len(voucher_number) > 50:
        raise ValidationError("凭证号不能超过 50 个字符。")
    application.paid_on = paid_on
    application.voucher_number = voucher_number
    return _move(application, to=to, by=user, comment=comment, fields=("paid_on", "voucher_number"))


def _send_back(application, *, user, reason: str, action: str):
    """Reject, or return for correction; either way the application starts again from its clerk if it comes back."""
    step = _locked_step(application, action=action, user=user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(f"{step.words.verb}须填写原因。")
    application.reason = reason
    # Leaving the approved state releases the budget it held; a corrected application goes through every step again.
    application.budget = None
    application.submitted_by = application.reviewed_by = application.approved_by = None
    return _move(
        application,
        to=step.to,
        by=user,
        comment=reason,
        fields=("reason", "budget", "submitted_by", "reviewed_by", "approved_by"),
    )


@transaction.atomic
def application_reject(*, application: SubsidyApplication, user, reason: str) -> SubsidyApplication:
    return _send_back(application, user=user, reason=reason, action="reject")


@transaction.atomic
def application_return(*, application: SubsidyApplication, user, reason: str) -> SubsidyApplication:
    """Back to its clerk as 退回修改, with the reason; corrected and resubmitted, it goes through every step again."""
    return _send_back(application, user=user, reason=reason, action="return")


BULK_MAX = 200  # one request, one transaction: more is done in several rounds
BULK_SERVICES = {"submit": application_submit, "review": application_review, "approve": application_approve}


@dataclass(frozen=True)
class BulkRefusal:
    application: SubsidyApplication
    reason: str


@transaction.atomic
def applications_bulk_step(
    *, user, action: str, applications: list[SubsidyApplication], comment: str = ""
) -> tuple[list[SubsidyApplication], list[BulkRefusal]]:
    """Submit, review or approve many applications: each one through the very service of a single step,
    in a savepoint of its own, so one refused (wrong state, not the user's, budget exhausted, its own)
    leaves the others done. Returns those done and those refused with the reason."""
    if action not in BULK_SERVICES:
        raise ValidationError("批量办理只能是提交、审核或审批。")
    service = BULK_SERVICES[action]
    done, refused = [], []
    for application in applications:
        try:
            with transaction.atomic():
                service(application=application, user=user, comment=comment)
        except (ValidationError, PermissionDenied) as error:
            message = "；".join(getattr(error, "messages", None) or [str(error)])
            refused.append(BulkRefusal(application, message))
        else:
            done.append(application)
    return done, refused


def _require_evidence(application: SubsidyApplication) -> None:
    missing = evidence_files.missing(application)
    if missing:
        raise ValidationError(f"缺少规则要求的证明材料：{_names(missing)}。请上传后再提交。")


@transaction.atomic
def evidence_add(
    *, application: SubsidyApplication, user, file: UploadedFile, kind: EvidenceKind | None = None
) -> ApplicationEvidence:
    """Attach a supporting file while the application is still with the county. What the file is comes
    from its content; a name whose extension says otherwise is refused, so the file opens as what it is."""
    _locked_step(application, action="add_evidence", user=user)
    name = PurePath(file.name or "").name
    if file.size > EVIDENCE_MAX_BYTES:
        raise ValidationError("证明材料不能超过 20 MB。")
    found = evidence_files.sniff(file)
    if found is None:
        raise ValidationError(
            f"证明材料只接受 {evidence_files.ACCEPTED_LABELS} 文件：“{name}”的内容不是其中任何一种，未上传。"
            "请上传原始文件，不要只改扩展名。"
        )
    suffix = PurePath(name).suffix.lower()
    if suffix not in found.extensions:
        raise ValidationError(
            f"文件“{name}”的内容是 {found.label}，与扩展名“{suffix or '无'}”不符，"
            f"请改为 {found.extensions[0]} 后重新上传。"
        )
    evidence = ApplicationEvidence(application=application, kind=kind, original_name=name[:200], uploaded_by=user)
    evidence.file.save(name, file, save=False)
    evidence.save()
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: ApplicationEvidence, user) -> None:
    """Remove a wrong upload while the county may still change the application. Only the clerk of its
    area; the application's 办理记录 keeps who removed which file and when. The stored file goes once the
    removal is committed."""
    application = evidence.application
    _locked_step(application, action="remove_evidence", user=user)
    name, storage, stored = evidence.original_name, evidence.file.storage, evidence.file.name
    kind = f"（{evidence.kind}）" if evidence.kind_id else ""
    evidence.delete()
    application._history_user = user
    _record(application, from_status=application.status, by=user, comment=f"删除证明材料：{name}{kind}")
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))
