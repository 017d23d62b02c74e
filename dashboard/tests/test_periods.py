"""Plan periods: cumulative figures count only their period's years, a period is created with its brand
lines copied forward, closed with a snapshot, and reported on (总结评估) with the dashboard's figures."""

import datetime
import io
import json
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import AuditEntry
from brands.models import BrandLine, PlanPeriod, Target
from brands.services import targets_allocate
from dashboard import services
from dashboard.selectors import closing_report, progress_summary
from employment.tests.factories import EmploymentOutcomeFactory
from qinzhou_brands.tests.apiclient import api
from training.tests.factories import EnrolmentFactory, TrainingBatchFactory

pytestmark = pytest.mark.django_db

D = datetime.date
JOBS = Target.Metric.JOBS


@pytest.fixture
def fourteenth(db):
    return PlanPeriod.objects.get(code="2021-2025")


@pytest.fixture
def fifteenth(city_admin):
    return services.period_create(
        code="2026-2030",
        name="十五五",
        year_from=2026,
        year_to=2030,
        document_title="钦州市十五五劳务品牌方案",
        document_number="钦政办〔2026〕1号",
        by=city_admin,
    )


@pytest.fixture
def outcomes(area, recount_tallies):
    """钦南区: a 八桂家政 batch of 2025 with two completers; one found a job in 2025, the other in 2026."""
    batch = TrainingBatchFactory(area=area, start_date=D(2025, 3, 1), end_date=D(2025, 3, 20))
    done = EnrolmentFactory.create_batch(2, batch=batch, completed=True)
    EmploymentOutcomeFactory(trainee=done[0].trainee, area=area, start_date=D(2025, 6, 1))
    late = EmploymentOutcomeFactory(trainee=done[1].trainee, area=area, start_date=D(2026, 3, 1))
    recount_tallies()
    return late


def year_row(summary, year):
    return next(y for y in summary["years"] if y["year"] == year)


def test_the_fourteenth_period_is_seeded_with_its_targets(fourteenth):
    assert (fourteenth.name, fourteenth.year_from, fourteenth.year_to) == ("十四五", 2021, 2025)
    assert fourteenth.document_number == "钦政办〔2022〕22号"
    assert "劳务品牌建设促进就业行动实施方案" in fourteenth.document_title
    assert fourteenth.status == "active"
    assert Target.objects.exclude(period=fourteenth).count() == 0
    assert fourteenth.targets.filter(area__code="450700", brand=None, metric=JOBS).get().value == 10000
    assert fourteenth.brand_lines.count() == BrandLine.objects.count() == 4


def test_a_2026_outcome_is_outside_the_fourteenth_totals_and_inside_the_fifteenths(
    outcomes, fourteenth, fifteenth, clerk
):
    before = progress_summary(period=fourteenth)
    assert (before["city"]["trainings"], before["city"]["jobs"]) == (2, 1)
    assert before["period"] == {
        "code": "2021-2025",
        "name": "十四五",
        "year_from": 2021,
        "year_to": 2025,
        "status": "active",
    }
    assert year_row(before, 2026)["jobs"] == 1 and year_row(before, 2026)["period"] == "2026-2030"
    assert year_row(before, 2025)["period"] == "2021-2025"
    housekeeping = next(b for b in before["brands"] if b["code"] == "housekeeping")
    assert housekeeping["jobs"] == 1

    after = progress_summary(period=fifteenth)
    assert (after["city"]["trainings"], after["city"]["jobs"]) == (0, 1)
    assert after["pace"]["jobs"] == 1
    assert sum(cell["jobs"] for cell in after["matrix"]) == 1
    # A county user's report of the period counts the same way.
    assert progress_summary(user=clerk, period=fifteenth)["city"]["jobs"] == 1
    # The default period is the one containing today (2026 onwards: 十五五).
    assert progress_summary(on=D(2026, 12, 4))["period"]["code"] == "2026-2030"


def test_a_year_outside_every_period_is_shown_and_marked(outcomes, fourteenth):
    summary = progress_summary(period=fourteenth)
    assert summary["city"]["jobs"] == 1  # 2026 is no part of 十四五
    assert (year_row(summary, 2026)["jobs"], year_row(summary, 2026)["period"]) == (1, None)


def test_the_dashboard_page_and_drill_down_count_the_periods_years(client, city_viewer, outcomes, fifteenth):
    client.force_login(city_viewer)
    html = client.get(reverse("dashboard:index"), {"period": "2021-2025"}).content.decode()
    assert "“十四五”规划期（2021–2025 年）累计" in html
    assert "本规划期外（2026-2030）" in html
    drill = client.get(reverse("dashboard:drill"), {"metric": "jobs", "period": "2021-2025"})
    assert drill.context["figure"] == 1
    drill = client.get(reverse("dashboard:drill"), {"metric": "jobs", "period": "2026-2030"})
    assert [o.pk for o in drill.context["page"]] == [outcomes.pk]
    # The default period contains today.
    assert "“十五五”规划期（2026–2030 年）累计" in client.get(reverse("dashboard:index")).content.decode()
    bad = client.get(reverse("dashboard:index"), {"period": "2099-2100"})
    assert bad.status_code == 200
    assert "未知的规划期“2099-2100”" in bad.content.decode()


