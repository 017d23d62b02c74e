"""Subsidy rules, 就业补助资金 budgets, applications with their approval path, transitions and evidence.

Every amount is explainable from a rule, every step from a person (ApplicationTransition)."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from brands.models import Area, NamedModel, Occupation, Organisation, Recognition
from core.fields import optional_link, user_link
from employment.models import EmploymentOutcome, LabourExport
from training.models import Enrolment, PriorityCategory, Trainee


class SubsidyKind(models.TextChoices):
    TRAINING_BASE = "training_base", _("劳务品牌培训示范基地奖补")
    EXPERT_STUDIO = "expert_studio", _("劳务品牌专家工作室奖补")
    LEADING_ENTERPRISE = "leading_enterprise", _("劳务品牌龙头企业奖补")
    TRAINING = "training", _("职业培训补贴")
    TRANSPORT = "transport", _("一次性交通补助")
    SOCIAL_INSURANCE = "social_insurance", _("社会保险补贴")
    STARTUP = "startup", _("一次性创业补贴")
    STARTUP_JOBS = "startup_jobs", _("创业带动就业补贴")
    EXPORT_SERVICE = "export_service", _("就业创业服务补助")


class Beneficiary(models.TextChoices):
    ORGANISATION = "organisation", _("单位")
    PERSON = "person", _("个人")


# Who receives each kind; a rule's beneficiary must agree (a check constraint holds it in the database).
ORGANISATION_KINDS = (
    SubsidyKind.TRAINING_BASE,
    SubsidyKind.EXPERT_STUDIO,
    SubsidyKind.LEADING_ENTERPRISE,
    SubsidyKind.EXPORT_SERVICE,
)
# The recognition that makes an organisation eligible for each award.
RECOGNITION_KIND_FOR = {
    SubsidyKind.TRAINING_BASE: Recognition.Kind.TRAINING_BASE,
    SubsidyKind.EXPERT_STUDIO: Recognition.Kind.EXPERT_STUDIO,
    SubsidyKind.LEADING_ENTERPRISE: Recognition.Kind.LEADING_ENTERPRISE,
}


class EvidenceKind(NamedModel):
    """A kind of supporting document (身份证明, 社会保险缴费凭证 …) that a rule may require; keyed by code."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("证明材料类型")
        verbose_name_plural = _("证明材料类型")
        ordering = ["sort_order", "id"]


def _scope(model, verbose_name, help_text) -> models.ManyToManyField:
    """What a rule may be narrowed to; left empty, it is not narrowed."""
    return models.ManyToManyField(model, verbose_name=verbose_name, blank=True, related_name="+", help_text=help_text)


