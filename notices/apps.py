from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = "消息通知"
    default_auto_field = "django.db.models.BigAutoField"
