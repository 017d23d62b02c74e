from django.apps import AppConfig


class FollowUpsConfig(AppConfig):
    name = "followups"
    verbose_name = "跟踪服务"
