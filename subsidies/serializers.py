"""Serializers of the subsidies API: applications, their transitions and the input of each step. They
parse and render; subsidies.services decides and writes."""

import re
from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.selectors import organisation_list, recognition_list
from core.api import MAX_ID, ScopedPrimaryKeyField
from core.forms import FREE_TEXT_MAX_LENGTH
from core.masking import mask_name
from employment.selectors import labour_export_list, outcome_list
from training.selectors import counted_trainings

from .models import ApplicationTransition, SubsidyApplication
from .selectors import rule_list
from .services import BULK_MAX
from .workflow import actions_for

MAX_TEXT = FREE_TEXT_MAX_LENGTH
AMOUNT_PATTERN = r"^[0-9]{1,10}(\.[0-9]{1,2})?$"


@extend_schema_field(
    {
        "type": "string",
        "format": "decimal",
        "pattern": AMOUNT_PATTERN,
        "example": "1500.00",
        "description": '申请金额（元）：不带符号的十进制字符串，整数部分至多 10 位，至多 2 位小数，如 "1500.00"',
    }
)
class AmountField(serializers.DecimalField):
    """An amount in yuan as the schema describes it: a string of digits with at most two decimals. A JSON
    number, a sign, an exponent or an empty string is refused here (400) instead of being read as something
    else; whether the amount fits the rule's cap and the budget is the services' call (409)."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=12, decimal_places=2, min_value=Decimal("0"), **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str) or not re.fullmatch(AMOUNT_PATTERN, data):
            self.fail("invalid")
        return super().to_internal_value(data)


class ApplicationSerializer(serializers.ModelSerializer):
    rule_name = serializers.CharField(source="rule.name", read_only=True)
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)
    area_name = serializers.CharField(source="area.short_name", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True, allow_null=True)
    trainee_name = serializers.CharField(source="trainee.name", read_only=True, allow_null=True)
    trainee_id_number = serializers.CharField(source="trainee.masked_id_number", read_only=True, allow_null=True)
    actions = serializers.SerializerMethodField(
        help_text="您现在可以办理的操作（update、submit、review、approve、pay、reject、return）"
    )

    class Meta:
        model = SubsidyApplication
        fields = [
            "id",
            "rule",
            "rule_name",
            "kind",
            "area",
            "area_name",
            "organisation",
            "organisation_name",
            "recognition",
            "labour_export",
            "trainee",
            "trainee_name",
            "trainee_id_number",
            "enrolment",
            "outcome",
            "amount",
            "status",
            "comment",
            "reason",
            "budget",
            "paid_on",
            "voucher_number",
            "created_by",
            "submitted_by",
            "reviewed_by",
            "approved_by",
            "created_at",
            "updated_at",
            "actions",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if self.context.get("mask_persons") and data.get("trainee_name"):
            data["trainee_name"] = mask_name(data["trainee_name"])
            data["trainee_id_number"] = None
        return data

    def get_actions(self, application) -> list[str]:
        request = self.context.get("request")
        return [action.name for action in actions_for(application, request.user)] if request is not None else []


def _optional(scoped, help_text: str) -> ScopedPrimaryKeyField:
    return ScopedPrimaryKeyField(scoped=scoped, allow_null=True, required=False, help_text=help_text)


class ApplicationCreateSerializer(serializers.Serializer):
    """A draft application (`application_create`): a rule, the amount and what makes the beneficiary eligible."""

    rule = ScopedPrimaryKeyField(scoped=lambda user: rule_list(active_only=True), help_text="补贴规则 id（启用的）")
    amount = AmountField(help_text="申请金额（元）")
    organisation = _optional(lambda user: organisation_list(user=user), "补贴单位 id（单位补贴）")
    recognition = _optional(lambda user: recognition_list(user=user), "使单位符合条件的认定 id（奖补）")
    labour_export = _optional(lambda user: labour_export_list(user=user), "有组织劳务输出 id（就业创业服务补助）")
    enrolment = _optional(lambda user: counted_trainings(user=user), "已结业的参训记录 id（职业培训补贴）")
    outcome = _optional(lambda user: outcome_list(user=user), "就业创业结果 id（其他个人补贴）")
    comment = serializers.CharField(max_length=MAX_TEXT, allow_blank=True, required=False, default="")


class ApplicationUpdateSerializer(serializers.Serializer):
    """Correct a draft (`application_update`)."""

    amount = AmountField(required=False, help_text="申请金额（元）")
    comment = serializers.CharField(max_length=MAX_TEXT, allow_blank=True, required=False)


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=MAX_TEXT, allow_blank=True, required=False, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=MAX_TEXT, error_messages={"required": "请填写原因。"})


class PaySerializer(CommentSerializer):
    paid_on = serializers.DateField(error_messages={"required": "请填写拨付日期。"})
    voucher_number = serializers.CharField(max_length=50, error_messages={"required": "请填写凭证号。"})


class BulkStepSerializer(CommentSerializer):
    """Submit, review or approve many applications (`applications_bulk_step`)."""

    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        min_length=1,
        max_length=BULK_MAX,
        help_text=f"补贴申请 id，一次最多 {BULK_MAX} 个",
        error_messages={"empty": "请至少选择一份申请。", "min_length": "请至少选择一份申请。"},
    )


class BulkRefusalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reason = serializers.CharField()


class BulkResultSerializer(serializers.Serializer):
    done = serializers.ListField(child=serializers.IntegerField(), help_text="已办理的申请 id")
    refused = BulkRefusalSerializer(many=True, help_text="未办理的申请及原因")


class TransitionSerializer(serializers.ModelSerializer):
    from_status = serializers.ChoiceField(
        choices=SubsidyApplication.Status.choices, allow_blank=True, read_only=True, help_text="空表示新建"
    )
    by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True, help_text="办理人用户名")

    class Meta:
        model = ApplicationTransition
        fields = ["id", "from_status", "to_status", "by", "at", "comment"]
        read_only_fields = fields
