from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "年度计划与月报"
