"""REST API v1 of the plan's tasks: `/api/v1/tasks/` (read, in the user's scope) and `/api/v1/task-reports/`
(a department reporter lists and writes its own department's; the city reads all). No person is named here.
Routes are registered in qinzhou_brands/api.py."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from core.api import ScopedObjectMixin

from . import selectors, services
from .filters import TaskFilter
from .serializers import PlanTaskSerializer, TaskReportSerializer


@extend_schema_view(
    list=extend_schema(
        summary="规划任务列表",
        description="市级用户看到全部任务；部门填报员只看到本单位负责的任务。可按规划期、责任单位、劳务品牌、"
        "任务状态筛选，按任务名称或条目查找；筛选值有误时返回 400。",
    ),
    retrieve=extend_schema(summary="规划任务详情"),
)
class PlanTaskViewSet(ScopedObjectMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = PlanTaskSerializer
    filterset_class = TaskFilter

    def get_queryset(self):
        return selectors.task_list(user=self.request.user).order_by("period__year_from", "sort_order", "pk")


@extend_schema_view(
    list=extend_schema(summary="任务季度进展列表", description="部门填报员只看到本单位的报告。"),
    retrieve=extend_schema(summary="任务季度进展详情"),
    create=extend_schema(
        summary="报告任务季度进展",
        description="部门填报员报告本单位负责的任务某一季度的进展；同一季度再次提交会覆盖此前的报告。",
    ),
)
class TaskReportViewSet(
    ScopedObjectMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = TaskReportSerializer

    def get_queryset(self):
        return selectors.report_list(user=self.request.user).order_by("-year", "-quarter", "task__sort_order", "pk")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The writable fields (task, year, quarter, text, assessment) are the service's parameters.
        report = services.task_report_submit(user=request.user, request=request, **serializer.validated_data)
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)
