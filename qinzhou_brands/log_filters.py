"""Logging filters of the settings' LOGGING."""

import datetime
import json
import logging

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from core.masking import mask_personal_data


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


class JsonFormatter(logging.Formatter):
    """One JSON object per line (DJANGO_LOG_FORMAT=json, the default with debug off) for a log collector:
    time, level, logger, message, and the request's method, path and status when Django logged one.
    The handler's personal_data filter has already masked ID and mobile numbers in message and traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if getattr(record, "status_code", None) is not None:
            entry["status"] = record.status_code
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            entry["method"], entry["path"] = request.method, request.path
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False, default=str)


class PersonalDataReporterFilter(SafeExceptionReporterFilter):
    """What an error report (the ADMINS e-mail) may show of the request and the stack: with debug off, no
    form value and no local variable at all (names, ID and phone numbers are typed into forms and held in
    variables), and no query string (searches by name)."""

    def get_post_parameters(self, request):
        if not self.is_active(request) or request is None:
            return super().get_post_parameters(request)
        return dict.fromkeys(request.POST, self.cleansed_substitute)

    def get_traceback_frame_variables(self, request, tb_frame):
        variables = super().get_traceback_frame_variables(request, tb_frame)
        if not self.is_active(request):
            return variables
        return [(name, self.cleansed_substitute) for name, _ in variables]

    def get_safe_request_meta(self, request):
        meta = super().get_safe_request_meta(request)
        if self.is_active(request) and "QUERY_STRING" in meta:
            meta["QUERY_STRING"] = self.cleansed_substitute
        return meta


class PersonalDataExceptionReporter(ExceptionReporter):
    """Django's report with the query parameters' values cleansed too (the filter above cannot reach them),
    and ID and mobile numbers masked in the exception's message."""

    def get_traceback_data(self):
        data = super().get_traceback_data()
        if self.filter.is_active(self.request):
            if "request_GET_items" in data:
                data["request_GET_items"] = [(key, self.filter.cleansed_substitute) for key in self.request.GET]
            if "request_insecure_uri" in data:
                data["request_insecure_uri"] = data["request_insecure_uri"].split("?")[0]
            if "exception_value" in data:
                data["exception_value"] = mask_personal_data(data["exception_value"])
        return data
