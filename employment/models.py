"""Job referrals, employment and entrepreneurship outcomes, organised labour export, wage-arrears cases."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from brands.models import Area, Organisation
from core.credit_code import validate_uscc
from core.fields import user_link
from core.imports.models import ImportRecord
from training.models import Tally, Trainee, TrainingBatch


class EmployerRecord(models.Model):
    """A record a clerk enters (who, when) that names an employer, from the organisation directory
    (`employer`) or as typed text (`employer_name`)."""

    created_by = user_link(_("登记人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        abstract = True

    @property
    def employer_label(self) -> str:
        return self.employer.name if self.employer_id else self.employer_name


class JobReferral(EmployerRecord):
    """岗位推荐: the plan asks for at least three for every brand trainee."""

    class Channel(models.TextChoices):
        JOB_FAIR = "job_fair", _("专场招聘")
        GIG_MARKET = "gig_market", _("零工市场")
        LABOUR_COOPERATION = "labour_cooperation", _("劳务协作")
        ONLINE = "online", _("线上")
        OTHER = "other", _("其他")

    class Result(models.TextChoices):
        PENDING = "pending", _("待反馈")
        HIRED = "hired", _("已录用")
        DECLINED = "declined", _("未录用/本人放弃")
        NO_SHOW = "no_show", _("未到场")

    trainee = models.ForeignKey(Trainee, verbose_name=_("学员"), on_delete=models.PROTECT, related_name="referrals")
    area = models.ForeignKey(
        Area, verbose_name=_("推荐地区"), on_delete=models.PROTECT, related_name="+", help_text=_("做出推荐的县区。")
    )
    employer = models.ForeignKey(
        Organisation, verbose_name=_("用人单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    employer_name = models.CharField(_("用人单位名称"), max_length=100, blank=True)
    position = models.CharField(_("岗位"), max_length=100)
    referred_on = models.DateField(_("推荐日期"))
    channel = models.CharField(_("推荐渠道"), max_length=30, choices=Channel.choices)
    result = models.CharField(_("推荐结果"), max_length=20, choices=Result.choices, default=Result.PENDING)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    vacancy = models.ForeignKey(
        "employment.Vacancy",
        verbose_name=_("推荐岗位（岗位信息库）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )

    class Meta:
        verbose_name = _("岗位推荐")
        verbose_name_plural = _("岗位推荐")
        ordering = ["referred_on", "id"]
        indexes = [
            models.Index(fields=["trainee", "referred_on"]),
            # The referral list (API) reads newest first: a city-wide page is read backwards
            # along this index instead of sorting every referral.
            models.Index(fields=["referred_on", "id"], name="referral_date_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(employer__isnull=False) | ~Q(employer_name=""),
                name="referral_names_an_employer",
                violation_error_message=_("请选择或填写用人单位。"),
            )
        ]

    def __str__(self):
        return f"{self.trainee.name} → {self.employer_label} {self.position}"


class LabourExport(EmployerRecord):
    """有组织劳务输出: an HR service agency sends a group of trainees to a destination and employer."""

    agency = models.ForeignKey(
        Organisation, verbose_name=_("人力资源服务机构"), on_delete=models.PROTECT, related_name="labour_exports"
    )
    area = models.ForeignKey(Area, verbose_name=_("输出地区"), on_delete=models.PROTECT, related_name="+")
    destination = models.CharField(_("输出目的地"), max_length=100)
    employer = models.ForeignKey(
        Organisation, verbose_name=_("接收单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    employer_name = models.CharField(_("接收单位名称"), max_length=100, blank=True)
    departed_on = models.DateField(_("输出日期"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("有组织劳务输出")
        verbose_name_plural = _("有组织劳务输出")
        ordering = ["-departed_on", "-id"]

    def __str__(self):
        return f"{self.departed_on:%Y-%m-%d} {self.agency} → {self.destination}"


class EmploymentOutcome(EmployerRecord):
    """One employment, entrepreneurship or flexible-employment outcome of a trainee (a 带动就业创业人次)."""

    class Kind(models.TextChoices):
        EMPLOYED = "employed", _("就业")
        ENTREPRENEURSHIP = "entrepreneurship", _("创业")
        FLEXIBLE = "flexible", _("灵活就业")

    trainee = models.ForeignKey(Trainee, verbose_name=_("学员"), on_delete=models.PROTECT, related_name="outcomes")
    area = models.ForeignKey(
        Area, verbose_name=_("登记地区"), on_delete=models.PROTECT, related_name="+", help_text=_("登记该结果的县区。")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    start_date = models.DateField(_("开始日期"))
    # Employed
    employer = models.ForeignKey(
        Organisation, verbose_name=_("用人单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    employer_name = models.CharField(_("用人单位名称"), max_length=100, blank=True)
    contract_signed = models.BooleanField(_("已签订劳动合同"), default=False)
    social_insurance = models.BooleanField(_("已缴纳社会保险"), default=False)
    # Entrepreneurship
    business_name = models.CharField(_("创办实体名称"), max_length=100, blank=True)
    business_uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, validators=[validate_uscc])
    jobs_created = models.PositiveIntegerField(_("带动就业人数"), default=0)
    # Flexible employment
    work_kind = models.CharField(_("灵活就业形式"), max_length=100, blank=True)
    labour_export = models.ForeignKey(
        LabourExport,
        verbose_name=_("有组织劳务输出"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outcomes",
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    # The batch the outcome counts for under the counting rule (None: not counted), kept by
    # `employment.tallies` whenever the person's outcomes or completed training change.
    counted_batch = models.ForeignKey(
        TrainingBatch,
        verbose_name=_("计入班期"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("就业创业结果")
        verbose_name_plural = _("就业创业结果")
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(fields=["trainee", "start_date"]),
            # `tallies.recount_days` counts one area's outcomes of a kind on a day.
            models.Index(fields=["area", "kind", "start_date"], name="outcome_area_kind_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="employed") | Q(employer__isnull=False) | ~Q(employer_name=""),
                name="outcome_employed_names_employer",
                violation_error_message=_("就业结果请选择或填写用人单位。"),
            ),
            models.CheckConstraint(
                condition=~Q(kind="entrepreneurship") | ~Q(business_name=""),
                name="outcome_entrepreneurship_names_business",
                violation_error_message=_("创业结果请填写创办实体名称。"),
            ),
            models.CheckConstraint(
                condition=~Q(kind="flexible") | ~Q(work_kind=""),
                name="outcome_flexible_names_work",
                violation_error_message=_("灵活就业请填写就业形式。"),
            ),
        ]

    def __str__(self):
        return f"{self.trainee.name} {self.get_kind_display()} {self.start_date:%Y-%m-%d}"

    @property
    def description(self) -> str:
        if self.kind == self.Kind.EMPLOYED:
            return self.employer_label
        if self.kind == self.Kind.ENTREPRENEURSHIP:
            return self.business_name
        return self.work_kind


class WageCase(EmployerRecord):
    """拖欠农民工工资举报投诉案件; the plan's target is at least 98% closed."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("已受理")
        INVESTIGATING = "investigating", _("调查处理中")
        CLOSED = "closed", _("已结案")

    area = models.ForeignKey(Area, verbose_name=_("受理地区"), on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField(_("受理日期"))
    employer = models.ForeignKey(
        Organisation, verbose_name=_("被投诉单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    employer_name = models.CharField(_("被投诉单位名称"), max_length=100, blank=True)
    workers = models.PositiveIntegerField(_("涉及人数"))
    amount_owed = models.DecimalField(_("涉及金额（元）"), max_digits=12, decimal_places=2)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    resolution = models.TextField(_("处理结果"), blank=True)

    class Meta:
        verbose_name = _("欠薪举报投诉案件")
        verbose_name_plural = _("欠薪举报投诉案件")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="closed") & Q(closed_on__isnull=False) & ~Q(resolution=""))
                | (~Q(status="closed") & Q(closed_on__isnull=True)),
                name="wage_case_closed_has_date_and_resolution",
                violation_error_message=_("结案必须填写结案日期和处理结果；未结案的案件不能有结案日期。"),
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("received_on")),
                name="wage_case_closed_after_received",
                violation_error_message=_("结案日期不能早于受理日期。"),
            ),
            models.CheckConstraint(
                condition=Q(employer__isnull=False) | ~Q(employer_name=""),
                name="wage_case_names_employer",
                violation_error_message=_("请选择或填写被投诉单位。"),
            ),
        ]

    def __str__(self):
        return f"{self.received_on:%Y-%m-%d} {self.employer_label}"


