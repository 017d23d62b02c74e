"""Demo staff accounts (idempotent), for `load_demo`."""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from accounts.roles import Role
from accounts.services import roles_sync, staff_upsert
from brands.models import Area, Department

# Department reporters (部门填报员) of the plan's tasks: username → department code (brands.Department).
DEPARTMENT_LOGINS = {"dept_fgw": "fgw", "dept_jyj": "jyj", "dept_swj": "swj", "dept_zgh": "zgh"}


def _accounts() -> list[tuple]:
    """(username, role, area, full name, area as `make run` prints it) of every demo account, in area order."""
    accounts = [
        ("city_admin", Role.CITY_ADMIN, None, "市人社局管理员", "全市"),
        ("city_viewer", Role.CITY_VIEWER, None, "市领导", "全市"),
        ("city_clerk", Role.CITY_CLERK, None, "市人社局经办员", "钦州市（市本级）"),
    ]
    for area in Area.objects.exclude(kind=Area.Kind.CITY):  # ordered by sort_order, code
        accounts.append((f"clerk_{area.code}", Role.COUNTY_CLERK, area, f"{area}经办员", str(area)))
        accounts.append((f"reviewer_{area.code}", Role.COUNTY_REVIEWER, area, f"{area}审核员", str(area)))
    departments = {d.code: d for d in Department.objects.filter(code__in=DEPARTMENT_LOGINS.values())}
    for username, code in DEPARTMENT_LOGINS.items():
        if code in departments:
            name = departments[code].name
            accounts.append((username, Role.DEPARTMENT_REPORTER, None, f"{name}填报员", name))
    return accounts


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, role label, area) for every demo account, in the order `make run` prints them."""
    return [(username, role.label, shown) for username, role, _area, _name, shown in _accounts()]


def load(*, password: str, reset_passwords: bool = False) -> dict[str, int]:
    """Create the demo accounts. Passwords are set on new accounts (hashing is deliberately slow),
    and on existing ones only with `reset_passwords`."""
    roles_sync()
    accounts = _accounts()
    User = get_user_model()
    usernames = [username for username, *_rest in accounts]
    existing = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    gets_password = []
    for username, role, area, full_name, _shown in accounts:
        department = None
        if role == Role.DEPARTMENT_REPORTER:
            department = Department.objects.get(code=DEPARTMENT_LOGINS[username])
        user, _created = staff_upsert(
            username=username, role=role, area=area, password=None, full_name=full_name, department=department
        )
        if username not in existing or reset_passwords:
            gets_password.append(user.pk)
    if gets_password:
        # The accounts share the demo password: hashing it once (deliberately costly) serves them all.
        User.objects.filter(pk__in=gets_password).update(password=make_password(password))
    return {"staff_created": len(set(usernames) - existing)}


def staff_by_area(prefix: str) -> dict:
    """The demo account of each area whose username starts with `prefix` (clerk_, reviewer_), keyed by area code."""
    users = get_user_model().objects.filter(username__startswith=prefix)
    return {user.username.removeprefix(prefix): user for user in users}
