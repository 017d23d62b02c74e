"""The home page, the progress dashboard (page, drill-down, xlsx) and the city's target allocation.

Every figure on the dashboard comes from one call of `progress_summary`, the dict `progress_report
--json` prints as well, so the page, its xlsx and the command always agree; the drill-down lists the
records behind a figure through the same counting rules (`counted_trainings`, `counted_jobs`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from accounts.capabilities import role_summary, tasks_for
from accounts.scoping import scope_covers, scope_for
from brands.models import Recognition, Target
from brands.selectors import (
    brand_lines,
    city_area,
    default_period,
    period_by_code,
    period_list,
    reporting_areas,
    target_grid,
)
from brands.services import targets_allocate
from core.xlsx import add_table_sheet, new_workbook, xlsx_response
from employment.selectors import counted_jobs, startup_employees_of
from plans.selectors import plan_flags
from subsidies.models import SubsidyKind
from subsidies.selectors import application_worklist as subsidy_worklist
from training import class_selectors
from training.selectors import counted_trainings

from . import services
from .forms import (
    DashboardFilterForm,
    DrillForm,
    PeriodAttendanceForm,
    PeriodCreateForm,
    PeriodLinesForm,
    PeriodTargetsForm,
    TargetChoiceForm,
    TargetGridForm,
)
from .selectors import (
    COUNT_KEYS,
    closing_report,
    jobs_count_startup_employees,
    offered_years,
    progress_summary,
)
from .task_board import board_sheets, task_board
from .xlsx import closing_workbook, closing_workbook_filename, progress_workbook, progress_workbook_filename

# Every staff role may read the dashboard: they all view the reference data (accounts/roles.py).
DASHBOARD_PERMISSION = "brands.view_target"
TASK_PERMISSION = "plantasks.view_plantask"
ALLOCATE_PERMISSION = "brands.change_target"
DRILL_PER_PAGE = 50
METRIC_LABELS = dict(Target.Metric.choices)
# The labels the dashboard's tables and xlsx give the subsidy and recognition kinds.
KIND_LABELS = {"subsidy_kinds": dict(SubsidyKind.choices), "recognition_kinds": dict(Recognition.Kind.choices)}


@require_safe
@login_required
def home(request):
    user = request.user
    scope = scope_for(user)
    may_read_progress = user.has_perm(DASHBOARD_PERMISSION)
    return render(
        request,
        "dashboard/home.html",
        {
            "scope": scope,
            "tasks": tasks_for(user),
            "role_summary": role_summary(user),
            # The subsidy applications waiting for this user (returned ones first), counted by the subsidy path.
            "worklist": subsidy_worklist(user=user) if user.has_perm("subsidies.view_subsidyapplication") else [],
            "progress": progress_summary(user=user) if may_read_progress else None,
            # Overdue milestones of the user's key projects (a county's own), without the timeliness table.
            "plan_flags": plan_flags(user=user, timeliness=False),
        },
    )


def _year_filter(request) -> tuple[int | None, object, str]:
    """The ?year= and ?period= of the dashboard and its xlsx (a bad value falls back to the default),
    and the messages for what was not understood."""
    form = DashboardFilterForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    period = data["period"] if "period" in data else default_period()
    year = data.get("year")
    return year, period, " ".join(error for errors in form.errors.values() for error in errors)


@require_safe
@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def index(request):
    year, period, year_error = _year_filter(request)
    progress = progress_summary(user=request.user, year=year, period=period)
    return render(
        request,
        "dashboard/index.html",
        {
            "progress": progress,
            "year": year,
            "year_error": year_error,
            "filter_form": DashboardFilterForm(
                initial={"year": year, "period": getattr(period, "code", "")},
                years={*offered_years(user=request.user), year},
            ),
            "period": period,
            # A year's view names no plan targets above a brand table that has none for that year.
            "brands_have_targets": year is None
            or any(row["trainings_target"] or row["jobs_target"] for row in progress["brands"]),
            "print_view": request.GET.get("print") == "1",
            **KIND_LABELS,
            "plan_years": _plan_years(period),
            "plan_flags": plan_flags(user=request.user),
            "attendance_tables": [
                ("地区", class_selectors.attendance_rate_by(user=request.user, key="area")),
                ("劳务品牌", class_selectors.attendance_rate_by(user=request.user, key="brand")),
            ],
        },
    )


def _plan_years(period) -> str:
    return f"{period.year_from}–{period.year_to}" if period else "—"


@require_safe
@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def export(request):
    year, period, _ = _year_filter(request)
    progress = progress_summary(user=request.user, year=year, period=period)
    return xlsx_response(progress_workbook(progress, **KIND_LABELS), progress_workbook_filename(progress))


@require_safe
@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def drill(request):
    areas, brands = list(reporting_areas()), list(brand_lines())
    form = DrillForm(request.GET, areas=areas, brands=brands)
    if not form.is_valid():
        errors = [error for field_errors in form.errors.values() for error in field_errors]
        return render(request, "dashboard/drill.html", {"errors": errors}, status=400)
    metric, area, brand, year, period = (
        form.cleaned_data[key] for key in ("metric", "area", "brand", "year", "period")
    )
    if area is not None and not scope_covers(request.user, area):
        raise Http404("该地区不在您的辖区内。")
    # A cumulative figure (no year) counts the period's years only, as on the dashboard.
    years = None if year is not None or period is None else period.years
    lookup = {"user": request.user, "area": area, "brand": brand, "year": year, "years": years}
    records = counted_trainings(**lookup) if metric == Target.Metric.TRAININGS else counted_jobs(**lookup)
    page = Paginator(records, DRILL_PER_PAGE).get_page(request.GET.get("page"))
    # A jobs figure counts the outcomes listed, and with them, when the city has so decided, the people
    # their start-ups employ: the page gives both, so its total is the dashboard's figure either way.
    startups = startup_employees_of(records) if metric == Target.Metric.JOBS else None
    startups_counted = startups is not None and jobs_count_startup_employees()
    return render(
        request,
        "dashboard/drill.html",
        {
            "page": page,
            "metric": metric,
            "metric_label": METRIC_LABELS[metric],
            "area": area,
            "brand": brand,
            "year": year,
            "period": period,
            "scope_label": scope_for(request.user).label,
            "startups": startups,
            "startups_counted": startups_counted,
            "figure": page.paginator.count + (startups if startups_counted else 0),
        },
    )


def _targets_url(metric: str, year: int) -> str:
    return f"{reverse('dashboard:targets')}?metric={metric}&year={year}"


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@permission_required(ALLOCATE_PERMISSION, raise_exception=True)
def targets(request):
    if request.method == "POST":
        choice = TargetChoiceForm(request.POST)
    else:  # the page opens on the first year's trainings; the buttons on it choose another grid
        choice = TargetChoiceForm(request.GET if ("metric" in request.GET or "year" in request.GET) else None)
    if choice.is_bound and not choice.is_valid():
        errors = [error for field_errors in choice.errors.values() for error in field_errors]
        if request.method == "POST":
            return render(request, "dashboard/targets.html", {"choice_errors": errors}, status=400)
        messages.error(request, " ".join(errors))
        choice = TargetChoiceForm()
    if choice.is_bound:
        metric, year = choice.cleaned_data["metric"], choice.cleaned_data["year"]
    else:
        metric, year = Target.Metric.TRAININGS.value, TargetChoiceForm.default_year()
    if year is None:
        messages.error(request, "没有进行中的规划期：请先在“规划期”页面建立规划期，再分配目标。")
        return redirect("dashboard:periods")
    areas, brands = list(reporting_areas()), list(brand_lines())
    saved = target_grid(metric=metric, year=year)
    grid_kwargs = {"areas": areas, "brands": brands, "initial_values": saved}
    if request.method == "POST":
        form = TargetGridForm(request.POST, **grid_kwargs)
        if form.is_valid():
            try:
                counts = targets_allocate(metric=metric, year=year, values=form.values(), by=request.user)
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, getattr(error, "messages", None) or str(error))
            else:
                messages.success(
                    request,
                    f"已保存 {year} 年{METRIC_LABELS[metric]}目标分配：新增 {counts['created']} 项，"
                    f"修改 {counts['updated']} 项，清除 {counts['deleted']} 项，未变 {counts['unchanged']} 项。",
                )
                return redirect(_targets_url(metric, year))
    else:
        form = TargetGridForm(**grid_kwargs)
    # The sums of what is saved; the page's script keeps them up to date while the user types.
    row_sums = {area.pk: sum(saved.get((area.pk, brand.pk), 0) for brand in brands) for area in areas}
    column_sums = [sum(saved.get((area.pk, brand.pk), 0) for area in areas) for brand in brands]
    period = next((p for p in period_list() if year in p.years), None)
    allocation = progress_summary(user=request.user, period=period)["allocation"]
    return render(
        request,
        "dashboard/targets.html",
        {
            "choice": TargetChoiceForm(initial={"metric": metric, "year": year}),
            "form": form,
            "rows": [{**row, "sum": row_sums[row["area"].pk]} for row in form.rows()],
            "brands": brands,
            "column_sums": column_sums,
            "grand_total": sum(column_sums),
            "metric": metric,
            "metric_label": METRIC_LABELS[metric],
            "year": year,
            "allocation": allocation[COUNT_KEYS[metric]] if allocation else None,
            "plan_years": _plan_years(period),
            "period": period,
        },
    )


# The plan periods (规划期): every staff role that reads the dashboard reads the list; the city
# administrator creates a period, changes its brand lines, occupations and city targets, and closes it.
PERIOD_EDIT_PERMISSION = "brands.change_planperiod"


def _city_period(request, code: str):
    """The period `code` for a user who sees the whole city; anyone else gets 404 (the 总结评估 is the
    city's report of every area: a county's staff read their own area on the dashboard)."""
    period = period_by_code(code)
    if period is None or not scope_for(request.user).sees_all_areas:
        raise Http404("没有这个规划期。")
    return period


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def periods(request):
    form = PeriodCreateForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("brands.add_planperiod"):
            raise PermissionDenied("只有市人社局管理员可以建立规划期。")
        if form.is_valid():
            try:
                period = services.period_create(by=request.user, request=request, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, f"已建立规划期“{period}”，品牌和工种已从上一规划期带入，可在下面修改。")
                return redirect("dashboard:period", code=period.code)
    return render(
        request,
        "dashboard/periods.html",
        {
            "periods": list(period_list()),
            "default_period": default_period(),
            "form": form,
            "may_create": request.user.has_perm("brands.add_planperiod"),
            "sees_city": scope_for(request.user).sees_all_areas,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def period_detail(request, code):
    period = _city_period(request, code)
    may_edit = request.user.has_perm(PERIOD_EDIT_PERMISSION) and not period.is_closed
    brands = list(brand_lines())
    city = city_area()
    saved = {
        (t.metric, t.brand_id): t.value
        for t in Target.objects.filter(
            period=period, area=city, year_from=period.year_from, year_to=period.year_to
        ).only("metric", "brand_id", "value")
    }
    lines_form = PeriodLinesForm(
        initial={"brand_lines": list(period.brand_lines.all()), "occupations": list(period.occupations.all())}
    )
    targets_form = PeriodTargetsForm(brands=brands, initial_values=saved)
    attendance_form = PeriodAttendanceForm(initial={"min_attendance_rate": period.min_attendance_rate})
    if request.method == "POST":
        if not request.user.has_perm(PERIOD_EDIT_PERMISSION):
            raise PermissionDenied("只有市人社局管理员可以修改规划期。")
        action = request.POST.get("action")
        try:
            if action == "lines":
                lines_form = PeriodLinesForm(request.POST)
                if lines_form.is_valid():
                    services.period_lines_set(
                        period=period, by=request.user, request=request, **lines_form.cleaned_data
                    )
                    messages.success(request, "已保存本规划期的劳务品牌和工种。")
                    return redirect("dashboard:period", code=period.code)
            elif action == "targets":
                targets_form = PeriodTargetsForm(request.POST, brands=brands, initial_values=saved)
                if targets_form.is_valid():
                    counts = services.period_city_targets_set(
                        period=period, values=targets_form.values(), by=request.user, request=request
                    )
                    messages.success(
                        request,
                        f"已保存全市规划期目标：新增 {counts['created']} 项，修改 {counts['updated']} 项，"
                        f"清除 {counts['deleted']} 项。",
                    )
                    return redirect("dashboard:period", code=period.code)
            elif action == "attendance":
                attendance_form = PeriodAttendanceForm(request.POST)
                if attendance_form.is_valid():
                    rate = attendance_form.cleaned_data["min_attendance_rate"]
                    services.period_min_attendance_rate_set(period=period, rate=rate, by=request.user, request=request)
                    messages.success(
                        request,
                        f"已将“{period.name}”的结业最低出勤率设为 {rate}%。"
                        if rate is not None
                        else f"已清除“{period.name}”的结业最低出勤率：登记结业不再检查出勤率。",
                    )
                    return redirect("dashboard:period", code=period.code)
            elif action == "close" and not request.POST.get("confirm"):
                messages.error(request, "请先勾选“我已核对总结评估的数字，确定结束”，再结束规划期。")
            elif action == "close":
                services.period_close(period=period, by=request.user, request=request)
                messages.success(request, f"规划期“{period}”已结束，结束时的数字已保存为快照。")
                return redirect("dashboard:period_report", code=period.code)
            else:
                messages.error(request, "未知的操作。")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return render(
        request,
        "dashboard/period_detail.html",
        {
            "period": period,
            "may_edit": may_edit,
            "may_close": may_edit and timezone.localdate().year >= period.year_to,
            "lines_form": lines_form,
            "targets_form": targets_form,
            "attendance_form": attendance_form,
            "may_set_attendance": request.user.has_perm(PERIOD_EDIT_PERMISSION),
            "target_rows": [
                {
                    "label": brand.name if brand else "全部品牌合计",
                    "cells": [targets_form[f"{m}_{brand.code if brand else 'all'}"] for m, _ in METRIC_ROWS],
                }
                for brand in [None, *brands]
            ],
            "metric_labels": [label for _, label in METRIC_ROWS],
        },
    )


METRIC_ROWS = [(m, METRIC_LABELS[m]) for m in (Target.Metric.TRAININGS, Target.Metric.JOBS)]


@require_safe
@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def period_report(request, code):
    period = _city_period(request, code)
    report = closing_report(period=period, user=request.user)
    return render(
        request,
        "dashboard/period_report.html",
        {
            "period": period,
            "report": report,
            "progress": report["summary"],
            "print_view": request.GET.get("print") == "1",
            **KIND_LABELS,
        },
    )


@require_safe
@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def period_report_export(request, code):
    period = _city_period(request, code)
    report = closing_report(period=period, user=request.user)
    return xlsx_response(closing_workbook(report, **KIND_LABELS), closing_workbook_filename(report))


# --- the plan's tasks: the city's board ------------------------------------------------------------


def _board(request):
    """The board of the period asked for (?period=code; default: the current period) for a city-wide user."""
    if not scope_for(request.user).sees_all_areas:
        raise PermissionDenied("任务看板由市人社局查看。")
    code = request.GET.get("period", "").strip()
    period = period_by_code(code) if code else None
    if code and period is None:
        messages.warning(request, f"未知的规划期“{code[:20]}”，已显示当前规划期。")
    return task_board(user=request.user, period=period or default_period())


@require_safe
@login_required
@permission_required(TASK_PERMISSION, raise_exception=True)
def board(request):
    return render(
        request,
        "dashboard/task_board.html",
        {"board": _board(request), "periods": period_list(), "print_view": request.GET.get("print") == "1"},
    )


@require_safe
@login_required
@permission_required(TASK_PERMISSION, raise_exception=True)
def board_export(request):
    board = _board(request)
    workbook = new_workbook()
    heading = f"钦州市“八桂系列”劳务品牌建设任务分工进展（{board['period'].name if board['period'] else ''}，截至 {board['as_of']}）"
    for title, headers, rows in board_sheets(board):
        add_table_sheet(workbook, title=title, headers=headers, rows=rows, heading=heading)
    return xlsx_response(workbook, f"任务分工进展_{board['as_of']}.xlsx")
