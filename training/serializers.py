"""Serializers of the training API: batches, trainees (ID numbers always masked), enrolments, results and
the roster upload. They parse and render; the services write.

A check the OpenAPI schema cannot express (one field against another, or against stored data) raises with
code="rule": the API answers it 409, not 400 (qinzhou_brands.api.exception_handler)."""

from django.utils import timezone
from rest_framework import serializers

from accounts.selectors import organisation_list
from brands.models import Occupation
from brands.selectors import reporting_areas
from brands.serializers import MAX_ID, ScopedPrimaryKeyField
from core.imports.reading import MAX_UPLOAD_BYTES

from .models import Enrolment, Trainee, TrainingBatch

MAX_CAPACITY = 100_000
MAX_RESULTS = 1000


class BatchSerializer(serializers.Serializer):
    """A batch as it is read, and as it is opened (`batch_create`)."""

    id = serializers.IntegerField(read_only=True)
    area = serializers.SlugRelatedField(
        slug_field="code", queryset=reporting_areas(), help_text="承办地区代码，如 450702；县区用户只能填本县区。"
    )
    area_name = serializers.CharField(source="area.short_name", read_only=True)
    occupation = serializers.PrimaryKeyRelatedField(
        queryset=Occupation.objects.all(), help_text="职业（工种）id：须为当前发布的培训工种清单中的工种。"
    )
    occupation_name = serializers.CharField(source="occupation.name", read_only=True)
    brand = serializers.CharField(source="occupation.brand.code", read_only=True)
    brand_name = serializers.CharField(source="occupation.brand.name", read_only=True)
    provider = ScopedPrimaryKeyField(
        scoped=lambda user: organisation_list(user=user),
        allow_null=True,
        required=False,
        help_text="培训机构（单位名录中的单位 id），可为空。",
    )
    provider_name = serializers.CharField(source="provider.name", read_only=True, allow_null=True)
    name = serializers.CharField(max_length=100, allow_blank=True, required=False, default="")
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    mode = serializers.ChoiceField(choices=TrainingBatch.Mode.choices, default=TrainingBatch.Mode.REGULAR)
    status = serializers.ChoiceField(choices=TrainingBatch.Status.choices, default=TrainingBatch.Status.PLANNED)
    capacity = serializers.IntegerField(min_value=1, max_value=MAX_CAPACITY, allow_null=True, required=False)
    enrolment_count = serializers.IntegerField(read_only=True, help_text="参训人数")
    completed_count = serializers.IntegerField(read_only=True, help_text="结业人数")
    created_at = serializers.DateTimeField(read_only=True)

    def validate_occupation(self, occupation):
        current = getattr(self.instance, "occupation_id", None)
        if (
            occupation.pk != current
            and not Occupation.objects.published_on(timezone.localdate()).filter(pk=occupation.pk).exists()
        ):
            raise serializers.ValidationError("该工种不在当前发布的培训工种清单中。", code="rule")
        return occupation

    def validate(self, attrs):
        start = attrs.get("start_date", getattr(self.instance, "start_date", None))
        end = attrs.get("end_date", getattr(self.instance, "end_date", None))
        if start and end and end < start:
            raise serializers.ValidationError({"end_date": "结业日期不能早于开班日期。"}, code="rule")
        return attrs


class BatchUpdateSerializer(BatchSerializer):
    """A batch's changes (`batch_update`): the area is fixed once the batch exists."""

    area = serializers.CharField(source="area.code", read_only=True)


class TraineeSerializer(serializers.ModelSerializer):
    id_number = serializers.CharField(
        source="masked_id_number", read_only=True, help_text="脱敏的身份证号码，如 450702********123X"
    )
    birth_year = serializers.SerializerMethodField()
    education = serializers.ChoiceField(choices=Trainee.Education.choices, allow_blank=True, read_only=True)
    categories = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    batch_count = serializers.IntegerField(read_only=True, help_text="在您管辖范围内参加的班期数")

    class Meta:
        model = Trainee
        fields = [
            "id",
            "name",
            "id_number",
            "sex",
            "birth_year",
            "phone",
            "education",
            "categories",
            "batch_count",
            "created_at",
        ]
        read_only_fields = fields

    def get_birth_year(self, trainee) -> int:
        return trainee.birth_date.year


