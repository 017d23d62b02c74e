"""REST API v1 of 跟踪服务: recorded follow-ups in the user's scope (another area's is a 404), recorded
through the service. Routes are registered in qinzhou_brands/api.py."""

from drf_spectacular.utils import extend_schema, extend_schema_view

from accounts.api import PERSON_DETAIL_NOTE, PERSON_LIST_NOTE
from employment.api import RecordViewSet

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
class FollowUpViewSet(RecordViewSet):
    serializer_class = FollowUpSerializer
    filterset_class = FollowUpFilter
    list_selector = staticmethod(selectors.follow_up_list)

    def record(self, user, data: dict):
        data = dict(data)
        outcome = data.pop("outcome")
        return services.follow_up_record(user=user, outcome=outcome, entry=services.FollowUpEntry(**data))
