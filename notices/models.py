"""Every message the system sends (e-mail digest, SMS to a trainee) and each user's choice of the daily digest."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SentMessage(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("电子邮件")
        SMS = "sms", _("短信")

    class Result(models.TextChoices):
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("消息类型"), max_length=40)
    # Masked when recorded (core.masking): the log itself never holds a full phone number or address.
    recipient = models.CharField(_("接收人（已脱敏）"), max_length=120)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    subject = models.CharField(_("标题"), max_length=200, blank=True)
    body = models.TextField(_("内容"))
    backend = models.CharField(_("发送通道"), max_length=120)
    result = models.CharField(_("结果"), max_length=10, choices=Result.choices)
    detail = models.CharField(_("说明"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("消息发送记录")
        verbose_name_plural = _("消息发送记录")
        ordering = ["-sent_at", "-id"]

    def __str__(self):
        return f"{self.get_channel_display()} {self.recipient} {self.get_result_display()}"


class NotificationPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    daily_digest = models.BooleanField(_("接收每日待办邮件"), default=True)

    class Meta:
        verbose_name = _("通知设置")
        verbose_name_plural = _("通知设置")

    def __str__(self):
        return str(self.user)