def test_a_target_without_a_period_goes_to_the_one_containing_its_years(area, fourteenth, fifteenth):
    brand = BrandLine.objects.get(code="housekeeping")
    target = Target.objects.create(area=area, brand=brand, year_from=2027, year_to=2027, metric=JOBS, value=5)
    assert target.period == fifteenth
    with pytest.raises(ValidationError, match="不在任何一个规划期内"):
        Target.objects.create(area=area, brand=brand, year_from=2031, year_to=2031, metric=JOBS, value=5)
    with pytest.raises(ValidationError, match="超出规划期"):
        Target.objects.create(
            period=fourteenth, area=area, brand=brand, year_from=2026, year_to=2026, metric=JOBS, value=5
        )


def test_creating_a_period_copies_the_lines_forward_and_refuses_overlaps(city_admin, clerk, fourteenth):
    fourteenth.occupations.remove(*fourteenth.occupations.all()[:2])
    fifteenth = services.period_create(code="2026-2030", name="十五五", year_from=2026, year_to=2030, by=city_admin)
    assert set(fifteenth.occupations.all()) == set(fourteenth.occupations.all())
    assert set(fifteenth.brand_lines.all()) == set(fourteenth.brand_lines.all())
    assert AuditEntry.objects.filter(subject__contains="建立规划期 十五五").exists()
    with pytest.raises(ValidationError, match="重叠"):
        services.period_create(code="2030-2035", name="十六五", year_from=2030, year_to=2035, by=city_admin)
    with pytest.raises(Exception, match="只有市人社局管理员"):
        services.period_create(code="2031-2035", name="十六五", year_from=2031, year_to=2035, by=clerk)


def test_the_city_administrator_creates_a_period_and_sets_its_targets_on_the_pages(client, city_admin):
    client.force_login(city_admin)
    response = client.post(
        reverse("dashboard:periods"),
        {"code": "2026-2030", "name": "十五五", "year_from": "2026", "year_to": "2030"},
    )
    assert response.status_code == 302
    url = reverse("dashboard:period", args=["2026-2030"])
    assert response["Location"] == url
    response = client.post(url, {"action": "targets", "trainings_all": "15,000", "jobs_housekeeping": "3000"})
    assert response.status_code == 302
    period = PlanPeriod.objects.get(code="2026-2030")
    assert dict(period.targets.values_list("metric", "value")) == {"trainings": 15000, "jobs": 3000}
    assert progress_summary(period=period)["city"]["trainings_target"] == 15000
    # Bad input: a Chinese message, nothing saved.
    response = client.post(
        reverse("dashboard:periods"), {"code": "2031-2035", "name": "十六五", "year_from": "2035", "year_to": "2031"}
    )
    assert response.status_code == 400
    assert "截止年度不能早于起始年度。" in response.content.decode()
    response = client.post(url, {"action": "targets", "trainings_all": "很多"})
    assert "请填写整数" in response.content.decode()


def test_a_county_user_cannot_create_a_period_nor_read_the_report(client, clerk, fourteenth):
    client.force_login(clerk)
    assert client.get(reverse("dashboard:periods")).status_code == 200
    response = client.post(
        reverse("dashboard:periods"), {"code": "2026-2030", "name": "十五五", "year_from": "2026", "year_to": "2030"}
    )
    assert response.status_code == 403
    for name in ("dashboard:period", "dashboard:period_report", "dashboard:period_report_export"):
        assert client.get(reverse(name, args=[fourteenth.code])).status_code == 404, name


def test_an_unknown_period_is_404(client, city_admin):
    client.force_login(city_admin)
    assert client.get(reverse("dashboard:period_report", args=["1990-1995"])).status_code == 404


def test_the_closing_reports_figures_are_the_dashboards(client, city_viewer, outcomes, fourteenth):
    report = closing_report(period=fourteenth)
    dashboard = progress_summary(period=fourteenth)
    assert json.loads(json.dumps(report["summary"])) == json.loads(json.dumps(dashboard))
    by_year = {y["year"]: y["city"] for y in report["years"]}
    assert {y: (row["trainings"], row["jobs"]) for y, row in by_year.items()} == {
        y["year"]: (y["trainings"], y["jobs"]) for y in dashboard["years"] if 2021 <= y["year"] <= 2025
    }
    assert report["years_behind_pace"] == [2021, 2022, 2023, 2024, 2025]  # 2 of the 2,400 a year
    client.force_login(city_viewer)
    html = client.get(reverse("dashboard:period_report", args=[fourteenth.code])).content.decode()
    assert "落后于进度的年度：2021 年、2022 年、2023 年、2024 年、2025 年" in html
    assert "乡村振兴重点帮扶县：灵山县" in html
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("dashboard:period_report_export", args=[fourteenth.code])).content)
    )
    overall = list(workbook["总体进度"].iter_rows(min_row=3, values_only=True))
    assert overall[0][:3] == ("培训人次", dashboard["pace"]["trainings"], 12000)
    assert overall[1][:3] == ("带动就业创业人次", dashboard["pace"]["jobs"], 10000)
    assert "分年度×品牌" in workbook.sheetnames and "分年度进度" in workbook.sheetnames


