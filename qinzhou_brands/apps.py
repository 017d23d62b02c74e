"""django-axes (the lockout of usernames) under a Chinese name in the admin.

Axes ships no Chinese catalogue: locale/zh_Hans translates its models and admin. Two column headers
of its admin are method names that no catalogue reaches, and the app's name is its label: set here."""

from axes.apps import AppConfig as AxesAppConfig


class LockoutConfig(AxesAppConfig):
    verbose_name = "登录锁定"

    def ready(self):
        super().ready()
        from axes.admin import AccessAttemptAdmin

        AccessAttemptAdmin.status.short_description = "状态"
        AccessAttemptAdmin.expiration.short_description = "失效时间"
