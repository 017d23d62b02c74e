from django.db.models import QuerySet

from .models import NotificationPreference, SentMessage

MESSAGE_LOG_PERMISSION = "notices.view_sentmessage"


def message_list(*, user, channel: str = "", result: str = "") -> QuerySet:
    """The message log, newest first: the whole log for a user holding MESSAGE_LOG_PERMISSION (the city
    administrator), nothing for anyone else (the log covers every area's trainees)."""
    if not user.has_perm(MESSAGE_LOG_PERMISSION):
        return SentMessage.objects.none()
    messages = SentMessage.objects.all()
    if channel:
        messages = messages.filter(channel=channel)
    if result:
        messages = messages.filter(result=result)
    return messages.order_by("-sent_at", "-id")


def preference_of(*, user) -> NotificationPreference:
    """The user's preference (unsaved default: digest on, when they never chose)."""
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)
