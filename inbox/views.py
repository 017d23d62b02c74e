from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .registry import inbox_items, inbox_total


@never_cache
@require_safe
@login_required
def index(request):
    """我的待办: the items counted afresh (the badge's cache is refreshed too)."""
    items = inbox_items(request.user, fresh=True)
    return render(request, "inbox/index.html", {"items": items, "total": inbox_total(items)})


@never_cache
@require_safe
@login_required
def count(request):
    """The navigation badge's figure ({"total": n}), from the per-user cache: fetched by static/js/inbox-badge.js."""
    return JsonResponse({"total": inbox_total(inbox_items(request.user))})
