"""Writes of reference data used outside the admin (demo data, the target allocation page, later imports)."""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.credit_code import normalise_uscc, validate_uscc

from .models import Area, BrandLine, Organisation, PlanPeriod, Target
from .selectors import city_area, period_containing

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


def _target_put(target: Target | None, value: int | None, *, note: str, **key) -> str:
    """Create, change or (value None) delete the one target `key` names; which of these it was, or "unchanged"."""
    if value is None:
        if target is None:
            return "unchanged"
        target.delete()
        return "deleted"
    if target is None:
        Target.objects.create(**key, value=value, note=note)
        return "created"
    if target.value == value:
        return "unchanged"
    target.value, target.note = value, note
    target.save(update_fields=["value", "note"])
    return "updated"


@transaction.atomic
def targets_allocate(*, metric: str, year: int, values: dict[tuple[Area, BrandLine], int | None], by) -> dict:
    """Set the city's allocation of one metric for one year: one `Target(area, brand, year, year, metric)`
    per county-level area × brand line. A value creates or updates the target, None deletes it; cells
    not in `values` are left alone. All or nothing: any invalid cell refuses the whole grid.

    Returns the counts {"created", "updated", "deleted", "unchanged"}."""
    if not by.has_perm("brands.change_target"):
        raise PermissionDenied("只有市人社局管理员可以分配目标。")
    if metric not in ALLOCATION_METRICS:
        raise ValidationError("未知的指标：只能分配培训人次或带动就业创业人次。")
    period = period_containing(year)
    if period is None:
        raise ValidationError(f"年度 {year} 不在任何规划期内：请先在“规划期”页面建立包含该年度的规划期。")
    if period.is_closed:
        raise ValidationError(f"“{period.name}”规划期已结束，其目标不能再修改。")
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
            metric=metric, year_from=year, year_to=year, brand__isnull=False, area__in=[area for area, _brand in values]
        )
    }
    note = f"市人社局分配（{by.get_username()}，{timezone.localdate():%Y-%m-%d}）"
    counts = dict.fromkeys(("created", "updated", "deleted", "unchanged"), 0)
    for (area, brand), value in values.items():
        key = {"period": period, "area": area, "brand": brand, "metric": metric, "year_from": year, "year_to": year}
        counts[_target_put(existing.get((area.pk, brand.pk)), value, note=note, **key)] += 1
    audit_log.info("targets allocated: user=%s metric=%s year=%s %s", by.get_username(), metric, year, counts)
    return counts


PERIOD_TARGET_MAX_VALUE = 10_000_000


@transaction.atomic
def period_create(
    *, code: str, name: str, year_from: int, year_to: int, document_title: str = "", document_number: str = "", by
) -> PlanPeriod:
    """Create the next plan period. Its brand lines and occupations are copied from the latest period
    before it (the city then changes them on the period's page); its years may not overlap another's."""
    if not by.has_perm("brands.add_planperiod"):
        raise PermissionDenied("只有市人社局管理员可以建立规划期。")
    if year_to < year_from:
        raise ValidationError("截止年度不能早于起始年度。")
    overlapping = PlanPeriod.objects.filter(year_from__lte=year_to, year_to__gte=year_from).first()
    if overlapping is not None:
        raise ValidationError(f"{year_from}–{year_to} 年与已有规划期“{overlapping}”重叠。")
    if PlanPeriod.objects.filter(code=code).exists():
        raise ValidationError(f"代码“{code}”已被其他规划期使用。")
    if PlanPeriod.objects.filter(name=name).exists():
        raise ValidationError(f"名称“{name}”已被其他规划期使用。")
    period = PlanPeriod(
        code=code,
        name=name,
        year_from=year_from,
        year_to=year_to,
        document_title=document_title,
        document_number=document_number,
    )
    period.full_clean()
    period.save()
    previous = PlanPeriod.objects.filter(year_to__lt=year_from).order_by("-year_to").first()
    if previous is not None:
        period.brand_lines.set(previous.brand_lines.all())
        period.occupations.set(previous.occupations.all())
    else:
        period.brand_lines.set(BrandLine.objects.all())
    audit_log.info("plan period created: user=%s period=%s", by.get_username(), period.code)
    return period


