"""Every write of class approval and attendance (开班审批、考勤): the plan and its path, the schedule,
attendance from the page, the sheet and the phone, and the city's minimum attendance rate for completion.

The gates other services ask (`require_approved`, `completion_refusals`) live here, beside the rules they
read, so the roster import, the batch's status and completion share one wording."""

import datetime
import secrets
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.audit import AuditEntry, audit_record
from accounts.scoping import require_area
from brands.models import PlanPeriod
from brands.selectors import period_containing

from . import class_workflow
from .models import (
    Attendance,
    ClassChange,
    ClassModule,
    ClassPlan,
    ClassSession,
    ClassTeacher,
    Enrolment,
    TrainingBatch,
)

CLASS_WORK = "填报开班申请和登记考勤"
# The QR code's link lives this long; the classroom page shows a fresh one before it runs out.
SIGNIN_LINK_MINUTES = 10
# Phone sign-in opens this long before a session starts and closes when it ends.
SIGNIN_EARLY_MINUTES = 30
HISTORIC_NOTE = "补录的历史班期（登记时已结业），视为已审批"


# --- approval ------------------------------------------------------------------------------------


def is_approved(batch: TrainingBatch) -> bool:
    return ClassPlan.objects.filter(batch_id=batch.pk, status=ClassPlan.Status.APPROVED).exists()


def require_approved(batch: TrainingBatch, *, action: str) -> None:
    """ValidationError unless the batch's class plan is approved: the one refusal of every gated step."""
    if not is_approved(batch):
        raise ValidationError(f"本班期的开班申请尚未批准，不能{action}。请先在“开班申请”中填报并提交审批。")


def record_historic(*, batch: TrainingBatch) -> ClassPlan:
    """A batch recorded after it ended (a historical roster): approved with a note saying it was not reviewed here."""
    plan, _created = ClassPlan.objects.get_or_create(
        batch=batch,
        defaults={
            "status": ClassPlan.Status.APPROVED,
            "planned_size": batch.capacity,
            "reviewed_at": timezone.now(),
            "review_note": HISTORIC_NOTE,
        },
    )
    return plan


@transaction.atomic
def class_plan_open(*, batch: TrainingBatch, user) -> ClassPlan:
    """The batch's plan, started as a draft the first time the clerk opens it."""
    require_area(user, batch.area, action=CLASS_WORK)
    plan, _created = ClassPlan.objects.get_or_create(
        batch=batch, defaults={"planned_size": batch.capacity, "status": ClassPlan.Status.DRAFT}
    )
    return plan


def _editable(plan: ClassPlan, user) -> None:
    require_area(user, plan.batch.area, action=CLASS_WORK)
    if not class_workflow.may_edit(plan, user):
        if plan.status == ClassPlan.Status.SUBMITTED:
            raise ValidationError("开班申请正在审批中，不能修改；如需修改请联系审核员退回。")
        raise PermissionDenied("您的角色不能修改开班申请。")


def _changed(plan: ClassPlan, user, text: str) -> None:
    """After approval every change is kept and shown on the class file."""
    if plan.approved:
        ClassChange.objects.create(plan=plan, changed_by=user, description=text[:500])


@transaction.atomic
def class_plan_update(*, plan: ClassPlan, user, venue: str, planned_size: int | None) -> ClassPlan:
    _editable(plan, user)
    changes = []
    if venue != plan.venue:
        changes.append(f"培训场地由“{plan.venue or '未填'}”改为“{venue}”")
    if planned_size != plan.planned_size:
        changes.append(f"计划人数由 {plan.planned_size or '未填'} 改为 {planned_size}")
    if changes:
        plan.venue, plan.planned_size = venue, planned_size
        plan.save(update_fields=["venue", "planned_size"])
        _changed(plan, user, "；".join(changes))
    return plan


