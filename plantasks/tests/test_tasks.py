import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from brands.models import PlanPeriod
from dashboard import services as dashboard_services
from plantasks import selectors, services
from plantasks.models import PlanTask, TaskReport

TODAY = datetime.date(2025, 11, 20)  # 2025 Q4 under way; Q3's deadline (10 October) has passed


def test_reporter_sees_only_its_departments_tasks(fgw, fourteenth):
    sections = set(selectors.task_list(user=fgw, period=fourteenth).values_list("section", flat=True))
    # 市发展改革委 is named in 二（一）, 三（一）1, 三（二）2, 三（二）3, 三（三）1 — not in 二（二） (建工) nor 三（五）.
    assert sections == {"二（一）", "三（一）1", "三（二）2", "三（二）3", "三（三）1"}


def test_overdue_quarter_flagged_until_reported(fgw, city_admin, reporting_task):
    overdue = selectors.overdue_task_reports(city_admin, today=TODAY)
    mine = [(q.department.code, q.year, q.quarter) for q in overdue.quarters if q.task == reporting_task]
    assert ("fgw", 2024, 3) in mine and ("fgw", 2025, 3) in mine
    assert ("fgw", 2025, 4) not in mine  # the current quarter is not due yet
    assert overdue.count == len(overdue.quarters) == 5 * len(reporting_task.departments.all())

    services.task_report_submit(
        user=fgw,
        task=reporting_task,
        year=2025,
        quarter=3,
        text="已完成年度任务分解。",
        assessment="on_track",
        today=TODAY,
    )
    after = selectors.overdue_task_reports(city_admin, today=TODAY)
    assert after.count == overdue.count - 1
    assert ("fgw", 2025, 3) not in [(q.department.code, q.year, q.quarter) for q in after.quarters]
    # The reporter's own: still 2024 Q3 … 2025 Q2 owed, and the current quarter awaiting.
    awaiting = [(q.year, q.quarter) for q in selectors.tasks_awaiting(fgw, today=TODAY) if q.task == reporting_task]
    assert awaiting == [(2024, 3), (2024, 4), (2025, 1), (2025, 2), (2025, 4)]


def test_report_refused_for_another_departments_task_and_a_future_quarter(fgw, fourteenth, reporting_task):
    construction = PlanTask.objects.get(period=fourteenth, section="二（二）")
    with pytest.raises(PermissionDenied, match="不是该任务的责任单位"):
        services.task_report_submit(user=fgw, task=construction, year=2025, quarter=3, text="x", assessment="done")
    with pytest.raises(ValidationError, match="不在该任务的报告季度内"):
        services.task_report_submit(
            user=fgw, task=reporting_task, year=2026, quarter=1, text="x", assessment="done", today=TODAY
        )


def test_reporter_pages_show_its_tasks_and_save_a_report(client, fgw, fourteenth):
    client.force_login(fgw)
    task = PlanTask.objects.get(period=fourteenth, section="二（一）")
    task.reporting_from = datetime.date(2025, 1, 1)
    task.save(update_fields=["reporting_from"])
    page = client.get(reverse("plantasks:task_list")).content.decode()
    assert "打造“八桂家政”劳务品牌" in page and "打造“八桂建工”劳务品牌" not in page
    detail = reverse("plantasks:task_detail", args=[task.pk])
    response = client.post(detail, {"quarter": "2025-2", "assessment": "behind", "text": "家政企业扶持资金尚未到位。"})
    assert response.status_code == 302
    page = client.get(detail).content.decode()
    assert "家政企业扶持资金尚未到位。" in page and "滞后" in page
    # Empty text: a Chinese message, no 500, nothing saved.
    response = client.post(detail, {"quarter": "2025-3", "assessment": "done", "text": ""}, follow=True)
    assert "未能保存进展" in response.content.decode()
    assert TaskReport.objects.filter(task=task).count() == 1
    # Another department's task is not found.
    other = PlanTask.objects.get(period=fourteenth, section="二（二）")
    assert client.get(reverse("plantasks:task_detail", args=[other.pk])).status_code == 404


def test_reporter_sees_no_personal_data(client, fgw):
    client.force_login(fgw)
    for name in ("training:trainee_list", "training:batch_list", "employment:worklist", "subsidies:application_list"):
        assert client.get(reverse(name)).status_code in (403, 404), name
    for route in ("trainees", "enrolments", "referrals", "outcomes", "follow-ups", "applications"):
        assert client.get(f"/api/v1/{route}/").status_code in (403, 404), route
    assert client.get(reverse("dashboard:task_board")).status_code == 403
    home = client.get(reverse("home")).content.decode()
    assert "学员查询" not in home and "任务分工" in home
    # The header names the reporter's department, where a county user sees their area.
    assert '<span class="badge badge-area ms-1">市发展改革委</span>' in home


