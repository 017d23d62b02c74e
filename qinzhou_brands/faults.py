"""Requests while the database does not answer (PostgreSQL restarting, failing over, the network cut): a
Chinese 503 page, or the API's JSON 503, instead of a 500.

`DatabaseUnavailableMiddleware` answers for a view's exception; `server_error` (handler500) asks
`unavailable_response` for the same exceptions raised outside a view (the session saved at the end of every
request, the user loaded by a middleware). The connections recover by themselves once the server is back:
Django closes a connection that failed at the end of its request and CONN_HEALTH_CHECKS checks a persistent
one before reusing it."""

import logging

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.deprecation import MiddlewareMixin

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
API_DETAIL = "数据库暂时无法访问（正在重启或维护），本次请求没有执行。请稍后重试。"


def database_unreachable(exception: BaseException | None) -> bool:
    """Whether `exception` means the database cannot be reached, not that one statement failed on a working
    connection (a deadlock, a lock timeout, SQLite's "database is locked" are OperationalErrors too)."""
    return isinstance(exception, (OperationalError, InterfaceError)) and any(
        connection.connection is None or not connection.is_usable()
        for connection in connections.all(initialized_only=True)
    )


def unavailable_response(request, exception: BaseException | None) -> HttpResponse | None:
    """The 503 for an unreachable database, or None for any other exception."""
    if not database_unreachable(exception):
        return None
    logger.warning("database unreachable, answered 503 for %s: %s", request.path, str(exception).strip()[:200])
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": API_DETAIL}, status=503, json_dumps_params={"ensure_ascii": False})
    else:
        response = HttpResponse(render_to_string("errors/unavailable.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware(MiddlewareMixin):
    def process_exception(self, request, exception):
        return unavailable_response(request, exception)
