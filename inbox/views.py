from django.contrib.auth.decorators import login_required
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
