"""Batch and trainee pages (being written: see training/urls.py for the names)."""

from django.http import Http404


def _pending(request, *args, **kwargs):
    raise Http404


batch_list = batch_create = batch_detail = batch_update = batch_results = trainee_list = trainee_detail = _pending
