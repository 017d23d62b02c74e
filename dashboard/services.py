"""Writes of the plan periods' pages: each calls the `brands` service that owns the rule and leaves an
audit entry (accounts.audit, a layer above brands). Closing stores the closing report as its snapshot."""

from django.db import transaction

from accounts.audit import audit_record
from accounts.models import AuditEntry
from brands import services as brand_services
from brands.models import PlanPeriod
from plantasks import services as task_services

from .selectors import closing_report


def _audit(by, request, subject: str, detail: str = "") -> None:
    audit_record(user=by, action=AuditEntry.Action.OTHER, subject=subject, detail=detail, request=request)


@transaction.atomic
def period_create(*, by, request=None, **fields) -> PlanPeriod:
    period = brand_services.period_create(by=by, **fields)
    task_services.tasks_copy_forward(target=period)  # the plan's tasks go on in the new period
    _audit(by, request, f"建立规划期 {period}", f"代码 {period.code}；文号 {period.document_number}")
    return period


@transaction.atomic
def period_lines_set(*, period: PlanPeriod, brand_lines, occupations, by, request=None) -> None:
    brand_services.period_lines_set(period=period, brand_lines=brand_lines, occupations=occupations, by=by)
    _audit(by, request, f"修改规划期 {period} 的品牌和工种", f"品牌 {len(brand_lines)} 个，工种 {len(occupations)} 个")


@transaction.atomic
def period_min_attendance_rate_set(*, period: PlanPeriod, rate: int | None, by, request=None) -> PlanPeriod:
    previous = period.min_attendance_rate
    period = brand_services.period_min_attendance_rate_set(period=period, rate=rate, by=by)
    change = f"{'未设置' if previous is None else f'{previous}%'} → {'未设置' if rate is None else f'{rate}%'}"
    _audit(by, request, f"设置规划期 {period} 的结业最低出勤率", change)
    return period


@transaction.atomic
def period_city_targets_set(*, period: PlanPeriod, values: dict, by, request=None) -> dict:
    counts = brand_services.period_city_targets_set(period=period, values=values, by=by)
    _audit(by, request, f"设定规划期 {period} 的全市目标", str(counts))
    return counts


@transaction.atomic
def period_close(*, period: PlanPeriod, by, request=None) -> PlanPeriod:
    """Close `period`, freezing the city-wide closing report as reported today (its snapshot)."""
    report = closing_report(period=period)
    snapshot = {key: value for key, value in report.items() if key != "differences"}
    snapshot["period"]["status"] = PlanPeriod.Status.CLOSED.value
    period = brand_services.period_close(period=period, snapshot=snapshot, by=by)
    _audit(by, request, f"结束规划期 {period}", "已保存结束时的数据快照（总结评估）")
    return period
