"""REST API v1 of the vacancy register and job fairs: `/api/v1/vacancies/` (every open vacancy and the
user's area's own; registered through `vacancy_services.vacancy_create`) and `/api/v1/job-fairs/` (the
user's area's fairs with their counts, no personal data). Routes are registered in qinzhou_brands/api.py."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from core.api import ScopedObjectMixin

from . import vacancy_selectors, vacancy_services
from .api import ServiceRecordViewSet
from .filters import JobFairFilter, VacancyFilter
from .vacancy_serializers import JobFairSerializer, VacancySerializer


@extend_schema_view(
    list=extend_schema(
        summary="岗位信息库", description="全部招聘中的岗位，以及本县区登记的各状态岗位（市级用户：全部）。"
    ),
    retrieve=extend_schema(summary="岗位详情"),
    create=extend_schema(summary="登记岗位", description="岗位记在本县区（市级用户须填写 area）。"),
)
class VacancyViewSet(ServiceRecordViewSet):
    serializer_class = VacancySerializer
    filterset_class = VacancyFilter
    list_selector = staticmethod(vacancy_selectors.vacancy_list)
    create_service = staticmethod(vacancy_services.vacancy_create)


@extend_schema_view(
    list=extend_schema(
        summary="专场招聘会列表", description="本县区举办的专场招聘会及签到、意向、岗位数（市级用户：全部）。"
    ),
    retrieve=extend_schema(summary="专场招聘会详情"),
)
class JobFairViewSet(ScopedObjectMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = JobFairSerializer
    filterset_class = JobFairFilter

    def get_queryset(self):
        return vacancy_selectors.fair_list(user=self.request.user)
