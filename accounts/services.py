"""Writes for staff accounts and roles."""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from rest_framework.authtoken.models import Token

from brands.models import Area

from .models import StaffProfile
from .roles import (
    CITY_REFERENCE_DATA,
    CITY_REFERENCE_EDITORS,
    COUNTY_ROLES,
    GROUP_NAMES,
    ROLE_PERMISSION_RULES,
    STAFF_SITE_ROLES,
    Role,
)
from .scoping import user_role


def _permissions_for(role: Role, rules) -> list[Permission]:
    wanted = set()
    for app_label, model_name, actions in rules:
        try:
            app_config = apps.get_app_config(app_label)
        except LookupError:
            continue
        models = app_config.get_models() if model_name == "*" else [app_config.get_model(model_name)]
        for model in models:
            reference = (app_label, model._meta.model_name) in CITY_REFERENCE_DATA
            for action in actions:
                if reference and action != "view" and role not in CITY_REFERENCE_EDITORS:
                    continue
                wanted.add((app_label, f"{action}_{model._meta.model_name}"))
    perms = Permission.objects.filter(content_type__app_label__in={a for a, _ in wanted}).select_related("content_type")
    return [perm for perm in perms if (perm.content_type.app_label, perm.codename) in wanted]


@transaction.atomic
def roles_sync() -> dict[Role, Group]:
    """Create the five role groups and give each exactly the permissions of its rules."""
    groups = {}
    for role, name in GROUP_NAMES.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(_permissions_for(role, ROLE_PERMISSION_RULES[role]))
        groups[role] = group
    return groups


@transaction.atomic
def staff_upsert(*, username: str, role: Role, area: Area | None, password: str | None, full_name: str = ""):
    """Create or update a staff account with its role and area; county roles need an area.

    The password is set when one is given (a new account without one gets an unusable password)."""
    staff_area_check(role=role, area=area)
    if role not in COUNTY_ROLES:
        area = None
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username)
    user.is_active = True
    user.is_staff = role in STAFF_SITE_ROLES
    if password is not None:
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    user.save()
    groups = roles_sync() if not Group.objects.filter(name=GROUP_NAMES[role]).exists() else None
    group = groups[role] if groups else Group.objects.get(name=GROUP_NAMES[role])
    user.groups.set([group])
    StaffProfile.objects.update_or_create(user=user, defaults={"area": area, "full_name": full_name})
    return user, created


@transaction.atomic
def staff_access_sync(*, user) -> None:
    """After a change of an account's roles outside `staff_upsert` (the admin's user form): the account
    enters the admin exactly when its role needs to, and never as a superuser unless it already was one.
    A superuser's own flags are the superuser's to set."""
    if user.is_superuser:
        return
    user._staff_scope = None  # the roles just changed
    is_staff = user_role(user) in STAFF_SITE_ROLES
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


def api_tokens_revoke(*, user) -> int:
    """Delete the user's API tokens (a changed password or a deactivated account must not leave a working
    token behind); returns how many there were. Called by accounts.signals on every save of a user whose
    password or active flag changed, whichever page, admin form or command saved it."""
    deleted, _per_model = Token.objects.filter(user=user).delete()
    return deleted


def staff_area_check(*, role: Role | None, area: Area | None) -> None:
    """A county role is bound to its county: `staff_upsert`'s rule, also for the admin's account form."""
    if role in COUNTY_ROLES and area is None:
        raise ValidationError("县区经办员和县区审核员必须绑定一个县区。")
