"""REST API v1 of the dashboard: progress against the plan's targets, exactly `progress_summary` (the object
`progress_report --json` prints for the whole city; a county user gets their own area's). The serializers
below only describe that object for the OpenAPI schema. Routes are registered in qinzhou_brands/api.py."""

import re

from django import forms
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from brands.selectors import period_by_code, period_list

from .forms import FILTER_FIRST_YEAR, FILTER_LAST_YEAR
from .selectors import progress_summary

PERIOD_CODE = re.compile(r"^[A-Za-z0-9_-]{1,20}$")
PERIOD_MESSAGE = "规划期代码无效：请填写规划期的代码，例如 2021-2025（见 /api/v1/periods/）。"
YEAR_MESSAGE = f"年度无效：请填写 {FILTER_FIRST_YEAR} 至 {FILTER_LAST_YEAR} 之间的四位数字年份。"


class CountsSerializer(serializers.Serializer):
    trainings = serializers.IntegerField(help_text="培训人次")
    trainings_target = serializers.IntegerField(allow_null=True, help_text="培训人次目标；未设定为 null")
    jobs = serializers.IntegerField(
        help_text="带动就业创业人次；jobs_count_startup_employees 为 true 时含创业带动就业人数"
    )
    jobs_target = serializers.IntegerField(allow_null=True)
    jobs_created_by_startups = serializers.IntegerField(help_text="创业带动就业人数（创业者所办实体吸纳的就业）")


class PaceSerializer(CountsSerializer):
    trainings_expected = serializers.IntegerField(allow_null=True, help_text="按时间进度此时应达到的培训人次")
    trainings_behind_pace = serializers.BooleanField(allow_null=True)
    jobs_expected = serializers.IntegerField(allow_null=True)
    jobs_behind_pace = serializers.BooleanField(allow_null=True)


class ScopeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    city = serializers.BooleanField(help_text="true：全市；false：一个县区（县区用户）")


class NamedCountsSerializer(CountsSerializer):
    code = serializers.CharField()
    name = serializers.CharField()


class NamedPaceSerializer(PaceSerializer):
    code = serializers.CharField()
    name = serializers.CharField()


class OverallPaceSerializer(PaceSerializer):
    on = serializers.DateField()
    plan_elapsed = serializers.FloatField(help_text="2021–2025 年规划期已过去的比例")
    brands = NamedPaceSerializer(many=True)


class YearCountsSerializer(CountsSerializer):
    year = serializers.IntegerField()
    period = serializers.CharField(allow_null=True, help_text="该年度所属规划期的代码；null：不在任何规划期内")


class PeriodSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="规划期代码，例如 2021-2025")
    name = serializers.CharField(help_text="名称，例如 十四五")
    year_from = serializers.IntegerField()
    year_to = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["active", "closed"], help_text="active 进行中；closed 已结束")


class MatrixCellSerializer(PaceSerializer):
    area = serializers.CharField()
    area_name = serializers.CharField()
    brand = serializers.CharField()
    brand_name = serializers.CharField()
    behind_pace = serializers.BooleanField(allow_null=True)


class AllocationLineSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    target = serializers.IntegerField(allow_null=True)
    allocated = serializers.IntegerField()
    shortfall = serializers.IntegerField()


class AllocationMetricSerializer(serializers.Serializer):
    target = serializers.IntegerField(allow_null=True)
    allocated = serializers.IntegerField()
    shortfall = serializers.IntegerField()
    brands = AllocationLineSerializer(many=True)


class AllocationSerializer(serializers.Serializer):
    trainings = AllocationMetricSerializer()
    jobs = AllocationMetricSerializer()


class ReferralRuleSerializer(serializers.Serializer):
    trainees = serializers.IntegerField(help_text="参加品牌培训的人数（所在班期已开班，不论是否结业）")
    with_3_or_more = serializers.IntegerField(
        help_text="获得 3 次及以上计入的岗位推荐的人数（首次参训开班之日起的推荐）"
    )
    rate = serializers.FloatField(allow_null=True)


class WageCasesSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    closed = serializers.IntegerField()
    closure_rate = serializers.FloatField(allow_null=True)
    target = serializers.FloatField()


class GroupCountsSerializer(serializers.Serializer):
    trainings = serializers.IntegerField()
    jobs = serializers.IntegerField()
    jobs_created_by_startups = serializers.IntegerField()


class KeyCountySerializer(NamedPaceSerializer):
    priority_groups = serializers.DictField(child=GroupCountsSerializer(), help_text="按人员类别（中文名称）")


class KindAmountsSerializer(serializers.Serializer):
    kind = serializers.CharField()
    approved_amount = serializers.IntegerField()
    paid_amount = serializers.IntegerField()


class SubsidyTotalsSerializer(serializers.Serializer):
    budget_amount = serializers.IntegerField(help_text="预算（元）")
    approved_amount = serializers.IntegerField(help_text="已审批（含已拨付，元）")
    paid_amount = serializers.IntegerField(help_text="已拨付（元）")
    by_kind = KindAmountsSerializer(many=True)


class RecognitionCountSerializer(serializers.Serializer):
    region = serializers.IntegerField()
    city = serializers.IntegerField()
    region_target = serializers.IntegerField()