@transaction.atomic
def class_module_add(*, plan: ClassPlan, user, name: str, theory_hours: Decimal, practice_hours: Decimal):
    _editable(plan, user)
    if theory_hours + practice_hours <= 0:
        raise ValidationError("理论课时和实操课时不能都为 0。")
    module = ClassModule.objects.create(plan=plan, name=name, theory_hours=theory_hours, practice_hours=practice_hours)
    _changed(plan, user, f"新增课程模块“{name}”（理论 {theory_hours}、实操 {practice_hours} 课时）")
    return module


@transaction.atomic
def class_teacher_add(*, plan: ClassPlan, user, name: str, qualification: str) -> ClassTeacher:
    _editable(plan, user)
    teacher = ClassTeacher.objects.create(plan=plan, name=name, qualification=qualification)
    _changed(plan, user, f"新增授课教师“{name}”（{qualification}）")
    return teacher


def _hours(start: datetime.time, end: datetime.time) -> Decimal:
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"))


def _session_problem(plan: ClassPlan, date, start_time, end_time, module, teacher) -> str:
    batch = plan.batch
    if end_time <= start_time:
        return "结束时间须晚于开始时间。"
    if not batch.start_date <= date <= batch.end_date:
        return f"上课日期须在班期起止日期（{batch.start_date:%Y-%m-%d} 至 {batch.end_date:%Y-%m-%d}）之内。"
    if module is not None and module.plan_id != plan.pk or teacher is not None and teacher.plan_id != plan.pk:
        return "课程模块和授课教师须是本开班申请中的。"
    return ""


@transaction.atomic
def class_session_save(
    *,
    plan: ClassPlan,
    user,
    date: datetime.date,
    start_time: datetime.time,
    end_time: datetime.time,
    module: ClassModule | None = None,
    teacher: ClassTeacher | None = None,
    session: ClassSession | None = None,
) -> ClassSession:
    """Add a session, or change one (a session moved, another teacher): after approval the change is recorded."""
    _editable(plan, user)
    if problem := _session_problem(plan, date, start_time, end_time, module, teacher):
        raise ValidationError(problem)
    if session is None:
        session = ClassSession(plan=plan)
        before = ""
    else:
        before = f"{session}（{session.teacher or '未定教师'}）"
    session.date, session.start_time, session.end_time = date, start_time, end_time
    session.module, session.teacher, session.hours = module, teacher, _hours(start_time, end_time)
    session.save()
    after = f"{session}（{teacher or '未定教师'}）"
    if before and before != after:
        _changed(plan, user, f"课次由 {before} 调整为 {after}")
    elif not before:
        _changed(plan, user, f"新增课次 {after}")
    return session


@transaction.atomic
def class_item_remove(*, plan: ClassPlan, user, item) -> None:
    """Remove a module, teacher or session; a session with attendance stays (the record of who came)."""
    _editable(plan, user)
    if isinstance(item, ClassSession) and item.attendance.exists():
        raise ValidationError("该课次已有考勤记录，不能删除；如课次调整，请修改其日期和时间。")
    _changed(plan, user, f"删除{item._meta.verbose_name}“{item}”")
    item.delete()


@transaction.atomic
def class_plan_act(*, plan: ClassPlan, user, action: str, note: str = "") -> ClassPlan:
    plan = ClassPlan.objects.select_for_update().select_related("batch", "batch__area").get(pk=plan.pk)
    target = class_workflow.step_check(plan, user=user, action=action)
    now = timezone.now()
    if action == "submit":
        required = (
            (plan.modules.exists(), "请至少填写一个课程模块（理论/实操课时）。"),
            (plan.teachers.exists(), "请至少填写一名授课教师。"),
            (plan.sessions.exists(), "请至少安排一个课次。"),
            (plan.venue, "请填写培训场地。"),
            (plan.planned_size, "请填写计划人数。"),
        )
        if problems := [message for present, message in required if not present]:
            raise ValidationError(problems)
        plan.submitted_by, plan.submitted_at = user, now
    else:
        if action == "return" and not note.strip():
            raise ValidationError("退回修改时请填写审批意见，说明需要修改什么。")
        plan.reviewed_by, plan.reviewed_at, plan.review_note = user, now, note.strip()[:300]
    plan.status = target
    plan.save(update_fields=["status", "submitted_by", "submitted_at", "reviewed_by", "reviewed_at", "review_note"])
    audit_record(
        user=user,
        action=AuditEntry.Action.CHANGE,
        subject=f"班期 #{plan.batch_id} 开班申请",
        area=plan.batch.area,
        detail=f"开班申请：{class_workflow.ACTIONS[action].label}" + (f"（{note.strip()}）" if note.strip() else ""),
    )
    return plan


