"""The programme's reference data: brand lines, areas, the occupation catalogue, targets,
organisations and their recognitions. Seeded in migrations from 钦政办〔2022〕22号."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.credit_code import validate_uscc
from core.db import pinyin
from core.fields import optional_link, user_link


class NamedModel(models.Model):
    """A record shown by its name."""

    class Meta:
        abstract = True

    def __str__(self):
        return self.name


class BrandLine(NamedModel):
    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("品牌名称"), max_length=50, unique=True)
    description = models.TextField(_("说明"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("劳务品牌")
        verbose_name_plural = _("劳务品牌")
        ordering = ["sort_order", "code"]


# 钦州市 (GB/T 2260): the city's own area, which no county owns; the city's budgets and city-level records.
CITY_AREA_CODE = "450700"


class Area(models.Model):
    class Kind(models.TextChoices):
        CITY = "city", _("市")
        DISTRICT = "district", _("区")
        COUNTY = "county", _("县")
        ZONE = "zone", _("片区")

    code = models.CharField(
        _("区划代码"), max_length=12, unique=True, help_text=_("GB/T 2260 代码；自贸区钦州港片区使用本系统自定代码。")
    )
    name = models.CharField(_("名称"), max_length=50, unique=True)
    short_name = models.CharField(_("简称"), max_length=20)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    parent = optional_link("self", _("上级"), related_name="children")
    is_key_county = models.BooleanField(_("乡村振兴重点帮扶县"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("地区")
        verbose_name_plural = _("地区")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.short_name or self.name


class OccupationQuerySet(models.QuerySet):
    def published_on(self, day: datetime.date):
        return self.filter(Q(published_from__lte=day), Q(published_to__isnull=True) | Q(published_to__gte=day))


class Occupation(NamedModel):
    """A 工种 of the dynamic training catalogue (动态培训清单)."""

    brand = models.ForeignKey(
        BrandLine, verbose_name=_("劳务品牌"), on_delete=models.PROTECT, related_name="occupations"
    )
    name = models.CharField(_("职业（工种）"), max_length=50, unique=True)
    areas = models.ManyToManyField(
        Area,
        verbose_name=_("重点发展地区"),
        blank=True,
        related_name="occupations",
        help_text=_("方案点名发展该工种的地区；留空表示全市。"),
    )
    description = models.CharField(_("说明"), max_length=200, blank=True)
    published_from = models.DateField(_("纳入清单日期"))
    published_to = models.DateField(_("移出清单日期"), null=True, blank=True, help_text=_("留空表示长期有效。"))
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    objects = OccupationQuerySet.as_manager()

    class Meta:
        verbose_name = _("职业（工种）")
        verbose_name_plural = _("培训工种清单")
        ordering = ["brand__sort_order", "sort_order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(published_to__isnull=True) | Q(published_to__gte=models.F("published_from")),
                name="occupation_published_to_after_from",
                violation_error_message=_("移出清单日期不能早于纳入清单日期。"),
            )
        ]


class PlanPeriod(models.Model):
    """A plan period (规划期), e.g. 十四五 `2021-2025`: every cumulative figure belongs to one and counts only
    its years. Its brand lines and occupations are the catalogue it runs (copied forward from the previous
    period when it is created, then editable). Closing it stores the figures as reported (`snapshot`)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("进行中")
        CLOSED = "closed", _("已结束")

    code = models.SlugField(_("代码"), max_length=20, unique=True, help_text=_("例如 2026-2030。"))
    name = models.CharField(_("名称"), max_length=30, unique=True, help_text=_("例如 十五五。"))
    year_from = models.PositiveSmallIntegerField(_("起始年度"))
    year_to = models.PositiveSmallIntegerField(_("截止年度"))
    document_title = models.CharField(_("规划文件标题"), max_length=200, blank=True)
    document_number = models.CharField(_("文号"), max_length=60, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # Set by the city administrator; none is invented: while blank, completion is not checked against attendance.
    min_attendance_rate = models.PositiveSmallIntegerField(
        _("结业最低出勤率（%）"),
        null=True,
        blank=True,
        help_text=_("本规划期内结束的班期，学员出勤率低于此值不能登记结业；不填表示尚未设置。"),
    )
    brand_lines = models.ManyToManyField(BrandLine, verbose_name=_("劳务品牌"), blank=True, related_name="periods")
    occupations = models.ManyToManyField(Occupation, verbose_name=_("职业（工种）"), blank=True, related_name="periods")
    snapshot = models.JSONField(_("结束时的数据快照"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True, editable=False)
    closed_by = user_link(_("结束操作人"), editable=False)

    class Meta:
        verbose_name = _("规划期")
        verbose_name_plural = _("规划期")
        ordering = ["year_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year_to__gte=models.F("year_from")),
                name="planperiod_year_to_after_from",
                violation_error_message=_("截止年度不能早于起始年度。"),
            ),
            models.CheckConstraint(
                condition=Q(min_attendance_rate__isnull=True)
                | (Q(min_attendance_rate__gte=1) & Q(min_attendance_rate__lte=100)),
                name="planperiod_min_attendance_rate_range",
                violation_error_message=_("出勤率须在 1% 到 100% 之间。"),
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.year_from}–{self.year_to}）"

    @property
    def years(self) -> range:
        return range(self.year_from, self.year_to + 1)

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class Target(models.Model):
    """A target: area × brand (blank: all brands) × period × metric."""

    class Metric(models.TextChoices):
        TRAININGS = "trainings", _("培训人次")
        JOBS = "jobs", _("带动就业创业人次")
        REGION_TRAINING_BASE = "region_training_base", _("自治区级劳务品牌培训示范基地（个）")
        REGION_LEADING_ENTERPRISE = "region_leading_enterprise", _("自治区级劳务品牌龙头企业（家）")
        REGION_EXPERT_STUDIO = "region_expert_studio", _("自治区级劳务品牌专家工作室（个）")
        WAGE_CASE_CLOSURE_PERCENT = "wage_case_closure_percent", _("欠薪举报投诉案件结案率（%）")

    period = models.ForeignKey(
        PlanPeriod,
        verbose_name=_("规划期"),
        on_delete=models.PROTECT,
        related_name="targets",
        blank=True,
        help_text=_("留空：按起止年度自动归入所在规划期。"),
    )
    area = models.ForeignKey(Area, verbose_name=_("地区"), on_delete=models.PROTECT, related_name="targets")
    brand = optional_link(BrandLine, _("劳务品牌"), related_name="targets", help_text=_("留空表示全部品牌合计。"))
    year_from = models.PositiveSmallIntegerField(_("起始年度"))
    year_to = models.PositiveSmallIntegerField(_("截止年度"))
    metric = models.CharField(_("指标"), max_length=40, choices=Metric.choices)
    value = models.PositiveIntegerField(_("目标值"))
    note = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("目标")
        verbose_name_plural = _("目标")
        ordering = ["area__sort_order", "brand__sort_order", "year_from", "year_to", "metric"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year_to__gte=models.F("year_from")),
                name="target_year_to_after_from",
                violation_error_message=_("截止年度不能早于起始年度。"),
            ),
            models.UniqueConstraint(
                fields=["area", "brand", "year_from", "year_to", "metric"],
                name="target_unique_with_brand",
                condition=Q(brand__isnull=False),
                violation_error_message=_("该地区、品牌、期间和指标的目标已经存在。"),
            ),
            models.UniqueConstraint(
                fields=["area", "year_from", "year_to", "metric"],
                name="target_unique_all_brands",
                condition=Q(brand__isnull=True),
                violation_error_message=_("该地区、期间和指标的目标已经存在。"),
            ),
        ]

    def __str__(self):
        brand = self.brand.name if self.brand_id else _("全部品牌")
        return f"{self.area} {brand} {self.year_from}–{self.year_to} {self.get_metric_display()}：{self.value}"

    def save(self, *args, **kwargs):
        # Code that writes yearly targets (the allocation grid, annual plans) need not know about periods:
        # a target without one goes to the period that contains its years.
        self.attach_period()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.attach_period()

    def attach_period(self) -> None:
        """Set `period` from the years when it is blank; refuse years outside the target's period."""
        if self.year_from is None or self.year_to is None:
            return
        if self.period_id is None:
            period = PlanPeriod.objects.filter(year_from__lte=self.year_from, year_to__gte=self.year_to).first()
            if period is None:
                raise ValidationError(
                    _("%(first)s–%(last)s 年不在任何一个规划期内：请先由市人社局管理员建立该规划期。")
                    % {"first": self.year_from, "last": self.year_to}
                )
            self.period = period
        elif not (self.period.year_from <= self.year_from and self.year_to <= self.period.year_to):
            raise ValidationError(
                _("目标年度 %(first)s–%(last)s 超出规划期“%(period)s”。")
                % {"first": self.year_from, "last": self.year_to, "period": self.period}
            )


