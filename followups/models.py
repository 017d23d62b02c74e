"""跟踪服务: the follow-ups recorded after an employment or flexible-employment outcome.

Which follow-ups fall due is computed from the outcome (`schedule.py`): only what a clerk recorded is a row,
so recording, changing or deleting an outcome needs nothing kept in step (a deleted outcome takes its
follow-ups with it)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from brands.models import Area
from core.imports.models import ImportRecord
from employment.models import EmploymentOutcome, WageCase


class FollowUp(models.Model):
    """One follow-up of an outcome at one point of the schedule (第 N 个月)."""

    class Employment(models.TextChoices):
        SAME = "same", _("原单位在岗")
        OTHER = "other", _("已换单位在岗")
        NONE = "none", _("未就业")

    class WageBand(models.TextChoices):
        UNDER_2000 = "lt2000", _("2000 元以下")
        FROM_2000 = "2000", _("2000–2999 元")
        FROM_3000 = "3000", _("3000–3999 元")
        FROM_4000 = "4000", _("4000–4999 元")
        FROM_5000 = "5000", _("5000–7999 元")
        FROM_8000 = "8000", _("8000 元及以上")

    outcome = models.ForeignKey(
        EmploymentOutcome, verbose_name=_("就业结果"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    months = models.PositiveSmallIntegerField(_("跟踪节点（月）"))
    followed_on = models.DateField(_("跟踪日期"))
    reached = models.BooleanField(_("联系上本人"))
    employment = models.CharField(_("在岗情况"), max_length=10, choices=Employment.choices, blank=True)
    wage_band = models.CharField(_("月工资"), max_length=10, choices=WageBand.choices, blank=True)
    contract_signed = models.BooleanField(_("已签订劳动合同"), null=True, blank=True)
    social_insurance = models.BooleanField(_("已缴纳社会保险"), null=True, blank=True)
    problems = models.CharField(_("反映的问题"), max_length=200, blank=True)
    wage_case = models.ForeignKey(
        WageCase, verbose_name=_("欠薪案件"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("跟踪服务记录")
        verbose_name_plural = _("跟踪服务记录")
        ordering = ["outcome_id", "months"]
        constraints = [
            models.UniqueConstraint(
                fields=["outcome", "months"],
                name="follow_up_once_per_point",
                violation_error_message=_("该就业结果的这一跟踪节点已登记过。"),
            ),
            models.CheckConstraint(
                condition=Q(reached=True, employment__in=["same", "other", "none"])
                | Q(
                    reached=False,
                    employment="",
                    wage_band="",
                    contract_signed__isnull=True,
                    social_insurance__isnull=True,
                ),
                name="follow_up_reached_says_employment",
                violation_error_message=_("联系上本人时请填写在岗情况；未联系上时不填写在岗、工资、合同和社保。"),
            ),
            models.CheckConstraint(
                condition=~Q(employment="none")
                | Q(wage_band="", contract_signed__isnull=True, social_insurance__isnull=True),
                name="follow_up_unemployed_has_no_job_details",
                violation_error_message=_("未就业时不填写工资、合同和社保。"),
            ),
        ]

    def __str__(self):
        return f"{self.outcome.trainee.name} 第 {self.months} 个月跟踪"

    @property
    def trainee(self):
        """The person followed up (the API's audit of personal data reads it)."""
        return self.outcome.trainee

    @property
    def employed(self) -> bool:
        return self.employment in (self.Employment.SAME, self.Employment.OTHER)


class FollowUpImport(ImportRecord):
    """One upload of a filled follow-up worklist (core/imports: the pipeline's record, lifecycle and report)."""

    area = models.ForeignKey(Area, verbose_name=_("地区"), on_delete=models.PROTECT, related_name="+")
    existing_rows = models.PositiveIntegerField(_("已登记行"), default=0)

    class Meta(ImportRecord.Meta):
        verbose_name = _("跟踪服务表导入")
        verbose_name_plural = _("跟踪服务表导入")
