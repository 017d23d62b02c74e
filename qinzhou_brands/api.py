"""REST API v1: the router over every app's viewsets, the OpenAPI schema and Swagger UI, and what all
endpoints share (permissions, pagination, error format).

Each app keeps its viewsets in `<app>/api.py` (reads through its selectors, writes through its services)
and its serializers in `<app>/serializers.py`; this module, at the top of the layers, only wires them.

DRF's settings name classes of this module (permissions, pagination, exception handler) and DRF reads them
while its own views module is being imported. So nothing here imports DRF's views or the apps' viewsets
at import time: the routes are built when Django first asks for `urlpatterns` (see `__getattr__`)."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, parsers, permissions
from rest_framework.pagination import PageNumberPagination

app_name = "api"

# --- permissions ----------------------------------------------------------------------------------


class RolePermissions(permissions.DjangoModelPermissions):
    """The roles' model permissions, as the pages check them: reading needs the view permission too.

    A viewset names the permissions of its extra actions (or of a view with no model) in
    `action_permissions`; the services then make the finer checks (area, role, state) themselves."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        action = getattr(view, "action", None)
        if action is None:  # a method the viewset does not route (TRACE, DELETE …)
            raise exceptions.MethodNotAllowed(request.method)
        if action == "metadata":  # OPTIONS describes the endpoint, nothing of its records
            return True
        required = getattr(view, "action_permissions", {}).get(action)
        if required is not None:
            return user.has_perms(required)
        return super().has_permission(request, view)


# --- parsing --------------------------------------------------------------------------------------

# No request of this API nests deeper than a few levels (batches/{id}/results/: object → list → object).
MAX_JSON_DEPTH = 32
TOO_DEEP = f"JSON 嵌套层数过多（最多 {MAX_JSON_DEPTH} 层）。"


def _depth(data) -> int:
    """How deep lists and objects nest in `data`, without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, depth)
            if depth > MAX_JSON_DEPTH:
                break
            stack.extend((item, depth + 1) for item in (value.values() if isinstance(value, dict) else value))
    return deepest


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing deep nesting with a 400: Python's decoder raises RecursionError (a 500
    HTML page) on a body of a few thousand `[`, and anything that walked a deep but decodable body
    (serializers, the error formatter) could hit the same limit later."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(TOO_DEEP) from None
        if _depth(data) > MAX_JSON_DEPTH:
            raise exceptions.ParseError(TOO_DEEP)
        return data


# --- pagination -----------------------------------------------------------------------------------


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


# --- errors ---------------------------------------------------------------------------------------


def _messages(data) -> list[str]:
    if isinstance(data, dict):
        return [message for value in data.values() for message in _messages(value)]
    if isinstance(data, list):
        return [message for value in data for message in _messages(value)]
    return [str(data)]


def _as_field_errors(data) -> dict:
    if isinstance(data, dict):
        return {("non_field_errors" if key == NON_FIELD_ERRORS else str(key)): value for key, value in data.items()}
    return {"non_field_errors": data if isinstance(data, list) else [data]}


def exception_handler(exc, context):
    """DRF's handler, plus the Django exceptions selectors and services raise: Http404 → 404, ValidationError
    → 400, PermissionDenied → 403 with the service's Chinese message.

    Every error is `{"detail": …}`; a refused input also carries `"errors"`: {field: [messages]}
    (`non_field_errors` for what belongs to no single field)."""
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, Http404):
        exc = exceptions.NotFound()  # one Chinese message, not "No TrainingBatch matches the given query."
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, exceptions.ParseError) and not str(exc.detail).endswith("。"):  # DRF's are English
        exc = exceptions.ParseError(f"请求内容无法解析，请检查格式（{exc.detail}）。")
    elif isinstance(exc, exceptions.Throttled):
        wait = f"{exc.wait:.0f} 秒后" if exc.wait is not None else "稍后"
        exc = exceptions.Throttled(wait=exc.wait, detail=f"逐条读取个人记录过于频繁，请在 {wait}再试。")
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _as_field_errors(response.data)
        messages = list(dict.fromkeys(_messages(errors)))
        response.data = {"detail": "；".join(messages) or "提交的数据有误。", "errors": errors}
    elif not (isinstance(response.data, dict) and set(response.data) == {"detail"}):
        response.data = {"detail": "；".join(_messages(response.data))}
    return response


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Any other address under /api/: a JSON 404 like the endpoints', not the pages' HTML one (and not a CSRF
    403 for a PATCH to an id that is no id: nothing is changed here)."""
    return JsonResponse({"detail": "未找到。"}, status=404)


# --- schema ---------------------------------------------------------------------------------------

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "说明（中文）"},
        "errors": {
            "type": "object",
            "additionalProperties": {},
            "description": "按字段列出的问题；non_field_errors 为不属于某个字段的问题",
        },
    },
    "required": ["detail"],
}
ERROR_RESPONSES = {
    "400": "请求数据或查询参数有误：detail 为说明，errors 按字段列出问题。",
    "401": "未提供身份认证信息，或令牌无效。",
    "403": "没有权限执行此操作（角色、县区或办理环节不符）。",
    "404": "记录不存在，或不在您的管辖范围内（其他县区的记录同样返回 404）；页码超出范围也返回 404。",
}
# Reads of one person's record by id are throttled (accounts.api.PersonDetailThrottle).
THROTTLED_OPERATIONS = {
    f"{name}_retrieve" for name in ("trainees", "enrolments", "referrals", "outcomes", "applications")
}
THROTTLED_RESPONSE = "逐条读取个人记录超过频率限制（API_PERSON_DETAIL_RATE）：Retry-After 为需等待的秒数。"


def document_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation documents the error answers it can give, in the
    shared error format above."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, description in ERROR_RESPONSES.items():
                operation["responses"].setdefault(code, {"description": description, "content": content})
            if operation.get("operationId") in THROTTLED_OPERATIONS:
                operation["responses"].setdefault("429", {"description": THROTTLED_RESPONSE, "content": content})
    return result


# --- routes ---------------------------------------------------------------------------------------


def _urlpatterns() -> list:
    from django.urls import include, path, re_path
    from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
    from rest_framework.routers import SimpleRouter

    from brands.api import AreaViewSet, BrandLineViewSet, OccupationViewSet
    from dashboard.api import ProgressViewSet
    from employment.api import OutcomeViewSet, ReferralViewSet
    from subsidies.api import ApplicationViewSet
    from training.api import BatchViewSet, EnrolmentViewSet, TraineeViewSet

    router = SimpleRouter()
    router.register("areas", AreaViewSet, basename="area")
    router.register("brands", BrandLineViewSet, basename="brand")
    router.register("occupations", OccupationViewSet, basename="occupation")
    router.register("batches", BatchViewSet, basename="batch")
    router.register("trainees", TraineeViewSet, basename="trainee")
    router.register("enrolments", EnrolmentViewSet, basename="enrolment")
    router.register("referrals", ReferralViewSet, basename="referral")
    router.register("outcomes", OutcomeViewSet, basename="outcome")
    router.register("applications", ApplicationViewSet, basename="application")
    router.register("progress", ProgressViewSet, basename="progress")
    return [
        path("v1/", include(router.urls)),
        path("schema/", SpectacularAPIView.as_view(), name="schema"),
        path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
        path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
        re_path(r"^", not_found),
    ]


def __getattr__(name: str):
    if name == "urlpatterns":
        globals()["urlpatterns"] = patterns = _urlpatterns()
        return patterns
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
