"""Roster import pages (being written)."""

from django.http import Http404


def _pending(request, *args, **kwargs):
    raise Http404


roster_template = import_upload = import_list = import_detail = import_progress = import_commit = import_cancel = (
    import_errors
) = _pending
