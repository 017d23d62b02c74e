"""Password rules of our own, next to Django's validators in AUTH_PASSWORD_VALIDATORS."""

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError


class NotCurrentPasswordValidator:
    """A new password must differ from the account's current one: a "change" to the same password
    leaves a password that may be known to others in place. Applies wherever Django validates a
    password for an existing account (the password change page, the admin's password form)."""

    def validate(self, password, user=None):
        current = getattr(user, "password", "") if user is not None and user.pk else ""
        # hashers.check_password, not user.check_password: the latter may re-save the user's hash.
        if current and check_password(password, current):
            raise ValidationError("新密码不能与当前密码相同，请另设一个。", code="password_unchanged")

    def get_help_text(self):
        return "新密码不能与当前密码相同。"
