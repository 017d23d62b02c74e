"""Logging filters of the settings' LOGGING."""

import logging


class ClientErrorsOneLine(logging.Filter):
    """django.request logs every 4xx answer with the exception that caused it (PermissionDenied,
    Http404, …) and so its full traceback: a clerk opening another area's record printed a page of
    stack for an answer that is working as intended. Keep the line ("Forbidden (Permission denied):
    /training/batches/7/"), drop the traceback; 5xx keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
