"""Pages of class approval and attendance: the class file (printable), the approval queue, a session's
attendance list and QR code, the trainee's phone sign-in, the city's minimum attendance rate, and the public
certificate lookup. Thin: forms in, services and selectors out; another area's batch or session is a 404."""

import io
import uuid

import segno
from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from brands.selectors import period_containing, period_list
from core.forms import message_service_errors
from core.ratelimit import hit

from . import class_selectors, class_services, class_workflow, selectors
from .class_forms import ModuleForm, PlanForm, SessionForm, SigninForm, TeacherForm, VerifyForm
from .models import ClassPlan
from .verification import certificate_lookup

VERIFY_LIMIT, VERIFY_WINDOW = 20, 600  # lookups per client per 10 minutes
SIGNIN_LIMIT, SIGNIN_WINDOW = 10, 600  # attempts per phone per session per 10 minutes
SIGNIN_ADDRESS_LIMIT = 300
DEVICE_COOKIE = "signin_device"


@require_safe
@login_required
@permission_required("training.view_trainingbatch", raise_exception=True)
def class_file(request, pk: int):
    """开班申请 / 班级档案: plan, modules, teachers, schedule with attendance, changes after approval, and the
    roster's hours and rates; printable as the bureau's paper copy."""
    batch = selectors.batch_get(user=request.user, pk=pk)
    plan = class_selectors.plan_of(batch)
    sessions = list(class_selectors.plan_sessions(plan)) if plan else []
    attendance = class_selectors.attendance_by_enrolment(batch)
    rule = class_services.minimum_rate_for(batch.end_date.year)
    roster = [
        (e, attendance["hours"].get(e.pk, 0), attendance["rate"](e.pk)) for e in selectors.batch_enrolments(batch=batch)
    ]
    may_edit = plan is not None and class_workflow.may_edit(plan, request.user)
    return render(
        request,
        "training/class_file.html",
        {
            "batch": batch,
            "plan": plan,
            "sessions": sessions,
            "roster": roster,
            "total_hours": attendance["total"],
            "rule": rule,
            "actions": class_workflow.actions_for(plan, request.user) if plan else [],
            "may_edit": may_edit and request.user.has_perm("training.change_trainingbatch"),
            "may_open": plan is None and request.user.has_perm("training.change_trainingbatch"),
            # Ids of their own: each form has a "name" field, and labels must find theirs.
            "forms": {
                "plan": PlanForm(initial={"venue": plan.venue, "planned_size": plan.planned_size}, auto_id="plan_%s"),
                "module": ModuleForm(auto_id="module_%s"),
                "teacher": TeacherForm(auto_id="teacher_%s"),
                "session": SessionForm(plan=plan, auto_id="session_%s"),
            }
            if plan
            else {},
            "print": request.GET.get("print") == "1",
        },
    )


def _plan_for_write(request, pk: int):
    batch = selectors.batch_get(user=request.user, pk=pk)
    return batch, ClassPlan.objects.select_related("batch", "batch__area").filter(batch=batch).first()


# The parts of the plan the class file edits, each with its form and the service that saves it.
PARTS = {
    "plan": (PlanForm, class_services.class_plan_update),
    "module": (ModuleForm, class_services.class_module_add),
    "teacher": (TeacherForm, class_services.class_teacher_add),
    "session": (SessionForm, class_services.class_session_save),
}


@require_POST
@login_required
@permission_required("training.change_trainingbatch", raise_exception=True)
def class_edit(request, pk: int, part: str):
    """One POST per part of the plan: open, plan (venue, size), module, teacher, session; each through its service."""
    batch, plan = _plan_for_write(request, pk)
    try:
        if part == "open":
            class_services.class_plan_open(batch=batch, user=request.user)
            messages.success(request, "已建立开班申请：请填写课程模块、授课教师、课表和培训场地，然后提交审批。")
        elif plan is None:
            raise ValidationError("请先建立开班申请。")
        elif part not in PARTS:
            raise ValidationError("无法识别的操作。")
        else:
            form_class, service = PARTS[part]
            form = form_class(request.POST, plan=plan) if part == "session" else form_class(request.POST)
            if not form.is_valid():
                for field, errors in form.errors.items():
                    label = form.fields[field].label if field in form.fields else ""
                    for error in errors:
                        messages.error(request, f"{label}：{error}" if label else error)
                return redirect("training:class_file", pk=batch.pk)
            service(plan=plan, user=request.user, **form.cleaned_data)
            messages.success(request, "已保存。" + ("（开班申请已批准，本次变更已记录。）" if plan.approved else ""))
    except (ValidationError, PermissionDenied) as error:
        message_service_errors(request, error)
    return redirect("training:class_file", pk=batch.pk)