class ReferralImport(ImportRecord):
    """One upload of a sheet of job referrals (core/imports: the pipeline's record, lifecycle and report)."""

    spec_path = "employment.referral_import.ReferralImportSpec"

    area = models.ForeignKey(
        Area,
        verbose_name=_("推荐地区"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("导入的推荐记在该县区。"),
    )
    existing_rows = models.PositiveIntegerField(_("已登记行"), default=0)

    class Meta(ImportRecord.Meta):
        verbose_name = _("岗位推荐导入")
        verbose_name_plural = _("岗位推荐导入")


class JobTally(Tally):
    """带动就业创业人次 per area × brand × year (of the outcome's start date), and per priority category."""

    jobs = models.PositiveIntegerField(_("带动就业创业人次"))
    # The people the counted start-ups of these outcomes employ (`startup_employees`, 带动就业), recounted
    # with `jobs`: shown beside it, and added to it only when JOBS_COUNT_STARTUP_EMPLOYEES is on.
    startup_employees = models.PositiveIntegerField(_("创业带动就业人数"), default=0)
    count_field = "jobs"

    class Meta:
        verbose_name = _("就业创业人次汇总")
        verbose_name_plural = _("就业创业人次汇总")
        constraints = Tally.one_row_per_key("job_tally")


class OutcomeDayTally(models.Model):
    """Outcomes per area, kind and start date: summary rows, so the follow-up schedule (due 1, 3, 6 and 12
    months after the start, `followups.schedule`) is counted from a few thousand rows at any number of
    outcomes. Rewritten by `employment.tallies` in the transaction of every change."""

    area = models.ForeignKey(Area, verbose_name=_("地区"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("类型"), max_length=20, choices=EmploymentOutcome.Kind.choices)
    start_date = models.DateField(_("开始日期"))
    outcomes = models.PositiveIntegerField(_("结果数"))

    class Meta:
        verbose_name = _("就业创业结果日汇总")
        verbose_name_plural = _("就业创业结果日汇总")
        constraints = [models.UniqueConstraint(fields=["area", "kind", "start_date"], name="outcome_day_tally_once")]

    def __str__(self):
        return f"{self.area_id}/{self.kind}/{self.start_date}: {self.outcomes}"


class ReferralStanding(models.Model):
    """Where one person counts for the three-referral rule, as last applied to `ReferralTally`.

    Every person enrolled in a brand batch has one (a batch not started yet included: `first_start`
    and the dates in `scopes` say from when they count). `referrals` are the referrals that count toward
    the three: dated on or after `first_start`. `scopes` lists the [area id, year, counted-from date]
    triples the person counts in (the city area and year 0 stand for "all areas" and "all years"; the
    year is a batch's start year; the date is the start of the person's first batch in that scope);
    keeping them lets a change subtract exactly what it had added."""

    # A summary row (rebuilt by `recount_tallies`), removed with its person by Django: no database constraint,
    # which would cost each person a roster brings a check at commit.
    trainee = models.OneToOneField(
        Trainee, on_delete=models.CASCADE, primary_key=True, related_name="+", db_constraint=False
    )
    referrals = models.PositiveIntegerField(default=0)
    first_start = models.DateField(_("首次参训开班日期"), null=True)
    scopes = models.JSONField(default=list)

    class Meta:
        verbose_name = _("岗位推荐达标情况")
        verbose_name_plural = _("岗位推荐达标情况")
        indexes = [
            # Matching leaves out whoever has the three referrals (counting.REFERRALS_REQUIRED, which a
            # test keeps equal to this 3): an index-only probe per person instead of reading the row.
            models.Index(fields=["trainee"], condition=Q(referrals__gte=3), name="standing_fully_referred"),
        ]

    def __str__(self):
        return f"{self.trainee_id}: {self.referrals}"


class ReferralTally(models.Model):
    """The three-referral rule per area (the city area: all areas), year (0: all years) and the day
    from which its people count (`counted_from`, the start of their first batch there): how many people
    took part in brand training there and then, and how many of them have had three referrals that count.

    A person counts from the day their batch starts, without anything being written that day: a reader
    adds up the rows whose `counted_from` has come (`employment.selectors.referral_tally`)."""

    area = models.ForeignKey(Area, verbose_name=_("地区"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    counted_from = models.DateField(_("计入日期"))
    trainees = models.IntegerField(_("参训人数"), default=0)
    with_3_or_more = models.IntegerField(_("推荐满3次人数"), default=0)

    class Meta:
        verbose_name = _("岗位推荐汇总")
        verbose_name_plural = _("岗位推荐汇总")
        constraints = [models.UniqueConstraint(fields=["area", "year", "counted_from"], name="referral_tally_once")]

    def __str__(self):
        return f"{self.area_id}/{self.year or '全部'}/{self.counted_from}: {self.with_3_or_more}/{self.trainees}"


# The vacancy register and job fairs live in their own module (issue 18).
from .vacancy_models import (  # noqa: E402, F401
    FairAttendance,
    FairIntention,
    FairSignInImport,
    JobFair,
    Vacancy,
    VacancyImport,
)
