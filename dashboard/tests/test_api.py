"""GET /api/v1/progress/: exactly `progress_summary` for the requesting user (the city's report is the one
`progress_report --json` prints)."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from dashboard.selectors import progress_summary
from qinzhou_brands.tests.apiclient import api
from training.tests.factories import EnrolmentFactory, TrainingBatchFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/progress/"


def as_json(value):
    return json.loads(json.dumps(value))


@pytest.fixture
def trainings(area, other_area, recount_tallies):
    for year, place, people in ((2023, area, 2), (2024, area, 3), (2024, other_area, 4)):
        batch = TrainingBatchFactory(
            area=place, start_date=datetime.date(year, 3, 1), end_date=datetime.date(year, 3, 20)
        )
        EnrolmentFactory.create_batch(people, batch=batch, completed=True)
    recount_tallies()


def test_the_route_is_named():
    assert reverse("api:progress-list") == URL


@pytest.mark.parametrize("role", ["city_admin", "city_viewer"])
def test_a_city_user_gets_the_progress_report_of_the_command(request, role, trainings):
    response = api(request.getfixturevalue(role)).get(URL)
    assert response.status_code == 200
    out = StringIO()
    call_command("progress_report", "--json", stdout=out)
    assert response.json() == json.loads(out.getvalue())
    assert response.json()["city"]["trainings"] == 9


def test_a_county_user_gets_their_own_areas_progress(clerk, trainings):
    body = api(clerk).get(URL).json()
    assert body == as_json(progress_summary(user=clerk))
    assert (body["scope"]["code"], body["city"]["trainings"], body["allocation"]) == ("450702", 5, None)


def test_the_year_narrows_the_report(reviewer, trainings):
    body = api(reviewer).get(URL, {"year": 2024}).json()
    assert body == as_json(progress_summary(user=reviewer, year=2024))
    assert (body["year"], body["city"]["trainings"]) == (2024, 3)


@pytest.mark.parametrize("year", ["2020", "2031", "abc", "2024.5", ""])
def test_a_year_outside_the_report_is_a_400_in_chinese(city_viewer, year):
    response = api(city_viewer).get(URL, {"year": year})
    assert response.status_code == 400
    assert response.json()["errors"] == {"year": ["年度无效：请填写 2021 至 2030 之间的四位数字年份。"]}


def test_anonymous_users_get_401():
    assert api().get(URL).status_code == 401


def test_the_report_is_read_only(city_admin):
    assert api(city_admin).post(URL, {}, format="json").status_code == 405


@pytest.mark.parametrize("batches", [1, 20])
def test_the_query_count_does_not_depend_on_the_data(
    city_viewer, area, batches, recount_tallies, django_assert_max_num_queries
):
    for index in range(batches):
        batch = TrainingBatchFactory(
            area=area, start_date=datetime.date(2021 + index % 5, 3, 1), end_date=datetime.date(2021 + index % 5, 3, 20)
        )
        EnrolmentFactory(batch=batch, completed=True)
    recount_tallies()
    client = api(city_viewer)
    # 28: the vacancies and job fairs and the follow-up figures (issue 18) add two queries each, the classes (issue 17)
    # three, the plan periods (issue 16) one, the plan's tasks (issue 19) three, the follow-ups' open points one more
    # (read from the outcomes' day rows), whatever their number.
    with django_assert_max_num_queries(32):
        response = client.get(URL)
    assert response.status_code == 200


@pytest.mark.parametrize("setting", [False, True])
def test_start_ups_and_the_key_county_are_reported_alike_everywhere(city_viewer, client, recount_tallies, setting):
    from django.test import override_settings

    from brands.models import Area
    from dashboard.xlsx import progress_workbook
    from employment.tests.factories import EmploymentOutcomeFactory

    lingshan = Area.objects.get(code="450721")
    batch = TrainingBatchFactory(
        area=lingshan, start_date=datetime.date(2024, 3, 1), end_date=datetime.date(2024, 3, 20)
    )
    founder = EnrolmentFactory(batch=batch, completed=True).trainee
    EmploymentOutcomeFactory(
        trainee=founder,
        area=lingshan,
        kind="entrepreneurship",
        start_date=datetime.date(2024, 6, 1),
        jobs_created=3,
    )
    recount_tallies()
    with override_settings(JOBS_COUNT_STARTUP_EMPLOYEES=setting):
        body = api(city_viewer).get(URL).json()
        out = StringIO()
        call_command("progress_report", "--json", stdout=out)
        client.force_login(city_viewer)
        page = client.get(reverse("dashboard:index")).context["progress"]
    assert body == json.loads(out.getvalue()) == as_json(page)
    assert body["jobs_count_startup_employees"] is setting
    assert body["city"]["jobs_created_by_startups"] == 3
    assert body["city"]["jobs"] == (4 if setting else 1)
    [county] = body["key_assistance_counties"]
    assert (county["code"], county["trainings"], county["jobs"], county["jobs_created_by_startups"]) == (
        "450721",
        1,
        4 if setting else 1,
        3,
    )
    # The xlsx is written from the same dict.
    assert progress_workbook(page, subsidy_kinds={}, recognition_kinds={})["重点帮扶县"]["L3"].value == 3
