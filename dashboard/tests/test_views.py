"""The progress dashboard as its users see it: the counted numbers, scope, year filter, drill-down, pace."""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.test import override_settings
from django.urls import reverse

from brands.models import Occupation
from employment.tests.factories import EmploymentOutcomeFactory
from training.tests.factories import EnrolmentFactory, TrainingBatchFactory

pytestmark = pytest.mark.django_db

D = datetime.date
INDEX = reverse("dashboard:index")
DRILL = reverse("dashboard:drill")


def drill_link(metric: str, number: int, **params) -> str:
    """The anchor the page renders for a figure: the drill-down URL (HTML-escaped) and the number; a
    cumulative figure (no year) names the page's plan period, 十四五 here."""
    if "year" not in params:
        params["period"] = "2021-2025"
    query = "&amp;".join([f"metric={metric}"] + [f"{key}={value}" for key, value in params.items()])
    return f'href="{DRILL}?{query}">{number}</a>'


@pytest.fixture
def data(area, other_area, recount_tallies):
    """钦南区: a 八桂家政 batch ending 2024 with two completions and one drop-out; one completer found a job
    after the training, the other one before it (not counted). 钦北区: a rice-noodle batch of 2023 with
    one completion and one job."""
    batch = TrainingBatchFactory(area=area, start_date=D(2024, 3, 1), end_date=D(2024, 3, 20))
    done = EnrolmentFactory.create_batch(2, batch=batch, completed=True)
    dropped = EnrolmentFactory(batch=batch, completed=False)
    other_batch = TrainingBatchFactory(
        area=other_area,
        occupation=Occupation.objects.get(name="灵山刮粉制作工"),
        start_date=D(2023, 5, 1),
        end_date=D(2023, 5, 20),
    )
    other = EnrolmentFactory(batch=other_batch, completed=True)
    job = EmploymentOutcomeFactory(trainee=done[0].trainee, area=area, start_date=D(2024, 6, 1))
    early_job = EmploymentOutcomeFactory(trainee=done[1].trainee, area=area, start_date=D(2024, 1, 2))
    other_job = EmploymentOutcomeFactory(trainee=other.trainee, area=other_area, start_date=D(2023, 7, 1))
    recount_tallies()
    return SimpleNamespace(
        batch=batch,
        done=done,
        dropped=dropped,
        other_batch=other_batch,
        other=other,
        job=job,
        early_job=early_job,
        other_job=other_job,
    )


@pytest.fixture
def viewer_client(client, city_viewer):
    client.force_login(city_viewer)
    return client


