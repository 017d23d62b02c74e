"""REST API v1: the router over every app's viewsets, the OpenAPI schema and Swagger UI, and the error
format all endpoints share. The base classes every endpoint uses (permissions, parser, pagination, filter
backend, filters) are core.api's.

Each app keeps its viewsets in `<app>/api.py` (reads through its selectors, writes through its services)
and its serializers in `<app>/serializers.py`; this module, at the top of the layers, only wires them.

DRF's settings name functions of this module (the exception handler, the schema hook) and DRF reads them
while its own views module is being imported. So nothing here imports DRF's views or the apps' viewsets
at import time: the routes are built when Django first asks for `urlpatterns` (see `__getattr__`)."""

from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions

from .robustness import NO_CONTROL_CHARACTERS, too_big_message

app_name = "api"

# --- errors ---------------------------------------------------------------------------------------


def _leaves(data) -> list[str]:
    """The texts in nested dicts and lists (DRF's error details, or their codes), in order."""
    if isinstance(data, dict):
        data = list(data.values())
    if isinstance(data, list):
        return [leaf for value in data for leaf in _leaves(value)]
    return [str(data)]


def _as_field_errors(data) -> dict:
    if isinstance(data, dict):
        return {("non_field_errors" if key == NON_FIELD_ERRORS else str(key)): value for key, value in data.items()}
    return {"non_field_errors": data if isinstance(data, list) else [data]}


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "request_too_large"


# Error codes of refusals the schema cannot express: a referenced record that does not exist (or is not in the
# caller's scope), and the serializers' own checks of one field against another or against stored data.
RULE_CODES = frozenset({"rule", "does_not_exist"})


def exception_handler(exc, context):
    """DRF's handler, plus the Django exceptions selectors and services raise: Http404 → 404, ValidationError
    → 409, PermissionDenied → 403 with the service's Chinese message.

    400 means the request breaks the schema (a type, a required field, a length, a range, an enum); 409 means
    it is well formed but a programme rule or the stored data refuses it (the application's state, a cap, the
    budget, a date before the person's training, a record that does not exist): every refusal a service
    makes, and the serializers' refusals coded "rule" or "does_not_exist". So a client (and schemathesis)
    can tell "fix the request" from "the data says no".

    Every error is `{"detail": …}`; a refused input also carries `"errors"`: {field: [messages]}
    (`non_field_errors` for what belongs to no single field)."""
    from rest_framework.views import exception_handler as drf_exception_handler

    conflict = False
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()  # one Chinese message, not "No TrainingBatch matches the given query."
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
        conflict = True
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, exceptions.ParseError) and not str(exc.detail).endswith("。"):  # DRF's are English
        exc = exceptions.ParseError(f"请求内容无法解析，请检查格式（{exc.detail}）。")
    elif isinstance(exc, RequestDataTooBig):  # a multipart body's fields over the limit, met by DRF's parser
        exc = RequestTooLarge(too_big_message())
    elif isinstance(exc, exceptions.Throttled):
        wait = f"{exc.wait:.0f} 秒后" if exc.wait is not None else "稍后"
        exc = exceptions.Throttled(wait=exc.wait, detail=f"逐条读取个人记录过于频繁，请在 {wait}再试。")
    elif isinstance(exc, exceptions.ValidationError):
        codes = set(_leaves(exc.get_codes()))
        conflict = bool(codes) and codes <= RULE_CODES
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _as_field_errors(response.data)
        messages = list(dict.fromkeys(_leaves(errors)))
        response.data = {"detail": "；".join(messages) or "提交的数据有误。", "errors": errors}
        if conflict:
            response.status_code = 409
    elif not (isinstance(response.data, dict) and set(response.data) == {"detail"}):
        response.data = {"detail": "；".join(_leaves(response.data))}
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
CONFLICT_RESPONSE = (
    "请求格式正确，但与现有数据或办理规则冲突：如申请当前状态不能执行该操作、超过补贴限额或预算余额、日期早于学员的培训、"
    "引用的记录不存在或不在您的管辖范围内、文件不能作为花名册读取。detail 为说明，errors 按字段列出问题。"
)
# What the server refuses in every string, said in the schema: a NUL anywhere in a JSON string (DRF's
# CharField), a value of only whitespace where one is required (trimmed to nothing), and control characters
# in query parameters (qinzhou_brands.robustness).
NO_NUL = "^[^\\u0000]*$"
NOT_BLANK = "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"
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
            if "requestBody" in operation:
                operation["responses"].setdefault("409", {"description": CONFLICT_RESPONSE, "content": content})
            for parameter in operation.get("parameters", ()):
                schema = parameter.get("schema", {})
                if parameter.get("in") == "query" and schema.get("type") == "string" and "enum" not in schema:
                    schema.setdefault("pattern", NO_CONTROL_CHARACTERS)
    for name, schema in result["components"]["schemas"].items():
        if name.endswith("Request"):
            for field in schema.get("properties", {}).values():
                if field.get("type") == "string" and not ({"format", "enum", "pattern"} & set(field)):
                    field["pattern"] = NOT_BLANK if field.get("minLength") else NO_NUL
    return result


# --- routes ---------------------------------------------------------------------------------------


def _urlpatterns() -> list:
    from django.urls import include, path, re_path
    from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
    from rest_framework.routers import SimpleRouter

    from brands.api import AreaViewSet, BrandLineViewSet, OccupationViewSet, PlanPeriodViewSet
    from dashboard.api import ProgressViewSet
    from employment.api import OutcomeViewSet, ReferralViewSet
    from employment.vacancy_api import JobFairViewSet, VacancyViewSet
    from followups.api import FollowUpViewSet
    from inbox.api import InboxViewSet
    from plantasks.api import PlanTaskViewSet, TaskReportViewSet
    from subsidies.api import ApplicationViewSet
    from training.api import BatchViewSet, EnrolmentViewSet, TraineeViewSet

    router = SimpleRouter()
    router.register("areas", AreaViewSet, basename="area")
    router.register("brands", BrandLineViewSet, basename="brand")
    router.register("occupations", OccupationViewSet, basename="occupation")
    router.register("periods", PlanPeriodViewSet, basename="period")
    router.register("batches", BatchViewSet, basename="batch")
    router.register("trainees", TraineeViewSet, basename="trainee")
    router.register("enrolments", EnrolmentViewSet, basename="enrolment")
    router.register("referrals", ReferralViewSet, basename="referral")
    router.register("outcomes", OutcomeViewSet, basename="outcome")
    router.register("follow-ups", FollowUpViewSet, basename="follow-up")
    router.register("applications", ApplicationViewSet, basename="application")
    router.register("progress", ProgressViewSet, basename="progress")
    router.register("vacancies", VacancyViewSet, basename="vacancy")
    router.register("job-fairs", JobFairViewSet, basename="job-fair")
    router.register("tasks", PlanTaskViewSet, basename="task")
    router.register("task-reports", TaskReportViewSet, basename="task-report")
    router.register("inbox", InboxViewSet, basename="inbox")
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
