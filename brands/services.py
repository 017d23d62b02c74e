"""Writes of reference data used outside the admin (demo data, the target allocation page, later imports)."""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.credit_code import normalise_uscc, validate_uscc

from .models import Area, BrandLine, Organisation, Target
from .selectors import PLAN_FIRST_YEAR, PLAN_LAST_YEAR

audit_log = logging.getLogger("brands.targets")

ALLOCATION_METRICS = (Target.Metric.TRAININGS, Target.Metric.JOBS)
ALLOCATION_MAX_VALUE = 1_000_000


@transaction.atomic
def organisation_upsert(
    *,
    name: str,
    kind: str,
    area: Area,
    uscc: str | None = None,
    address: str = "",
    contact_person: str = "",
    contact_phone: str = "",
) -> tuple[Organisation, bool]:
    """Find the organisation by its credit code (or by area and name when it has none), else create it."""
    code = normalise_uscc(uscc) if uscc else None
    if code:
        validate_uscc(code)
        lookup = {"uscc": code}
    else:
        lookup = {"area": area, "name": name}
    organisation, created = Organisation.objects.update_or_create(
        **lookup,
        defaults={
            "name": name,
            "kind": kind,
            "area": area,
            "uscc": code,
            "address": address,
            "contact_person": contact_person,
            "contact_phone": contact_phone,
        },
    )
    return organisation, created


@transaction.atomic
def targets_allocate(
    *,
    metric: str,
    year: int,
    values: dict[tuple[Area, BrandLine], int | None],
    by,
) -> dict:
    """Set the city's allocation of one metric for one year: one `Target(area, brand, year, year, metric)`
    per county-level area × brand line. A value creates or updates the target, None deletes it; cells
    not in `values` are left alone. All or nothing: any invalid cell refuses the whole grid.

    Returns the counts {"created", "updated", "deleted", "unchanged"}."""
    if not by.has_perm("brands.change_target"):
        raise PermissionDenied("只有市人社局管理员可以分配目标。")
    if metric not in ALLOCATION_METRICS:
        raise ValidationError("未知的指标：只能分配培训人次或带动就业创业人次。")
    if not PLAN_FIRST_YEAR <= year <= PLAN_LAST_YEAR:
        raise ValidationError(f"年度 {year} 不在“十四五”规划期（{PLAN_FIRST_YEAR}–{PLAN_LAST_YEAR} 年）内。")
    errors = []
    for (area, brand), value in values.items():
        if area.kind == Area.Kind.CITY:
            errors.append(f"{area}：只能向县区分配目标。")
        elif value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= ALLOCATION_MAX_VALUE
        ):
            errors.append(f"{area} · {brand}：目标值须为 0 至 {ALLOCATION_MAX_VALUE:,} 之间的整数。")
    if errors:
        raise ValidationError(errors)

    # Locked so that two administrators saving the same grid at once do not both create a row.
    existing = {
        (target.area_id, target.brand_id): target
        for target in Target.objects.select_for_update().filter(
            metric=metric,
            year_from=year,
            year_to=year,
            brand__isnull=False,
            area__in=[area for area, _brand in values],
        )
    }
    note = f"市人社局分配（{by.get_username()}，{timezone.localdate():%Y-%m-%d}）"
    counts = {"created": 0, "updated": 0, "deleted": 0, "unchanged": 0}
    for (area, brand), value in values.items():
        target = existing.get((area.pk, brand.pk))
        if value is None:
            if target is None:
                counts["unchanged"] += 1
            else:
                target.delete()
                counts["deleted"] += 1
        elif target is None:
            Target.objects.create(
                area=area, brand=brand, year_from=year, year_to=year, metric=metric, value=value, note=note
            )
            counts["created"] += 1
        elif target.value != value:
            target.value = value
            target.note = note
            target.save(update_fields=["value", "note"])
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    audit_log.info("targets allocated: user=%s metric=%s year=%s %s", by.get_username(), metric, year, counts)
    return counts