# --- attendance ----------------------------------------------------------------------------------


def _record(*, session, enrolment_id: int, present: bool, source: str, user=None, signed_at=None, device="") -> bool:
    """Write one enrolment's attendance at one session (the one record every way writes); True when it changed."""
    attendance = Attendance.objects.filter(session=session, enrolment_id=enrolment_id).first()
    if attendance is None:
        Attendance.objects.create(
            session=session,
            enrolment_id=enrolment_id,
            present=present,
            source=source,
            recorded_by=user,
            signed_at=signed_at,
            device=device,
        )
        return True
    if attendance.present == present and (signed_at is None or attendance.signed_at):
        return False
    attendance.present, attendance.source, attendance.recorded_by = present, source, user
    if signed_at is not None:
        attendance.signed_at, attendance.device = signed_at, device
    attendance.save()
    return True


@transaction.atomic
def attendance_mark(*, session: ClassSession, user, present_ids: set[int], shown_ids: set[int]) -> int:
    """The clerk's or provider's ticks on the page: each enrolment shown is present or absent."""
    batch = session.plan.batch
    require_area(user, batch.area, action=CLASS_WORK)
    require_approved(batch, action="登记考勤")
    enrolments = set(batch.enrolments.filter(pk__in=shown_ids).values_list("pk", flat=True))
    return sum(
        _record(session=session, enrolment_id=pk, present=pk in present_ids, source=Attendance.Source.PAGE, user=user)
        for pk in enrolments
    )


@transaction.atomic
def attendance_import(*, batch: TrainingBatch, user, marks: list[tuple[ClassSession, int, datetime.datetime]]) -> int:
    """Sign-ins from a sheet (session, enrolment id, time): each is present at that session."""
    require_approved(batch, action="导入考勤表")
    return sum(
        _record(session=s, enrolment_id=e, present=True, source=Attendance.Source.SHEET, user=user, signed_at=at)
        for s, e, at in marks
    )


def session_window(session: ClassSession) -> tuple[datetime.datetime, datetime.datetime]:
    """When phone sign-in is open for the session (local time of the classroom)."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(session.date, session.start_time, tzinfo=tz)
    end = datetime.datetime.combine(session.date, session.end_time, tzinfo=tz)
    return start - datetime.timedelta(minutes=SIGNIN_EARLY_MINUTES), end


@transaction.atomic
def session_signin_link(*, session: ClassSession, user) -> ClassSession:
    """The session's current sign-in token, replaced when it has less than half its life left."""
    batch = session.plan.batch
    require_area(user, batch.area, action=CLASS_WORK)
    require_approved(batch, action="开启手机签到")
    now = timezone.now()
    half = datetime.timedelta(minutes=SIGNIN_LINK_MINUTES / 2)
    if not session.signin_token or session.signin_expires is None or session.signin_expires - now < half:
        session.signin_token = secrets.token_urlsafe(24)
        session.signin_expires = now + datetime.timedelta(minutes=SIGNIN_LINK_MINUTES)
        session.save(update_fields=["signin_token", "signin_expires"])
    return session


class SigninRefused(Exception):
    """A phone sign-in the trainee is told is refused, and why (never whose data matched)."""


SIGNIN_NO_MATCH = "姓名或身份证号码后 6 位与本班花名册不符，请核对后重新输入。"


