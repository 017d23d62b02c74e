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


def _refused(request, error: ValidationError | PermissionDenied, what: str) -> None:
    words = error.messages if isinstance(error, ValidationError) else [str(error) or "您没有权限执行此操作。"]
    messages.error(request, f"未能{what}：" + "；".join(words))


def _form_refused(request, form, what: str) -> None:
    problems = [
        f"{form.fields[name].label}：{error}" if name in form.fields else error
        for name, errors in form.errors.items()
        for error in errors
    ]
    messages.error(request, f"未能{what}：" + "；".join(problems))


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
    if not form.is_valid():
        _form_refused(request, form, "新建年度计划")
        return redirect("plans:plan_list")
    try:
        plan = services.annual_plan_create(user=request.user, year=form.cleaned_data["year"])
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error, "新建年度计划")
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
    if not form.is_valid():
        _form_refused(request, form, "保存计划人次")
        return redirect("plans:plan_detail", pk=pk)
    try:
        services.annual_plan_update(
            plan=plan, user=request.user, lines=form.cleaned_lines(), note=form.cleaned_data["note"]
        )
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error, "保存计划人次")
    else:
        messages.success(request, "计划人次已保存。")
    return redirect("plans:plan_detail", pk=pk)


@require_POST
@login_required
@permission_required("plans.change_annualplan", raise_exception=True)
def project_add(request, pk: int):
    plan = _found(selectors.plan_get(user=request.user, pk=pk))
    form = KeyProjectForm(request.POST)
    if not form.is_valid():
        _form_refused(request, form, "新增重点建设项目")
        return redirect("plans:plan_detail", pk=pk)
    try:
        services.key_project_add(plan=plan, user=request.user, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error, "新增重点建设项目")
    else:
        messages.success(request, "已新增重点建设项目，请为它添加节点。")
    return redirect("plans:plan_detail", pk=pk)


@require_POST
@login_required
@permission_required("plans.change_annualplan", raise_exception=True)
def project_remove(request, pk: int):
    project = _found(selectors.project_get(user=request.user, pk=pk))
    try:
        services.key_project_remove(project=project, user=request.user)
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error, "删除重点建设项目")
    else:
        messages.success(request, f"已删除重点建设项目“{project.name}”。")
    return redirect("plans:plan_detail", pk=project.plan_id)


@require_POST
@login_required
@permission_required("plans.change_annualplan", raise_exception=True)
def milestone_add(request, pk: int):
    project = _found(selectors.project_get(user=request.user, pk=pk))
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        _form_refused(request, form, "新增节点")
        return redirect("plans:plan_detail", pk=project.plan_id)
    try:
        services.milestone_add(project=project, user=request.user, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error, "新增节点")
    else:
        messages.success(request, "已新增节点。")
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
    try:
        services.milestone_progress(milestone=milestone, user=request.user, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error, "更新节点进度")
    else:
        messages.success(request, f"节点“{milestone.title}”进度已更新。")
    return redirect(reverse("plans:plan_detail", args=[plan_id]) + f"#milestone-{milestone.pk}")


@require_POST
@login_required
@permission_required(VIEW_PLAN, raise_exception=True)
def plan_action(request, pk: int, action: str):
    plan = _found(selectors.plan_get(user=request.user, pk=pk))
    if action not in workflow.ACTIONS or not workflow.ACTIONS[action].moves:
        raise Http404
    form = ReasonForm(request.POST)
    words = workflow.ACTIONS[action]
    if not form.is_valid():
        _form_refused(request, form, words.label)
        return redirect("plans:plan_detail", pk=pk)
    try:
        services.plan_step(plan=plan, user=request.user, action=action, reason=form.cleaned_data["reason"])
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error, words.label)
    else:
        messages.success(request, words.done + ("已写入该年度各品牌的县区目标。" if action == "accept" else ""))
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
    form = ReportOpenForm(request.POST)
    if not form.is_valid():
        _form_refused(request, form, "填报月报")
        return redirect("plans:report_list")
    try:
        report = services.report_open(user=request.user, month=form.cleaned_data["month"])
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error, "填报月报")
        return redirect("plans:report_list")
    return redirect("plans:report_detail", pk=report.pk)


@require_POST
@login_required
@permission_required("plans.change_monthlyreport", raise_exception=True)
def yearly_report_open(request):
    form = YearlyReportOpenForm(request.POST)
    if not form.is_valid():
        _form_refused(request, form, "填报年报")
        return redirect("plans:report_list")
    try:
        report = services.yearly_report_open(user=request.user, year=form.cleaned_data["year"])
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error, "填报年报")
        return redirect("plans:report_list")
    return redirect("plans:report_detail", pk=report.pk)


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
    form = ReportNoteForm(request.POST)
    if not form.is_valid():
        _form_refused(request, form, "保存情况说明")
        return redirect("plans:report_detail", pk=pk)
    try:
        services.report_update(report=report, user=request.user, note=form.cleaned_data["note"])
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error, "保存情况说明")
    else:
        messages.success(request, "情况说明已保存。")
    return redirect("plans:report_detail", pk=pk)


@require_POST
@login_required
@permission_required(VIEW_REPORT, raise_exception=True)
def report_action(request, pk: int, action: str):
    report = _found(selectors.report_get(user=request.user, pk=pk))
    if action not in workflow.ACTIONS or not workflow.ACTIONS[action].moves:
        raise Http404
    form = ReasonForm(request.POST)
    words = workflow.ACTIONS[action]
    if not form.is_valid():
        _form_refused(request, form, words.label)
        return redirect("plans:report_detail", pk=pk)
    try:
        services.report_step(report=report, user=request.user, action=action, reason=form.cleaned_data["reason"])
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error, words.label)
    else:
        messages.success(request, words.done)
    return redirect("plans:report_detail", pk=pk)
