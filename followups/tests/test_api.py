"""/api/v1/follow-ups/: recorded through the service, listed in the user's scope, 404 for another area."""

import datetime

import pytest

from employment.tests.factories import EmploymentOutcomeFactory
from qinzhou_brands.tests.apiclient import api, url

from ..models import FollowUp
from .factories import FollowUpFactory

pytestmark = pytest.mark.django_db
START = datetime.date(2025, 1, 10)


def test_a_clerk_records_a_follow_up(clerk, area):
    outcome = EmploymentOutcomeFactory(area=area, start_date=START)
    payload = {
        "outcome": outcome.pk,
        "months": 3,
        "followed_on": "2025-04-15",
        "reached": True,
        "employment": "other",
        "wage_band": "4000",
        "contract_signed": True,
        "social_insurance": False,
    }
    response = api(clerk).post(url("follow-up-list"), payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["due_on"] == "2025-04-10" and body["employment"] == "other"
    assert "*" in body["trainee_id_number"]
    again = api(clerk).post(url("follow-up-list"), payload, format="json")
    assert again.status_code == 409  # a rule of the service, not of the schema
    assert "不能重复登记" in str(again.json())
    assert FollowUp.objects.count() == 1


def test_a_point_outside_the_schedule_is_refused_in_chinese(clerk, area):
    outcome = EmploymentOutcomeFactory(area=area, start_date=START)
    payload = {"outcome": outcome.pk, "months": 2, "followed_on": "2025-04-15", "reached": False}
    response = api(clerk).post(url("follow-up-list"), payload, format="json")
    assert response.status_code == 409
    assert "跟踪节点只能是第 1、3、6、12 个月" in str(response.json())


def test_another_areas_follow_ups_are_not_found(other_clerk, clerk, area):
    follow_up = FollowUpFactory(outcome=EmploymentOutcomeFactory(area=area, start_date=START))
    assert api(other_clerk).get(url("follow-up-detail", follow_up.pk)).status_code == 404
    assert api(other_clerk).get(url("follow-up-list")).json()["count"] == 0
    assert api(clerk).get(url("follow-up-list")).json()["count"] == 1
    refused = api(other_clerk).post(
        url("follow-up-list"),
        {"outcome": follow_up.outcome_id, "months": 3, "followed_on": "2025-04-15", "reached": False},
        format="json",
    )
    assert refused.status_code == 409  # the outcome "does not exist" for another area
    assert FollowUp.objects.count() == 1


@pytest.mark.parametrize("rows", [1, 20])
def test_the_list_query_count_does_not_grow(clerk, area, rows, django_assert_max_num_queries):
    for _ in range(rows):
        FollowUpFactory(outcome=EmploymentOutcomeFactory(area=area, start_date=START))
    client = api(clerk)
    with django_assert_max_num_queries(8):
        response = client.get(url("follow-up-list"))
    assert response.json()["count"] == rows
