"""Demo staff accounts (idempotent), for `load_demo`."""

from brands.models import Area

from .roles import Role
from .services import roles_sync, staff_upsert


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, role label, area) for every demo account, in the order `make run` prints them."""
    rows = [("city_admin", Role.CITY_ADMIN.label, "全市"), ("city_viewer", Role.CITY_VIEWER.label, "全市")]
    for area in Area.objects.exclude(kind=Area.Kind.CITY).order_by("sort_order"):
        rows.append((f"clerk_{area.code}", Role.COUNTY_CLERK.label, str(area)))
        rows.append((f"reviewer_{area.code}", Role.COUNTY_REVIEWER.label, str(area)))
    return rows


def load(*, password: str) -> dict[str, int]:
    roles_sync()
    created = 0
    _, was_created = staff_upsert(
        username="city_admin", role=Role.CITY_ADMIN, area=None, password=password, full_name="市人社局管理员"
    )
    created += was_created
    _, was_created = staff_upsert(
        username="city_viewer", role=Role.CITY_VIEWER, area=None, password=password, full_name="市领导"
    )
    created += was_created
    for area in Area.objects.exclude(kind=Area.Kind.CITY):
        for prefix, role, title in (
            ("clerk", Role.COUNTY_CLERK, "经办员"),
            ("reviewer", Role.COUNTY_REVIEWER, "审核员"),
        ):
            _, was_created = staff_upsert(
                username=f"{prefix}_{area.code}",
                role=role,
                area=area,
                password=password,
                full_name=f"{area}{title}",
            )
            created += was_created
    return {"staff_created": created}
