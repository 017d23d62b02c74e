"""API tokens die with the password and the account that made them.

A user's password is set in several places this project does not own (Django's password change view,
the admin's set-password form, `changepassword`, `createsuperuser`) and in its own services
(`staff_upsert`); an account is deactivated in the admin's user form. Each of them ends in `User.save()`,
so this one pair of receivers is where every path is covered: it compares the stored password hash and
active flag with the ones being saved and, once the save has happened, calls the service that deletes
the user's tokens. No rule is decided here beyond "did the credential change".

Not covered: `QuerySet.update(is_active=False)` (no signal); the token authentication refuses inactive
users anyway (accounts.api.ExpiringTokenAuthentication)."""

from django.conf import settings
from django.db.models.signals import post_save, pre_save

WATCHED = {"password", "is_active"}


def _note_credential_change(sender, instance, update_fields=None, raw=False, **kwargs):
    instance._api_tokens_stale = False
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not WATCHED & set(update_fields):
        return  # e.g. last_login on every sign-in: no query
    stored = sender._default_manager.filter(pk=instance.pk).values("password", "is_active").first()
    if stored is not None:
        instance._api_tokens_stale = stored["password"] != instance.password or (
            stored["is_active"] and not instance.is_active
        )


def _revoke_api_tokens(sender, instance, raw=False, **kwargs):
    if raw or not getattr(instance, "_api_tokens_stale", False):
        return
    instance._api_tokens_stale = False
    from .services import api_tokens_revoke

    api_tokens_revoke(user=instance)


def connect() -> None:
    pre_save.connect(_note_credential_change, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts.tokens.note")
    post_save.connect(_revoke_api_tokens, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts.tokens.revoke")