@pytest.mark.parametrize(
    "url", [INDEX, f"{DRILL}?metric=trainings", reverse("dashboard:export"), reverse("dashboard:targets")]
)
def test_anonymous_users_are_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_user_without_a_role_may_not_open_the_dashboard(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody", password="x-Password-2025"))
    assert client.get(INDEX).status_code == 403


def test_the_city_sees_the_counted_numbers_of_every_area(viewer_client, data):
    response = viewer_client.get(INDEX)
    assert response.status_code == 200
    progress = response.context["progress"]
    assert progress["city"]["trainings"] == 3
    assert progress["city"]["jobs"] == 2
    html = response.content.decode()
    # The area × brand cells: the two completions and the one counted job of 钦南区's 八桂家政 batch.
    assert drill_link("trainings", 2, area="450702", brand="housekeeping") in html
    assert drill_link("jobs", 1, area="450702", brand="housekeeping") in html
    assert drill_link("trainings", 1, area="450703", brand="rice-noodle") in html
    # The area rows, the brand rows and the year rows.
    assert drill_link("trainings", 2, area="450702") in html
    assert drill_link("trainings", 2, brand="housekeeping") in html
    assert drill_link("trainings", 1, year=2023) in html
    assert drill_link("jobs", 1, year=2024) in html
    # The headline against the plan's target, and the data the charts are drawn from.
    assert "12,000" in html
    assert 'id="dashboard-data"' in html
    assert "vendor/echarts/echarts.common.min.js" in html
    assert "js/dashboard.js" in html


def test_a_county_clerk_sees_only_their_own_area(clerk_client, data):
    response = clerk_client.get(INDEX)
    assert response.status_code == 200
    progress = response.context["progress"]
    assert progress["scope"]["city"] is False
    assert progress["city"]["trainings"] == 2
    assert progress["allocation"] is None
    html = response.content.decode()
    assert drill_link("trainings", 2, area="450702", brand="housekeeping") in html
    assert "钦北区" not in html
    assert "450703" not in html
    assert "各县区分配合计" not in html


def test_one_year_narrows_every_figure(viewer_client, data):
    response = viewer_client.get(INDEX, {"year": "2023"})
    assert response.context["year"] == 2023
    assert response.context["progress"]["city"]["trainings"] == 1
    assert drill_link("trainings", 1, area="450703", brand="rice-noodle", year=2023) in response.content.decode()


@pytest.mark.parametrize("value", ["abc", "1999", "2031", "2024.5"])
def test_a_bad_year_shows_a_message_and_the_whole_period(viewer_client, data, value):
    response = viewer_client.get(INDEX, {"year": value})
    assert response.status_code == 200
    assert response.context["year"] is None
    assert response.context["progress"]["city"]["trainings"] == 3
    assert "年度" in response.context["year_error"]
    assert "下面显示的是全部年度的累计进度" in response.content.decode()


def test_the_headline_says_whether_the_city_is_behind_pace(viewer_client, data):
    progress = viewer_client.get(INDEX).context["progress"]
    html = viewer_client.get(INDEX).content.decode()
    # Three trainings against 12,000 are behind pace on any day after the plan began.
    assert progress["pace"]["trainings_behind_pace"] is True
    assert "落后于进度" in html
    assert f'按时间进度应达 <strong class="text-body">{progress["pace"]["trainings_expected"]:,}</strong>' in html


def test_a_county_without_an_allocated_target_is_told_so(clerk_client, data):
    html = clerk_client.get(INDEX).content.decode()
    assert "市人社局尚未向钦南区分配培训目标" in html
    assert "未分配目标" in html


def test_the_print_view_is_the_same_page_laid_out_for_paper(viewer_client, data):
    response = viewer_client.get(INDEX, {"print": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "dashboard-print" in html
    assert 'data-action="print"' in html


def test_the_city_sees_the_allocation_shortfall_and_the_admin_a_link_to_fix_it(client, city_admin, city_viewer):
    client.force_login(city_admin)
    html = client.get(INDEX).content.decode()
    assert "各县区分配合计 少于 全市目标，差 3,000" in html
    assert reverse("dashboard:targets") in html
    client.force_login(city_viewer)
    html = client.get(INDEX).content.decode()
    assert "各县区分配合计 少于 全市目标，差 3,000" in html
    assert reverse("dashboard:targets") not in html


def test_every_staff_role_finds_the_dashboard_in_the_navigation(client, clerk, reviewer, city_admin, city_viewer):
    for user in (clerk, reviewer, city_admin, city_viewer):
        client.force_login(user)
        html = client.get(reverse("home")).content.decode()
        assert f'href="{INDEX}"' in html
        assert "进度看板" in html


def _make_records(area, n: int, recount_tallies) -> None:
    batch = TrainingBatchFactory(area=area, start_date=D(2024, 3, 1), end_date=D(2024, 3, 20))
    for enrolment in EnrolmentFactory.create_batch(n, batch=batch, completed=True):
        EmploymentOutcomeFactory(trainee=enrolment.trainee, area=area, start_date=D(2024, 6, 1))
    recount_tallies()


@pytest.mark.parametrize("records", [1, 30])
def test_the_dashboard_query_count_does_not_grow_with_the_data(
    viewer_client, area, recount_tallies, django_assert_max_num_queries, records
):
    _make_records(area, records, recount_tallies)
    # 50: 30 before issues 16–19, then a fixed number each for the plan periods, annual plans and monthly reports
    # (16), the classes and attendance (17), the vacancies, job fairs and follow-ups (18), the plan's tasks (19, three):
    # none grows with the data.
    with django_assert_max_num_queries(50):
        response = viewer_client.get(INDEX)
    assert response.context["progress"]["city"]["trainings"] == records


# --- drill-down ---------------------------------------------------------------------------------


def test_the_drill_down_lists_exactly_the_counted_enrolments(viewer_client, data):
    response = viewer_client.get(DRILL, {"metric": "trainings", "area": "450702", "brand": "housekeeping"})
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count == 2
    assert {enrolment.pk for enrolment in page} == {enrolment.pk for enrolment in data.done}
    html = response.content.decode()
    for enrolment in data.done:
        assert enrolment.trainee.name in html
        assert enrolment.trainee.masked_id_number in html
        assert enrolment.trainee.id_number not in html
    assert data.dropped.trainee.name not in html
    assert data.other.trainee.name not in html
    assert reverse("training:batch_detail", args=[data.batch.pk]) in html
    # The total is the dashboard's figure.
    matrix = viewer_client.get(INDEX).context["progress"]["matrix"]
    cell = next(c for c in matrix if c["area"] == "450702" and c["brand"] == "housekeeping")
    assert cell["trainings"] == page.paginator.count


def test_the_drill_down_lists_exactly_the_counted_jobs_with_their_batch(viewer_client, data):
    response = viewer_client.get(DRILL, {"metric": "jobs", "area": "450702"})
    page = response.context["page"]
    assert [outcome.pk for outcome in page] == [data.job.pk]
    html = response.content.decode()
    assert data.job.trainee.name in html
    assert data.early_job.trainee.masked_id_number not in html
    assert reverse("training:batch_detail", args=[data.batch.pk]) in html
    assert "就业" in html
    assert viewer_client.get(INDEX).context["progress"]["areas"][0]["jobs"] == page.paginator.count


def test_the_drill_down_by_year_and_for_the_whole_city(viewer_client, data):
    assert viewer_client.get(DRILL, {"metric": "trainings"}).context["page"].paginator.count == 3
    response = viewer_client.get(DRILL, {"metric": "jobs", "year": "2023"})
    assert [outcome.pk for outcome in response.context["page"]] == [data.other_job.pk]
    assert "2023 年" in response.content.decode()


def test_a_county_clerk_gets_none_of_another_areas_records(clerk_client, data):
    # Another area's drill-down is a 404 like every other cross-area URL, not an empty "共 0 人次".
    for metric in ("trainings", "jobs"):
        response = clerk_client.get(DRILL, {"metric": metric, "area": "450703"})
        assert response.status_code == 404
        assert data.other.trainee.name not in response.content.decode()
        assert "共 0" not in response.content.decode()
    assert clerk_client.get(DRILL, {"metric": "trainings", "area": "450702"}).status_code == 200
    response = clerk_client.get(DRILL, {"metric": "jobs"})
    assert [outcome.pk for outcome in response.context["page"]] == [data.job.pk]
    response = clerk_client.get(DRILL, {"metric": "trainings"})
    assert response.context["page"].paginator.count == 2


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "未知的指标"),
        ({"metric": "wages"}, "未知的指标"),
        ({"metric": "trainings", "area": "999999"}, "未知的地区代码"),
        ({"metric": "trainings", "brand": "no-such-brand"}, "未知的劳务品牌"),
        ({"metric": "jobs", "year": "abc"}, "年度无效"),
        ({"metric": "jobs", "year": "99999"}, "年度超出范围"),
    ],
)
def test_bad_drill_down_parameters_get_a_chinese_message(viewer_client, params, message):
    response = viewer_client.get(DRILL, params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_drill_down_has_50_rows_a_page_and_keeps_its_filters(viewer_client, area, recount_tallies):
    batch = TrainingBatchFactory(area=area, start_date=D(2024, 3, 1), end_date=D(2024, 3, 20))
    EnrolmentFactory.create_batch(51, batch=batch, completed=True)
    recount_tallies()
    response = viewer_client.get(DRILL, {"metric": "trainings", "area": "450702"})
    assert len(response.context["page"].object_list) == 50
    assert "?metric=trainings&area=450702&page=2" in response.content.decode()
    second = viewer_client.get(DRILL, {"metric": "trainings", "area": "450702", "page": "2"})
    assert len(second.context["page"].object_list) == 1


@pytest.mark.parametrize("metric", ["trainings", "jobs"])
def test_the_drill_down_query_count_does_not_grow_with_the_rows(
    viewer_client, area, recount_tallies, django_assert_max_num_queries, metric
):
    _make_records(area, 30, recount_tallies)
    with django_assert_max_num_queries(16):
        response = viewer_client.get(DRILL, {"metric": metric})
    assert response.context["page"].paginator.count == 30


@pytest.mark.parametrize("params", [{}, {"year": "2024"}, {"print": "1"}])
def test_the_page_markup_is_balanced_with_and_without_targets(client, city_viewer, clerk, data, params):
    for user in (city_viewer, clerk):
        client.force_login(user)
        html = client.get(INDEX, params).content.decode()
        for tag in ("div", "section", "table", "tr", "td"):
            assert html.count(f"<{tag}>") + html.count(f"<{tag} ") == html.count(f"</{tag}>"), (user, tag)


@pytest.fixture
def lingshan(recount_tallies):
    """灵山县, the key county: two completions in 2024, one of them a 脱贫人口 founder whose start-up employs 4."""
    from brands.models import Area
    from training.models import PriorityCategory
    from training.tests.factories import TraineeFactory

    county = Area.objects.get(code="450721")
    batch = TrainingBatchFactory(area=county, start_date=D(2024, 3, 1), end_date=D(2024, 3, 20))
    founder = TraineeFactory(categories=[PriorityCategory.objects.get(name="脱贫人口")])
    EnrolmentFactory(batch=batch, trainee=founder, completed=True)
    EnrolmentFactory(batch=batch, completed=True)
    EmploymentOutcomeFactory(
        trainee=founder, area=county, kind="entrepreneurship", start_date=D(2024, 6, 1), jobs_created=4
    )
    recount_tallies()
    return county


def test_the_page_shows_start_up_employment_beside_the_jobs(viewer_client, lingshan):
    html = viewer_client.get(INDEX).content.decode()
    assert "另有创业带动就业 <strong>4</strong> 人" in html
    assert "未计入上面的人次和目标" in html
    assert "带动就业创业人次（含创业带动就业）" not in html


@override_settings(JOBS_COUNT_STARTUP_EMPLOYEES=True)
def test_the_page_says_when_start_up_employment_counts_in_the_jobs(viewer_client, lingshan):
    response = viewer_client.get(INDEX)
    html = response.content.decode()
    assert response.context["progress"]["pace"]["jobs"] == 5
    assert "全市带动就业创业人次（含创业带动就业）" in html
    assert "其中创业带动就业 <strong>4</strong> 人" in html
    assert "全市带动就业创业人次（含创业带动就业 4 人）" in viewer_client.get(reverse("home")).content.decode()


def test_the_key_county_has_a_section_of_its_own(viewer_client, lingshan):
    html = viewer_client.get(INDEX).content.decode()
    section = html[html.index('id="key-counties"') :]
    section = section[: section.index("</section>")]
    assert "乡村振兴重点帮扶县" in section
    assert "灵山县" in section
    assert drill_link("trainings", 2, area="450721") in section
    assert drill_link("jobs", 1, area="450721") in section
    # 脱贫人口: 1 of the county's 2 trainings and its 1 job.
    assert '<th scope="row" class="fw-normal">脱贫人口</th>' in section
    assert "50.0%" in section and "100.0%" in section
    assert "js/dashboard-key-counties.js" in html


def test_the_priority_groups_table_shares_the_scope_total(viewer_client, lingshan):
    html = viewer_client.get(INDEX).content.decode()
    section = html[html.index('id="groups-title"') :]
    section = section[: section.index("</section>")]
    # 脱贫人口: 1 of the city's 2 trainings and its 1 job.
    assert '<th scope="row" class="fw-normal">脱贫人口</th>' in section
    assert "50.0%" in section and "100.0%" in section
    assert "全市合计" in section and "就业创业人次" in section


def test_another_countys_clerk_sees_no_key_county_section(clerk_client, lingshan):
    assert 'id="key-counties"' not in clerk_client.get(INDEX).content.decode()


@pytest.mark.parametrize("setting", [False, True])
def test_the_jobs_drill_down_adds_up_to_the_figure_with_start_up_employees(viewer_client, lingshan, setting):
    with override_settings(JOBS_COUNT_STARTUP_EMPLOYEES=setting):
        figure = viewer_client.get(INDEX).context["progress"]["key_assistance_counties"][0]["jobs"]
        response = viewer_client.get(DRILL, {"metric": "jobs", "area": "450721"})
    html = response.content.decode()
    assert f'id="drill-total">{figure}</strong>' in html
    assert "带动就业 4 人" in html  # on the start-up's row
    if setting:
        assert figure == 5
        assert "下列 1 条结果，加其中创业实体带动就业 4 人" in html
    else:
        assert figure == 1
        assert '其中创业实体带动就业 <strong class="text-body">4</strong> 人（未计入带动就业创业人次）' in html


# --- the year selector and the plan's subtitle (walk of 2026-12) ----------------------------------


def _offered_years(html: str) -> list[str]:
    select = html[html.index('name="year"') : html.index("</select>", html.index('name="year"'))]
    return re.findall(r'<option value="(\d+)"', select)


def test_the_year_selector_offers_only_years_with_data_or_targets(viewer_client, data, area, recount_tallies):
    years = _offered_years(viewer_client.get(INDEX).content.decode())
    assert years == ["2021", "2022", "2023", "2024", "2025"]  # the plan's (targets) years; the data's are in it
    batch = TrainingBatchFactory(area=area, start_date=D(2026, 3, 1), end_date=D(2026, 3, 20))
    EnrolmentFactory(batch=batch, completed=True)
    recount_tallies()
    assert _offered_years(viewer_client.get(INDEX).content.decode())[-1] == "2026"  # data after the plan
    # A year the address names is shown as chosen even without data.
    assert _offered_years(viewer_client.get(INDEX, {"year": "2029"}).content.decode())[-1] == "2029"


def test_a_year_without_targets_does_not_name_the_plans_targets(viewer_client, data):
    html = viewer_client.get(INDEX, {"year": "2023"}).content.decode()
    assert "每个品牌“十四五”规划期目标" not in html
    assert "2023 年未下达目标" in html
    assert "每个品牌“十四五”规划期目标" in viewer_client.get(INDEX).content.decode()  # the whole period keeps it
