"""What every app's API shares about personal data (accounts sits below training and employment, so all
of them may import it). Routes are registered in qinzhou_brands/api.py."""

import datetime

from django.conf import settings
from django.utils import timezone
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from .audit import Action, audit_export, audit_record, may_export_persons
from .scoping import scope_for

# Said in the schema of every list and record PersonDataMixin guards.
PERSON_LIST_NOTE = (
    "名单属于个人信息：只有可导出人员名单的角色可以读取（其他角色返回 403），每次读取记入个人信息操作记录。"
)
PERSON_DETAIL_NOTE = (
    "属于个人信息：只有可导出人员名单的角色可以读取（其他角色返回 403），每次读取记入个人信息操作记录；"
    "逐条读取有频率限制，超过时返回 429。"
)
PERSON_REFUSED = "您的账号只能查看汇总报表，不能读取人员名单或个人记录。"
PERSON_DETAIL_SCOPE = "person_detail"
TOKEN_EXPIRED = "令牌已过期（有效期 {days} 天），请联系管理员重新生成令牌。"
TOKEN_INACTIVE = "该账号已停用，令牌无效。"


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, with tokens that end `API_TOKEN_TTL_DAYS` days after they were made.

    An expired token is deleted when it is presented, so `manage.py drf_create_token USERNAME` makes a
    new one (as `drf_create_token -r` always does). Tokens are also deleted when their user's password
    changes or the account is deactivated (accounts.signals)."""

    def authenticate_credentials(self, key):
        model = self.get_model()
        token = model.objects.select_related("user").filter(key=key).first()
        if token is None:
            raise AuthenticationFailed("认证令牌无效。")
        if not token.user.is_active:
            raise AuthenticationFailed(TOKEN_INACTIVE)
        days = settings.API_TOKEN_TTL_DAYS
        if token.created < timezone.now() - datetime.timedelta(days=days):
            token.delete()
            raise AuthenticationFailed(TOKEN_EXPIRED.format(days=days))
        return token.user, token


class PersonDetailThrottle(ScopedRateThrottle):
    """DRF's ScopedRateThrottle with its rate from `API_PERSON_DETAIL_RATE`, read when it runs (DRF reads
    DEFAULT_THROTTLE_RATES once, at import). Counts live in the default cache: Redis in production (shared
    by every gunicorn process), local memory on a development machine."""

    def get_rate(self):
        return settings.API_PERSON_DETAIL_RATE


class PersonDataMixin:
    """For a viewset whose records are persons or name one (trainees, enrolments, referrals, outcomes).

    Through the API such records can be paged through, or read one id after another, and kept: that is an
    export of personal data (PIPL art. 51). Only the roles that may export persons may read them, by list
    or by id (the others get 403 with the reason, as on the export buttons); each list page and each record
    read is an audit entry; and reads by id are throttled (`API_PERSON_DETAIL_RATE` per user)."""

    person_list_label = ""
    # The attribute naming the person of a record; None when the record is the person.
    person_field: str | None = "trainee"
    throttle_scope = PERSON_DETAIL_SCOPE

    def _label(self) -> str:
        return self.person_list_label or str(self.get_queryset().model._meta.verbose_name)

    def check_permissions(self, request):
        super().check_permissions(request)
        if getattr(self, "action", None) in ("list", "retrieve") and not may_export_persons(request.user):
            self.permission_denied(request, message=PERSON_REFUSED)

    def get_throttles(self):
        throttles = super().get_throttles()
        return [*throttles, PersonDetailThrottle()] if getattr(self, "action", None) == "retrieve" else throttles

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        data = response.data
        rows = len(data.get("results", ())) if isinstance(data, dict) else len(data or ())
        if rows:
            label = self._label()
            audit_export(request=request, subject=f"接口读取：{label}", what=f"{label}（接口读取）", rows=rows)
        return response

    def retrieve(self, request, *args, **kwargs):
        record = self.get_object()
        data = self.get_serializer(record).data
        person = record if self.person_field is None else getattr(record, self.person_field)
        audit_person_read(request=request, person=person, what=f"{self._label()} #{record.pk}")
        return Response(data)


def audit_person_read(*, request, person, what: str) -> None:
    """One record naming a person, read through the API."""
    audit_record(
        user=request.user,
        action=Action.EXPORT,
        person=person,
        subject=f"接口读取：{what}",
        area=scope_for(request.user).area,
        detail=f"{what}（接口逐条读取）",
        request=request,
    )
