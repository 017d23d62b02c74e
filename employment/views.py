"""Employment pages (being written: see employment/urls.py for the names)."""

from django.http import Http404


def _pending(request, *args, **kwargs):
    raise Http404


worklist = worklist_xlsx = trainee_employment = referral_create = outcome_create = referral_result = _pending
labour_export_list = labour_export_create = labour_export_detail = _pending
wage_case_list = wage_case_create = wage_case_detail = _pending