@transaction.atomic
def period_lines_set(*, period: PlanPeriod, brand_lines, occupations, by) -> None:
    """Change which brand lines and occupations a period runs; a closed period's are fixed."""
    if not by.has_perm("brands.change_planperiod"):
        raise PermissionDenied("只有市人社局管理员可以修改规划期。")
    if period.is_closed:
        raise ValidationError(f"“{period.name}”规划期已结束，不能再修改。")
    brand_lines = list(brand_lines)
    stray = [o.name for o in occupations if o.brand_id not in {b.pk for b in brand_lines}]
    if stray:
        raise ValidationError(f"工种{'、'.join(stray)}所属的劳务品牌未选入本规划期。")
    period.brand_lines.set(brand_lines)
    period.occupations.set(occupations)
    audit_log.info("plan period lines set: user=%s period=%s", by.get_username(), period.code)


@transaction.atomic
def period_min_attendance_rate_set(*, period: PlanPeriod, rate: int | None, by) -> PlanPeriod:
    """The city administrator's minimum attendance rate for completing a training in `period` (None: unset,
    completion is then not checked against attendance). A rule of how trainings complete, not a reported
    figure, so a closed period's may still be set for late completions."""
    if not by.has_perm("brands.change_planperiod"):
        raise PermissionDenied("只有市人社局管理员可以设置结业最低出勤率。")
    if rate is not None and not 1 <= rate <= 100:
        raise ValidationError("出勤率须在 1% 到 100% 之间。")
    period.min_attendance_rate = rate
    period.save(update_fields=["min_attendance_rate"])
    audit_log.info(
        "plan period minimum attendance set: user=%s period=%s rate=%s", by.get_username(), period.code, rate
    )
    return period


@transaction.atomic
def period_city_targets_set(*, period: PlanPeriod, values: dict[tuple[str, BrandLine | None], int | None], by) -> dict:
    """The city's whole-period targets of a period: {(metric, brand or None for all brands): value or None}.
    A value creates or updates the target, None deletes it."""
    if not by.has_perm("brands.change_target"):
        raise PermissionDenied("只有市人社局管理员可以设定目标。")
    if period.is_closed:
        raise ValidationError(f"“{period.name}”规划期已结束，其目标不能再修改。")
    city = city_area()
    note = f"市人社局设定（{by.get_username()}，{timezone.localdate():%Y-%m-%d}）"
    counts = dict.fromkeys(("created", "updated", "deleted", "unchanged"), 0)
    for (metric, brand), value in values.items():
        if value is not None and not 0 <= value <= PERIOD_TARGET_MAX_VALUE:
            raise ValidationError(f"目标值须为 0 至 {PERIOD_TARGET_MAX_VALUE:,} 之间的整数。")
        key = {"period": period, "area": city, "brand": brand, "metric": metric}
        key |= {"year_from": period.year_from, "year_to": period.year_to}
        # order_by(): the default ordering joins the nullable brand, and PostgreSQL locks no outer join.
        target = Target.objects.select_for_update().order_by().filter(**key).first()
        counts[_target_put(target, value, note=note, **key)] += 1
    audit_log.info("period targets set: user=%s period=%s %s", by.get_username(), period.code, counts)
    return counts


@transaction.atomic
def period_close(*, period: PlanPeriod, snapshot: dict, by) -> PlanPeriod:
    """Close a period, storing its figures as reported (`snapshot`, the closing report's data). Only a
    period whose last year has begun may be closed, and only once."""
    if not by.has_perm("brands.change_planperiod"):
        raise PermissionDenied("只有市人社局管理员可以结束规划期。")
    period = PlanPeriod.objects.select_for_update().get(pk=period.pk)
    if period.is_closed:
        raise ValidationError(f"“{period.name}”规划期已经结束。")
    if timezone.localdate().year < period.year_to:
        raise ValidationError(f"“{period.name}”规划期要到 {period.year_to} 年才能结束。")
    period.status = PlanPeriod.Status.CLOSED
    period.snapshot = snapshot
    period.closed_at = timezone.now()
    period.closed_by = by
    period.save(update_fields=["status", "snapshot", "closed_at", "closed_by"])
    audit_log.info("plan period closed: user=%s period=%s", by.get_username(), period.code)
    return period
