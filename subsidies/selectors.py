"""Every read of the subsidies app, scoped by the requesting user; budget figures and the totals
the progress report adds.

Money rules, written down once:
- an application draws on the budget it was approved against (the area's budget for the year of
  approval, or else the city's); `committed` is approved and not yet paid, `paid` is paid, and
  `remaining` is what is left of the allocation;
- `approved_amount` in the progress report is everything approved, paid or not; `paid_amount` is part of it;
  both are attributed to the year of the budget they drew on."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.scoping import scope_for, scope_queryset
from brands.models import CITY_AREA_CODE, Area, Recognition, Target
from training.class_selectors import enrolment_attendance

from . import workflow
from .models import Budget, EvidenceKind, SubsidyApplication, SubsidyKind, SubsidyRule

Status = SubsidyApplication.Status
ZERO = Decimal("0")
_MONEY = DecimalField(max_digits=16, decimal_places=2)


def _sum(field: str = "amount", **filters):
    return Coalesce(Sum(field, filter=Q(**filters) if filters else None), Value(ZERO), output_field=_MONEY)


def _yuan(amount: Decimal | None) -> int:
    return int((amount or ZERO).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


# --- applications ---------------------------------------------------------------------------------


def _applications(user) -> QuerySet:
    return scope_queryset(
        SubsidyApplication.objects.select_related(
            "rule",
            "area",
            "organisation",
            "recognition",
            "trainee",
            "enrolment__batch__occupation",
            "enrolment__batch__area",
            "outcome",
            "budget__area",
        ),
        user,
    )


def application_list(*, user) -> QuerySet:
    """The applications of the user's scope, newest first (`filters.ApplicationFilter` narrows them)."""
    return _applications(user).order_by("-created_at", "-id")


def application_actionable(*, user, action: str) -> QuerySet:
    """The user's applications on which they may take `action` now (workflow.TABLE): the bulk page's list."""
    return application_list(user=user).filter(workflow.actionable(user, action))


def application_selected(*, user, ids: list[int]) -> QuerySet:
    """The applications of `ids` within the user's scope (another area's are simply absent), oldest first."""
    return _applications(user).filter(pk__in=ids).order_by("created_at", "id")


# The to-do items: (key, label, action, state or None for any).
WORKLIST = [
    ("returned", "退回修改", "submit", Status.RETURNED),
    ("draft", "待提交草稿", "submit", Status.DRAFT),
    ("review", "待审核", "review", None),
    ("approve", "待审批", "approve", None),
    ("pay", "待登记拨付", "pay", None),
]


def application_worklist(*, user) -> list[dict]:
    """What waits for the user (workflow.TABLE), returned applications first: the counts of the home page
    and of the list page. One query."""
    items = [item for item in WORKLIST if item[2] in workflow.actions_held(user)]
    if not items:
        return []
    counts = scope_queryset(SubsidyApplication.objects.all(), user).aggregate(
        **{
            key: Count("id", filter=workflow.actionable(user, action) & (Q(status=status) if status else Q()))
            for key, _label, action, status in items
        }
    )
    return [
        {"key": key, "label": label, "action": action, "status": status, "count": counts[key]}
        for key, label, action, status in items
    ]


def application_get(*, user, pk: int) -> SubsidyApplication:
    """One application of the user's scope; another area's is a 404."""
    return get_object_or_404(
        _applications(user).prefetch_related(
            "transitions__by",
            "evidence__kind",
            "qualifying_categories",
            "rule__required_evidence",
            "rule__eligible_categories",
            "rule__occupations",
        ),
        pk=pk,
    )


def evidence_kind_list() -> QuerySet:
    return EvidenceKind.objects.order_by("sort_order", "id")


def evidence_checklist(*, application: SubsidyApplication) -> list[dict]:
    """Each evidence kind the rule requires, and whether a file of that kind is uploaded (prefetched)."""
    present = {item.kind_id for item in application.evidence.all()}
    return [{"kind": kind, "present": kind.pk in present} for kind in application.rule.required_evidence.all()]


