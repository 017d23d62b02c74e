"""Staff accounts, API tokens and the audit trail in the admin: the city administrator manages the
programme's staff and nothing more, a token is never shown after it was made, the trail is read-only."""

import io

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token

from accounts.roles import GROUP_NAMES, Role
from brands.models import Area

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Taken-over-2025!"


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.com", "Root-password-2025")


def user_url(name: str, user) -> str:
    name = "password_change" if name == "password" else name  # `<id>/password/`
    return reverse(f"admin:auth_user_{name}", args=[user.pk])


def change_data(user, **overrides) -> dict:
    """The user admin's change form as the browser posts it (the staff profile inline included)."""
    profile = user.staff_profile
    data = {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "groups": [group.pk for group in user.groups.all()],
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "last_login_0": "",
        "last_login_1": "",
        "staff_profile-TOTAL_FORMS": "1",
        "staff_profile-INITIAL_FORMS": "1",
        "staff_profile-MIN_NUM_FORMS": "0",
        "staff_profile-MAX_NUM_FORMS": "1",
        "staff_profile-0-id": profile.pk,
        "staff_profile-0-user": user.pk,
        "staff_profile-0-full_name": profile.full_name,
        "staff_profile-0-area": profile.area_id or "",
        "staff_profile-0-phone": profile.phone,
        "_save": "保存",
    }
    data.update(overrides)
    return data


def password_data(password: str = NEW_PASSWORD) -> dict:
    return {"password1": password, "password2": password, "usable_password": "true"}


# --- a superuser (or any account made for something else) is out of the city administrator's reach ---------


@pytest.mark.parametrize("kind", ["superuser", "other_group", "own_permission"])
def test_the_city_administrator_cannot_take_over_an_account_outside_the_programme(
    client, city_admin, superuser, make_staff, area, kind
):
    if kind == "superuser":
        target = superuser
    else:
        target = make_staff(Role.COUNTY_CLERK, area, username="ops")
        if kind == "other_group":
            target.groups.add(Group.objects.create(name="运维"))
        else:
            target.user_permissions.add(Permission.objects.get(codename="delete_user"))
    client.force_login(city_admin)
    for name in ("change", "password", "delete", "history"):
        assert client.get(user_url(name, target)).status_code == 404, name
    assert client.post(user_url("password", target), password_data()).status_code == 404
    target.refresh_from_db()
    assert not target.check_password(NEW_PASSWORD)
    changelist = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert user_url("change", target) not in changelist
    assert user_url("change", city_admin) in changelist


def test_the_city_administrator_still_resets_a_county_users_password(client, city_admin, clerk):
    client.force_login(city_admin)
    assert client.get(user_url("password", clerk)).status_code == 200
    response = client.post(user_url("password", clerk), password_data())
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.check_password(NEW_PASSWORD)


def test_a_superuser_still_manages_every_account(client, superuser, city_admin):
    client.force_login(superuser)
    assert client.get(user_url("password", city_admin)).status_code == 200
    assert client.get(user_url("change", superuser)).status_code == 200


# --- what the city administrator may hand out ------------------------------------------------------------


def test_no_group_outside_the_roles_can_be_given(client, city_admin, reviewer):
    other = Group.objects.create(name="运维")
    other.permissions.add(Permission.objects.get(codename="delete_user"))
    client.force_login(city_admin)
    page = client.get(user_url("change", reviewer)).content.decode()
    assert "运维" not in page
    response = client.post(user_url("change", reviewer), change_data(reviewer, groups=[other.pk]))
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not reviewer.groups.filter(pk=other.pk).exists()


def test_superuser_staff_and_single_permissions_cannot_be_given(client, city_admin, reviewer):
    permission = Permission.objects.get(codename="view_auditentry")
    client.force_login(city_admin)
    response = client.post(
        user_url("change", reviewer),
        change_data(reviewer, is_superuser="on", is_staff="on", user_permissions=[permission.pk]),
    )
    assert response.status_code == 302
    reviewer.refresh_from_db()
    assert not reviewer.is_superuser
    assert not reviewer.is_staff  # a reviewer has no work in the admin
    assert not reviewer.user_permissions.exists()


