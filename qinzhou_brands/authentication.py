"""The API's session authentication with the CSRF refusal in Chinese.

DRF's SessionAuthentication answers a failed CSRF check with "CSRF Failed: <Django's English reason>".
This subclass keeps the check exactly as it is and only words the refusal; qinzhou_brands.api's
exception handler then answers it as every other 403: {"detail": "…"}."""

from django.middleware import csrf
from drf_spectacular.authentication import SessionScheme as OpenApiSessionScheme
from rest_framework import authentication, exceptions

# Django's reasons (django.middleware.csrf.REASON_*) are fixed English texts, some with details.
REASONS = [
    (csrf.REASON_NO_CSRF_COOKIE, "浏览器没有发送 CSRF Cookie"),
    (csrf.REASON_CSRF_TOKEN_MISSING, "请求缺少 CSRF 令牌（请求头 X-CSRFToken）"),
    ("CSRF token from", "CSRF 令牌不正确或已过期"),
    ("Origin checking failed", "请求来源（Origin）不是本站"),
    ("Referer checking failed", "请求来源（Referer）缺失或不是本站"),
]


def csrf_refusal(reason: str) -> str:
    why = next((chinese for english, chinese in REASONS if reason.startswith(english)), "CSRF 校验未通过")
    return (
        f"安全校验未通过：{why}。请刷新页面后重试；"
        "其他系统调用接口请使用令牌（请求头 Authorization: Token …），无需 CSRF 令牌。"
    )


class SessionAuthentication(authentication.SessionAuthentication):
    def enforce_csrf(self, request):
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied as refusal:
            reason = str(refusal.detail).removeprefix("CSRF Failed: ")
            raise exceptions.PermissionDenied(csrf_refusal(reason)) from None


class SessionScheme(OpenApiSessionScheme):
    """The schema documents it as DRF's session authentication (cookie `sessionid`)."""

    target_class = SessionAuthentication
