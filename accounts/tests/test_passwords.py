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
