import pytest
from django.test import override_settings
from django.urls import reverse

from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "工作人员登录" in response.content.decode()


def test_anonymous_home_redirects_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_shows_role_and_area_on_home(client, clerk):
    response = client.post(reverse("login"), {"username": clerk.username, "password": PASSWORD}, follow=True)
    page = response.content.decode()
    assert "县区经办员" in page
    assert "管辖范围：钦南区" in page
    assert "单位名录" in page


def test_wrong_password_message_is_chinese(client, clerk):
    response = client.post(reverse("login"), {"username": clerk.username, "password": "wrong"})
    assert "用户名或密码不正确" in response.content.decode()


@override_settings(AXES_FAILURE_LIMIT=3)
def test_username_is_locked_after_repeated_failures_whatever_the_address(client, clerk):
    for number in range(3):
        client.post(reverse("login"), {"username": clerk.username, "password": "wrong"}, REMOTE_ADDR=f"10.0.0.{number}")
    response = client.post(
        reverse("login"), {"username": clerk.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.99"
    )
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()


@override_settings(AXES_FAILURE_LIMIT=3)
def test_a_colleague_in_the_same_office_is_not_locked(client, clerk, reviewer):
    for _ in range(3):
        client.post(reverse("login"), {"username": clerk.username, "password": "wrong"}, REMOTE_ADDR="10.1.1.1")
    response = client.post(
        reverse("login"), {"username": reviewer.username, "password": PASSWORD}, REMOTE_ADDR="10.1.1.1"
    )
    assert response.status_code == 302


@override_settings(AXES_FAILURE_LIMIT=3)
def test_lock_ends_after_the_cool_off(client, clerk):
    from datetime import timedelta

    from axes.models import AccessAttempt
    from django.utils import timezone

    for _ in range(3):
        client.post(reverse("login"), {"username": clerk.username, "password": "wrong"})
    assert client.post(reverse("login"), {"username": clerk.username, "password": PASSWORD}).status_code == 429
    # Half an hour later the failures have cooled off.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))
    response = client.post(reverse("login"), {"username": clerk.username, "password": PASSWORD})
    assert response.status_code == 302


def test_password_change_enforces_validators(client, clerk):
    client.force_login(clerk)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "密码只包含数字" in page
    assert "这个密码太常见了" in page


def test_logout_is_a_post(client, clerk):
    client.force_login(clerk)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302
