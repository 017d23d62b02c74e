"""The pages of annual plans (年度计划) and monthly reports (月报): thin, over selectors and services; the
buttons each user sees come from plans/workflow.py."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from accounts.scoping import scope_for

from . import selectors, services, workflow
from .filters import AnnualPlanFilter, MonthlyReportFilter
from .forms import (
    KeyProjectForm,
    MilestoneForm,
    MilestoneProgressForm,
    PlanCreateForm,
    PlanLinesForm,
    ReasonForm,
    ReportNoteForm,
    ReportOpenForm,
    YearlyReportOpenForm,
)
from .models import MonthlyReport, Status

VIEW_PLAN = "plans.view_annualplan"
VIEW_REPORT = "plans.view_monthlyreport"


def _found(item):
    if item is None:
        raise Http404("没有找到该记录，或不在您的管辖范围内。")
    return item


def _form_refused(request, form, what: str) -> None:
    problems = [
        f"{form.fields[name].label}：{error}" if name in form.fields else error
        for name, errors in form.errors.items()
        for error in errors
    ]
    messages.error(request, f"未能{what}：" + "；".join(problems))


def _submitted(request, form, what: str, service, *, done: str = "", **target):
    """Call `service` for the user with `target` and the form's cleaned data (no form: with `target` only).
    Bad input or the service's refusal is said in a message about `what` and gives None; otherwise `done` is
    said and the service's result given."""
    if form is not None and not form.is_valid():
        _form_refused(request, form, what)
        return None
    try:
        result = service(user=request.user, **target, **(form.cleaned_data if form is not None else {}))
    except (ValidationError, PermissionDenied) as error:
        words = error.messages if isinstance(error, ValidationError) else [str(error) or "您没有权限执行此操作。"]
        messages.error(request, f"未能{what}：" + "；".join(words))
        return None
    if done:
        messages.success(request, done)
    return result


def _action_taken(request, action: str, step, *, also_done: str = "", **target) -> None:
    """Take a workflow `action` on the `target` (`step`: the service), with the reason given; an action that
    moves nothing (or none at all) is not found."""
    if action not in workflow.ACTIONS or not workflow.ACTIONS[action].moves:
        raise Http404
    words = workflow.ACTIONS[action]
    _submitted(
        request, ReasonForm(request.POST), words.label, step, done=words.done + also_done, action=action, **target
    )


# --- annual plans ---------------------------------------------------------------------------------------


@require_safe
@login_required
@permission_required(VIEW_PLAN, raise_exception=True)
def plan_list(request):
    user = request.user
    filters = AnnualPlanFilter.for_page(request, selectors.plan_list(user=user))
    page = Paginator(filters.page_qs, 30).get_page(request.GET.get("page"))
    may_create = scope_for(user).role in workflow.roles_taking(workflow.PLAN, "update")
    return render(
        request,
        "plans/plan_list.html",
        {
            "filters": filters,
            "page": page,
            "create_form": PlanCreateForm() if may_create else None,
            "overdue": list(selectors.overdue_milestones(user=user)[:20]),
        },
    )


@require_POST
@login_required
@permission_required("plans.add_annualplan", raise_exception=True)
def plan_create(request):
    form = PlanCreateForm(request.POST)
    plan = _submitted(request, form, "新建年度计划", services.annual_plan_create)
    if plan is None:
        return redirect("plans:plan_list")
    messages.success(request, f"已新建{plan}，请填写各品牌计划人次和重点建设项目。")
    return redirect("plans:plan_detail", pk=plan.pk)


@require_safe
@login_required
@permission_required(VIEW_PLAN, raise_exception=True)
def plan_detail(request, pk: int):
    user = request.user
    plan = _found(selectors.plan_get(user=user, pk=pk))
    editable = workflow.may(plan, user, "update")
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "editable": editable,
            "may_progress": workflow.may(plan, user, "progress"),
            "lines_form": PlanLinesForm(lines=plan.lines.all(), initial={"note": plan.note}) if editable else None,
            "project_form": KeyProjectForm() if editable else None,
            "milestone_form": MilestoneForm() if editable else None,
            "actions": workflow.actions_for(plan, user),
            "today": timezone.localdate(),
        },
    )


@require_POST
@login_required
@permission_required("plans.change_annualplan", raise_exception=True)
def plan_update(request, pk: int):
    plan = _found(selectors.plan_get(user=request.user, pk=pk))
    form = PlanLinesForm(request.POST, lines=plan.lines.all())
    _submitted(
        request,
        form,
        "保存计划人次",
        lambda user, note, **figures: services.annual_plan_update(
            plan=plan, user=user, lines=form.cleaned_lines(), note=note
        ),
        done="计划人次已保存。",
    )
    return redirect("plans:plan_detail", pk=pk)


@require_POST
@login_required
@permission_required("plans.change_annualplan", raise_exception=True)
def project_add(request, pk: int):
    plan = _found(selectors.plan_get(user=request.user, pk=pk))
    _submitted(
        request,
        KeyProjectForm(request.POST),
        "新增重点建设项目",
        services.key_project_add,
        plan=plan,
        done="已新增重点建设项目，请为它添加节点。",
    )
    return redirect("plans:plan_detail", pk=pk)


@require_POST
@login_required
@permission_required("plans.change_annualplan", raise_exception=True)
def project_remove(request, pk: int):
    project = _found(selectors.project_get(user=request.user, pk=pk))
    _submitted(
        request,
        None,
        "删除重点建设项目",
        services.key_project_remove,
        project=project,
        done=f"已删除重点建设项目“{project.name}”。",
    )
    return redirect("plans:plan_detail", pk=project.plan_id)