def application_transitions(*, application: SubsidyApplication) -> QuerySet:
    return application.transitions.select_related("by").order_by("at", "id")


def rule_list(*, active_only: bool = False) -> QuerySet:
    rules = SubsidyRule.objects.prefetch_related("occupations", "eligible_categories")
    return rules.filter(active=True) if active_only else rules


# --- budgets --------------------------------------------------------------------------------------


def _budget_figures(budgets: QuerySet) -> QuerySet:
    return budgets.annotate(
        committed=_sum("applications__amount", applications__status=Status.APPROVED),
        paid=_sum("applications__amount", applications__status=Status.PAID),
    )


def _figures(budget: Budget) -> dict:
    """Allocated, committed (approved, unpaid), paid and remaining of a budget annotated by `_budget_figures`."""
    remaining = budget.amount - budget.committed - budget.paid
    return {"allocated": budget.amount, "committed": budget.committed, "paid": budget.paid, "remaining": remaining}


def budget_summary(*, year: int, area: Area) -> dict:
    """The figures of one area's (or the city's) budget of the year; zeros when it has none."""
    budget = _budget_figures(Budget.objects.filter(year=year, area=area)).first()
    if budget is None:
        return {"allocated": ZERO, "committed": ZERO, "paid": ZERO, "remaining": ZERO}
    return _figures(budget)


def budget_scope(budgets: QuerySet, *, user) -> QuerySet:
    """The budgets the user may see: a county user their area's and the city's (which their area's
    approvals draw on when it has none of its own); a city user all; a user without a scope none."""
    scope = scope_for(user)
    if scope.sees_all_areas:
        return budgets
    if scope.area is None:
        return budgets.none()
    return budgets.filter(Q(area=scope.area.pk) | Q(area__code=CITY_AREA_CODE))


def budget_list(*, user, year: int | None = None) -> list[dict]:
    """The budgets the user may see (a county user: their area's and the city's), each with its figures."""
    budgets = budget_scope(Budget.objects.all(), user=user)
    if year is not None:
        budgets = budgets.filter(year=year)
    budgets = _budget_figures(budgets.select_related("area")).order_by("-year", "area__sort_order")
    return [{"budget": budget, **_figures(budget)} for budget in budgets]


# --- totals ---------------------------------------------------------------------------------------

TOTAL_DIMENSIONS = {
    "area": ("area__short_name", "area__sort_order"),
    "kind": ("kind", "kind"),
    "status": ("status", "status"),
    # A training subsidy belongs to the brand of its batch's occupation, an award to the brand of its recognition.
    "brand": ("brand_name", "brand_name"),
}


def application_totals(*, user, by: str, year: int | None = None) -> list[dict]:
    """Count and amount of the user's applications grouped by area, brand, kind or status."""
    if by not in TOTAL_DIMENSIONS:
        raise ValueError(f"unknown dimension {by!r}")
    applications = scope_queryset(SubsidyApplication.objects.all(), user)
    if year is not None:
        applications = applications.filter(created_at__year=year)
    key, order = TOTAL_DIMENSIONS[by]
    if by == "brand":
        applications = applications.annotate(
            brand_name=Coalesce(
                "enrolment__batch__occupation__brand__name", "recognition__brand__name", Value("未关联品牌")
            )
        )
    rows = applications.values(key).annotate(count=Count("id"), amount=_sum()).order_by(order)
    if by == "status":  # the path's order (draft … paid, then rejected), as the workflow walks it
        rows = sorted(rows, key=lambda row: Status.values.index(row["status"]))
    labels = {"kind": dict(SubsidyKind.choices), "status": dict(Status.choices)}.get(by, {})
    return [
        {"key": row[key], "label": str(labels.get(row[key], row[key])), **{k: row[k] for k in ("count", "amount")}}
        for row in rows
    ]


