"""Project-level endpoints: health check and Chinese error pages."""

import sys

from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.health import health_report

from .faults import unavailable_response

CSRF_FAILED = (
    "安全校验未通过：页面打开时间过长或登录已过期。请刷新页面（必要时重新登录）后再提交；"
    "如仍出现，请确认浏览器允许本站使用 Cookie。"
)


@never_cache
@require_safe
def healthz(request):
    """JSON of each part's state (core.health): 200 when all are up, 503 naming the parts that are down."""
    report = health_report()
    return JsonResponse(report, status=503 if report["down"] else 200)


def error_page(request, code: int, title: str, message: str):
    return render(request, "errors/error.html", {"code": code, "title": title, "message": message}, status=code)


def bad_request(request, exception=None):
    return error_page(request, 400, "请求有误", "请求内容无法处理，请返回重试。")


def permission_denied(request, exception=None):
    return error_page(request, 403, "没有权限", "您的账号没有执行此操作的权限。如需开通，请联系市人社局管理员。")


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form posted without a valid security token (a page left open past the
    session's end, cookies refused), in Chinese instead of Django's English page."""
    return error_page(request, 403, "页面已过期，请刷新后重试", CSRF_FAILED)


def page_not_found(request, exception=None):
    return error_page(request, 404, "页面不存在", "您要找的页面或记录不存在，或不在您的管辖范围内。")


def server_error(request):
    # Raised outside a view (the session saved at the end of the request) while the database is down: 503.
    return unavailable_response(request, sys.exc_info()[1]) or error_page(
        request, 500, "系统出错", "系统处理时出错，已记录。请稍后重试；如仍有问题，请联系系统管理员。"
    )


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico whatever the pages link to: send them to the static icon."""
    return redirect(static("img/favicon.svg"), permanent=True)
