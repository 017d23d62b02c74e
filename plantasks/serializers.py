"""Serializers of the tasks API: they parse and render; `services.task_report_submit` writes."""

from rest_framework import serializers

from core.api import ScopedPrimaryKeyField
from core.forms import FREE_TEXT_MAX_LENGTH

from . import selectors
from .models import PlanTask, TaskReport


class PlanTaskSerializer(serializers.ModelSerializer):
    period = serializers.CharField(source="period.code", read_only=True)
    lead = serializers.CharField(source="lead.name", read_only=True)
    departments = serializers.SerializerMethodField(help_text="责任单位名称")
    brand = serializers.CharField(source="brand.code", read_only=True, allow_null=True, default=None)

    class Meta:
        model = PlanTask
        fields = ["id", "period", "section", "title", "wording", "brand", "lead", "departments", "due", "metrics"]

    def get_departments(self, task) -> list[str]:
        return [d.name for d in task.departments.all()]


class TaskReportSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    task = ScopedPrimaryKeyField(scoped=lambda user: selectors.task_list(user=user), help_text="任务 id")
    department = serializers.CharField(source="department.name", read_only=True)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    quarter = serializers.IntegerField(min_value=1, max_value=4)
    text = serializers.CharField(max_length=FREE_TEXT_MAX_LENGTH, help_text="进展情况")
    assessment = serializers.ChoiceField(choices=TaskReport.Assessment.choices, help_text="自评状态")
    has_attachment = serializers.SerializerMethodField()
    submitted_at = serializers.DateTimeField(read_only=True)

    def get_has_attachment(self, report) -> bool:
        return bool(report.attachment)
