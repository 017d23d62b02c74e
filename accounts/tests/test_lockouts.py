"""Issue 13: the city administrator sees the locked usernames and unlocks one, on a Chinese page."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from accounts.models import AuditEntry
from conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore::UserWarning")]

LIST = reverse("lockout_list")
UNLOCK = reverse("lockout_unlock")


def lock(client, user, times=3):
    for _ in range(times):
        client.post(reverse("login"), {"username": user.username, "password": "wrong"})


@pytest.fixture
def locked_clerk(clerk):
    browser = Client()  # the clerk's own browser, not the test's logged-in client
    with override_settings(AXES_FAILURE_LIMIT=3):
        lock(browser, clerk)
        assert browser.post(reverse("login"), {"username": clerk.username, "password": PASSWORD}).status_code == 429
    return clerk


@override_settings(AXES_FAILURE_LIMIT=3)
def test_city_admin_sees_the_locked_username_and_unlocks_it(client, locked_clerk, city_admin, reviewer):
    lock(client, reviewer, times=1)  # one wrong password: not locked, not listed
    client.force_login(city_admin)

    page = client.get(LIST).content.decode()
    assert "登录锁定" in page
    assert locked_clerk.username in page
    assert reviewer.username not in page
    assert "解锁" in page

    response = client.post(UNLOCK, {"username": locked_clerk.username}, follow=True)
    page = response.content.decode()
    assert f"已解除用户名“{locked_clerk.username}”的登录锁定" in page
    assert "当前没有被锁定的用户名" in page
    entry = AuditEntry.objects.get()
    assert (entry.username, entry.action, entry.subject) == (
        city_admin.username,
        "other",
        f"账号 {locked_clerk.username}",
    )
    assert "解除登录锁定" in entry.detail

    client.logout()
    response = client.post(reverse("login"), {"username": locked_clerk.username, "password": PASSWORD})
    assert response.status_code == 302


@override_settings(AXES_FAILURE_LIMIT=3)
def test_unlocking_a_username_that_is_not_locked_says_so(admin_client_city):
    response = admin_client_city.post(UNLOCK, {"username": "nobody"}, follow=True)
    assert "用户名“nobody”当前没有被锁定，无需解锁" in response.content.decode()
    assert not AuditEntry.objects.exists()


def test_unlock_needs_a_username(admin_client_city):
    response = admin_client_city.post(UNLOCK, {"username": ""}, follow=True)
    assert response.status_code == 200
    assert "这个字段是必填项" in response.content.decode() or "该字段是必填项" in response.content.decode()


def test_unlock_is_a_post_with_csrf(admin_client_city, city_admin, locked_clerk):
    assert admin_client_city.get(UNLOCK).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(city_admin)
    response = strict.post(UNLOCK, {"username": locked_clerk.username})
    assert response.status_code == 403
    assert "安全校验" in response.content.decode()


@override_settings(AXES_FAILURE_LIMIT=3)
@pytest.mark.parametrize("role", ["other_clerk", "reviewer", "city_viewer"])
def test_others_may_neither_see_nor_unlock(request, client, locked_clerk, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(LIST).status_code == 403
    assert client.post(UNLOCK, {"username": locked_clerk.username}).status_code == 403
    response = Client().post(reverse("login"), {"username": locked_clerk.username, "password": PASSWORD})
    assert response.status_code == 429  # still locked


def test_navigation_links_the_page_for_the_city_admin_only(client, city_admin, clerk):
    client.force_login(city_admin)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{LIST}"' in page
    # The audit trail has one name, its page's (findings: it was also 操作记录 and 审计日志).
    assert f'href="{reverse("audit_list")}"><i class="bi bi-person-lock"></i> 个人信息操作记录</a>' in page
    client.force_login(clerk)
    assert f'href="{LIST}"' not in client.get(reverse("home")).content.decode()


def test_the_lockout_section_of_the_admin_is_chinese(admin_client_city, locked_clerk):
    index = admin_client_city.get(reverse("admin:index")).content.decode()
    assert "登录锁定" in index
    assert "Access attempts" not in index
    page = admin_client_city.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    for chinese in ("登录失败与锁定", "用户名", "连续失败次数", "尝试时间", "已锁定", "状态"):
        assert chinese in page, chinese
    for english in ("Failed Logins", "Attempt Time", "Locked Out", "Status"):
        assert english not in page, english
