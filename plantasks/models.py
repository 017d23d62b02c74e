"""The plan's tasks (任务分工): one record per measure of the plan (sections 二 and 三 of 钦政办〔2022〕22号,
seeded in a migration), with the departments that answer for it, and the quarterly reports (季度进展) each
department writes on it. Every write is in `plantasks/services.py`; every read in `plantasks/selectors.py`."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from brands.models import BrandLine, Department, PlanPeriod


class Metric(models.TextChoices):
    """The figures the system counts that a task may be read against (dashboard selectors compute them)."""

    TRAININGS = "trainings", _("培训人次")
    JOBS = "jobs", _("带动就业创业人次")
    REFERRALS = "referrals", _("推荐岗位不少于3次")
    WAGE_CLOSURE = "wage_closure", _("欠薪案件结案率")
    RECOGNITIONS = "recognitions", _("示范基地、龙头企业、专家工作室认定")


class PlanTask(models.Model):
    period = models.ForeignKey(PlanPeriod, verbose_name=_("规划期"), on_delete=models.PROTECT, related_name="tasks")
    section = models.CharField(_("条目"), max_length=30, help_text=_("方案中的序号，例如 三（一）1。"))
    title = models.CharField(_("任务"), max_length=100)
    wording = models.TextField(_("方案原文"))
    brand = models.ForeignKey(
        BrandLine, verbose_name=_("劳务品牌"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lead = models.ForeignKey(Department, verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="led_tasks")
    departments = models.ManyToManyField(Department, verbose_name=_("责任单位"), related_name="tasks")
    due = models.CharField(_("完成时限"), max_length=30, help_text=_("到2025年、持续推进，或一个日期。"))
    metrics = models.JSONField(_("关联指标"), default=list, blank=True)
    reporting_from = models.DateField(
        _("季度报告起始日"), help_text=_("从这一天所在季度起，每个季度结束后各责任单位须报告进展。")
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("规划任务")
        verbose_name_plural = _("规划任务")
        ordering = ["period__year_from", "sort_order", "pk"]
        constraints = [models.UniqueConstraint(fields=["period", "section"], name="plantask_section_once_per_period")]

    def __str__(self):
        return f"{self.section} {self.title}"

    @property
    def metric_labels(self) -> list[str]:
        return [Metric(code).label for code in self.metrics if code in Metric.values]


class TaskReport(models.Model):
    """One department's report on one task for one quarter: its words, its own assessment, an optional file."""

    class Assessment(models.TextChoices):
        ON_TRACK = "on_track", _("按进度")
        BEHIND = "behind", _("滞后")
        DONE = "done", _("已完成")

    task = models.ForeignKey(PlanTask, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="reports")
    department = models.ForeignKey(
        Department, verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="task_reports"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    text = models.TextField(_("进展情况"))
    assessment = models.CharField(_("自评状态"), max_length=10, choices=Assessment.choices)
    attachment = models.FileField(_("附件"), upload_to="task_reports/%Y/%m/", blank=True, max_length=200)
    attachment_name = models.CharField(_("附件原文件名"), max_length=200, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报告人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("报告时间"), auto_now=True)

    class Meta:
        verbose_name = _("任务季度进展")
        verbose_name_plural = _("任务季度进展")
        ordering = ["-year", "-quarter", "task__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "department", "year", "quarter"], name="taskreport_once_per_quarter"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4),
                name="taskreport_quarter_1_to_4",
                violation_error_message=_("季度只能是 1 至 4。"),
            ),
        ]

    def __str__(self):
        return f"{self.department} {self.year}年第{self.quarter}季度 {self.task.section}"
