from django.apps import AppConfig


class PlanTasksConfig(AppConfig):
    name = "plantasks"
    verbose_name = "任务分工"
