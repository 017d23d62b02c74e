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
from django.views.decorators.http import require_http_methods, require_safe

from accounts.capabilities import role_summary, tasks_for
from accounts.scoping import scope_covers, scope_for
from brands.models import Recognition, Target
from brands.selectors import PLAN_FIRST_YEAR, PLAN_LAST_YEAR, brand_lines, reporting_areas, target_grid
from brands.services import targets_allocate
from core.xlsx import xlsx_response
from employment.selectors import counted_jobs, startup_employees_of
from plans.selectors import plan_flags
from subsidies.models import SubsidyKind
from subsidies.selectors import application_worklist as subsidy_worklist
from training import class_selectors
from training.selectors import counted_trainings

from .forms import DashboardFilterForm, DrillForm, TargetChoiceForm, TargetGridForm
from .selectors import COUNT_KEYS, jobs_count_startup_employees, offered_years, progress_summary
from .xlsx import progress_workbook, progress_workbook_filename

# Every staff role may read the dashboard: they all view the reference data (accounts/roles.py).
DASHBOARD_PERMISSION = "brands.view_target"
ALLOCATE_PERMISSION = "brands.change_target"
DRILL_PER_PAGE = 50
METRIC_LABELS = dict(Target.Metric.choices)


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


def _year_filter(request) -> tuple[int | None, str]:
    """The ?year= of the dashboard and its xlsx, and the message for a value that is not a year."""
    form = DashboardFilterForm(request.GET)
    if form.is_valid():
        return form.cleaned_data["year"], ""
    return None, " ".join(form.errors["year"])


@require_safe
@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def index(request):
    year, year_error = _year_filter(request)
    progress = progress_summary(user=request.user, year=year)
    return render(
        request,
        "dashboard/index.html",
        {
            "progress": progress,
            "year": year,
            "year_error": year_error,
            "filter_form": DashboardFilterForm(initial={"year": year}, years={*offered_years(user=request.user), year}),
            # A year's view names no plan targets above a brand table that has none for that year.
            "brands_have_targets": year is None
            or any(row["trainings_target"] or row["jobs_target"] for row in progress["brands"]),
            "print_view": request.GET.get("print") == "1",
            "subsidy_kinds": dict(SubsidyKind.choices),
            "recognition_kinds": dict(Recognition.Kind.choices),
            "plan_years": f"{PLAN_FIRST_YEAR}–{PLAN_LAST_YEAR}",
            "plan_flags": plan_flags(user=request.user),
            "attendance_tables": [
                ("地区", class_selectors.attendance_rate_by(user=request.user, key="area")),
                ("劳务品牌", class_selectors.attendance_rate_by(user=request.user, key="brand")),
            ],
        },
    )


@require_safe
@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def export(request):
    year, _ = _year_filter(request)
    progress = progress_summary(user=request.user, year=year)
    workbook = progress_workbook(
        progress, subsidy_kinds=dict(SubsidyKind.choices), recognition_kinds=dict(Recognition.Kind.choices)
    )
    return xlsx_response(workbook, progress_workbook_filename(progress))


@require_safe
@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def drill(request):
    areas, brands = list(reporting_areas()), list(brand_lines())
    form = DrillForm(request.GET, areas=areas, brands=brands)
    if not form.is_valid():
        errors = [error for field_errors in form.errors.values() for error in field_errors]
        return render(request, "dashboard/drill.html", {"errors": errors}, status=400)
    metric, area, brand, year = (form.cleaned_data[key] for key in ("metric", "area", "brand", "year"))
    if area is not None and not scope_covers(request.user, area):
        raise Http404("该地区不在您的辖区内。")
    lookup = {"user": request.user, "area": area, "brand": brand, "year": year}
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
        metric, year = Target.Metric.TRAININGS.value, PLAN_FIRST_YEAR
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
    allocation = progress_summary(user=request.user)["allocation"]
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
            "plan_years": f"{PLAN_FIRST_YEAR}–{PLAN_LAST_YEAR}",
        },
    )
