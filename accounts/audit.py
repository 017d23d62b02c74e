"""The audit trail of personal data (PIPL art. 51): every reveal of a full ID number, every export of a
list of persons and every bulk or admin change of a person's record leaves one `AuditEntry`.

`audit_record` is the one way to write an entry; `audit_entry_list` the one way to read them. The role
rules (who may reveal, who may export persons) live in roles.py; the two predicates here apply them."""

import datetime
import ipaddress
import re

from axes.helpers import get_client_ip_address
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from brands.models import Area
from core.masking import mask_id_number

from .models import AuditEntry
from .roles import ID_REVEAL_ROLES, PERSON_EXPORT_ROLES
from .scoping import scope_for, scope_queryset

Action = AuditEntry.Action

FULL_ID = re.compile(r"[0-9]{17}[0-9X]")
MASKED_ID = re.compile(r"[0-9]{6}\*{8}[0-9X]{4}")
LAST_DIGITS = re.compile(r"[0-9X]{1,4}")


def _client_ip(request) -> str | None:
    """The client's address as axes resolves it (the same proxy settings as the lockout)."""
    if request is None:
        return None
    address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None


def audit_record(
    *,
    user,
    action: str,
    person=None,
    person_id: int | None = None,
    person_name: str = "",
    person_masked_id: str = "",
    subject: str = "",
    area: Area | None = None,
    detail: str = "",
    request=None,
    flagged: bool = False,
) -> AuditEntry:
    """Write one entry. `person` (a trainee: pk, name, masked_id_number; accounts may not import training)
    fills the person fields and, unless given, the subject. `person_masked_id` must be masked; a full
    number passed by mistake is masked here, so the audit trail never becomes one more copy of the
    sensitive data it watches over."""
    if person is not None:
        person_id, person_name, person_masked_id = person.pk, person.name, person.masked_id_number
        subject = subject or f"学员 #{person.pk}"
    if FULL_ID.fullmatch(person_masked_id or ""):
        person_masked_id = mask_id_number(person_masked_id)
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    return AuditEntry.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "",
        action=action,
        person_id=person_id,
        person_name=(person_name or "")[:50],
        person_masked_id=(person_masked_id or "")[:18],
        subject=(subject or "")[:200],
        area=area,
        detail=(detail or "")[:500],
        ip_address=_client_ip(request),
        flagged=flagged,
    )


def audit_people(
    *, user, action: str, people: list[tuple[int, str, str]], area: Area | None = None, detail: str = "", request=None
) -> None:
    """One entry per person (trainee id, name, ID number — masked here), written together: a roster may
    name thousands."""
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    common = {
        "user": user if authenticated else None,
        "username": user.get_username() if authenticated else "",
        "action": action,
        "area": area,
        "detail": (detail or "")[:500],
        "ip_address": _client_ip(request),
    }
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                person_id=pk,
                person_name=(name or "")[:50],
                person_masked_id=mask_id_number(number) if FULL_ID.fullmatch(number or "") else (number or "")[:18],
                subject=f"学员 #{pk}",
                **common,
            )
            for pk, name, number in people
        ],
        batch_size=1000,
    )


def audit_export(*, request, subject: str, rows: int, what: str = "", area: Area | None = None) -> AuditEntry:
    """An export of a list of persons: `what` it was and how many rows, in the exporter's area (their
    own for a county user) unless the caller names the area of the exported records."""
    scope = scope_for(request.user)
    return audit_record(
        user=request.user,
        action=Action.EXPORT,
        subject=subject,
        area=area if area is not None else scope.area,
        detail=f"{what or subject}，{rows} 行",
        request=request,
    )


# --- who may --------------------------------------------------------------------------------------


def may_reveal_id_numbers(user) -> bool:
    """The role part of the reveal rule; whether the person trained in the user's area is the scope's part."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or scope_for(user).role in ID_REVEAL_ROLES


def may_export_persons(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or scope_for(user).role in PERSON_EXPORT_ROLES


def check_person_export(user) -> None:
    """PermissionDenied (403) for a user who may read a list but not take it away as a file."""
    if not may_export_persons(user):
        raise PermissionDenied("您的账号只能导出汇总报表，不能导出人员名单。")


# --- reading the trail ----------------------------------------------------------------------------


def person_lookup(value: str) -> tuple[str, Q]:
    """A person filter as typed (a name, the last 1–4 characters of an ID number, a masked or a full
    ID number) → the form safe to put in a URL, and the condition. A full number becomes its mask:
    entries only hold masked numbers anyway. ValueError for a partial number longer than 4."""
    text = "".join((value or "").split()).upper().replace("＊", "*")
    if not text:
        return "", Q()
    if FULL_ID.fullmatch(text):
        text = mask_id_number(text)
    if MASKED_ID.fullmatch(text):
        return text, Q(person_masked_id=text)
    if LAST_DIGITS.fullmatch(text) and text[0].isdigit():
        return text, Q(person_masked_id__endswith=text)
    if any(character.isdigit() for character in text):
        raise ValueError("按身份证号码查找时，请输入完整的 18 位号码，或末 1 至 4 位。")
    return text, Q(person_name__contains=text)


def audit_entry_list(
    *,
    user,
    person: str = "",
    person_id: int | None = None,
    username: str = "",
    action: str = "",
    flagged: bool = False,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet:
    """Entries newest first, in the user's scope (the whole city for the city administrator)."""
    entries = scope_queryset(AuditEntry.objects.select_related("area"), user)
    if flagged:
        entries = entries.filter(flagged=True)
    if person:
        entries = entries.filter(person_lookup(person)[1])
    if person_id is not None:
        entries = entries.filter(person_id=person_id)
    if username:
        entries = entries.filter(username__icontains=username)
    if action:
        entries = entries.filter(action=action)
    if date_from:
        entries = entries.filter(at__date__gte=date_from)
    if date_to:
        entries = entries.filter(at__date__lte=date_to)
    return entries.order_by("-at", "-id")


def flagged_entry_count(*, user) -> int:
    """How many entries in the user's scope were flagged for a look (e.g. a roster probing the registry)."""
    return scope_queryset(AuditEntry.objects.filter(flagged=True), user).count()


def admin_change_list(
    *, user, username: str = "", date_from: datetime.date | None = None, date_to: datetime.date | None = None
) -> QuerySet:
    """What was added, changed or deleted through the admin (Django's own LogEntry), newest first.
    Only city-wide users read it: its rows name objects of every area."""
    if not scope_for(user).sees_all_areas:
        return LogEntry.objects.none()
    entries = LogEntry.objects.select_related("user", "content_type")
    if username:
        entries = entries.filter(user__username__icontains=username)
    if date_from:
        entries = entries.filter(action_time__date__gte=date_from)
    if date_to:
        entries = entries.filter(action_time__date__lte=date_to)
    return entries.order_by("-action_time", "-id")
