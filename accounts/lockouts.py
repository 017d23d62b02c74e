"""Locked usernames (django-axes) and their release by the city administrator.

Axes counts wrong passwords per username (`AXES_LOCKOUT_PARAMETERS = ["username"]`) in `AccessAttempt`
rows, one per address and browser; a username is locked while its failures within the cool-off add up
to `AXES_FAILURE_LIMIT`. `locked_username_list` reads that the way axes does; `lockout_release`
forgets the failures through axes' own reset, so whichever axes handler is configured is honoured."""

from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from .audit import audit_record
from .models import AuditEntry
from .scoping import scope_for

UNLOCK_PERMISSION = "axes.delete_accessattempt"


@dataclass(frozen=True)
class LockedUsername:
    username: str
    failures: int
    last_attempt: datetime
    locked_until: datetime


def _may_unlock(user) -> bool:
    # Locks are city-wide (any username, any area): only a city-wide user holding axes' permission.
    return user.has_perm(UNLOCK_PERMISSION) and scope_for(user).sees_all_areas


def locked_username_list(*, user) -> list[LockedUsername]:
    """Usernames locked now, the most recently locked first."""
    if not _may_unlock(user):
        raise PermissionDenied
    now = timezone.now()
    cool_off = settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.exclude(username__isnull=True).exclude(username="")
    if cool_off:
        attempts = attempts.filter(attempt_time__gt=now - cool_off)
    rows = (
        attempts.values("username")
        .annotate(failures=Sum("failures_since_start"), last_attempt=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last_attempt", "username")
    )
    return [LockedUsername(**row, locked_until=row["last_attempt"] + cool_off if cool_off else None) for row in rows]


@transaction.atomic
def lockout_release(*, username: str, by, request=None) -> int:
    """Forget the wrong passwords of `username` so that it may log in again; one audit entry.
    Returns how many failure records were removed."""
    if not _may_unlock(by):
        raise PermissionDenied
    username = (username or "").strip()
    if not username:
        raise ValidationError("请指定要解锁的用户名。")
    locked = {entry.username: entry for entry in locked_username_list(user=by)}
    if username not in locked:
        raise ValidationError(f"用户名“{username}”当前没有被锁定，无需解锁。")
    removed = axes_reset(username=username)
    audit_record(
        user=by,
        action=AuditEntry.Action.OTHER,
        subject=f"账号 {username}"[:200],
        detail=f"解除登录锁定（连续输错密码 {locked[username].failures} 次）",
        request=request,
    )
    return removed