def test_county_clerk_sees_no_tasks(clerk_client, fourteenth):
    task = PlanTask.objects.get(period=fourteenth, section="二（一）")
    assert clerk_client.get(reverse("plantasks:task_detail", args=[task.pk])).status_code == 403
    assert clerk_client.get("/api/v1/tasks/").status_code == 403


def test_api_tasks_and_reports(client, fgw, make_reporter, reporting_task):
    client.force_login(fgw)
    listed = client.get("/api/v1/tasks/").json()
    assert {t["section"] for t in listed["results"]} >= {"二（一）"}
    assert all("市发展改革委" in t["departments"] for t in listed["results"])
    response = client.post(
        "/api/v1/task-reports/",
        {"task": reporting_task.pk, "year": 2025, "quarter": 1, "text": "完成。", "assessment": "done"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    report_id = response.json()["id"]
    assert response.json()["department"] == "市发展改革委"
    # Another department's reporter neither lists nor reads it.
    client.force_login(make_reporter("swj"))
    assert client.get("/api/v1/task-reports/").json()["count"] == 0
    assert client.get(f"/api/v1/task-reports/{report_id}/").status_code == 404
    construction = PlanTask.objects.get(period=reporting_task.period, section="二（二）")
    assert client.get(f"/api/v1/tasks/{construction.pk}/").status_code == 404  # 市商务局 is not named in 二（二）


def test_board_shows_departments_words_overdue_and_figures(admin_client_city, fgw, reporting_task):
    services.task_report_submit(
        user=fgw, task=reporting_task, year=2025, quarter=3, text="家政服务业专项资金已下达。", assessment="behind"
    )
    page = admin_client_city.get(reverse("dashboard:task_board"), {"period": "2021-2025"}).content.decode()
    assert "家政服务业专项资金已下达。" in page
    assert "逾期" in page and "2024年第3季度" in page
    assert "培训 0/3000 人次" in page  # the brand line's trainings beside the words
    printed = admin_client_city.get(reverse("dashboard:task_board"), {"period": "2021-2025", "print": "1"})
    assert "打印预览" in printed.content.decode()
    xlsx = admin_client_city.get(reverse("dashboard:task_board_export"), {"period": "2021-2025"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_new_period_copies_tasks_forward(city_admin):
    period = dashboard_services.period_create(
        by=city_admin, code="2026-2030", name="十五五", year_from=2026, year_to=2030
    )
    copied = PlanTask.objects.filter(period=period).prefetch_related("departments")
    assert copied.count() == 13
    task = copied.get(section="二（一）")
    assert task.reporting_from == datetime.date(2026, 1, 1)
    assert "市发展改革委" in {d.name for d in task.departments.all()}
    assert PlanPeriod.objects.get(code="2021-2025").tasks.count() == 13


@pytest.mark.parametrize("reports", [1, 6])
def test_board_and_task_list_query_counts_do_not_grow_with_reports(
    client, admin_client_city, fgw, reporting_task, django_assert_max_num_queries, reports
):
    for year, quarter in [(2024, 3), (2024, 4), (2025, 1), (2025, 2), (2025, 3), (2025, 4)][:reports]:
        services.task_report_submit(
            user=fgw, task=reporting_task, year=year, quarter=quarter, text="进展。", assessment="on_track", today=TODAY
        )
    with django_assert_max_num_queries(60):
        assert admin_client_city.get(reverse("dashboard:task_board"), {"period": "2021-2025"}).status_code == 200
    client.force_login(fgw)
    with django_assert_max_num_queries(20):  # the filter bar's three drop-downs: periods, departments, brands
        assert client.get(reverse("plantasks:task_list")).status_code == 200


def test_the_inbox_shows_the_city_the_overdue_quarters_and_the_department_its_own(
    client, city_admin, fgw, reporting_task
):
    """十四五 ended: the quarters 2024 Q3 … 2025 Q4 of 二（一） are overdue for each of its departments."""
    departments = reporting_task.departments.count()
    client.force_login(city_admin)
    items = {item["key"]: item for item in client.get("/api/v1/inbox/").json()["items"]}
    assert items["task_reports_overdue"]["count"] == 6 * departments
    assert items["task_reports_overdue"]["url"] == reverse("dashboard:task_board")
    client.force_login(fgw)
    items = {item["key"]: item for item in client.get("/api/v1/inbox/").json()["items"]}
    assert items["task_quarters_to_report"]["count"] == 6
    assert "task_reports_overdue" not in items
