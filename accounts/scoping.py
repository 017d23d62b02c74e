"""The one place that decides which area's records a user may see and act on.

Every selector and every admin queryset filters through `scope_queryset`; a record outside
the user's scope is simply absent, so asking for it by id is a 404, never a 403 that would
confirm it exists. Every write checks its area with `require_area` (refused with `OutOfScope`),
and which people of the city-wide registry a user may see is `trainees_visible`."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet

from brands.models import Area

from .models import MonthLock, StaffProfile
from .roles import CITY_AREA_ROLES, CITY_ROLES, COUNTY_ROLES, DEPARTMENT_ROLES, ROLE_BY_GROUP, Role


@dataclass(frozen=True)
class Scope:
    role: Role | None
    area: Area | None
    sees_all_areas: bool

    @property
    def label(self) -> str:
        if self.sees_all_areas:
            return "全市"
        return str(self.area) if self.area else "无"


NO_SCOPE = Scope(role=None, area=None, sees_all_areas=False)


def user_role(user) -> Role | None:
    """The user's role, from their groups; a city role wins if someone was given two."""
    if not getattr(user, "is_authenticated", False):
        return None
    return role_of_groups(user.groups.values_list("name", flat=True))


def role_of_groups(names) -> Role | None:
    """The role the groups named give (a form's choice before it is saved); a city role wins."""
    roles = {ROLE_BY_GROUP[name] for name in names if name in ROLE_BY_GROUP}
    for role in (
        Role.CITY_ADMIN,
        Role.CITY_VIEWER,
        Role.CITY_CLERK,
        Role.COUNTY_REVIEWER,
        Role.COUNTY_CLERK,
        Role.DEPARTMENT_REPORTER,
    ):
        if role in roles:
            return role
    return None


