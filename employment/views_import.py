"""Bulk referral import pages (being written: see employment/urls.py for the names)."""

from django.http import Http404


def _pending(request, *args, **kwargs):
    raise Http404


referral_template = referral_import_upload = referral_import_detail = referral_import_commit = _pending
referral_import_cancel = referral_import_errors = _pending
