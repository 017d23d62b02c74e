"""The daily digest: each active staff user's inbox by e-mail, unless they turned it off."""

from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from notices.models import SentMessage
from notices.services import digest_wanted, email_send

from .registry import inbox_items, inbox_total

DIGEST_KIND = "daily_digest"


def digest_send(*, user, base_url: str) -> SentMessage | None:
    """E-mail one user's inbox; None (nothing sent) when it is empty, they turned it off or have no address."""
    if not user.email or not digest_wanted(user):
        return None
    items = inbox_items(user, fresh=True)
    if not items:
        return None
    today = timezone.localdate()
    body = render_to_string(
        "inbox/digest.txt",
        {
            "user": user,
            "items": items,
            "total": inbox_total(items),
            "base_url": base_url.rstrip("/"),
            "today": today,
            "preferences_url": reverse("notices:preferences"),
        },
    )
    subject = f"{today:%m月%d日}待办：{inbox_total(items)} 件"
    return email_send(user=user, subject=subject, body=body, kind=DIGEST_KIND)


def digest_send_all(*, base_url: str) -> dict:
    """Every active staff user with an address: {"sent": n, "failed": n, "skipped": n}."""
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    users = get_user_model().objects.filter(is_active=True, is_staff=True).exclude(email="").order_by("pk")
    for user in users.iterator():
        message = digest_send(user=user, base_url=base_url)
        if message is None:
            counts["skipped"] += 1
        else:
            counts[message.result] += 1
    return counts