def test_closing_freezes_a_snapshot_and_later_corrections_show_as_differences(
    client, city_admin, outcomes, fourteenth, area, recount_tallies
):
    client.force_login(city_admin)
    url = reverse("dashboard:period", args=[fourteenth.code])
    assert "请先勾选" in client.post(url, {"action": "close"}, follow=True).content.decode()
    response = client.post(url, {"action": "close", "confirm": "1"})
    assert response["Location"] == reverse("dashboard:period_report", args=[fourteenth.code])
    fourteenth.refresh_from_db()
    assert fourteenth.status == "closed" and fourteenth.closed_by == city_admin
    assert fourteenth.snapshot["summary"]["city"]["jobs"] == 1
    assert AuditEntry.objects.filter(subject__contains="结束规划期 十四五").exists()
    assert closing_report(period=fourteenth)["differences"] == []

    # A 2024 outcome recorded late: the report shows it against what was reported.
    batch = TrainingBatchFactory(area=area, start_date=D(2024, 3, 1), end_date=D(2024, 3, 20))
    EmploymentOutcomeFactory(
        trainee=EnrolmentFactory(batch=batch, completed=True).trainee, area=area, start_date=D(2024, 6, 1)
    )
    recount_tallies()
    differences = {d["label"]: d for d in closing_report(period=fourteenth)["differences"]}
    assert differences["合计 · 带动就业创业人次"] == {
        "label": "合计 · 带动就业创业人次",
        "reported": 1,
        "now": 2,
        "difference": 1,
    }
    html = client.get(reverse("dashboard:period_report", args=[fourteenth.code])).content.decode()
    assert "与结束时报送数字的差异" in html and "+1" in html
    # A closed period's targets are frozen; closing again is refused.
    with pytest.raises(ValidationError, match="已结束"):
        targets_allocate(metric=JOBS, year=2024, values={}, by=city_admin)
    assert "已经结束" in client.post(url, {"action": "close", "confirm": "1"}, follow=True).content.decode()


def test_a_period_still_to_come_cannot_be_closed(city_admin, fifteenth):
    with pytest.raises(ValidationError, match="2030 年才能结束"):
        services.period_close(period=fifteenth, by=city_admin)


def test_progress_report_counts_the_period_asked_for(outcomes, fifteenth):
    out = StringIO()
    call_command("progress_report", "--period", "2021-2025", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["period"]["code"] == "2021-2025" and report["city"]["jobs"] == 1
    out = StringIO()
    call_command("progress_report", "--period", "2026-2030", stdout=out)
    assert "“十五五”2026–2030 年累计" in out.getvalue()
    with pytest.raises(CommandError, match="未知的规划期“2099”：可选 2021-2025、2026-2030。"):
        call_command("progress_report", "--period", "2099")


def test_the_api_lists_periods_and_narrows_progress_to_one(city_viewer, outcomes, fifteenth):
    body = api(city_viewer).get("/api/v1/periods/").json()
    rows = body["results"] if isinstance(body, dict) else body
    assert [(p["code"], p["name"], p["status"]) for p in rows] == [
        ("2021-2025", "十四五", "active"),
        ("2026-2030", "十五五", "active"),
    ]
    assert api(city_viewer).get("/api/v1/periods/2026-2030/").json()["year_from"] == 2026
    progress = api(city_viewer).get("/api/v1/progress/", {"period": "2021-2025"}).json()
    assert (progress["period"]["code"], progress["city"]["jobs"]) == ("2021-2025", 1)
    response = api(city_viewer).get("/api/v1/progress/", {"period": "1990"})
    assert response.status_code == 404
    assert response.json()["detail"] == "未知的规划期“1990”：可选 2021-2025、2026-2030。"
    response = api(city_viewer).get("/api/v1/progress/", {"period": "十五五"})
    assert response.status_code == 400
    assert response.json()["errors"]["period"] == [
        "规划期代码无效：请填写规划期的代码，例如 2021-2025（见 /api/v1/periods/）。"
    ]


@pytest.mark.parametrize("batches", [1, 12])
def test_the_closing_report_and_the_period_list_query_count_does_not_grow_with_the_data(
    client, city_viewer, area, recount_tallies, fourteenth, django_assert_max_num_queries, batches
):
    for n in range(batches):
        batch = TrainingBatchFactory(area=area, start_date=D(2021 + n % 5, 3, 1), end_date=D(2021 + n % 5, 3, 20))
        EnrolmentFactory.create_batch(2, batch=batch, completed=True)
    recount_tallies()
    client.force_login(city_viewer)
    # Six summaries (the period and each of its five years), each with a fixed number of queries: 153 since the
    # classes, vacancies and follow-up figures joined the summary (issues 17, 18), 171 with the plan's tasks (19),
    # 177 since the open follow-up points are read from the outcomes' day rows (one query more per summary).
    with django_assert_max_num_queries(177):
        assert client.get(reverse("dashboard:period_report", args=[fourteenth.code])).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("dashboard:periods")).status_code == 200
