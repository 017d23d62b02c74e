"""The one place that decides which area's records a user may see.

Every selector and every admin queryset filters through `scope_queryset`; a record outside
the user's scope is simply absent, so asking for it by id is a 404, never a 403 that would
confirm it exists."""

from dataclasses import dataclass

from django.db.models import QuerySet

from brands.models import Area

from .models import StaffProfile
from .roles import CITY_AREA_ROLES, CITY_ROLES, COUNTY_ROLES, ROLE_BY_GROUP, Role


@dataclass(frozen=True)
class Scope:
    role: Role | None
    area: Area | None
    sees_all_areas: bool

    @property
    def is_county(self) -> bool:
        return self.role in COUNTY_ROLES

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
    for role in (Role.CITY_ADMIN, Role.CITY_VIEWER, Role.CITY_CLERK, Role.COUNTY_REVIEWER, Role.COUNTY_CLERK):
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
    else:
        scope = NO_SCOPE
    user._staff_scope = scope
    return scope


def scope_covers(user, area) -> bool:
    """Whether `user` may see and act on records of `area` (the check services make before a write)."""
    scope = scope_for(user)
    return scope.sees_all_areas or (scope.area is not None and area is not None and scope.area.pk == area.pk)


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
