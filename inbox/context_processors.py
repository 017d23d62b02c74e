from django.utils.functional import SimpleLazyObject

from .registry import inbox_items, inbox_total


def inbox(request):
    """`inbox.items` and `inbox.total` for the home page, computed only when a template reads them (no other
    page does: the navigation badge is fetched by static/js/inbox-badge.js) and cached per user briefly."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def compute():
        items = inbox_items(user)
        return {"items": items, "total": inbox_total(items)}

    return {"inbox": SimpleLazyObject(compute)}
