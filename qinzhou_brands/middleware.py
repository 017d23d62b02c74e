"""Response headers that keep personal data on screen from leaking, and the log filter that keeps it out
of the logs.

The Content-Security-Policy allows scripts from this site's own static files only: an injected
`<script>` or `onclick=` does not run, so a name like `<img onerror=…>` typed into a roster cannot
read the page. Every page script lives in static/js/ (json_script data blocks are fine: not run).
Styles allow 'unsafe-inline' because templates set widths of progress bars in `style` attributes."""

import logging

from django.utils.deprecation import MiddlewareMixin

from core.masking import mask_personal_data

STRICT_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
# The API documentation pages of drf-spectacular (bundles served from drf_spectacular_sidecar's static
# files, so still 'self'): Swagger UI (SpectacularSwaggerView) starts itself with an inline <script>
# (its split variant, SpectacularSwaggerSplitView, does not and would need no exemption), and Redoc runs
# its search in a blob: worker. These pages render no records of their own. The Django admin needs no
# exemption: its templates (and import-export's, simple-history's) have no inline scripts.
RELAXED_POLICIES = {
    "/api/docs": {**STRICT_POLICY, "script-src": "'self' 'unsafe-inline'"},
    "/api/redoc": {**STRICT_POLICY, "script-src": "'self' 'unsafe-inline'", "worker-src": "'self' blob:"},
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
)


def _header(policy: dict[str, str]) -> str:
    return "; ".join(f"{directive} {sources}" for directive, sources in policy.items())


STRICT_HEADER = _header(STRICT_POLICY)
RELAXED_HEADERS = {prefix: _header(policy) for prefix, policy in RELAXED_POLICIES.items()}


def content_security_policy(path: str) -> str:
    return next((header for prefix, header in RELAXED_HEADERS.items() if path.startswith(prefix)), STRICT_HEADER)


class SecurityHeadersMiddleware(MiddlewareMixin):
    """Content-Security-Policy and Permissions-Policy on every response that has none of its own
    (X-Frame-Options, Referrer-Policy, nosniff and COOP come from Django's own middleware and settings)."""

    def process_response(self, request, response):
        response.setdefault("Content-Security-Policy", content_security_policy(request.path))
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


# --- logs -----------------------------------------------------------------------------------------


class PersonalDataLogFilter(logging.Filter):
    """Masks ID and mobile numbers in a record's message, traceback and stack before any handler writes it.

    Attached to the handlers in settings.LOGGING, so it covers every logger that reaches them."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed call: the handler reports it as logging always does
            return True
        masked = mask_personal_data(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal_data(record.stack_info)
        return True
