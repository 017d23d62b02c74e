"""Serializer of the follow-up API: it parses and renders; `services.follow_up_record` writes."""

from rest_framework import serializers

from core.api import ScopedPrimaryKeyField

from . import schedule, selectors
from .models import FollowUp


class FollowUpSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    outcome = ScopedPrimaryKeyField(
        scoped=lambda user: selectors.outcomes_followed(user=user),
        help_text="就业结果 id（本县区登记的就业或灵活就业结果）",
    )
    trainee_name = serializers.CharField(source="outcome.trainee.name", read_only=True)
    trainee_id_number = serializers.CharField(source="outcome.trainee.masked_id_number", read_only=True)
    area = serializers.CharField(source="outcome.area.code", read_only=True)
    months = serializers.IntegerField(help_text="跟踪节点（就业开始后第几个月，见 FOLLOW_UP_MONTHS）")
    due_on = serializers.SerializerMethodField(help_text="应跟踪日期")
    followed_on = serializers.DateField()
    reached = serializers.BooleanField(help_text="是否联系上本人")
    employment = serializers.ChoiceField(choices=FollowUp.Employment.choices, required=False, allow_blank=True)
    wage_band = serializers.ChoiceField(choices=FollowUp.WageBand.choices, required=False, allow_blank=True)
    contract_signed = serializers.BooleanField(required=False, allow_null=True, default=None)
    social_insurance = serializers.BooleanField(required=False, allow_null=True, default=None)
    problems = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    wage_case = serializers.IntegerField(source="wage_case_id", read_only=True, help_text="转立的欠薪案件 id")
    created_at = serializers.DateTimeField(read_only=True)

    def get_due_on(self, follow_up) -> str:
        return schedule.due_on(follow_up.outcome.start_date, follow_up.months).isoformat()

    def validate(self, attrs):
        if attrs.get("reached") and not attrs.get("employment"):
            raise serializers.ValidationError({"employment": "联系上本人时请填写在岗情况。"}, code="rule")
        return attrs