@require_POST
@login_required
@permission_required("training.change_trainingbatch", raise_exception=True)
def class_item_remove(request, pk: int, kind: str, item: int):
    batch, plan = _plan_for_write(request, pk)
    if plan is None:
        raise Http404
    related = {"module": plan.modules, "teacher": plan.teachers, "session": plan.sessions}.get(kind)
    if related is None:
        return redirect("training:class_file", pk=batch.pk)
    try:
        class_services.class_item_remove(plan=plan, user=request.user, item=get_object_or_404(related, pk=item))
        messages.success(request, "已删除。")
    except (ValidationError, PermissionDenied) as error:
        message_service_errors(request, error)
    return redirect("training:class_file", pk=batch.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@permission_required("training.change_trainingbatch", raise_exception=True)
def session_edit(request, pk: int):
    """Move a session or change its teacher: after approval the change is recorded on the class file."""
    session = class_selectors.session_get(user=request.user, pk=pk)
    plan = session.plan
    form = SessionForm(
        request.POST if request.method == "POST" else None,
        plan=plan,
        initial={
            "date": session.date.isoformat(),
            "start_time": session.start_time.strftime("%H:%M"),
            "end_time": session.end_time.strftime("%H:%M"),
            "module": session.module_id,
            "teacher": session.teacher_id,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            class_services.class_session_save(plan=plan, user=request.user, session=session, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error if isinstance(error, ValidationError) else str(error))
        else:
            messages.success(
                request, "已修改课次。" + ("（开班申请已批准，本次变更已记录。）" if plan.approved else "")
            )
            return redirect("training:class_file", pk=plan.batch_id)
    return render(request, "training/session_form.html", {"form": form, "session": session, "batch": plan.batch})


@require_POST
@login_required
@permission_required("training.view_trainingbatch", raise_exception=True)
def class_act(request, pk: int):
    """Submit, approve or return the plan (class_workflow's table decides who may)."""
    batch, plan = _plan_for_write(request, pk)
    action = request.POST.get("action", "")
    if plan is None or action not in class_workflow.ACTIONS:
        messages.error(request, "无法识别的操作。")
        return redirect("training:class_file", pk=batch.pk)
    try:
        class_services.class_plan_act(plan=plan, user=request.user, action=action, note=request.POST.get("note", ""))
    except (ValidationError, PermissionDenied) as error:
        message_service_errors(request, error)
    else:
        messages.success(request, class_workflow.ACTIONS[action].done)
    return redirect("training:class_file", pk=batch.pk)


@require_safe
@login_required
@permission_required("training.view_trainingbatch", raise_exception=True)
def approval_queue(request):
    status = request.GET.get("status", ClassPlan.Status.SUBMITTED)
    if status not in ClassPlan.Status.values:
        status = ClassPlan.Status.SUBMITTED
    plans = class_selectors.approval_queue(user=request.user, status=status)
    return render(
        request,
        "training/class_queue.html",
        {"plans": plans[:500], "status": status, "statuses": ClassPlan.Status.choices},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@permission_required("training.view_trainingbatch", raise_exception=True)
def session_attendance(request, pk: int):
    """A session's attendance list: the clerk or the provider ticks who came (the same record as the sheet
    and the phone)."""
    session = class_selectors.session_get(user=request.user, pk=pk)
    if request.method == "POST":
        if not request.user.has_perm("training.change_enrolment"):
            raise PermissionDenied
        shown = {int(v) for v in request.POST.getlist("rows") if v.isdigit()}
        present = {int(v) for v in request.POST.getlist("present") if v.isdigit()}
        try:
            changed = class_services.attendance_mark(
                session=session, user=request.user, present_ids=present, shown_ids=shown
            )
        except (ValidationError, PermissionDenied) as error:
            message_service_errors(request, error)
        else:
            messages.success(request, f"已保存考勤（{changed} 条有变化）。")
        return redirect("training:session_attendance", pk=session.pk)
    return render(
        request,
        "training/session_attendance.html",
        {"session": session, "batch": session.plan.batch, "rows": class_selectors.session_attendance(session)},
    )


@never_cache
@require_safe
@login_required
@permission_required("training.change_enrolment", raise_exception=True)
def session_qr(request, pk: int):
    """The QR code shown in the classroom: a short-lived link to the phone sign-in page (drawn here, no CDN)."""
    session = class_selectors.session_get(user=request.user, pk=pk)
    try:
        session = class_services.session_signin_link(session=session, user=request.user)
    except (ValidationError, PermissionDenied) as error:
        message_service_errors(request, error)
        return redirect("training:class_file", pk=session.plan.batch_id)
    link = request.build_absolute_uri(reverse("training:phone_signin", args=[session.signin_token]))
    svg = io.BytesIO()
    segno.make(link, error="m").save(svg, kind="svg", scale=8, xmldecl=False, svgns=True, title="签到二维码")
    opens, closes = class_services.session_window(session)
    return render(
        request,
        "training/session_qr.html",
        {
            "session": session,
            "batch": session.plan.batch,
            "link": link,
            "svg": svg.getvalue().decode(),
            "opens": opens,
            "closes": closes,
            "minutes": class_services.SIGNIN_LINK_MINUTES,
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def phone_signin(request, token: str):
    """The trainee's phone: name and the last 6 ID characters; no login. The device is a random id kept in a
    cookie of this page, with the browser's name; one id signing in several people is flagged."""
    session = class_selectors.session_by_token(token)
    expired = session is None or session.signin_expires is None or session.signin_expires < timezone.now()
    device_id = request.COOKIES.get(DEVICE_COOKIE, "")
    if len(device_id) != 32 or not device_id.isalnum():
        device_id = uuid.uuid4().hex
    form, done, refused = SigninForm(request.POST or None), None, ""
    if expired:
        refused = "签到二维码已过期：请重新扫描教室里显示的二维码。"
    elif request.method == "POST" and form.is_valid():
        # Per phone, and far looser per address: a classroom's phones share one Wi-Fi address, while a
        # client that drops its cookie to look like a new phone each time still meets the address's limit.
        client = get_client_ip_address(request) or "unknown"
        per_phone = hit(f"signin:{session.pk}:{device_id}", limit=SIGNIN_LIMIT, window_seconds=SIGNIN_WINDOW)
        per_address = hit(f"signin-ip:{client}", limit=SIGNIN_ADDRESS_LIMIT, window_seconds=SIGNIN_WINDOW)
        if not (per_phone and per_address):
            refused = "签到尝试过于频繁，请稍后再试或联系授课老师。"
        else:
            try:
                done = class_services.phone_signin(
                    session=session,
                    name=form.cleaned_data["name"],
                    id_tail=form.cleaned_data["id_tail"],
                    device_id=device_id,
                    user_agent=request.headers.get("user-agent", "")[:150],
                )
            except class_services.SigninRefused as error:
                refused = str(error)
    response = render(
        request,
        "training/phone_signin.html",
        {"session": None if expired else session, "form": form, "done": done, "refused": refused},
        status=200,
    )
    response.set_cookie(DEVICE_COOKIE, device_id, max_age=365 * 24 * 3600, httponly=True, samesite="Lax")
    return response


@require_safe
@login_required
@permission_required("training.view_trainingbatch", raise_exception=True)
def attendance_rule(request):
    """The minimum attendance rate for completion, per plan period: read by all here; the city administrator
    sets it on the period's page (规划期)."""
    year = timezone.localdate().year
    return render(
        request,
        "training/attendance_rule.html",
        {
            "periods": period_list(),
            "current": class_services.minimum_rate_for(year),
            "year_period": period_containing(year),
            "year": year,
            "may_set": request.user.has_perm("brands.change_planperiod"),
        },
    )


@require_safe
def certificate_verify(request):
    """证书查询, public: a certificate number and the holder's name, both required to match; 未查到 otherwise,
    never saying which did not. Rate-limited per client through the cache."""
    form = VerifyForm(request.GET or None)
    result, limited, searched = None, False, False
    if request.GET and form.is_valid():
        client = get_client_ip_address(request) or "unknown"
        if not hit(f"verify:{client}", limit=VERIFY_LIMIT, window_seconds=VERIFY_WINDOW):
            limited = True
        else:
            searched = True
            result = certificate_lookup(number=form.cleaned_data["number"], name=form.cleaned_data["name"])
    response = render(
        request,
        "training/certificate_verify.html",
        {"form": form, "result": result, "searched": searched, "limited": limited},
        status=429 if limited else 200,
    )
    response["Cache-Control"] = "no-store"
    return response
