"""REST API v1 of the employment app: job referrals and employment outcomes, listed in the user's scope
(the records their area made; another area's is a 404) and recorded through the services, which keep
the dashboard's summary rows up to date. Routes are registered in qinzhou_brands/api.py."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from accounts.api import PERSON_DETAIL_NOTE, PERSON_LIST_NOTE, PersonDataMixin
from core.api import ScopedObjectMixin

from . import selectors, services
from .filters import OutcomeFilter, ReferralFilter
from .serializers import OutcomeSerializer, ReferralSerializer


class ServiceRecordViewSet(
    ScopedObjectMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    # List and read `list_selector(user=…)`; record through `record(user, validated data)` (by default
    # `create_service(user=…, **data)`) and answer with the record as the list shows it. No docstring: the
    # API schema would take it as the description of the actions that give none.

    list_selector = None
    create_service = None

    def get_queryset(self):
        return self.list_selector(user=self.request.user)

    def record(self, user, data: dict):
        return self.create_service(user=user, **data)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = self.record(request.user, serializer.validated_data)
        record = get_object_or_404(self.get_queryset(), pk=record.pk)
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)


class RecordViewSet(PersonDataMixin, ServiceRecordViewSet):
    """List, read and record through `create_service(user=…, **validated data)`."""


@extend_schema_view(
    list=extend_schema(
        summary="岗位推荐列表",
        description="本县区做出的岗位推荐；学员身份证号码脱敏。" + PERSON_LIST_NOTE,
    ),
    retrieve=extend_schema(summary="岗位推荐详情", description=PERSON_DETAIL_NOTE),
    create=extend_schema(summary="登记岗位推荐", description="方案要求每名参训学员至少推荐 3 次岗位。"),
)
class ReferralViewSet(RecordViewSet):
    serializer_class = ReferralSerializer
    filterset_class = ReferralFilter
    list_selector = staticmethod(selectors.referral_list)
    create_service = staticmethod(services.referral_create)


@extend_schema_view(
    list=extend_schema(
        summary="就业创业结果列表",
        description="本县区登记的就业、创业、灵活就业结果。" + PERSON_LIST_NOTE,
    ),
    retrieve=extend_schema(summary="就业创业结果详情", description=PERSON_DETAIL_NOTE),
    create=extend_schema(
        summary="登记就业创业结果",
        description="计入该学员开始日期前最近一次结业培训的地区、品牌和开始日期所在年度。",
    ),
)
class OutcomeViewSet(RecordViewSet):
    serializer_class = OutcomeSerializer
    filterset_class = OutcomeFilter
    list_selector = staticmethod(selectors.outcome_list)
    create_service = staticmethod(services.outcome_create)
