"""Annual county plans (年度计划) with their key projects (重点建设项目) and milestones, and the monthly
reports (月报) whose acceptance locks the month (accounts.models.MonthLock). Who moves them along is
`plans/workflow.py`; every write is in `plans/services.py`."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brands.models import Area, BrandLine
from core.fields import user_link


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    ACCEPTED = "accepted", _("已审核通过")
    RETURNED = "returned", _("退回修改")


class Reviewed(models.Model):
    """What an annual plan and a monthly report share: their path (workflow.py) and who moved them along."""

    area = models.ForeignKey(Area, verbose_name=_("地区"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_by = user_link(_("填报人"))
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    submitted_by = user_link(_("报送人"))
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    decided_by = user_link(_("审核人"))
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    return_reason = models.CharField(_("退回或重新开放原因"), max_length=300, blank=True)

    class Meta:
        abstract = True


class AnnualPlan(Reviewed):
    """A county's plan for one year: planned trainings and jobs per brand line (`lines`, which become the
    year's area targets once the city accepts it) and its key projects."""

    year = models.PositiveSmallIntegerField(_("年度"))
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("年度计划")
        verbose_name_plural = _("年度计划")
        ordering = ["-year", "area__sort_order"]
        constraints = [models.UniqueConstraint(fields=["area", "year"], name="annual_plan_unique_area_year")]

    def __str__(self):
        return f"{self.area.short_name} {self.year} 年度计划"


class AnnualPlanLine(models.Model):
    plan = models.ForeignKey(AnnualPlan, verbose_name=_("年度计划"), on_delete=models.CASCADE, related_name="lines")
    brand = models.ForeignKey(BrandLine, verbose_name=_("劳务品牌"), on_delete=models.PROTECT, related_name="+")
    trainings = models.PositiveIntegerField(_("计划培训人次"), default=0)
    jobs = models.PositiveIntegerField(_("计划带动就业创业人次"), default=0)

    class Meta:
        verbose_name = _("年度计划品牌指标")
        verbose_name_plural = _("年度计划品牌指标")
        ordering = ["brand__sort_order"]
        constraints = [models.UniqueConstraint(fields=["plan", "brand"], name="annual_plan_line_unique_brand")]

    def __str__(self):
        return f"{self.plan} {self.brand}"


class KeyProject(models.Model):
    plan = models.ForeignKey(AnnualPlan, verbose_name=_("年度计划"), on_delete=models.CASCADE, related_name="projects")
    name = models.CharField(_("项目名称"), max_length=100)
    brand = models.ForeignKey(BrandLine, verbose_name=_("劳务品牌"), on_delete=models.PROTECT, related_name="+")
    responsible_unit = models.CharField(_("责任单位"), max_length=100)
    planned_investment = models.DecimalField(_("计划投资（万元）"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("重点建设项目")
        verbose_name_plural = _("重点建设项目")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(planned_investment__gte=0), name="key_project_investment_not_negative")
        ]

    def __str__(self):
        return self.name


class Milestone(models.Model):
    project = models.ForeignKey(
        KeyProject, verbose_name=_("重点建设项目"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("节点"), max_length=100)
    due_date = models.DateField(_("计划完成日期"))
    progress = models.PositiveSmallIntegerField(_("完成进度（%）"), default=0)
    done_on = models.DateField(_("实际完成日期"), null=True, blank=True)
    progress_note = models.CharField(_("进展说明"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), null=True, blank=True)
    updated_by = user_link(_("更新人"))

    class Meta:
        verbose_name = _("项目节点")
        verbose_name_plural = _("项目节点")
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="milestone_progress_at_most_100"),
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | Q(progress=100), name="milestone_done_means_complete"
            ),
        ]

    def __str__(self):
        return self.title


class MonthlyReport(Reviewed):
    """A county's report of one month (月报) or one year (年报, `kind`): its figures are computed
    (selectors.report_figures), kept as they were when the report was submitted; the county adds a note.
    The city's acceptance of a monthly report locks the month (a yearly report's months are locked by theirs)."""

    class Kind(models.TextChoices):
        MONTH = "month", _("月报")
        YEAR = "year", _("年报")

    kind = models.CharField(_("类型"), max_length=5, choices=Kind.choices, default=Kind.MONTH)
    month = models.DateField(_("月份"), help_text=_("该月第一天；年报为该年 1 月 1 日。"))
    # Timeliness (selectors.report_timeliness) is judged on the first submission, not a resubmission.
    first_submitted_at = models.DateTimeField(_("首次报送时间"), null=True, blank=True)
    figures = models.JSONField(_("报送数据"), default=dict, blank=True)
    note = models.TextField(_("情况说明"), blank=True)

    class Meta:
        verbose_name = _("月报")
        verbose_name_plural = _("月报")
        ordering = ["-month", "area__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["area", "kind", "month"], name="monthly_report_unique_area_kind_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="monthly_report_first_day"),
            models.CheckConstraint(
                condition=Q(kind="month") | Q(month__month=1), name="yearly_report_starts_in_january"
            ),
        ]

    def __str__(self):
        if self.is_yearly:
            return f"{self.area.short_name} {self.month.year}年年报"
        return f"{self.area.short_name} {self.month.year}年{self.month.month}月月报"

    @property
    def is_yearly(self) -> bool:
        return self.kind == self.Kind.YEAR
