"""/api/v1/vacancies/ and /api/v1/job-fairs/ on the pages' scoping rules, and the `vacancies` figures of
progress_report --json."""

import datetime
import io
import json

import pytest
from django.core.management import call_command

from brands.models import Occupation
from brands.tests.factories import OrganisationFactory
from qinzhou_brands.tests.apiclient import api, url
from training.tests.factories import TraineeFactory

from ..vacancy_models import FairAttendance, FairIntention, Vacancy
from .vacancy_factories import JobFairFactory, VacancyFactory

pytestmark = pytest.mark.django_db


def test_vacancies_every_open_one_and_the_areas_own(clerk, other_clerk, area):
    VacancyFactory(area=area, title="钦南招聘中", openings=4)
    closed = VacancyFactory(area=area, title="钦南已关闭", status=Vacancy.Status.CLOSED)
    mine = api(clerk).get(url("vacancy-list")).json()
    theirs = api(other_clerk).get(url("vacancy-list")).json()
    assert {row["title"] for row in mine["results"]} == {"钦南招聘中", "钦南已关闭"}
    assert [row["title"] for row in theirs["results"]] == ["钦南招聘中"]
    assert theirs["results"][0]["openings"] == 4 and theirs["results"][0]["brand"] == "housekeeping"
    assert api(other_clerk).get(url("vacancy-detail", closed.pk)).status_code == 404


def test_a_vacancy_registered_through_the_api_is_the_clerks_areas(clerk, area):
    employer = OrganisationFactory(kind="enterprise")
    payload = {
        "employer": employer.pk,
        "occupation": Occupation.objects.get(name="母婴护理员").pk,
        "title": "月嫂",
        "work_area": "450702",
        "openings": 2,
        "valid_from": "2025-01-01",
        "valid_to": "2024-01-01",
    }
    response = api(clerk).post(url("vacancy-list"), payload, format="json")
    assert response.status_code == 409 and "有效期止不能早于有效期起。" in json.dumps(
        response.json(), ensure_ascii=False
    )
    payload["valid_to"] = "2099-01-01"
    response = api(clerk).post(url("vacancy-list"), payload, format="json")
    assert response.status_code == 201 and response.json()["area"] == "450702"


def test_job_fairs_of_the_users_area_only(clerk, other_clerk, area):
    fair = JobFairFactory(area=area, title="八桂家政专场")
    FairAttendance.objects.create(fair=fair, trainee=TraineeFactory())
    rows = api(clerk).get(url("job-fair-list")).json()["results"]
    assert [(row["title"], row["attendance"], row["intentions"]) for row in rows] == [("八桂家政专场", 1, 0)]
    assert api(other_clerk).get(url("job-fair-list")).json()["results"] == []
    assert api(other_clerk).get(url("job-fair-detail", fair.pk)).status_code == 404


def test_progress_report_counts_vacancies_fairs_and_intentions(area):
    VacancyFactory(openings=3)
    VacancyFactory(openings=2)
    VacancyFactory(openings=9, status=Vacancy.Status.FILLED)
    VacancyFactory(openings=7, valid_to=datetime.date(2020, 1, 1), valid_from=datetime.date(2019, 1, 1))
    fair = JobFairFactory(held_on=datetime.date(2024, 6, 1))
    JobFairFactory(held_on=datetime.date(2023, 6, 1))
    person = TraineeFactory()
    FairAttendance.objects.create(fair=fair, trainee=person)
    FairIntention.objects.create(fair=fair, trainee=person, vacancy=Vacancy.objects.first())
    out = io.StringIO()
    call_command("progress_report", "--json", stdout=out)
    assert json.loads(out.getvalue())["vacancies"] == {
        "open": 2,
        "openings": 5,
        "fairs": 2,
        "attendance": 1,
        "intentions": 1,
    }
    out = io.StringIO()
    call_command("progress_report", "--json", "--year", "2023", stdout=out)
    assert json.loads(out.getvalue())["vacancies"]["fairs"] == 1
