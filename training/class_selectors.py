"""Every read of class approval and attendance, scoped by the requesting user (another area's is a 404)."""

from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.scoping import scope_queryset
from core.db import pinyin

from . import class_services
from .models import Attendance, ClassPlan, ClassSession, Enrolment, TrainingBatch


def plan_of(batch: TrainingBatch) -> ClassPlan | None:
    """The plan of a batch the caller holds through `batch_get` (None before the clerk opens one)."""
    return (
        ClassPlan.objects.select_related("submitted_by", "reviewed_by")
        .prefetch_related("modules", "teachers", "changes__changed_by")
        .filter(batch=batch)
        .first()
    )


def plan_sessions(plan: ClassPlan) -> QuerySet:
    """The plan's sessions with how many attended each."""
    return (
        plan.sessions.select_related("module", "teacher")
        .annotate(
            present_count=Count("attendance", filter=Q(attendance__present=True)),
            flagged_count=Count("attendance", filter=Q(attendance__flagged=True)),
        )
        .order_by("date", "start_time", "id")
    )


def session_get(*, user, pk: int) -> ClassSession:
    return get_object_or_404(
        scope_queryset(
            ClassSession.objects.select_related(
                "plan", "plan__batch", "plan__batch__area", "plan__batch__occupation", "module", "teacher"
            ),
            user,
            area_field="plan__batch__area",
        ),
        pk=pk,
    )


def session_by_token(token: str) -> ClassSession | None:
    """The session a classroom QR code names (no user: the trainee's phone), None when unknown."""
    if not token:
        return None
    return (
        ClassSession.objects.select_related("plan__batch", "plan__batch__occupation").filter(signin_token=token).first()
    )


def approval_queue(*, user, status: str = ClassPlan.Status.SUBMITTED) -> QuerySet:
    """Plans of the user's scope in a state (awaiting approval by default), oldest submission first."""
    return (
        scope_queryset(
            ClassPlan.objects.select_related(
                "batch", "batch__area", "batch__occupation", "batch__provider", "submitted_by"
            ),
            user,
            area_field="batch__area",
        )
        .filter(status=status)
        .order_by("submitted_at", "id")
    )


def session_attendance(session: ClassSession) -> list[tuple[Enrolment, Attendance | None]]:
    """Each enrolment of the session's batch with its attendance at the session (or None)."""
    records = {a.enrolment_id: a for a in Attendance.objects.filter(session=session)}
    enrolments = Enrolment.objects.filter(batch_id=session.plan.batch_id).select_related("trainee")
    return [(e, records.get(e.pk)) for e in enrolments.order_by(pinyin("trainee__name"), "id")]


def attendance_by_enrolment(batch: TrainingBatch) -> dict:
    """{enrolment id: (hours attended, rate %)} and the batch's total hours, in two queries."""
    total = class_services.batch_hours(batch.pk)
    hours = class_services.enrolment_hours(batch_id=batch.pk)
    return {"total": total, "hours": hours, "rate": lambda pk: class_services.rate(hours.get(pk, Decimal(0)), total)}


def enrolment_attendance(enrolment: Enrolment) -> dict:
    """What a subsidy reviewer reads of one enrolment: approval, hours, rate, sessions missed, flags."""
    batch = enrolment.batch
    plan = ClassPlan.objects.filter(batch_id=batch.pk).select_related("reviewed_by").first()
    total = class_services.batch_hours(batch.pk)
    attended = class_services.enrolment_hours(batch_id=batch.pk, enrolment_ids=[enrolment.pk]).get(enrolment.pk, 0)
    rule = class_services.minimum_rate_for(batch.end_date.year)
    return {
        "plan": plan,
        "total": total,
        "attended": attended or Decimal(0),
        "rate": class_services.rate(attended or Decimal(0), total),
        "sessions": ClassSession.objects.filter(plan__batch_id=batch.pk).count(),
        "present": Attendance.objects.filter(enrolment=enrolment, present=True).count(),
        "flagged": Attendance.objects.filter(enrolment=enrolment, flagged=True).count(),
        "rule": rule,
    }


def _scoped(queryset, user, area_field):
    """`queryset` in the user's scope; the whole city for no user (the operator's management command)."""
    return queryset if user is None else scope_queryset(queryset, user, area_field=area_field)


def class_figures(*, user=None) -> dict:
    """The "classes" figures of the user's scope (the city for no user): plans awaiting approval, approved,
    sessions, the attendance rate (present marks over the marks the sessions' rosters make, a fraction 0–1),
    and batches running with no attendance recorded."""
    plans = _scoped(ClassPlan.objects.all(), user, "batch__area")
    recorded = Attendance.objects.filter(session__plan=OuterRef("pk"))
    counts = plans.aggregate(
        awaiting=Count("pk", filter=Q(status=ClassPlan.Status.SUBMITTED)),
        approved=Count("pk", filter=Q(status=ClassPlan.Status.APPROVED)),
        # A batch starts only once approved, so every running batch has a plan.
        running_without=Count("pk", filter=Q(batch__status=TrainingBatch.Status.RUNNING) & ~Exists(recorded)),
    )
    sessions = _scoped(ClassSession.objects.all(), user, "plan__batch__area").aggregate(
        count=Count("pk", distinct=True), expected=Count("plan__batch__enrolments")
    )
    present = _scoped(Attendance.objects.filter(present=True), user, "session__plan__batch__area").count()
    expected = sessions["expected"]
    return {
        "awaiting_approval": counts["awaiting"],
        "approved": counts["approved"],
        "sessions": sessions["count"],
        "attendance_rate": round(present / expected, 4) if expected else None,
        "running_without_attendance": counts["running_without"],
    }


def attendance_rate_by(*, user, key: str) -> list[dict]:
    """Attendance rate per area (`key`="area") or brand ("brand"): present marks over expected marks."""
    path = {"area": "plan__batch__area__name", "brand": "plan__batch__occupation__brand__name"}[key]
    sessions = scope_queryset(ClassSession.objects.all(), user, area_field="plan__batch__area")
    expected = {
        row[path]: row["n"] for row in sessions.values(path).annotate(n=Count("plan__batch__enrolments")).order_by(path)
    }
    present = dict(
        sessions.filter(attendance__present=True).values(path).annotate(n=Count("attendance")).values_list(path, "n")
    )
    return [
        {"name": name, "expected": n, "present": present.get(name, 0), "rate": round(100 * present.get(name, 0) / n, 1)}
        for name, n in expected.items()
        if n
    ]