def scope_for(user) -> Scope:
    """The user's scope, computed once per request and kept on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_SCOPE
    cached = getattr(user, "_staff_scope", None)
    if cached is not None:
        return cached
    role = user_role(user)
    if user.is_superuser or role in CITY_ROLES:
        scope = Scope(role=role, area=None, sees_all_areas=True)
    elif role in COUNTY_ROLES:
        profile = StaffProfile.objects.select_related("area").filter(user_id=user.pk).first()
        area = profile.area if profile is not None else None
        scope = Scope(role=role, area=area, sees_all_areas=False)
    elif role in CITY_AREA_ROLES:
        # The city's own area, whatever the profile says: the city clerk owns no county.
        scope = Scope(role=role, area=Area.objects.filter(kind=Area.Kind.CITY).first(), sees_all_areas=False)
    elif role in DEPARTMENT_ROLES:
        scope = Scope(role=role, area=None, sees_all_areas=False)  # no area: no area's records, no person
    else:
        scope = NO_SCOPE
    user._staff_scope = scope
    return scope


def scope_covers(user, area) -> bool:
    """Whether `user` may act on records of `area`: what a page asks before it offers a write that
    `require_area` will check."""
    scope = scope_for(user)
    return scope.sees_all_areas or (scope.area is not None and area is not None and scope.area.pk == area.pk)


class OutOfScope(PermissionDenied):
    """The one refusal of a write outside the user's area (a 403 on the API, the form's error on a page)."""


def require_area(user, area: Area | None = None, *, action: str = "办理业务") -> Area:
    """The area `user` writes a record of, or OutOfScope: the check every service makes before a write.

    A county user (and the city clerk, whose area is the city's own) acts in their area only; `area`
    None means that area. A city-wide user acts in any area but must name it (ValidationError). `user`
    None is an operator at the command line, who must name the area too. `action` completes the
    refusal, as in 只能在本辖区（钦南区）{action}。"""
    scope = NO_SCOPE if user is None else scope_for(user)
    if user is None or scope.sees_all_areas:
        if area is None:
            raise ValidationError("请选择登记地区。")
        return area
    if scope.area is None:
        raise OutOfScope(f"您的账号没有绑定县区，不能{action}。请联系市人社局管理员。")
    if area is not None and area.pk != scope.area.pk:
        raise OutOfScope(f"只能在本辖区（{scope.area.short_name}）{action}。")
    return scope.area


class MonthLocked(ValidationError):
    """The refusal of a county user's write dated in a month the city locked (accepted monthly report)."""


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_locked_message(area: Area, day: datetime.date, *, action: str = "登记或修改") -> str:
    return (
        f"{area.short_name}{day.year}年{day.month}月的月报已由市人社局审核通过，该月数据已锁定，不能{action}该月的记录。"
        "确需更正的，请联系市人社局管理员重新开放该月。"
    )


def locked_months(user, area: Area | None) -> set[datetime.date]:
    """The months (their first days) of `area` in which `user` may not write: the locked ones, for a county
    user; none for city users and an operator at the command line (user None), whom the lock does not bind."""
    if area is None or user is None or scope_for(user).role not in COUNTY_ROLES:
        return set()
    return set(MonthLock.objects.filter(area=area.pk, locked=True).values_list("month", flat=True))


def require_open_month(user, area: Area | None, *days: datetime.date | None, action: str = "登记或修改") -> None:
    """MonthLocked when a county user writes a record of `area` dated (any of `days`) in a locked month: the
    check every county write path makes next to `require_area` (imports, referrals, outcomes, results)."""
    dated = [day for day in days if day is not None]
    if not dated or area is None or user is None or scope_for(user).role not in COUNTY_ROLES:
        return
    months = {first_of_month(day) for day in dated}
    locked = MonthLock.objects.filter(area=area.pk, locked=True, month__in=months).order_by("month").first()
    if locked is not None:
        raise MonthLocked(month_locked_message(area, locked.month, action=action))


def trainees_visible(trainees: QuerySet, user) -> QuerySet:
    """`trainees` narrowed to the people `user` may see: the registry is city-wide, but a person shows to
    the areas where they enrolled in a batch (planned, running or finished; completed or not), and to
    city-wide users. Another area's person is absent, so asking for them by id is a 404."""
    scope = scope_for(user)
    if scope.sees_all_areas:
        return trainees
    if scope.area is None:
        return trainees.none()
    # A semi-join, not a DISTINCT over the join: a page of twenty people sorts the registry once.
    enrolment = trainees.model._meta.get_field("enrolments").related_model
    return trainees.filter(pk__in=enrolment.objects.filter(batch__area=scope.area.pk).values("trainee_id"))


def scope_queryset(queryset: QuerySet, user, *, area_field: str = "area") -> QuerySet:
    """`queryset` narrowed to what `user` may see; `area_field` is the lookup path to the record's area."""
    scope = scope_for(user)
    if scope.sees_all_areas:
        return queryset
    if scope.area is None:
        return queryset.none()
    return queryset.filter(**{area_field: scope.area.pk})


def scope_areas(user) -> QuerySet:
    """Reporting areas (not the city itself) the user may pick in a form or a filter; for the city clerk,
    whose scope is the city's own area, that area."""
    scope = scope_for(user)
    if scope.role in CITY_AREA_ROLES:
        return Area.objects.filter(pk=scope.area.pk) if scope.area is not None else Area.objects.none()
    return scope_queryset(Area.objects.exclude(kind=Area.Kind.CITY), user, area_field="pk")


def user_department(user):
    """The department (责任单位) a department reporter is bound to through the staff profile, else None; looked
    up once per user object, as `scope_for` keeps the scope (the header and the page both ask)."""
    if scope_for(user).role not in DEPARTMENT_ROLES:
        return None
    if getattr(user, "_department", None) is None:
        profile = StaffProfile.objects.select_related("department").filter(user_id=user.pk).first()
        user._department = profile.department if profile is not None else None
    return user._department
