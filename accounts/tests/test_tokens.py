"""API tokens (issue #13): they end API_TOKEN_TTL_DAYS after they were made, and a password change or a
deactivation deletes them, whichever way it is made; `drf_create_token` keeps giving working tokens."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.roles import Role
from accounts.services import staff_upsert
from conftest import PASSWORD

pytestmark = pytest.mark.django_db
AREAS = "/api/v1/areas/"


def token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def aged(user, days: int) -> Token:
    token = Token.objects.create(user=user)
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - datetime.timedelta(days=days))
    return token


def test_a_token_older_than_the_ttl_is_refused_in_chinese_and_deleted(clerk, settings):
    settings.API_TOKEN_TTL_DAYS = 90
    token = aged(clerk, 91)
    response = token_client(token.key).get(AREAS)
    assert response.status_code == 401
    assert response.json() == {"detail": "令牌已过期（有效期 90 天），请联系管理员重新生成令牌。"}
    assert not Token.objects.filter(user=clerk).exists()


def test_a_token_within_the_ttl_works(clerk, settings):
    settings.API_TOKEN_TTL_DAYS = 90
    assert token_client(aged(clerk, 89).key).get(AREAS).status_code == 200


def test_drf_create_token_gives_a_working_token_again_after_expiry(clerk, settings):
    settings.API_TOKEN_TTL_DAYS = 90
    expired = aged(clerk, 200)
    token_client(expired.key).get(AREAS)  # refused, and the expired token is gone
    call_command("drf_create_token", clerk.username, stdout=StringIO())
    fresh = Token.objects.get(user=clerk)
    assert fresh.key != expired.key
    assert token_client(fresh.key).get(AREAS).status_code == 200


def test_an_inactive_users_token_is_refused(clerk):
    token = Token.objects.create(user=clerk)
    type(clerk).objects.filter(pk=clerk.pk).update(is_active=False)  # behind every signal's back
    response = token_client(token.key).get(AREAS)
    assert (response.status_code, response.json()) == (401, {"detail": "该账号已停用，令牌无效。"})


def test_changing_ones_password_on_the_page_revokes_ones_tokens(client, clerk):
    token = Token.objects.create(user=clerk)
    client.force_login(clerk)
    new = "Another-password-2026"
    response = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    assert token_client(token.key).get(AREAS).status_code == 401
    assert not Token.objects.filter(user=clerk).exists()


def test_the_admin_setting_a_password_revokes_the_users_tokens(client, city_admin, clerk):
    token = Token.objects.create(user=clerk)
    client.force_login(city_admin)
    new = "Admin-set-password-2026"
    response = client.post(
        reverse("admin:auth_user_password_change", args=[clerk.pk]),
        {"password1": new, "password2": new, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert token_client(token.key).get(AREAS).status_code == 401


def test_a_password_set_by_the_staff_service_revokes_tokens(clerk, area):
    token = Token.objects.create(user=clerk)
    staff_upsert(username=clerk.username, role=Role.COUNTY_CLERK, area=area, password="Service-password-2026")
    assert not Token.objects.filter(key=token.key).exists()


def test_deactivating_an_account_revokes_its_tokens_and_reactivating_does_not_revive_them(clerk):
    token = Token.objects.create(user=clerk)
    clerk.is_active = False
    clerk.save()
    clerk.is_active = True
    clerk.save()
    assert token_client(token.key).get(AREAS).status_code == 401


def test_signing_in_and_other_saves_keep_the_token(client, clerk, area):
    token = Token.objects.create(user=clerk)
    response = client.post(reverse("login"), {"username": clerk.username, "password": PASSWORD})  # last_login
    assert response.status_code == 302
    clerk.first_name = "秀英"
    clerk.save()
    staff_upsert(username=clerk.username, role=Role.COUNTY_CLERK, area=area, password=None)
    assert token_client(token.key).get(AREAS).status_code == 200
