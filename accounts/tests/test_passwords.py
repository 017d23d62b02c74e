"""Issue 13: password messages in Chinese, and a new password must differ from the current one."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import PASSWORD

pytestmark = pytest.mark.django_db

CHANGE = reverse("password_change")


def change(client, old, new):
    return client.post(CHANGE, {"old_password": old, "new_password1": new, "new_password2": new})


def test_a_short_password_is_refused_in_chinese(clerk_client):
    # Django 5.2 reworded this message and its Chinese catalogue kept only the old wording (locale/).
    response = change(clerk_client, PASSWORD, "Qz-2026a")
    page = response.content.decode()
    assert response.status_code == 200
    assert "密码太短，至少要有 10 个字符。" in page
    assert "too short" not in page


def test_every_password_rule_speaks_chinese(clerk):
    with pytest.raises(ValidationError) as refused:
        validate_password("1234", clerk)
    for message in refused.value.messages:
        assert not any("a" <= c.lower() <= "z" for c in message), message


def test_the_new_password_may_not_be_the_current_one(clerk_client, clerk):
    response = change(clerk_client, PASSWORD, PASSWORD)
    assert response.status_code == 200
    assert "新密码不能与当前密码相同，请另设一个。" in response.content.decode()
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)


def test_a_different_new_password_is_saved(clerk_client, clerk):
    response = change(clerk_client, PASSWORD, "Qinzhou-brand-2027")
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    clerk.refresh_from_db()
    assert clerk.check_password("Qinzhou-brand-2027")


def test_the_rule_is_listed_with_the_others(clerk_client):
    assert "新密码不能与当前密码相同。" in clerk_client.get(CHANGE).content.decode()


def test_passwords_are_stored_with_argon2_and_an_older_hash_is_rewritten_at_login(client, clerk, settings):
    """The production hashers (the suite otherwise hashes with MD5 for speed): a PBKDF2 hash from before still
    logs its owner in, and is then stored as Argon2id at the project's cost; a new password is Argon2id at once."""
    from django.contrib.auth.hashers import identify_hasher, make_password

    from qinzhou_brands import settings as production

    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    clerk.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    clerk.save(update_fields=["password"])
    assert client.post(reverse("login"), {"username": clerk.username, "password": PASSWORD}).status_code == 302
    clerk.refresh_from_db()
    assert clerk.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert not identify_hasher(clerk.password).must_update(clerk.password)
    assert clerk.check_password(PASSWORD) and not clerk.check_password("Bagui@2025wrong")
    assert make_password("Qinzhou@2027new").startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
