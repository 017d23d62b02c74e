"""The vacancy register (岗位信息库) and brand job fairs (专场招聘会): the jobs behind the referrals."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from brands.models import Area, BrandLine, Occupation, Organisation
from core.fields import user_link
from core.imports.models import ImportRecord
from training.models import Enrolment, Trainee


class Vacancy(models.Model):
    """One vacancy of an employer (an organisation of the directory) for an occupation of the catalogue.

    `area` is the county that registered it and edits it; every county sees every open vacancy (people
    move), city roles see them all."""

    class Kind(models.TextChoices):
        FULL_TIME = "full_time", _("全职")
        SEASONAL = "seasonal", _("季节性")
        GIG = "gig", _("零工")

    class Source(models.TextChoices):
        EMPLOYER = "employer", _("用人单位提供")
        JOB_FAIR = "job_fair", _("专场招聘会")
        LABOUR_COOPERATION = "labour_cooperation", _("劳务协作")

    class Status(models.TextChoices):
        OPEN = "open", _("招聘中")
        FILLED = "filled", _("已招满")
        CLOSED = "closed", _("已关闭")

    area = models.ForeignKey(
        Area,
        verbose_name=_("登记地区"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("登记并维护该岗位的县区。"),
    )
    employer = models.ForeignKey(Organisation, verbose_name=_("用人单位"), on_delete=models.PROTECT, related_name="+")
    occupation = models.ForeignKey(
        Occupation, verbose_name=_("职业（工种）"), on_delete=models.PROTECT, related_name="vacancies"
    )
    title = models.CharField(_("岗位名称"), max_length=100)
    work_area = models.ForeignKey(
        Area,
        verbose_name=_("工作地区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("钦州市内的工作地区；市外劳务输出岗位留空并填写输出目的地。"),
    )
    address = models.CharField(_("工作地址"), max_length=200, blank=True)
    destination = models.CharField(_("输出目的地"), max_length=100, blank=True)
    openings = models.PositiveIntegerField(_("招聘人数"))
    wage_min = models.PositiveIntegerField(_("月薪下限（元）"), null=True, blank=True)
    wage_max = models.PositiveIntegerField(_("月薪上限（元）"), null=True, blank=True)
    certificate = models.CharField(
        _("证书要求"), max_length=20, choices=Enrolment.Certificate.choices, blank=True, default=""
    )
    age_min = models.PositiveSmallIntegerField(_("最低年龄"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("最高年龄"), null=True, blank=True)
    kind = models.CharField(_("用工形式"), max_length=20, choices=Kind.choices, default=Kind.FULL_TIME)
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期止"))
    source = models.CharField(_("岗位来源"), max_length=30, choices=Source.choices, default=Source.EMPLOYER)
    fair = models.ForeignKey(
        "JobFair",
        verbose_name=_("专场招聘会"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="vacancies",
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.OPEN)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = user_link(_("登记人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位信息库")
        ordering = ["-valid_from", "-id"]
        indexes = [
            # Matching reads the open vacancies of a person's occupations.
            models.Index(fields=["occupation", "status", "valid_to"], name="vacancy_match"),
            models.Index(fields=["status", "valid_to"], name="vacancy_open"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(openings__gte=1),
                name="vacancy_openings_positive",
                violation_error_message=_("招聘人数至少 1 人。"),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__gte=F("valid_from")),
                name="vacancy_valid_range",
                violation_error_message=_("有效期止不能早于有效期起。"),
            ),
            models.CheckConstraint(
                condition=Q(wage_min__isnull=True) | Q(wage_max__isnull=True) | Q(wage_max__gte=F("wage_min")),
                name="vacancy_wage_range",
                violation_error_message=_("月薪上限不能低于下限。"),
            ),
            models.CheckConstraint(
                condition=Q(age_min__isnull=True) | Q(age_max__isnull=True) | Q(age_max__gte=F("age_min")),
                name="vacancy_age_range",
                violation_error_message=_("最高年龄不能低于最低年龄。"),
            ),
            models.CheckConstraint(
                condition=Q(work_area__isnull=False) | ~Q(destination=""),
                name="vacancy_has_place",
                violation_error_message=_("请选择工作地区，或填写市外输出目的地。"),
            ),
        ]

    def __str__(self):
        return f"{self.employer.name} · {self.title}"

    @property
    def place(self) -> str:
        if self.work_area_id:
            return f"{self.work_area.short_name} {self.address}".strip()
        return f"{self.destination}（市外输出）"

    @property
    def wage_label(self) -> str:
        if self.wage_min and self.wage_max:
            return f"{self.wage_min:,}–{self.wage_max:,} 元/月"
        if self.wage_min:
            return f"{self.wage_min:,} 元/月起"
        if self.wage_max:
            return f"最高 {self.wage_max:,} 元/月"
        return "面议"

    @property
    def age_label(self) -> str:
        if self.age_min and self.age_max:
            return f"{self.age_min}–{self.age_max} 岁"
        if self.age_min:
            return f"{self.age_min} 岁以上"
        if self.age_max:
            return f"{self.age_max} 岁以下"
        return "不限"


class JobFair(models.Model):
    """专场招聘会: a brand job fair, its participating employers (and the vacancies they bring), the people
    who attended and the intentions reached."""

    area = models.ForeignKey(Area, verbose_name=_("举办地区"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("招聘会名称"), max_length=100)
    held_on = models.DateField(_("举办日期"))
    place = models.CharField(_("举办地点"), max_length=200)
    brand = models.ForeignKey(
        BrandLine, verbose_name=_("劳务品牌"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organiser = models.CharField(_("主办单位"), max_length=100)
    employers = models.ManyToManyField(Organisation, verbose_name=_("参会单位"), blank=True, related_name="+")
    created_by = user_link(_("登记人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("专场招聘会")
        verbose_name_plural = _("专场招聘会")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.title}"


class FairAttendance(models.Model):
    """A person who signed in at a fair."""

    fair = models.ForeignKey(JobFair, verbose_name=_("招聘会"), on_delete=models.CASCADE, related_name="attendances")
    trainee = models.ForeignKey(Trainee, verbose_name=_("学员"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("签到登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("招聘会签到")
        verbose_name_plural = _("招聘会签到")
        constraints = [models.UniqueConstraint(fields=["fair", "trainee"], name="fair_attendance_once")]

    def __str__(self):
        return f"{self.fair_id}: {self.trainee_id}"


class FairIntention(models.Model):
    """达成意向: a person and a vacancy at a fair; `referral` once it was made a referral (one step)."""

    fair = models.ForeignKey(JobFair, verbose_name=_("招聘会"), on_delete=models.CASCADE, related_name="intentions")
    trainee = models.ForeignKey(Trainee, verbose_name=_("学员"), on_delete=models.PROTECT, related_name="+")
    vacancy = models.ForeignKey(Vacancy, verbose_name=_("岗位"), on_delete=models.PROTECT, related_name="intentions")
    referral = models.OneToOneField(
        "employment.JobReferral",
        verbose_name=_("岗位推荐"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="intention",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("达成意向")
        verbose_name_plural = _("达成意向")
        constraints = [models.UniqueConstraint(fields=["fair", "trainee", "vacancy"], name="fair_intention_once")]

    def __str__(self):
        return f"{self.fair_id}: {self.trainee_id} → {self.vacancy_id}"


class VacancyImport(ImportRecord):
    """One upload of an employer's sheet of vacancies (core/imports: the pipeline's record and report)."""

    area = models.ForeignKey(
        Area,
        verbose_name=_("登记地区"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("导入的岗位记在该县区。"),
    )
    existing_rows = models.PositiveIntegerField(_("已登记行"), default=0)

    class Meta(ImportRecord.Meta):
        verbose_name = _("岗位导入")
        verbose_name_plural = _("岗位导入")


class FairSignInImport(ImportRecord):
    """One upload of a fair's sign-in sheet (签到表): the people who attended and their intentions."""

    fair = models.ForeignKey(JobFair, verbose_name=_("招聘会"), on_delete=models.PROTECT, related_name="imports")
    existing_rows = models.PositiveIntegerField(_("已登记行"), default=0)

    class Meta(ImportRecord.Meta):
        verbose_name = _("招聘会签到表导入")
        verbose_name_plural = _("招聘会签到表导入")