# --- progress report ------------------------------------------------------------------------------

RECOGNITION_TARGET_METRICS = {
    Recognition.Kind.TRAINING_BASE: Target.Metric.REGION_TRAINING_BASE,
    Recognition.Kind.EXPERT_STUDIO: Target.Metric.REGION_EXPERT_STUDIO,
    Recognition.Kind.LEADING_ENTERPRISE: Target.Metric.REGION_LEADING_ENTERPRISE,
}


def progress_summary_additions(
    year: int | None = None, *, area: Area | None = None, period_years: range | None = None
) -> dict:
    """The subsidies and recognitions parts of the progress report (yuan as integers): city-wide, or
    one area's budgets and applications when `area` is given (recognitions are always city-wide: their
    targets are the city's).

    Without a year: every budget and application, and recognitions of the plan period `period_years`
    against that period's targets (this year's, when no period is given).
    With one: that year's budgets and the applications charged to them; recognitions from the start
    of the target period (the one covering `year`, or else the latest one begun before it) up to `year`."""
    budgets = Budget.objects.all() if year is None else Budget.objects.filter(year=year)
    spent = SubsidyApplication.objects.filter(status__in=[Status.APPROVED, Status.PAID])
    if area is not None:
        budgets = budgets.filter(area_id=area.pk)
        spent = spent.filter(area_id=area.pk)
    budget_amount = budgets.aggregate(total=_sum())["total"]
    if year is not None:
        spent = spent.filter(budget__year=year)
    first_year = None
    if year is None:
        first_year, year = (period_years[0], period_years[-1]) if period_years else (None, timezone.localdate().year)
    by_kind_rows = {
        row["kind"]: row
        for row in spent.values("kind").annotate(approved=_sum(), paid=_sum(status=Status.PAID)).order_by("kind")
    }
    by_kind = [
        {"kind": kind, "approved_amount": _yuan(row.get("approved")), "paid_amount": _yuan(row.get("paid"))}
        for kind in SubsidyKind.values
        for row in [by_kind_rows.get(kind, {})]
    ]
    # The target of the period covering `year`; after the last period ends, that last period's target.
    targets = {}
    for target in Target.objects.filter(
        area__code=CITY_AREA_CODE,
        brand__isnull=True,
        metric__in=RECOGNITION_TARGET_METRICS.values(),
        year_from__lte=year,
        **({"year_from__gte": first_year} if first_year is not None else {}),
    ).order_by("-year_to", "-year_from"):
        targets.setdefault(target.metric, target)
    period_start = first_year or min((t.year_from for t in targets.values()), default=year)
    counts = {
        (row["kind"], row["level"]): row["n"]
        for row in Recognition.objects.filter(year__gte=period_start, year__lte=year)
        .values("kind", "level")
        .annotate(n=Count("id"))
    }
    recognitions = {}
    for kind, metric in RECOGNITION_TARGET_METRICS.items():
        target = targets.get(metric)
        recognitions[kind.value] = {
            "region": counts.get((kind.value, Recognition.Level.REGION.value), 0),
            "city": counts.get((kind.value, Recognition.Level.CITY.value), 0),
            "region_target": target.value if target else 0,
        }
    return {
        "subsidies": {
            "budget_amount": _yuan(budget_amount),
            "approved_amount": sum(row["approved_amount"] for row in by_kind),
            "paid_amount": sum(row["paid_amount"] for row in by_kind),
            "by_kind": by_kind,
        },
        "recognitions": recognitions,
    }


def application_class_record(*, application) -> dict | None:
    """The class approval and the attendance of a training-subsidy application's enrolment, for the reviewer
    (None for an application of no enrolment). The application was found in the user's scope already."""
    if not application.enrolment_id:
        return None
    return enrolment_attendance(application.enrolment)
