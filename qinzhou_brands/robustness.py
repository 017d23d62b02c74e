"""Bad request input answered before any view sees it: a clear Chinese 400 or 413, never a 500 and never an
HTML page to an API client.

- Control characters (NUL and the other C0 codes except tab, line feed and carriage return, and DEL) in a
  query-string value or name, or in a form posted to a page: 400. PostgreSQL refuses a NUL in text ("A string literal cannot
  contain NUL characters"), which answered 500; the others are no more typed by a person. They are refused
  rather than stripped: a silently altered value (a search, a name, a reason) would be acted on as if the
  user had sent it, and a client that sends them has a bug it should hear about.
- A date-drilldown parameter (`…__year`, `…__month`, `…__day`: the admin's date hierarchy) that is not a
  date the database and Python can both hold: 400. The admin turns `year=99999999` into its own "invalid
  filter" page but raised OverflowError (500) on `start_date__year=9999&start_date__month=12` (it adds one
  month to find the end of the range) and on numbers too large for a C long.
- A request body over DATA_UPLOAD_MAX_MEMORY_SIZE: 413 (Django's RequestDataTooBig became an HTML 400
  wherever the body was first read). The body is read here, first, so the answer is the same whichever
  piece of code would have read it; multipart form data is parsed instead, whose limit counts the fields
  and not the uploaded files (on the pages; the API's parsers do that, and its exception handler answers the
  same 413).

Answers under /api/ are the API's JSON errors (`{"detail": …, "errors": {…}}`); the others the site's
error page."""

import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.deprecation import MiddlewareMixin

from .views import error_page

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A pattern for the OpenAPI schema of string parameters: what the middleware lets through.
NO_CONTROL_CHARACTERS = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$"
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# 1..9998: the admin computes the end of a year's range as the first day of the next year.
DATE_PARTS = {"__year": (1, 9998), "__month": (1, 12), "__day": (1, 31)}

CONTROL_MESSAGE = "“{name}”中含有不可见的控制字符（如 NUL），请删除后重新提交。"
DATE_MESSAGE = "日期筛选条件“{name}”无效：年份须为 1 至 9998，月份 1 至 12，日 1 至 31。"
UNREADABLE_MESSAGE = "提交的表单内容无法解析，请检查格式后重新提交。"
TOO_BIG_MESSAGE = (
    "提交的内容过大（上限 {megabytes} MB），请精简内容或拆分后分批提交；上传文件请不超过 {file_megabytes} MB。"
)


def too_big_message() -> str:
    return TOO_BIG_MESSAGE.format(
        megabytes=settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024),
        file_megabytes=settings.UPLOAD_MAX_BYTES // (1024 * 1024),
    )


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _refusal(request, *, status: int, message: str, field: str | None = None):
    if _is_api(request):
        errors = {"errors": {field: [message]}} if field is not None else {}
        return JsonResponse({"detail": message, **errors}, status=status)
    return error_page(request, status, "请求内容过大" if status == 413 else "请求有误", message)


def _control_character_problem(values) -> str | None:
    """The name of the first parameter whose name or value holds a control character."""
    for name, items in values.lists():
        if CONTROL_CHARACTERS.search(name) or any(CONTROL_CHARACTERS.search(item) for item in items):
            return CONTROL_CHARACTERS.sub("", name)[:50] or "参数名"
    return None


def _date_part_problem(values) -> str | None:
    for name, items in values.lists():
        for suffix, (low, high) in DATE_PARTS.items():
            if name.endswith(suffix):
                for item in items:
                    text = item.strip()
                    if not (text.isascii() and text.isdigit() and len(text) <= 4 and low <= int(text) <= high):
                        return name[:50]
    return None


class RequestInputMiddleware(MiddlewareMixin):
    """See the module's docstring. Goes before every middleware that reads the body (CSRF, axes)."""

    def process_request(self, request):
        if (name := _control_character_problem(request.GET)) is not None:
            return _refusal(request, status=400, message=CONTROL_MESSAGE.format(name=name), field=name)
        if (name := _date_part_problem(request.GET)) is not None:
            return _refusal(request, status=400, message=DATE_MESSAGE.format(name=name), field=name)
        if request.method in BODY_METHODS:
            is_form = request.content_type in FORM_CONTENT_TYPES
            try:
                if not is_form:
                    request.body  # noqa: B018 - read now, within the limit, and kept for whoever parses it
                elif not _is_api(request) and (name := _control_character_problem(request.POST)) is not None:
                    return _refusal(request, status=400, message=CONTROL_MESSAGE.format(name=name), field=name)
                # The API's form bodies are left to its parsers (a form sent to a JSON endpoint stays a 415) and
                # its serializers, which refuse a NUL in a field they read, as the schema says; a control
                # character in a field nobody reads is harmless there. qinzhou_brands.api turns their
                # RequestDataTooBig into the same 413.
            except RequestDataTooBig:
                return _refusal(request, status=413, message=too_big_message())
            except (MultiPartParserError, SuspiciousOperation):  # a broken multipart body, too many fields
                return _refusal(request, status=400, message=UNREADABLE_MESSAGE)
        return None  # on to the view