@require_POST
@login_required
@permission_required("plans.change_annualplan", raise_exception=True)
def milestone_add(request, pk: int):
    project = _found(selectors.project_get(user=request.user, pk=pk))
    _submitted(
        request,
        MilestoneForm(request.POST),
        "新增节点",
        services.milestone_add,
        project=project,
        done="已新增节点。",
    )
    return redirect("plans:plan_detail", pk=project.plan_id)


@require_POST
@login_required
@permission_required(VIEW_PLAN, raise_exception=True)
def milestone_progress(request, pk: int):
    milestone = _found(selectors.milestone_get(user=request.user, pk=pk))
    form = MilestoneProgressForm(request.POST)
    plan_id = milestone.project.plan_id
    if not form.is_valid():
        _form_refused(request, form, "更新节点进度")
        return redirect("plans:plan_detail", pk=plan_id)
    _submitted(
        request,
        form,
        "更新节点进度",
        services.milestone_progress,
        milestone=milestone,
        done=f"节点“{milestone.title}”进度已更新。",
    )
    return redirect(reverse("plans:plan_detail", args=[plan_id]) + f"#milestone-{milestone.pk}")


@require_POST
@login_required
@permission_required(VIEW_PLAN, raise_exception=True)
def plan_action(request, pk: int, action: str):
    plan = _found(selectors.plan_get(user=request.user, pk=pk))
    written = "已写入该年度各品牌的县区目标。" if action == "accept" else ""
    _action_taken(request, action, services.plan_step, also_done=written, plan=plan)
    return redirect("plans:plan_detail", pk=pk)


# --- monthly reports ------------------------------------------------------------------------------------


@require_safe
@login_required
@permission_required(VIEW_REPORT, raise_exception=True)
def report_list(request):
    user = request.user
    scope = scope_for(user)
    filters = MonthlyReportFilter.for_page(request, selectors.report_list(user=user))
    page = Paginator(filters.page_qs, 30).get_page(request.GET.get("page"))
    may_open = scope.role in workflow.roles_taking(workflow.REPORT, "update") and scope.area is not None
    months, years = [], []
    if may_open:
        own = selectors.report_list(user=user).filter(area=scope.area)
        reports = {r.month: r for r in own.filter(kind=MonthlyReport.Kind.MONTH)}
        yearly = {r.month.year: r for r in own.filter(kind=MonthlyReport.Kind.YEAR)}
        today = timezone.localdate()
        for year in selectors.reportable_years(today=today):
            report = yearly.get(year)
            deadline = selectors.report_deadline(datetime.date(year, 12, 1))
            years.append(
                {
                    "year": year,
                    "report": report,
                    "deadline": deadline,
                    "timeliness": selectors.timeliness_of(report, None, today, deadline=deadline),
                }
            )
        for month in selectors.reportable_months(today=today):
            report = reports.get(month)
            months.append(
                {
                    "month": month,
                    "report": report,
                    "deadline": selectors.report_deadline(month),
                    "timeliness": selectors.timeliness_of(report, month, today),
                }
            )
    return render(
        request,
        "plans/report_list.html",
        {
            "filters": filters,
            "page": page,
            "months": months,
            "years": years,
            "timeliness": selectors.report_timeliness(user=user) if scope.sees_all_areas else None,
        },
    )


@require_POST
@login_required
@permission_required("plans.change_monthlyreport", raise_exception=True)
def report_open(request):
    return _report_opened(request, ReportOpenForm(request.POST), services.report_open, "填报月报")


@require_POST
@login_required
@permission_required("plans.change_monthlyreport", raise_exception=True)
def yearly_report_open(request):
    return _report_opened(request, YearlyReportOpenForm(request.POST), services.yearly_report_open, "填报年报")


def _report_opened(request, form, open_report, what: str):
    """Open (`open_report`: the service) the report of the month or year the form names, and show it."""
    report = _submitted(request, form, what, open_report)
    return redirect("plans:report_list") if report is None else redirect("plans:report_detail", pk=report.pk)


@require_safe
@login_required
@permission_required(VIEW_REPORT, raise_exception=True)
def report_detail(request, pk: int):
    user = request.user
    report = _found(selectors.report_get(user=user, pk=pk))
    editable = workflow.may(report, user, "update")
    # Until it is submitted the figures are those of the records now; after, those it was submitted with.
    live = report.status in (Status.DRAFT, Status.RETURNED)
    figures = selectors.report_figures(report) if live else report.figures
    deadline = selectors.report_due(report)
    return render(
        request,
        "plans/report_detail.html",
        {
            "report": report,
            "live": live,
            "figures": selectors.figures_shown(figures),
            "deadline": deadline,
            "timeliness": selectors.timeliness_of(report, report.month, timezone.localdate(), deadline=deadline),
            "note_form": ReportNoteForm(initial={"note": report.note}) if editable else None,
            "actions": workflow.actions_for(report, user),
            "lock": selectors.month_lock_of(report),
        },
    )


@require_POST
@login_required
@permission_required("plans.change_monthlyreport", raise_exception=True)
def report_update(request, pk: int):
    report = _found(selectors.report_get(user=request.user, pk=pk))
    _submitted(
        request,
        ReportNoteForm(request.POST),
        "保存情况说明",
        services.report_update,
        report=report,
        done="情况说明已保存。",
    )
    return redirect("plans:report_detail", pk=pk)


@require_POST
@login_required
@permission_required(VIEW_REPORT, raise_exception=True)
def report_action(request, pk: int, action: str):
    report = _found(selectors.report_get(user=request.user, pk=pk))
    _action_taken(request, action, services.report_step, report=report)
    return redirect("plans:report_detail", pk=pk)
