"""The pages of the plan's tasks: the tasks a user answers for (a department reporter: its department's), a
task's page, where the department writes its quarterly report, and the city administrator's page to add
and edit the tasks of a period that is not closed. The city's board is dashboard's."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from accounts.scoping import user_department
from brands.selectors import brand_lines, default_period, department_list, periods_open
from core.form_views import service_save
from core.forms import service_error_messages

from . import selectors, services
from .filters import TaskFilter
from .forms import PlanTaskForm, TaskReportForm
from .quarters import reportable_quarters

VIEW_TASK = "plantasks.view_plantask"
ADD_TASK = "plantasks.add_plantask"
CHANGE_TASK = "plantasks.change_plantask"


def _found(item):
    if item is None:
        raise Http404("没有找到该任务，或不在您的职责范围内。")
    return item


@require_safe
@login_required
@permission_required(VIEW_TASK, raise_exception=True)
def task_list(request):
    filters = TaskFilter.for_page(request, selectors.task_list(user=request.user))
    tasks = list(filters.page_qs.order_by("-period__year_from", "sort_order", "pk"))
    return render(
        request,
        "plantasks/task_list.html",
        {
            "tasks": tasks,
            "filters": filters,
            "department": user_department(request.user),
            "awaiting": selectors.tasks_awaiting(request.user),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@permission_required(VIEW_TASK, raise_exception=True)
def task_detail(request, pk: int):
    task = _found(selectors.task_get(user=request.user, pk=pk))
    department = user_department(request.user)
    may_report = department is not None and request.user.has_perm("plantasks.add_taskreport")
    quarters = reportable_quarters(task, today=timezone.localdate())
    form = None
    if may_report and quarters:
        form = TaskReportForm(request.POST or None, request.FILES or None, quarters=quarters)
        if request.method == "POST":
            if form.is_valid():
                year, quarter = form.cleaned_data["quarter"]
                try:
                    services.task_report_submit(
                        user=request.user,
                        task=task,
                        year=year,
                        quarter=quarter,
                        text=form.cleaned_data["text"],
                        assessment=form.cleaned_data["assessment"],
                        attachment=form.cleaned_data["attachment"],
                        request=request,
                    )
                except (ValidationError, PermissionDenied) as error:
                    messages.error(request, "未能保存进展：" + "；".join(service_error_messages(error)))
                else:
                    messages.success(request, f"已保存 {year}年第{quarter}季度的进展。")
                    return redirect("plantasks:task_detail", pk=task.pk)
            else:
                messages.error(request, "未能保存进展：请按提示修改后再提交。")
    elif request.method == "POST":
        raise PermissionDenied("只有该任务责任单位的部门填报员可以报告进展。")
    reports = selectors.report_list(user=request.user).filter(task=task).order_by("-year", "-quarter", "department")
    return render(
        request,
        "plantasks/task_detail.html",
        {"task": task, "reports": reports, "form": form, "department": department},
    )


@require_safe
@login_required
@permission_required("plantasks.view_taskreport", raise_exception=True)
def report_attachment(request, pk: int):
    report = _found(selectors.report_list(user=request.user).filter(pk=pk).first())
    if not report.attachment:
        raise Http404("该报告没有附件。")
    return FileResponse(report.attachment.open("rb"), as_attachment=True, filename=report.attachment_name or None)


# --- the city administrator's tasks of a period ----------------------------------------------------


def _task_form_page(request, save, done: str, *, task=None, period=None):
    """The task's form (a new task's period is `period` at first): once posted and valid, `save`
    (task_create, or task_update of `task`) writes it and the user goes to the task's page; otherwise the
    form again, with the service's refusal if any."""
    today = timezone.localdate()
    if period is not None and not period.year_from <= today.year <= period.year_to:
        today = datetime.date(period.year_from, 1, 1)  # reporting starts within the period's years
    new = {} if task else {"initial": {"period": period, "reporting_from": today}}
    form = PlanTaskForm(
        request.POST or None,
        periods=periods_open(),
        brands=brand_lines(),
        departments=department_list(),
        task=task,
        **new,
    )
    edited = {"task": task} if task else {}
    saved = service_save(
        request, form, lambda data: save(by=request.user, request=request, **edited, **form.service_values())
    )
    if saved is not None:
        messages.success(request, f"{done} {saved.section} {saved.title}。")
        return redirect("plantasks:task_detail", pk=saved.pk)
    return render(request, "plantasks/task_form.html", {"form": form, "task": task})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@permission_required(ADD_TASK, raise_exception=True)
def task_create(request):
    """A new task of a period that is not closed (?period=code chooses the period shown first)."""
    periods = list(periods_open())  # the code asked for is looked up among them: no query holds what was typed
    code = request.GET.get("period", "")
    period = next((p for p in periods if p.code == code), None) or default_period(periods=periods)
    if period is None:
        messages.error(request, "没有进行中的规划期：请先建立规划期，再新增任务。")
        return redirect("dashboard:task_board")
    return _task_form_page(request, services.task_create, "已新增任务", period=period)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@permission_required(CHANGE_TASK, raise_exception=True)
def task_edit(request, pk: int):
    task = _found(selectors.task_get(user=request.user, pk=pk))
    if task.period.is_closed:
        messages.error(request, f"规划期“{task.period}”已结束，其任务只能查看，不能修改。")
        return redirect("plantasks:task_detail", pk=task.pk)
    return _task_form_page(request, services.task_update, "已保存任务", task=task)
