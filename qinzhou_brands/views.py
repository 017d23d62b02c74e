"""Project-level endpoints: health check and Chinese error pages."""

import logging
import sys

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .faults import unavailable_response

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request):
    """200 when the database (and Redis, when configured) answer; 503 otherwise."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except DatabaseError as error:
        logger.warning("healthz: database unreachable: %s", error)
        checks["database"] = "error"
    if settings.REDIS_URL:
        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
            checks["redis"] = "ok"
        except redis.RedisError as error:
            logger.warning("healthz: redis unreachable: %s", error)
            checks["redis"] = "error"
    else:
        checks["redis"] = "not configured"
    healthy = all(value != "error" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


def error_page(request, code: int, title: str, message: str):
    return render(request, "errors/error.html", {"code": code, "title": title, "message": message}, status=code)


def bad_request(request, exception=None):
    return error_page(request, 400, "请求有误", "请求内容无法处理，请返回重试。")


def permission_denied(request, exception=None):
    return error_page(request, 403, "没有权限", "您的账号没有执行此操作的权限。如需开通，请联系市人社局管理员。")


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form posted without a valid security token (a page left open past the
    session's end, cookies refused), in Chinese instead of Django's English page."""
    return error_page(
        request,
        403,
        "页面已过期，请刷新后重试",
        "安全校验未通过：页面打开时间过长或登录已过期。请刷新页面（必要时重新登录）后再提交；"
        "如仍出现，请确认浏览器允许本站使用 Cookie。",
    )


def page_not_found(request, exception=None):
    return error_page(request, 404, "页面不存在", "您要找的页面或记录不存在，或不在您的管辖范围内。")


def server_error(request):
    # Raised outside a view (the session saved at the end of the request) while the database is down: 503.
    unavailable = unavailable_response(request, sys.exc_info()[1])
    if unavailable is not None:
        return unavailable
    return error_page(request, 500, "系统出错", "系统处理时出错，已记录。请稍后重试；如仍有问题，请联系系统管理员。")


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico whatever the pages link to: send them to the static icon."""
    return redirect(static("img/favicon.svg"), permanent=True)