def test_the_staff_flag_follows_the_role_given(client, city_admin, reviewer):
    client.force_login(city_admin)
    clerk_group = Group.objects.get(name=GROUP_NAMES[Role.COUNTY_CLERK])
    assert client.post(user_url("change", reviewer), change_data(reviewer, groups=[clerk_group.pk])).status_code == 302
    reviewer.refresh_from_db()
    assert reviewer.is_staff  # the county clerk keeps their area's organisations in the admin
    viewer_group = Group.objects.get(name=GROUP_NAMES[Role.CITY_VIEWER])
    assert client.post(user_url("change", reviewer), change_data(reviewer, groups=[viewer_group.pk])).status_code == 302
    reviewer.refresh_from_db()
    assert not reviewer.is_staff


def test_a_county_role_is_not_given_without_its_county(client, city_admin, city_viewer):
    """staff_upsert's rule, in the admin too (#14): a county clerk with no area would see and record nothing."""
    client.force_login(city_admin)
    clerk_group = Group.objects.get(name=GROUP_NAMES[Role.COUNTY_CLERK])
    url = user_url("change", city_viewer)
    response = client.post(url, change_data(city_viewer, groups=[clerk_group.pk]))
    assert response.status_code == 200
    assert "县区经办员和县区审核员必须绑定一个县区。" in response.content.decode()
    assert list(city_viewer.groups.values_list("name", flat=True)) == [GROUP_NAMES[Role.CITY_VIEWER]]
    area = Area.objects.get(code="450721")
    data = change_data(city_viewer, groups=[clerk_group.pk], **{"staff_profile-0-area": area.pk})
    assert client.post(url, data).status_code == 302
    city_viewer.staff_profile.refresh_from_db()
    assert city_viewer.staff_profile.area == area


# --- API tokens ----------------------------------------------------------------------------------------------


def test_drf_create_token_prints_the_key_once(clerk):
    out = io.StringIO()
    call_command("drf_create_token", clerk.username, stdout=out)
    key = Token.objects.get(user=clerk).key
    assert key in out.getvalue()


def test_no_token_key_is_ever_shown_in_the_admin(client, superuser, clerk):
    key = Token.objects.create(user=clerk).key
    client.force_login(superuser)
    changelist = client.get(reverse("admin:accounts_apitoken_changelist"))
    assert changelist.status_code == 200
    page = changelist.content.decode()
    assert key not in page
    assert key[:6] + "********" in page
    assert clerk.username in page
    change = client.get(reverse("admin:accounts_apitoken_change", args=[clerk.pk]))
    assert change.status_code == 200
    assert key not in change.content.decode()
    assert 'name="_save"' not in change.content.decode()
    assert client.get(reverse("admin:accounts_apitoken_add")).status_code == 403
    # DRF's own admin (which lists keys) is gone.
    assert client.get("/admin/authtoken/tokenproxy/").status_code == 404
    # Deleting revokes it, and the admin's change log keeps the masked key only.
    delete = reverse("admin:accounts_apitoken_delete", args=[clerk.pk])
    assert key not in client.get(delete).content.decode()
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not Token.objects.filter(user=clerk).exists()
    assert not LogEntry.objects.filter(object_repr__contains=key).exists()
    assert key not in client.get(reverse("admin:index")).content.decode()


def test_the_city_administrator_has_no_token_admin(client, city_admin, clerk):
    Token.objects.create(user=clerk)
    client.force_login(city_admin)
    assert client.get(reverse("admin:accounts_apitoken_changelist")).status_code == 403
    assert client.get(reverse("admin:accounts_apitoken_change", args=[clerk.pk])).status_code == 403


def test_logged_keys_of_drfs_admin_are_masked_by_the_migration(clerk, superuser):
    import importlib

    from django.apps import apps
    from django.contrib.admin.models import ADDITION
    from django.contrib.contenttypes.models import ContentType

    key = Token.objects.create(user=clerk).key
    LogEntry.objects.create(
        user=superuser,
        content_type=ContentType.objects.get(app_label="authtoken", model="tokenproxy"),
        object_id=str(clerk.pk),
        object_repr=key,
        action_flag=ADDITION,
    )
    importlib.import_module("accounts.migrations.0003_api_token_masked").mask_logged_keys(apps, None)
    assert LogEntry.objects.get().object_repr == key[:6] + "********"
