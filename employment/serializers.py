"""Serializers of the employment API: job referrals and employment outcomes. The trainee's ID number is
always masked. They parse and render; `referral_create` and `outcome_create` write."""

from rest_framework import serializers

from accounts.selectors import organisation_list
from brands.selectors import reporting_areas
from core.api import ScopedPrimaryKeyField
from training.selectors import trainee_search

from .models import EmploymentOutcome, JobReferral
from .selectors import labour_export_list

MAX_JOBS_CREATED = 100_000


def optional_area_field(help_text: str = "登记地区代码；县区用户可不填（即本县区），市级用户必填。"):
    """A reporting area named by its code, which may be left out."""
    return serializers.SlugRelatedField(
        slug_field="code", queryset=reporting_areas(), allow_null=True, required=False, help_text=help_text
    )


class RecordSerializer(serializers.Serializer):
    """What referrals and outcomes share: the person, the area recording it, the employer."""

    id = serializers.IntegerField(read_only=True)
    trainee = ScopedPrimaryKeyField(
        scoped=lambda user: trainee_search(user=user), help_text="学员 id（须在您管辖范围内参加过班期）"
    )
    trainee_name = serializers.CharField(source="trainee.name", read_only=True)
    trainee_id_number = serializers.CharField(source="trainee.masked_id_number", read_only=True)
    area = optional_area_field()
    area_name = serializers.CharField(source="area.short_name", read_only=True)
    employer = ScopedPrimaryKeyField(
        scoped=lambda user: organisation_list(user=user),
        allow_null=True,
        required=False,
        help_text="用人单位（单位名录 id）；与 employer_name 二选一。",
    )
    employer_name = serializers.CharField(max_length=100, allow_blank=True, required=False, default="")
    employer_label = serializers.CharField(read_only=True, help_text="用人单位名称（名录中的或填写的）")
    note = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    created_at = serializers.DateTimeField(read_only=True)

    def validate(self, attrs):
        if attrs.get("employer") and (attrs.get("employer_name") or "").strip():
            raise serializers.ValidationError(
                {"employer_name": "已从单位名录中选择了单位，请不要再填写单位名称（二选一）。"}, code="rule"
            )
        return attrs


class ReferralSerializer(RecordSerializer):
    position = serializers.CharField(max_length=100, help_text="推荐岗位")
    referred_on = serializers.DateField(help_text="推荐日期（不能晚于今天）")
    channel = serializers.ChoiceField(choices=JobReferral.Channel.choices)
    result = serializers.ChoiceField(choices=JobReferral.Result.choices, default=JobReferral.Result.PENDING)


class OutcomeSerializer(RecordSerializer):
    """One outcome; only the fields of its kind are kept (就业: employer, contract, insurance; 创业: business;
    灵活就业: work_kind)."""

    kind = serializers.ChoiceField(choices=EmploymentOutcome.Kind.choices)
    start_date = serializers.DateField(help_text="上岗、创办或开始灵活就业的日期（不能晚于今天），按此计入年度")
    contract_signed = serializers.BooleanField(default=False)
    social_insurance = serializers.BooleanField(default=False)
    business_name = serializers.CharField(max_length=100, allow_blank=True, required=False, default="")
    business_uscc = serializers.CharField(max_length=18, allow_blank=True, required=False, default="")
    jobs_created = serializers.IntegerField(min_value=0, max_value=MAX_JOBS_CREATED, required=False, default=0)
    work_kind = serializers.CharField(max_length=100, allow_blank=True, required=False, default="")
    labour_export = ScopedPrimaryKeyField(
        scoped=lambda user: labour_export_list(user=user),
        allow_null=True,
        required=False,
        help_text="有组织劳务输出 id（如属于）",
    )
    counted_batch = serializers.IntegerField(
        source="counted_batch_id",
        read_only=True,
        allow_null=True,
        help_text="按计数规则计入的班期 id；为空表示不计入带动就业创业人次（如结果早于任何结业培训）",
    )
