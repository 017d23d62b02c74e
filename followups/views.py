"""跟踪服务 pages: the worklist of due and overdue follow-ups (and its xlsx), an outcome's follow-ups with
the form to record one, a recorded follow-up. Every object comes from a scoped selector: another area's is
a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from accounts.audit import audit_export, check_person_export, may_export_persons
from accounts.scoping import scope_covers, scope_for
from core.form_views import service_save
from core.xlsx import xlsx_response

from . import selectors, services
from .filters import FollowUpWorklistFilter
from .followup_import import worklist_workbook
from .forms import FollowUpForm

PER_PAGE = 50
EXPORT_MAX_ROWS = 10_000


def _worklist_rows(request, filters):
    if not filters.is_valid():
        return None
    data = filters.form.cleaned_data
    return selectors.follow_up_worklist(
        outcomes=filters.qs,
        months=int(data["months"]) if data.get("months") else None,
        overdue_only=data.get("state") == "overdue",
    )


@require_safe
@login_required
@permission_required("followups.view_followup", raise_exception=True)
def worklist(request):
    filters = FollowUpWorklistFilter.for_page(request, selectors.outcomes_followed(user=request.user))
    rows = _worklist_rows(request, filters)
    page = Paginator(rows if rows is not None else [], PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = selectors.worklist_items(page.object_list)
    area = None if scope_for(request.user).sees_all_areas else scope_for(request.user).area
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "followups/worklist.html",
        {
            "filters": filters,
            "page": page,
            "summary": selectors.follow_up_summary(area=area),
            "query": query.urlencode(),
            "may_export": may_export_persons(request.user),
        },
    )


@require_safe
@login_required
@permission_required("followups.view_followup", raise_exception=True)
def worklist_xlsx(request):
    check_person_export(request.user)
    filters = FollowUpWorklistFilter(request.GET, selectors.outcomes_followed(user=request.user), request=request)
    rows = _worklist_rows(request, filters)
    items = selectors.worklist_items(rows[:EXPORT_MAX_ROWS]) if rows is not None else []
    today = timezone.localdate()
    audit_export(
        request=request,
        subject="跟踪服务工作台",
        what=f"跟踪服务工作台名单（{scope_for(request.user).label}）",
        rows=len(items),
    )
    return xlsx_response(worklist_workbook(items), f"跟踪服务工作台-{today:%Y%m%d}.xlsx")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@permission_required("followups.view_followup", raise_exception=True)
def outcome_follow_ups(request, pk: int):
    user = request.user
    outcome = selectors.outcome_get(user=user, pk=pk)
    today = timezone.localdate()
    points = selectors.outcome_schedule(outcome=outcome, on=today)
    open_points = [p for p in points if p.state != "recorded"]
    may_record = user.has_perm("followups.add_followup") and scope_covers(user, outcome.area)
    if request.method == "POST" and not may_record:
        raise PermissionDenied
    if request.method == "POST" and not open_points:
        messages.info(request, "各节点的跟踪均已登记。")
        return redirect("followups:outcome", pk=outcome.pk)
    may_record = may_record and open_points
    form = None
    if may_record:
        first = next((p for p in open_points if p.state != "later"), open_points[0])
        form = FollowUpForm(
            request.POST if request.method == "POST" else None,
            initial={"months": first.months, "followed_on": today},
            points=open_points,
            today=today,
        )
    follow_up = service_save(
        request,
        form,
        lambda data: services.follow_up_record(
            user=user, outcome=outcome, entry=form.entry(), wage_case_amount=form.case_amount()
        ),
    )
    if follow_up is not None:
        note = "，并已转为欠薪举报投诉案件" if follow_up.wage_case_id else ""
        messages.success(request, f"已登记{outcome.trainee.name}第 {follow_up.months} 个月的跟踪服务{note}。")
        return redirect("followups:detail", pk=follow_up.pk)
    if request.method == "POST":
        messages.error(request, "跟踪服务还没有保存：请按红字提示修改后再保存。")
    return render(
        request,
        "followups/outcome.html",
        {"outcome": outcome, "points": points, "form": form, "today": today},
    )


@require_safe
@login_required
@permission_required("followups.view_followup", raise_exception=True)
def follow_up_detail(request, pk: int):
    follow_up = selectors.follow_up_get(user=request.user, pk=pk)
    return render(request, "followups/detail.html", {"follow_up": follow_up, "outcome": follow_up.outcome})
