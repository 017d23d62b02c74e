"""REST API v1 of the training app: batches (with the roster upload and the results of a whole batch),
trainees and enrolments. Reads go through the selectors (scoped by the user: another area's record is a
404), writes through the services. Routes are registered in qinzhou_brands/api.py."""

import logging

from django.db import DatabaseError
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from accounts.api import PERSON_DETAIL_NOTE, PERSON_LIST_NOTE, PersonDataMixin
from core.api import DatabaseUnavailable, ScopedObjectMixin, path_id
from core.imports.services import import_from_file
from core.spreadsheets import MAX_UPLOAD_BYTES, SpreadsheetError, upload_too_large

from . import selectors, services
from .filters import BatchFilter, EnrolmentFilter, TraineeFilter
from .management.commands.import_roster import JSON_KEYS as ROSTER_REPORT_KEYS
from .models import TrainingBatch
from .results_import import RESULT_FIELDS
from .roster_import import ROSTER
from .serializers import (
    BatchResultsSerializer,
    BatchSerializer,
    BatchUpdateSerializer,
    ChangedSerializer,
    EnrolmentResultSerializer,
    EnrolmentSerializer,
    RosterReportSerializer,
    RosterUploadSerializer,
    TraineeSerializer,
)

logger = logging.getLogger(__name__)


# --- batches --------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="培训班期列表", description="您管辖范围内的班期，开班日期新的在前。"),
    retrieve=extend_schema(summary="班期详情"),
    create=extend_schema(summary="开设班期", request=BatchSerializer, responses={201: BatchSerializer}),
    update=extend_schema(summary="修改班期", request=BatchUpdateSerializer, responses={200: BatchSerializer}),
    partial_update=extend_schema(
        summary="修改班期（部分字段）", request=BatchUpdateSerializer, responses={200: BatchSerializer}
    ),
)
class BatchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = BatchSerializer
    filterset_class = BatchFilter
    action_permissions = {
        "roster": ["training.add_rosterimport"],
        "results": ["training.change_enrolment"],
    }

    def get_queryset(self):
        return selectors.batch_list(user=self.request.user)

    def get_object(self) -> TrainingBatch:
        return selectors.batch_get(user=self.request.user, pk=path_id(self.kwargs["pk"]))

    def _read(self, pk: int, *, status_code: int = status.HTTP_200_OK) -> Response:
        """A batch with its counts, as the list shows it."""
        batch = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(BatchSerializer(batch, context=self.get_serializer_context()).data, status=status_code)

    def retrieve(self, request, *args, **kwargs):
        return self._read(path_id(kwargs["pk"]))

    def create(self, request, *args, **kwargs):
        serializer = BatchSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        batch = services.batch_create(user=request.user, **serializer.validated_data)
        return self._read(batch.pk, status_code=status.HTTP_201_CREATED)

    def update(self, request, *args, partial: bool = False, **kwargs):
        batch = self.get_object()
        serializer = BatchUpdateSerializer(
            batch, data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        services.batch_update(batch=batch, user=request.user, **serializer.validated_data)
        return self._read(batch.pk)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(
        summary="上传花名册",
        description=(
            "检查并导入学员花名册（.xlsx、.xlsm、.xls、.xlsb、.ods 或 .csv），与 `python manage.py import_roster --json` 相同的检查和结果。"
            "不选 skip_invalid 时有任何错误行即整体不写入（committed 为 false）；dry_run 只检查不写入。"
            "同一花名册重复导入同一班期不会重复计数。文件无法使用时返回 400 和原因。"
        ),
        request={"multipart/form-data": RosterUploadSerializer},
        responses={200: RosterReportSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def roster(self, request, *args, **kwargs):
        batch = self.get_object()
        serializer = RosterUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        options = serializer.validated_data
        upload = options["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError({"file": [upload_too_large(upload.size)]}, code="rule")
        try:
            _roster_import, report = import_from_file(
                spec=ROSTER,
                scope=batch,
                user=request.user,
                file_name=upload.name or "花名册.xlsx",
                content=upload.read(),
                dry_run=options["dry_run"],
                skip_invalid=options["skip_invalid"],
                mark_completed=options["completed"],
                via="接口导入",
            )
        except SpreadsheetError as problem:
            raise ValidationError({"file": [str(problem)]}, code="rule") from None
        except DatabaseError:
            # The write has rolled back (the import history says so); the caller may simply send it again.
            logger.exception("roster upload through the API failed while writing (batch %s)", batch.pk)
            raise DatabaseUnavailable from None
        report = report.to_json()
        return Response({key: report[key] for key in ROSTER_REPORT_KEYS})

    @extend_schema(
        summary="登记整个班期的结业与证书",
        description="一次登记多名学员的结业、考核结果和证书；有一处不合规则整体不保存，返回 400 和每个问题。",
        request=BatchResultsSerializer,
        responses={200: ChangedSerializer},
    )
    @action(detail=True, methods=["post"])
    def results(self, request, *args, **kwargs):
        batch = self.get_object()
        serializer = BatchResultsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entries = [
            services.ResultEntry(enrolment_id=entry["enrolment"], **{name: entry[name] for name in RESULT_FIELDS})
            for entry in serializer.validated_data["results"]
        ]
        changed = services.enrolments_record_results(batch=batch, user=request.user, entries=entries)
        return Response({"changed": changed})


# --- trainees -------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="学员列表",
        description="在您管辖范围内参加过班期的学员；身份证号码脱敏。" + PERSON_LIST_NOTE,
    ),
    retrieve=extend_schema(summary="学员详情", description=PERSON_DETAIL_NOTE),
)
class TraineeViewSet(ScopedObjectMixin, PersonDataMixin, viewsets.ReadOnlyModelViewSet):
    person_list_label = "学员名单"
    person_field = None
    serializer_class = TraineeSerializer
    filterset_class = TraineeFilter

    def get_queryset(self):
        return selectors.trainee_search(user=self.request.user)


# --- enrolments -----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="参训记录列表",
        description="您管辖范围内班期的参训记录；学员身份证号码脱敏。" + PERSON_LIST_NOTE,
    ),
    retrieve=extend_schema(summary="参训记录详情", description=PERSON_DETAIL_NOTE),
    partial_update=extend_schema(
        summary="登记一名学员的结业与证书",
        description="未填写的字段保留原值；规则与整班登记相同（证书须先结业并填写证书编号）。",
        request=EnrolmentResultSerializer,
        responses={200: EnrolmentSerializer},
    ),
)
class EnrolmentViewSet(
    ScopedObjectMixin, PersonDataMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = EnrolmentSerializer
    filterset_class = EnrolmentFilter

    def get_queryset(self):
        return selectors.enrolment_list(user=self.request.user)

    def partial_update(self, request, *args, **kwargs):
        enrolment = self.get_object()
        serializer = EnrolmentResultSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = {name: getattr(enrolment, name) for name in RESULT_FIELDS} | serializer.validated_data
        services.enrolments_record_results(
            batch=enrolment.batch,
            user=request.user,
            entries=[services.ResultEntry(enrolment_id=enrolment.pk, **values)],
        )
        return Response(EnrolmentSerializer(self.get_object()).data)