class EnrolmentSerializer(serializers.ModelSerializer):
    batch_name = serializers.CharField(source="batch.title", read_only=True)
    area = serializers.CharField(source="batch.area.code", read_only=True)
    occupation_name = serializers.CharField(source="batch.occupation.name", read_only=True)
    trainee_name = serializers.CharField(source="trainee.name", read_only=True)
    trainee_id_number = serializers.CharField(source="trainee.masked_id_number", read_only=True)
    assessment = serializers.ChoiceField(choices=Enrolment.Assessment.choices, allow_blank=True, read_only=True)
    certificate = serializers.ChoiceField(choices=Enrolment.Certificate.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "batch",
            "batch_name",
            "area",
            "occupation_name",
            "trainee",
            "trainee_name",
            "trainee_id_number",
            "completed",
            "assessment",
            "certificate",
            "certificate_number",
            "certificate_date",
            "created_at",
        ]
        read_only_fields = fields


class ResultFieldsSerializer(serializers.Serializer):
    """Completion, assessment and certificate of one enrolment, as `ResultEntry` takes them."""

    completed = serializers.BooleanField()
    assessment = serializers.ChoiceField(
        choices=Enrolment.Assessment.choices, allow_blank=True, required=False, default=""
    )
    certificate = serializers.ChoiceField(
        choices=Enrolment.Certificate.choices, allow_blank=True, required=False, default=""
    )
    certificate_number = serializers.CharField(max_length=50, allow_blank=True, required=False, default="")
    certificate_date = serializers.DateField(allow_null=True, required=False, default=None)


class EnrolmentResultSerializer(ResultFieldsSerializer):
    """A change of one enrolment's results; omitted fields keep their stored values."""

    completed = serializers.BooleanField(required=False)
    assessment = serializers.ChoiceField(choices=Enrolment.Assessment.choices, allow_blank=True, required=False)
    certificate = serializers.ChoiceField(choices=Enrolment.Certificate.choices, allow_blank=True, required=False)
    certificate_number = serializers.CharField(max_length=50, allow_blank=True, required=False)
    certificate_date = serializers.DateField(allow_null=True, required=False)


class ResultEntrySerializer(ResultFieldsSerializer):
    enrolment = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="参训记录 id（须属于本班期）")


class BatchResultsSerializer(serializers.Serializer):
    # A ListField, not many=True: drf-spectacular then states minItems and maxItems in the schema.
    results = serializers.ListField(child=ResultEntrySerializer(), min_length=1, max_length=MAX_RESULTS)

    def validate_results(self, results):
        ids = [entry["enrolment"] for entry in results]
        if len(set(ids)) != len(ids):
            raise serializers.ValidationError("同一参训记录只能填写一次。", code="rule")
        return results


class ChangedSerializer(serializers.Serializer):
    changed = serializers.IntegerField(help_text="有改动的参训记录数")


class RosterUploadSerializer(serializers.Serializer):
    # An empty file is a file the roster reader refuses with its reason, like any other unusable one (409).
    file = serializers.FileField(
        allow_empty_file=True,
        help_text=f"花名册（.xlsx，不超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB），表头须有“姓名”和“身份证号码”两列",
    )
    skip_invalid = serializers.BooleanField(default=False, help_text="跳过错误行，只导入有效行")
    dry_run = serializers.BooleanField(default=False, help_text="只检查，不写入")
    completed = serializers.BooleanField(default=False, help_text="导入的学员标记为已结业")


class RosterErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Excel 行号")
    column = serializers.CharField(help_text="文件中写的列标题")
    message = serializers.CharField()


class RosterReportSerializer(serializers.Serializer):
    """The report `manage.py import_roster --json` prints, key for key."""

    rows = serializers.IntegerField(help_text="数据行数（不含空行）")
    valid = serializers.IntegerField(help_text="有效行数（无错误、在文件中不重复）")
    created = serializers.IntegerField(help_text="新增人员")
    updated = serializers.IntegerField(help_text="更新人员")
    enrolled = serializers.IntegerField(help_text="新增参训")
    duplicate_rows = serializers.ListField(child=serializers.IntegerField(), help_text="文件内重复的行号")
    errors = RosterErrorSerializer(many=True)
    ignored_columns = serializers.ListField(child=serializers.CharField(), help_text="未识别而忽略的列")
    committed = serializers.BooleanField(help_text="是否已写入；试运行或因错误行被拒绝时为 false")
