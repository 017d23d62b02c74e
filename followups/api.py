"""REST API v1 of 跟踪服务: recorded follow-ups in the user's scope (another area's is a 404), recorded
through the service. Routes are registered in qinzhou_brands/api.py."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from accounts.api import PERSON_DETAIL_NOTE, PERSON_LIST_NOTE, PersonDataMixin
from core.api import ScopedObjectMixin

from . import selectors, services
from .filters import FollowUpFilter
from .serializers import FollowUpSerializer


@extend_schema_view(
    list=extend_schema(
        summary="跟踪服务记录列表", description="本县区登记的就业结果的跟踪服务记录。" + PERSON_LIST_NOTE
    ),
    retrieve=extend_schema(summary="跟踪服务记录详情", description=PERSON_DETAIL_NOTE),
    create=extend_schema(
        summary="登记跟踪服务", description="就业、灵活就业开始后按 FOLLOW_UP_MONTHS 的节点跟踪，每个节点登记一次。"
    ),
)
class FollowUpViewSet(
    ScopedObjectMixin,
    PersonDataMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = FollowUpSerializer
    filterset_class = FollowUpFilter

    def get_queryset(self):
        return selectors.follow_up_list(user=self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        outcome = data.pop("outcome")
        follow_up = services.follow_up_record(user=request.user, outcome=outcome, entry=services.FollowUpEntry(**data))
        follow_up = self.get_queryset().get(pk=follow_up.pk)
        return Response(self.get_serializer(follow_up).data, status=status.HTTP_201_CREATED)
