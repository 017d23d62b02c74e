"""Staff profile: the area a county user is bound to. Roles are Django groups (see roles.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from brands.models import Area


class StaffProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="staff_profile"
    )
    area = models.ForeignKey(
        Area,
        verbose_name=_("所属地区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text=_("县区经办员和县区审核员必须绑定一个县区；市级用户留空。"),
    )
    full_name = models.CharField(_("姓名"), max_length=30, blank=True)
    phone = models.CharField(_("办公电话"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("工作人员档案")
        verbose_name_plural = _("工作人员档案")

    def __str__(self):
        return f"{self.user.get_username()}（{self.area or _('全市')}）"
