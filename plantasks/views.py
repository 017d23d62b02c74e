"""The pages of the plan's tasks: the tasks a user answers for (a department reporter: its department's) and
a task's page, where the department writes its quarterly report. The city's board is dashboard's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from accounts.scoping import user_department

from . import selectors, services
from .forms import TaskReportForm
from .quarters import reportable_quarters

VIEW_TASK = "plantasks.view_plantask"


def _found(item):
    if item is None:
        raise Http404("没有找到该任务，或不在您的职责范围内。")
    return item


@require_safe
@login_required
@permission_required(VIEW_TASK, raise_exception=True)
def task_list(request):
    tasks = list(selectors.task_list(user=request.user).order_by("-period__year_from", "sort_order"))
    return render(
        request,
        "plantasks/task_list.html",
        {
            "tasks": tasks,
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
                    words = error.messages if isinstance(error, ValidationError) else [str(error)]
                    messages.error(request, "未能保存进展：" + "；".join(words))
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