class SubsidyRule(NamedModel):
    """One subsidy with its amount (fixed or cap), the level or certificate it applies to, and its legal basis.

    The amount stays empty until the city sets it: no official amount is invented here."""

    class AmountType(models.TextChoices):
        FIXED = "fixed", _("定额")
        CAP = "cap", _("最高限额")

    class Level(models.TextChoices):
        NONE = "", _("不适用")
        REGION = "region", _("自治区级")
        CITY = "city", _("市级")

    kind = models.CharField(_("补贴类型"), max_length=30, choices=SubsidyKind.choices)
    name = models.CharField(_("规则名称"), max_length=100)
    beneficiary = models.CharField(_("补贴对象"), max_length=20, choices=Beneficiary.choices)
    amount_type = models.CharField(_("金额方式"), max_length=10, choices=AmountType.choices)
    amount = models.DecimalField(
        _("金额（元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("定额为固定金额，限额为最高金额；由市人社局按政策设定，未设定前不能申请。"),
    )
    level = models.CharField(
        _("认定级别"),
        max_length=10,
        choices=Level.choices,
        blank=True,
        default="",
        help_text=_("奖补类规则适用的认定级别。"),
    )
    certificate = models.CharField(
        _("证书类型（等级）"),
        max_length=20,
        choices=Enrolment.Certificate.choices,
        blank=True,
        default="",
        help_text=_("职业培训补贴适用的证书；留空表示任一证书。"),
    )
    occupations = _scope(
        Occupation,
        _("适用工种"),
        _("职业培训补贴可按工种定标准；留空表示所有工种。同时适用的规则中，限定工种和证书的优先。"),
    )
    eligible_categories = _scope(
        PriorityCategory,
        _("限定人员类别"),
        _("仅补贴这些人员类别（申请时人员登记的类别须至少有其一）；留空表示不限。"),
    )
    required_evidence = _scope(EvidenceKind, _("必备证明材料"), _("提交审核前每一类都须至少上传一份。"))
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True, help_text=_("留空表示长期有效。"))
    legal_basis = models.TextField(_("政策依据"))
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(verbose_name=_("补贴规则历史"))

    class Meta:
        verbose_name = _("补贴规则")
        verbose_name_plural = _("补贴规则")
        ordering = ["kind", "level", "certificate", "-effective_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0),
                name="subsidy_rule_amount_positive",
                violation_error_message=_("金额必须大于 0。"),
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="subsidy_rule_effective_to_after_from",
                violation_error_message=_("失效日期不能早于生效日期。"),
            ),
            models.CheckConstraint(
                condition=(Q(kind__in=[k.value for k in ORGANISATION_KINDS]) & Q(beneficiary="organisation"))
                | (~Q(kind__in=[k.value for k in ORGANISATION_KINDS]) & Q(beneficiary="person")),
                name="subsidy_rule_beneficiary_matches_kind",
                violation_error_message=_("补贴对象与补贴类型不符：奖补和就业创业服务补助发给单位，其余发给个人。"),
            ),
        ]

    def is_effective_on(self, day) -> bool:
        return self.active and self.effective_from <= day and (self.effective_to is None or self.effective_to >= day)