class RecognitionsSerializer(serializers.Serializer):
    training_base = RecognitionCountSerializer()
    expert_studio = RecognitionCountSerializer()
    leading_enterprise = RecognitionCountSerializer()


class ClassesSerializer(serializers.Serializer):
    awaiting_approval = serializers.IntegerField(help_text="待审批的开班申请")
    approved = serializers.IntegerField(help_text="已批准开班的班期")
    sessions = serializers.IntegerField(help_text="课次")
    attendance_rate = serializers.FloatField(
        allow_null=True, help_text="出勤率（0–1，实到人次 ÷ 应到人次）；无课次为 null"
    )
    running_without_attendance = serializers.IntegerField(help_text="培训中但未登记考勤的班期")


class TasksSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="本规划期的方案任务数")
    done = serializers.IntegerField(help_text="各责任单位最近一次自评均为“已完成”的任务数")
    behind = serializers.IntegerField(help_text="有责任单位最近一次自评为“滞后”的任务数")
    overdue_reports = serializers.IntegerField(help_text="逾期未报告的（任务 × 责任单位 × 季度）数")


@extend_schema_serializer(many=False)  # the `list` action answers one object, not a list
class ProgressSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    year = serializers.IntegerField(allow_null=True)
    scope = ScopeSerializer()
    city = CountsSerializer(help_text="范围合计（全市，或县区用户的本县区）")
    brands = NamedCountsSerializer(many=True)
    areas = NamedCountsSerializer(many=True)
    pace = OverallPaceSerializer()
    years = YearCountsSerializer(many=True)
    matrix = MatrixCellSerializer(many=True)
    allocation = AllocationSerializer(allow_null=True, help_text="市级目标分配到县区的情况；县区用户为 null")
    referrals = ReferralRuleSerializer()
    wage_cases = WageCasesSerializer()
    priority_groups = serializers.DictField(child=GroupCountsSerializer(), help_text="按人员类别（中文名称）")
    jobs_count_startup_employees = serializers.BooleanField(
        help_text="创业带动就业人数是否计入带动就业创业人次（设置 JOBS_COUNT_STARTUP_EMPLOYEES，默认否）"
    )
    key_assistance_counties = KeyCountySerializer(
        many=True, help_text="范围内的乡村振兴重点帮扶县（按地区的“乡村振兴重点帮扶县”标记），单独列示"
    )
    subsidies = SubsidyTotalsSerializer()
    recognitions = RecognitionsSerializer()
    classes = ClassesSerializer(help_text="开班审批与考勤")
    period = PeriodSerializer(
        allow_null=True, help_text="累计数所属的规划期（city、brands、areas、pace、matrix 只计其年度）"
    )
    tasks = TasksSerializer(required=False, help_text="方案任务分工进展（全市报告才有；县区用户无此项）")


class ProgressViewSet(viewsets.ViewSet):
    action_permissions = {"list": ["brands.view_target"]}

    @extend_schema(
        summary="工作进度",
        description=(
            "培训人次、带动就业创业人次对照目标的进度（全市、各品牌、各县区、各年度），岗位推荐 3 次规则、"
            "欠薪案件结案率、重点人群、补贴和认定。与 `python manage.py progress_report --json` 输出相同；"
            "县区用户只得到本县区的数字。"
        ),
        parameters=[
            OpenApiParameter(
                "year",
                {"type": "integer", "minimum": FILTER_FIRST_YEAR, "maximum": FILTER_LAST_YEAR},
                description="只统计该年度（培训按班期结业日期，就业按开始日期）；不填为规划期累计",
            ),
            OpenApiParameter(
                "period",
                {"type": "string", "pattern": PERIOD_CODE.pattern},
                description="规划期代码（见 /api/v1/periods/）；不填为包含今天的规划期，否则最近结束的规划期",
            ),
        ],
        responses={200: ProgressSerializer},
    )
    def list(self, request):
        field = forms.IntegerField(
            required=False,
            min_value=FILTER_FIRST_YEAR,
            max_value=FILTER_LAST_YEAR,
            error_messages={"invalid": YEAR_MESSAGE, "min_value": YEAR_MESSAGE, "max_value": YEAR_MESSAGE},
        )
        if request.query_params.get("year") == "":  # the schema says an integer: absent, not empty
            raise ValidationError({"year": [YEAR_MESSAGE]})
        try:
            year = field.clean(request.query_params.get("year"))
        except forms.ValidationError as error:
            raise ValidationError({"year": error.messages}) from None
        code = request.query_params.get("period")
        if code is None:
            period = None  # the summary's default period (read with the periods it reads anyway)
        elif not PERIOD_CODE.fullmatch(code):  # the schema's pattern: a malformed code is the request's fault
            raise ValidationError({"period": [PERIOD_MESSAGE]})
        else:  # a well-formed code of no period: not found, as a record by id
            period = period_by_code(code)
            if period is None:
                known = "、".join(p.code for p in period_list()) or "（尚无规划期）"
                raise NotFound(f"未知的规划期“{code}”：可选 {known}。")
        return Response(progress_summary(user=request.user, year=year, period=period))
