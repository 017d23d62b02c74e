"""Staff profile: the area a county user is bound to (roles are Django groups, see roles.py); and the
audit trail of personal data: who saw, exported or changed whose data."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import TokenProxy

from brands.models import Area, Department
from core.fields import optional_link, user_link
from core.masking import mask_token_key


class StaffProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="staff_profile"
    )
    area = optional_link(
        Area, _("所属地区"), related_name="staff", help_text=_("县区经办员和县区审核员必须绑定一个县区；市级用户留空。")
    )
    department = optional_link(
        Department,
        _("所属责任单位"),
        related_name="staff",
        help_text=_("部门填报员必须绑定一个责任单位；其他角色留空。"),
    )
    full_name = models.CharField(_("姓名"), max_length=30, blank=True)
    phone = models.CharField(_("办公电话"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("工作人员档案")
        verbose_name_plural = _("工作人员档案")

    def __str__(self):
        return f"{self.user.get_username()}（{self.area or _('全市')}）"


class AuditEntry(models.Model):
    """One access to or change of a person's data: who, when, whose, what (PIPL art. 51: records of the
    handling of personal information). Written once by `accounts.audit.audit_record`, never edited.

    The person is a plain trainee id with their name and masked ID number copied at the time: accounts
    is below training and cannot point at a Trainee, and the entry must keep saying whose data it was
    even if the person's record is later corrected."""

    class Action(models.TextChoices):
        REVEAL = "reveal", _("查看完整身份证号")
        EXPORT = "export", _("导出个人信息")
        CHANGE = "change", _("修改个人信息")
        MATCH = "match", _("匹配他区登记人员")
        OTHER = "other", _("其他")

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    user = user_link(_("操作人"))
    username = models.CharField(_("操作人账号"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices)
    person_id = models.PositiveBigIntegerField(_("学员编号"), null=True, blank=True, db_index=True)
    person_name = models.CharField(_("学员姓名"), max_length=50, blank=True)
    person_masked_id = models.CharField(_("身份证号码（脱敏）"), max_length=18, blank=True)
    subject = models.CharField(_("对象"), max_length=200, blank=True)
    area = optional_link(Area, _("地区"))
    detail = models.CharField(_("说明"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    # Set when written for something that looks like probing (e.g. a roster matching many people registered
    # through other areas): the audit view lists these first to look at.
    flagged = models.BooleanField(_("需关注"), default=False)

    class Meta:
        verbose_name = _("个人信息操作记录")
        verbose_name_plural = _("个人信息操作记录")
        ordering = ["-at", "-id"]
        # Write-once: no add/change/delete permission exists to hand out, only viewing.
        default_permissions = ("view",)

    def __str__(self):
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.person_name or self.subject}"
        )


class ApiToken(TokenProxy):
    """An API token as the admin shows it. A token is a password: it is shown once, when
    `drf_create_token` makes it, and after that only masked, to everyone (superusers included).
    DRF's own admin prints the key in its list, its page titles and the admin's change log (every
    place that uses `str(token)`); this proxy's `str` is the masked key, so none of them can."""

    class Meta:
        proxy = True
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self):
        return mask_token_key(self.key)

    @property
    def masked_key(self) -> str:
        return mask_token_key(self.key)


class MonthLock(models.Model):
    """A month of an area whose figures the city accepted in its monthly report (月报): records dated in it
    are no longer added, changed or deleted by county roles (`accounts.scoping.require_open_month`). The
    city administrator reopens it with a reason; the row stays, unlocked, with who reopened it and why."""

    area = models.ForeignKey(Area, verbose_name=_("地区"), on_delete=models.PROTECT, related_name="month_locks")
    month = models.DateField(_("月份"), help_text=_("该月第一天。"))
    locked = models.BooleanField(_("已锁定"), default=True)
    locked_at = models.DateTimeField(_("锁定时间"), default=timezone.now)
    locked_by = user_link(_("锁定人"))
    reopened_at = models.DateTimeField(_("重新开放时间"), null=True, blank=True)
    reopened_by = user_link(_("重新开放人"))
    reopen_reason = models.CharField(_("重新开放原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("月度数据锁定")
        verbose_name_plural = _("月度数据锁定")
        ordering = ["-month", "area__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["area", "month"], name="month_lock_unique_area_month"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="month_lock_first_day"),
        ]

    def __str__(self):
        return f"{self.area} {self.month:%Y年%m月}{'（已锁定）' if self.locked else '（已重新开放）'}"
