"""Optional error reporting to Sentry (SENTRY_DSN), sending no personal data.

Personal data reaches an error event by a few roads, each closed here: the request (form bodies, query
strings, cookies, headers: dropped, the URL kept without its query), local variables (not collected),
breadcrumbs (log messages formatted with their arguments, SQL parameters: only time, kind and level stay), the user
(only the id stays), and the messages themselves (ID and mobile numbers masked in every string left)."""

from __future__ import annotations

from typing import Any

from core.masking import mask_personal_data

KEPT_HEADERS = {"user-agent", "content-type", "content-length", "x-forwarded-proto"}


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask_personal_data(value)
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_masked(item) for item in value]
    return value


def scrub_event(event: dict, hint: dict | None = None) -> dict:
    """before_send / before_send_transaction: the event with no personal data left in it."""
    request = event.get("request")
    if request:
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        if "url" in request:
            request["url"] = request["url"].split("?")[0]
        headers = request.get("headers") or {}
        request["headers"] = {key: value for key, value in headers.items() if key.lower() in KEPT_HEADERS}
    if event.get("user"):
        event["user"] = {key: value for key, value in event["user"].items() if key == "id"}
    for section in ("exception", "threads"):
        for item in (event.get(section) or {}).get("values", []):
            for frame in (item.get("stacktrace") or {}).get("frames", []):
                frame.pop("vars", None)
    logentry = event.get("logentry")
    if logentry:
        logentry.pop("params", None)
        if logentry.get("message"):
            logentry["formatted"] = logentry["message"]  # the template, without the arguments
    breadcrumbs = event.get("breadcrumbs")
    crumbs = breadcrumbs.get("values", []) if isinstance(breadcrumbs, dict) else breadcrumbs or []
    for index, crumb in enumerate(crumbs):
        # A log breadcrumb's message is already formatted with its arguments (a name, a number): kept is when
        # and what kind of thing happened, not what it said.
        crumbs[index] = {key: crumb[key] for key in ("timestamp", "type", "category", "level") if key in crumb}
    event.pop("extra", None)
    return _masked(event)


def sentry_init(*, dsn: str, environment: str, release: str | None = None, **options) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=0,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        before_send=scrub_event,
        before_send_transaction=scrub_event,
        **options,
    )