class Organisation(NamedModel):
    class Kind(models.TextChoices):
        TRAINING_PROVIDER = "training_provider", _("培训机构")
        VOCATIONAL_SCHOOL = "vocational_school", _("职业院校（技工学校）")
        PUBLIC_TRAINING_BASE = "public_training_base", _("公共实训基地")
        ENTERPRISE = "enterprise", _("企业")
        HR_AGENCY = "hr_agency", _("人力资源服务机构")
        INCUBATION_BASE = "incubation_base", _("创业孵化基地")
        GIG_MARKET = "gig_market", _("零工市场")
        SOCIAL_ORGANISATION = "social_organisation", _("社会组织")
        OTHER = "other", _("其他")

    name = models.CharField(_("名称"), max_length=100)
    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, null=True, blank=True, validators=[validate_uscc]
    )
    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices)
    area = models.ForeignKey(Area, verbose_name=_("所在地区"), on_delete=models.PROTECT, related_name="organisations")
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact_person = models.CharField(_("联系人"), max_length=30, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["area__sort_order", pinyin("name")]
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="organisation_unique_name_per_area")]


class Recognition(models.Model):
    class Kind(models.TextChoices):
        TRAINING_BASE = "training_base", _("劳务品牌培训示范基地")
        EXPERT_STUDIO = "expert_studio", _("劳务品牌专家工作室")
        LEADING_ENTERPRISE = "leading_enterprise", _("劳务品牌龙头企业")

    class Level(models.TextChoices):
        REGION = "region", _("自治区级")
        CITY = "city", _("市级")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="recognitions"
    )
    kind = models.CharField(_("认定类型"), max_length=30, choices=Kind.choices)
    level = models.CharField(_("级别"), max_length=10, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("认定年度"))
    document_number = models.CharField(_("认定文号"), max_length=100, blank=True)
    brand = optional_link(BrandLine, _("劳务品牌"))

    class Meta:
        verbose_name = _("认定")
        verbose_name_plural = _("认定")
        ordering = ["-year", "kind", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "level"],
                name="recognition_once_per_kind_and_level",
                violation_error_message=_("该单位已有同类型、同级别的认定。"),
            )
        ]

    def __str__(self):
        return f"{self.organisation} {self.get_level_display()}{self.get_kind_display()}（{self.year}）"


class Department(NamedModel):
    """A 责任单位 the plan names for its measures (市发展改革委, 市教育局 … and each county government).

    Its own model rather than an `Organisation` kind: organisations are the programme's training providers,
    enterprises and bases (subsidy applicants, recognitions, the clerks' directory, each with a 统一社会信用代码),
    whereas a department is reference data keyed by a stable code that a plan's tasks and a reporter's
    account name; a county government is tied to its area."""

    class Kind(models.TextChoices):
        CITY_DEPARTMENT = "city_department", _("市直部门")
        COUNTY_GOVERNMENT = "county_government", _("县区人民政府")
        OTHER = "other", _("其他单位")

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=60, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.CITY_DEPARTMENT)
    area = optional_link(
        Area, _("所辖地区"), related_name="departments", help_text=_("县区人民政府填写其县区；市直部门留空。")
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("责任单位")
        verbose_name_plural = _("责任单位")
        ordering = ["sort_order", "code"]
