"""REST API v1 of the subsidies app: applications, their history and each step of their path
(submit → review → approve → pay, reject or return at any step before payment).

Every step is the service the pages call: it checks the role, the area, the state and that nobody passes
what they themselves created, submitted or reviewed; a refusal is a 403 or 400 with its Chinese message.
Routes are registered in qinzhou_brands/api.py."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from accounts.api import PERSON_DETAIL_SCOPE, PersonDetailThrottle, audit_person_read, may_export_persons
from accounts.audit import audit_export
from core.api import path_id

from . import selectors, services, workflow
from .filters import ApplicationFilter
from .models import SubsidyApplication
from .serializers import (
    ApplicationCreateSerializer,
    ApplicationSerializer,
    ApplicationUpdateSerializer,
    BulkResultSerializer,
    BulkStepSerializer,
    CommentSerializer,
    PaySerializer,
    ReasonSerializer,
    TransitionSerializer,
)

VIEW = ["subsidies.view_subsidyapplication"]


def _step(name: str, service, serializer_class, description: str):
    """A step of the path as an action of the API (POST …/{id}/{name}/), under the table's label."""

    def step(self, request, *args, **kwargs):
        return self._transition(service, serializer_class, request)

    step.__name__ = step.__qualname__ = "return_" if name == "return" else name
    step = action(detail=True, methods=["post"], url_path=name, url_name=name)(step)
    return extend_schema(
        summary=workflow.ACTIONS[name].label,
        description=description,
        request=serializer_class,
        responses={200: ApplicationSerializer},
    )(step)


PERSONS_NOTE = (
    "个人补贴的申请载有补贴人员的姓名：可导出人员名单的角色读到的每一页、每一条记入个人信息操作记录；"
    "其他角色（市领导查看）读到的姓名只保留姓氏（如“张**”），不返回身份证号码。"
)