class Budget(models.Model):
    """就业补助资金 allocated to the city (450700) or one area for a calendar year."""

    year = models.PositiveSmallIntegerField(_("年度"))
    area = models.ForeignKey(Area, verbose_name=_("地区"), on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("下达金额（元）"), max_digits=14, decimal_places=2)
    note = models.CharField(_("资金文号/说明"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(verbose_name=_("就业补助资金预算历史"))

    class Meta:
        verbose_name = _("就业补助资金预算")
        verbose_name_plural = _("就业补助资金预算")
        ordering = ["-year", "area__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "area"],
                name="budget_once_per_year_and_area",
                violation_error_message=_("该地区该年度的预算已经存在。"),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="budget_amount_not_negative",
                violation_error_message=_("预算金额不能为负数。"),
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.area} {self.amount}"


class SubsidyApplication(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        # Sent back by whoever held it, with the reason; the clerk corrects and resubmits it.
        RETURNED = "returned", _("退回修改")
        SUBMITTED = "submitted", _("已提交")
        REVIEWED = "reviewed", _("已审核")
        APPROVED = "approved", _("已审批")
        PAID = "paid", _("已拨付")
        REJECTED = "rejected", _("已驳回")

    rule = models.ForeignKey(
        SubsidyRule, verbose_name=_("补贴规则"), on_delete=models.PROTECT, related_name="applications"
    )
    # Copied from the rule so that "one per enrolment / recognition / outcome of a kind" is a database constraint.
    kind = models.CharField(_("补贴类型"), max_length=30, choices=SubsidyKind.choices, editable=False)
    area = models.ForeignKey(Area, verbose_name=_("申报地区"), on_delete=models.PROTECT, related_name="+")
    # What the application is for, depending on its kind; never deleted under it.
    organisation = optional_link(Organisation, _("补贴单位"))
    recognition = optional_link(Recognition, _("认定"))
    labour_export = optional_link(LabourExport, _("有组织劳务输出"))
    trainee = optional_link(Trainee, _("补贴人员"))
    enrolment = optional_link(Enrolment, _("参训记录"))
    outcome = optional_link(EmploymentOutcome, _("就业创业结果"))
    amount = models.DecimalField(_("申请金额（元）"), max_digits=12, decimal_places=2)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    comment = models.TextField(_("说明"), blank=True)
    reason = models.TextField(_("驳回/退回原因"), blank=True)
    # The person's categories that met the rule's eligible categories when the application was made:
    # the registry keeps only the current categories, so the basis of the decision is kept here.
    qualifying_categories = models.ManyToManyField(
        PriorityCategory, verbose_name=_("申请时符合的人员类别"), blank=True, related_name="+", editable=False
    )
    budget = optional_link(Budget, _("列支预算"), related_name="applications", help_text=_("审批时占用的预算。"))
    paid_on = models.DateField(_("拨付日期"), null=True, blank=True)
    voucher_number = models.CharField(_("凭证号"), max_length=50, blank=True)
    created_by = user_link(_("创建人"), blank=False)
    submitted_by = user_link(_("提交人"))
    reviewed_by = user_link(_("审核人"))
    approved_by = user_link(_("审批人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(verbose_name=_("补贴申请历史"))

    class Meta:
        verbose_name = _("补贴申请")
        verbose_name_plural = _("补贴申请")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["area", "status"]), models.Index(fields=["trainee", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="application_amount_positive",
                violation_error_message=_("申请金额必须大于 0。"),
            ),
            models.CheckConstraint(
                condition=(Q(organisation__isnull=False) & Q(trainee__isnull=True))
                | (Q(organisation__isnull=True) & Q(trainee__isnull=False)),
                name="application_one_beneficiary",
                violation_error_message=_("补贴对象须为一个单位或一名人员。"),
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | (Q(paid_on__isnull=False) & ~Q(voucher_number="")),
                name="application_paid_has_date_and_voucher",
                violation_error_message=_("已拨付的申请须有拨付日期和凭证号。"),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "paid"]) | Q(budget__isnull=False),
                name="application_approved_has_budget",
            ),
            # No double payment: one live (not rejected) application per enrolment, recognition,
            # outcome and labour-export group of a kind.
            models.UniqueConstraint(
                fields=["kind", "enrolment"],
                condition=Q(enrolment__isnull=False) & ~Q(status="rejected"),
                name="application_once_per_enrolment",
                violation_error_message=_("该参训记录已申请过该项补贴。"),
            ),
            models.UniqueConstraint(
                fields=["recognition"],
                condition=Q(recognition__isnull=False) & ~Q(status="rejected"),
                name="application_once_per_recognition",
                violation_error_message=_("该认定已申请过奖补，不能重复申请。"),
            ),
            models.UniqueConstraint(
                fields=["kind", "outcome"],
                condition=Q(outcome__isnull=False) & ~Q(status="rejected"),
                name="application_once_per_outcome",
                violation_error_message=_("该就业创业结果已申请过该项补贴。"),
            ),
            models.UniqueConstraint(
                fields=["kind", "labour_export"],
                condition=Q(labour_export__isnull=False) & Q(trainee__isnull=True) & ~Q(status="rejected"),
                name="application_once_per_labour_export",
                violation_error_message=_("该批劳务输出已申请过就业创业服务补助。"),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.beneficiary_label} {self.amount}"

    @property
    def beneficiary_label(self) -> str:
        return self.organisation.name if self.organisation_id else self.trainee.name


class ApplicationTransition(models.Model):
    """One step of an application: from which status to which, by whom, when, and why."""

    application = models.ForeignKey(
        SubsidyApplication, verbose_name=_("补贴申请"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(
        _("原状态"), max_length=20, choices=SubsidyApplication.Status.choices, blank=True, help_text=_("留空表示新建。")
    )
    to_status = models.CharField(_("新状态"), max_length=20, choices=SubsidyApplication.Status.choices)
    by = user_link(_("操作人"), blank=False)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    comment = models.TextField(_("意见"), blank=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_from_status_display() or '新建'} → {self.get_to_status_display()}"


class ApplicationEvidence(models.Model):
    application = models.ForeignKey(
        SubsidyApplication, verbose_name=_("补贴申请"), on_delete=models.CASCADE, related_name="evidence"
    )
    kind = optional_link(EvidenceKind, _("材料类型"), help_text=_("留空表示其他材料。"))
    file = models.FileField(_("文件"), upload_to="subsidies/evidence/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=200)
    uploaded_by = user_link(_("上传人"), blank=False)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("证明材料")
        verbose_name_plural = _("证明材料")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name