@transaction.atomic
def phone_signin(*, session: ClassSession, name: str, id_tail: str, device_id: str, user_agent: str, now=None):
    """A trainee signing in from their phone: refused outside the session's window or when the name and the
    last 6 ID characters match no enrolment of the batch. One device signing in several people is flagged."""
    now = now or timezone.now()
    opens, closes = session_window(session)
    if not opens <= now <= closes:
        raise SigninRefused(
            f"不在签到时间内：本课次签到时间为 {timezone.localtime(opens):%m月%d日 %H:%M} 至 "
            f"{timezone.localtime(closes):%H:%M}。"
        )
    name, id_tail = "".join(name.split()), "".join(id_tail.split()).upper()
    if len(id_tail) != 6 or not name:
        raise SigninRefused("请填写姓名和身份证号码后 6 位。")
    matches = [
        e
        for e in session.plan.batch.enrolments.select_related("trainee").filter(trainee__name=name)
        if e.trainee.id_number[-6:] == id_tail
    ]
    if len(matches) != 1:
        raise SigninRefused(SIGNIN_NO_MATCH)
    enrolment = matches[0]
    device = f"{device_id} {user_agent}"[:200]
    # A second scan keeps the first sign-in (`_record` leaves a present, signed record as it is).
    _record(
        session=session,
        enrolment_id=enrolment.pk,
        present=True,
        source=Attendance.Source.PHONE,
        signed_at=now,
        device=device,
    )
    same_device = Attendance.objects.filter(session=session, device__startswith=f"{device_id} ")
    if device_id and same_device.exclude(enrolment=enrolment).exists():
        same_device.update(flagged=True)
    return enrolment


# --- hours, rates and the minimum for completion ------------------------------------------------


def batch_hours(batch_id: int) -> Decimal:
    return ClassSession.objects.filter(plan__batch_id=batch_id).aggregate(h=Sum("hours"))["h"] or Decimal(0)


def enrolment_hours(*, batch_id: int, enrolment_ids=None) -> dict[int, Decimal]:
    """Hours attended per enrolment of the batch (present sessions), in one query."""
    rows = Attendance.objects.filter(session__plan__batch_id=batch_id, present=True)
    if enrolment_ids is not None:
        rows = rows.filter(enrolment_id__in=list(enrolment_ids))
    return dict(rows.values("enrolment_id").annotate(h=Sum("session__hours")).values_list("enrolment_id", "h"))


def rate(attended: Decimal, total: Decimal) -> Decimal | None:
    """The attendance rate in percent, one decimal; None when the batch has no sessions."""
    return (attended * 100 / total).quantize(Decimal("0.1")) if total else None


def minimum_rate_for(year: int) -> PlanPeriod | None:
    """The plan period of a batch ending in `year` when the city set its minimum attendance rate
    (`min_attendance_rate`), else None: no minimum is invented, and a year outside every period has none."""
    period = period_containing(year)
    return period if period is not None and period.min_attendance_rate is not None else None


def completion_refusals(*, batch: TrainingBatch, enrolment_ids, names: dict[int, str] | None = None) -> list[str]:
    """Why these enrolments may not be completed now: the batch unapproved, or (when the city set a minimum for
    the batch's year) a rate below it, stated with the figures. Empty when they may."""
    enrolment_ids = list(enrolment_ids)
    if not enrolment_ids:
        return []
    if not is_approved(batch):
        return ["本班期的开班申请尚未批准，不能登记结业。"]
    rule = minimum_rate_for(batch.end_date.year)
    if rule is None:
        return []
    total, attended = batch_hours(batch.pk), enrolment_hours(batch_id=batch.pk, enrolment_ids=enrolment_ids)
    if names is None:
        names = dict(Enrolment.objects.filter(pk__in=enrolment_ids).values_list("pk", "trainee__name"))
    problems = []
    for pk in enrolment_ids:
        shown = rate(attended.get(pk, Decimal(0)), total) or Decimal(0)
        if shown < rule.min_attendance_rate:
            problems.append(
                f"{names.get(pk, pk)}：出勤率 {shown}%（{Decimal(attended.get(pk, 0)):.1f}/{Decimal(total):.1f} 课时），"
                f"低于结业最低出勤率 {rule.min_attendance_rate}%，不能登记结业。"
            )
    return problems
