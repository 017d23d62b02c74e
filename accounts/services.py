"""Writes for staff accounts and roles."""

import datetime

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from brands.models import Area, Department

from .audit import AuditEntry, audit_record
from .models import MonthLock, StaffProfile
from .roles import (
    CITY_REFERENCE_DATA,
    CITY_REFERENCE_EDITORS,
    COUNTY_ROLES,
    GROUP_NAMES,
    ROLE_PERMISSION_RULES,
    STAFF_SITE_ROLES,
    Role,
)
from .scoping import first_of_month, scope_for, user_role


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
def staff_upsert(
    *,
    username: str,
    role: Role,
    area: Area | None,
    password: str | None,
    full_name: str = "",
    department: Department | None = None,
):
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
    if role != Role.DEPARTMENT_REPORTER:
        department = None
    elif department is None:
        raise ValidationError("部门填报员必须绑定一个责任单位。")
    StaffProfile.objects.update_or_create(
        user=user, defaults={"area": area, "full_name": full_name, "department": department}
    )
    return user, created


@transaction.atomic
def staff_access_sync(*, user) -> None:
    """After a change of an account's roles outside `staff_upsert` (the admin's user form): the account
    enters the admin exactly when its role needs to, and never as a superuser unless it already was one.
    A superuser's own flags are the superuser's to set."""
    if user.is_superuser:
        return
    user._staff_scope = user._department = None  # the roles just changed
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


@transaction.atomic
def month_lock(*, area: Area, month: datetime.date, user) -> MonthLock:
    """Lock `area`'s `month` (the city accepted its monthly report), recorded in the audit trail."""
    month = first_of_month(month)
    lock, _ = MonthLock.objects.select_for_update().get_or_create(area=area, month=month)
    lock.locked, lock.locked_at, lock.locked_by = True, timezone.now(), user
    lock.save()
    audit_record(
        user=user,
        action=AuditEntry.Action.OTHER,
        subject=f"{area.short_name}{month.year}年{month.month}月数据锁定",
        area=area,
        detail="月报审核通过，该月数据锁定，县区不能再登记、修改或删除该月的记录。",
    )
    return lock


@transaction.atomic
def month_reopen(*, area: Area, month: datetime.date, user, reason: str) -> MonthLock:
    """Reopen a locked month: only the city administrator, with a reason, recorded in the audit trail."""
    if scope_for(user).role != Role.CITY_ADMIN and not getattr(user, "is_superuser", False):
        raise PermissionDenied("只有市人社局管理员可以重新开放已锁定的月份。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写重新开放的原因。")
    month = first_of_month(month)
    lock = MonthLock.objects.select_for_update().filter(area=area, month=month, locked=True).first()
    if lock is None:
        raise ValidationError(f"{area.short_name}{month.year}年{month.month}月没有锁定，无需重新开放。")
    lock.locked, lock.reopened_at, lock.reopened_by, lock.reopen_reason = False, timezone.now(), user, reason[:200]
    lock.save(update_fields=["locked", "reopened_at", "reopened_by", "reopen_reason"])
    audit_record(
        user=user,
        action=AuditEntry.Action.OTHER,
        subject=f"{area.short_name}{month.year}年{month.month}月数据重新开放",
        area=area,
        detail=f"原因：{reason}"[:500],
    )
    return lock
