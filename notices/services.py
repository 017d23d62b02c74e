"""Sending a message (SMS or e-mail) and recording it, and a user's notification preference."""

import re

from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.db import transaction

from core.masking import mask_email, mask_personal_data, mask_phone

from .models import NotificationPreference, SentMessage
from .sms import SmsError, sms_backend

MOBILE = re.compile(r"^1[3-9][0-9]{9}$")


def _record(**fields) -> SentMessage:
    fields["detail"] = mask_personal_data(fields.get("detail", ""))[:300]
    return SentMessage.objects.create(**fields)


def sms_send(*, phone: str, text: str, kind: str, user=None) -> SentMessage | None:
    """Send one SMS through the configured backend and record it (masked number, text, result).

    Nothing is sent (and None returned) without a backend or to a number that is not a mobile number."""
    phone = "".join(ch for ch in (phone or "") if ch.isdigit())
    if not MOBILE.match(phone):
        return None
    try:
        backend = sms_backend()
    except ImproperlyConfigured:
        backend = None
    if backend is None:
        return None
    fields = {
        "channel": SentMessage.Channel.SMS,
        "kind": kind,
        "recipient": mask_phone(phone),
        "user": user,
        "body": text,
        "backend": type(backend).__module__ + "." + type(backend).__name__,
    }
    try:
        detail = backend.send(phone, text)
    except SmsError as error:
        return _record(**fields, result=SentMessage.Result.FAILED, detail=str(error))
    return _record(**fields, result=SentMessage.Result.SENT, detail=detail or "")


def sms_send_on_commit(*, phone: str, text: str, kind: str) -> None:
    """Send after the surrounding transaction commits: a rolled-back record never texts anyone."""
    if phone:
        transaction.on_commit(lambda: sms_send(phone=phone, text=text, kind=kind))


def email_send(*, user, subject: str, body: str, kind: str) -> SentMessage | None:
    """E-mail one user through Django's e-mail backend (settings EMAIL_*) and record it; None without an address."""
    from django.conf import settings

    if not user.email:
        return None
    fields = {
        "channel": SentMessage.Channel.EMAIL,
        "kind": kind,
        "recipient": mask_email(user.email),
        "user": user,
        "subject": subject[:200],
        "body": body,
        "backend": settings.EMAIL_BACKEND,
    }
    try:
        send_mail(subject, body, None, [user.email])
    except OSError as error:  # smtplib's errors and connection failures are OSErrors
        return _record(**fields, result=SentMessage.Result.FAILED, detail=f"邮件服务器未接受：{error}")
    return _record(**fields, result=SentMessage.Result.SENT)


def digest_wanted(user) -> bool:
    preference = NotificationPreference.objects.filter(user=user).first()
    return preference.daily_digest if preference else True


@transaction.atomic
def preference_set(*, user, daily_digest: bool) -> NotificationPreference:
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"daily_digest": daily_digest}
    )
    return preference