@extend_schema_view(
    list=extend_schema(summary="补贴申请列表", description="您管辖范围内的补贴申请，新登记的在前。" + PERSONS_NOTE),
    retrieve=extend_schema(summary="补贴申请详情", description=PERSONS_NOTE + "逐条读取有频率限制，超过时返回 429。"),
    create=extend_schema(
        summary="登记补贴申请（草稿）",
        description=(
            "单位补贴填 organisation 及 recognition（奖补）或 labour_export（就业创业服务补助）；"
            "职业培训补贴填 enrolment；其他个人补贴填 outcome。县区经办员登记本县区的，市人社局管理员可登记各县区的。"
        ),
        request=ApplicationCreateSerializer,
        responses={201: ApplicationSerializer},
    ),
    partial_update=extend_schema(
        summary="修改草稿", request=ApplicationUpdateSerializer, responses={200: ApplicationSerializer}
    ),
)
class ApplicationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = ApplicationSerializer
    filterset_class = ApplicationFilter
    action_permissions = dict.fromkeys(
        ("transitions", "submit", "review", "approve", "pay", "reject", "return_", "bulk"), VIEW
    )

    throttle_scope = PERSON_DETAIL_SCOPE

    def get_queryset(self):
        return selectors.application_list(user=self.request.user)

    def get_object(self) -> SubsidyApplication:
        return selectors.application_get(user=self.request.user, pk=path_id(self.kwargs["pk"]))

    def get_serializer_context(self):
        # Roles that may not export persons read applications with the applicant's name masked.
        return {**super().get_serializer_context(), "mask_persons": not may_export_persons(self.request.user)}

    def get_throttles(self):
        throttles = super().get_throttles()
        return [*throttles, PersonDetailThrottle()] if self.action == "retrieve" else throttles

    def _read(self, pk: int, *, status_code: int = status.HTTP_200_OK) -> Response:
        application = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(
            ApplicationSerializer(application, context=self.get_serializer_context()).data, status=status_code
        )

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        rows = sum(1 for row in response.data.get("results", ()) if row.get("trainee") is not None)
        if rows and may_export_persons(request.user):
            audit_export(request=request, subject="接口读取：补贴申请名单", what="个人补贴申请（接口读取）", rows=rows)
        return response

    def retrieve(self, request, *args, **kwargs):
        application = get_object_or_404(self.get_queryset(), pk=path_id(kwargs["pk"]))
        response = Response(ApplicationSerializer(application, context=self.get_serializer_context()).data)
        if application.trainee_id is not None and may_export_persons(request.user):
            audit_person_read(request=request, person=application.trainee, what=f"补贴申请 #{application.pk}")
        return response

    def create(self, request, *args, **kwargs):
        serializer = ApplicationCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        application = services.application_create(user=request.user, **serializer.validated_data)
        return self._read(application.pk, status_code=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        return self._transition(services.application_update, ApplicationUpdateSerializer, request)

    def _transition(self, service, serializer_class, request) -> Response:
        application = self.get_object()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        service(application=application, user=request.user, **serializer.validated_data)
        return self._read(application.pk)

    @extend_schema(summary="办理记录", responses={200: TransitionSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def transitions(self, request, *args, **kwargs):
        application = self.get_object()
        transitions = selectors.application_transitions(application=application)
        return Response(TransitionSerializer(transitions, many=True).data)

    submit = _step(
        "submit", services.application_submit, CommentSerializer, "草稿由本县区经办员提交，等待县区审核员审核。"
    )
    review = _step(
        "review",
        services.application_review,
        CommentSerializer,
        "已提交的申请由本县区审核员审核（不能审核自己登记或提交的），报送市人社局。",
    )
    approve = _step(
        "approve",
        services.application_approve,
        CommentSerializer,
        "已审核的申请由市人社局管理员审批，占用当年就业补助资金预算（余额不足时拒绝）。",
    )
    pay = _step(
        "pay", services.application_mark_paid, PaySerializer, "已审批的申请由市人社局管理员登记拨付日期和凭证号。"
    )
    reject = _step(
        "reject",
        services.application_reject,
        ReasonSerializer,
        "拨付前的任何环节，由该环节的办理人驳回；经办员对草稿为作废、对退回修改的申请为撤回。须填写原因。",
    )
    return_ = _step(
        "return",
        services.application_return,
        ReasonSerializer,
        "已提交、已审核或已审批的申请退回给经办员（状态为“退回修改”），修改后重新提交，须填写原因。",
    )

    @extend_schema(
        summary="批量提交、审核或审批",
        description=(
            "step 为 submit、review 或 approve。每一份申请按单独办理的同样规则逐份办理（各自独立，一份不符合不影响其他）；"
            "返回已办理的 id 和未办理的 id 及原因。不在您管辖范围内的 id 按不存在处理。"
        ),
        request=BulkStepSerializer,
        responses={200: BulkResultSerializer},
        parameters=[OpenApiParameter("step", str, OpenApiParameter.PATH, enum=[*workflow.FORWARD])],
    )
    @action(detail=False, methods=["post"], url_path=r"bulk/(?P<step>submit|review|approve)", url_name="bulk")
    def bulk(self, request, step: str, *args, **kwargs):
        workflow.bulk_action(request.user, step)
        serializer = BulkStepSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = list(dict.fromkeys(serializer.validated_data["ids"]))
        selected = list(selectors.application_selected(user=request.user, ids=ids))
        done, refused = services.applications_bulk_step(
            user=request.user, action=step, applications=selected, comment=serializer.validated_data["comment"]
        )
        found = {application.pk for application in selected}
        result = {
            "done": [application.pk for application in done],
            "refused": [{"id": r.application.pk, "reason": r.reason} for r in refused]
            + [{"id": pk, "reason": "申请不存在，或不在您的管辖范围内。"} for pk in ids if pk not in found],
        }
        return Response(BulkResultSerializer(result).data)
