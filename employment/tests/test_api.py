"""Referrals and outcomes through the API: recorded by the services (so the dashboard's summary rows follow),
listed in the user's scope, the trainee's ID number masked in every answer."""

import datetime

import pytest

from employment.models import EmploymentOutcome, JobReferral
from employment.selectors import job_tallies, referral_tally
from qinzhou_brands.tests.apiclient import api, url
from training.models import TrainingBatch
from training.tests.factories import EnrolmentFactory, TraineeFactory, TrainingBatchFactory

from .factories import EmploymentOutcomeFactory, JobReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainee(area):
    """A person who completed a 2024 brand batch in the clerk's area."""
    person = TraineeFactory(name="黄丽")
    batch = TrainingBatchFactory(
        area=area,
        start_date=datetime.date(2024, 3, 1),
        end_date=datetime.date(2024, 3, 20),
        status=TrainingBatch.Status.COMPLETED,
    )
    EnrolmentFactory(trainee=person, batch=batch, completed=True)
    return person


@pytest.fixture
def stranger(other_area):
    """A person who trained only in another area."""
    person = TraineeFactory(name="覃强")
    EnrolmentFactory(trainee=person, batch=TrainingBatchFactory(area=other_area), completed=True)
    return person


def referral_payload(trainee, **changes) -> dict:
    return {
        "trainee": trainee.pk,
        "employer_name": "钦州某家政公司",
        "position": "育婴员",
        "referred_on": "2024-04-01",
        "channel": "job_fair",
        **changes,
    }


def outcome_payload(trainee, **changes) -> dict:
    return {
        "trainee": trainee.pk,
        "kind": "employed",
        "start_date": "2024-05-01",
        "employer_name": "钦州某家政公司",
        "contract_signed": True,
        **changes,
    }


# --- referrals ------------------------------------------------------------------------------------


def test_a_clerk_records_referrals_and_the_three_referral_rule_counts_them(clerk, area, trainee):
    client = api(clerk)
    for day in (1, 2, 3):
        response = client.post(
            url("referral-list"), referral_payload(trainee, referred_on=f"2024-04-0{day}"), format="json"
        )
        assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["area"], body["trainee_name"], body["employer_label"]) == ("450702", "黄丽", "钦州某家政公司")
    assert body["trainee_id_number"] == trainee.masked_id_number
    assert trainee.id_number not in response.content.decode()
    assert JobReferral.objects.filter(trainee=trainee, created_by=clerk).count() == 3
    assert referral_tally(area=area) == {"trainees": 1, "with_3_or_more": 1, "rate": 1.0}


def test_a_referral_for_someone_outside_the_area_is_refused(clerk, stranger):
    response = api(clerk).post(url("referral-list"), referral_payload(stranger), format="json")
    assert response.status_code == 409
    assert "trainee" in response.json()["errors"]
    assert not JobReferral.objects.exists()


def test_a_clerk_cannot_record_for_another_area(clerk, trainee):
    response = api(clerk).post(url("referral-list"), referral_payload(trainee, area="450703"), format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "只能在本辖区（钦南区）登记。"}


def test_the_city_administrator_must_name_the_area(city_admin, trainee):
    client = api(city_admin)
    response = client.post(url("referral-list"), referral_payload(trainee), format="json")
    assert response.status_code == 409
    assert response.json()["detail"] == "请选择登记地区。"
    response = client.post(url("referral-list"), referral_payload(trainee, area="450702"), format="json")
    assert response.status_code == 201
    assert response.json()["area"] == "450702"


def test_a_referral_in_the_future_is_refused_with_the_services_message(clerk, trainee):
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    response = api(clerk).post(url("referral-list"), referral_payload(trainee, referred_on=tomorrow), format="json")
    assert response.status_code == 409
    assert response.json()["detail"] == "推荐日期不能晚于今天。"


def test_an_employer_is_required(clerk, trainee):
    response = api(clerk).post(url("referral-list"), referral_payload(trainee, employer_name=""), format="json")
    assert response.status_code == 409
    assert "请选择或填写用人单位。" in response.json()["detail"]


@pytest.mark.parametrize("role", ["reviewer", "city_viewer"])
def test_read_only_roles_do_not_record_referrals(request, role, trainee):
    JobReferralFactory(trainee=trainee)
    client = api(request.getfixturevalue(role))
    # The county reviewer may page through the area's referrals; the city viewer may not (an export of persons).
    assert client.get(url("referral-list")).status_code == (200 if role == "reviewer" else 403)
    assert client.post(url("referral-list"), referral_payload(trainee, area="450702"), format="json").status_code == 403


def test_referrals_are_listed_in_scope_and_filtered_by_trainee(clerk, other_area, trainee, stranger):
    mine = JobReferralFactory(trainee=trainee)
    JobReferralFactory(trainee=TraineeFactory())
    JobReferralFactory(trainee=stranger, area=other_area)
    client = api(clerk)
    response = client.get(url("referral-list"))
    assert response.json()["count"] == 2
    assert trainee.id_number not in response.content.decode()
    assert trainee.masked_id_number in response.content.decode()
    body = client.get(url("referral-list"), {"trainee": trainee.pk}).json()
    assert [row["id"] for row in body["results"]] == [mine.pk]
    assert client.get(url("referral-list"), {"trainee": "x"}).status_code == 400


def test_another_areas_referral_is_not_found(other_clerk, trainee):
    referral = JobReferralFactory(trainee=trainee)
    assert api(other_clerk).get(url("referral-detail", referral.pk)).status_code == 404
    assert api(other_clerk).get(url("referral-list")).json()["count"] == 0


@pytest.mark.parametrize("rows", [1, 20])
def test_the_referral_list_query_count_does_not_grow(clerk, rows, django_assert_max_num_queries):
    JobReferralFactory.create_batch(rows)
    client = api(clerk)
    with django_assert_max_num_queries(8):  # with the audit entry of the read
        response = client.get(url("referral-list"))
    assert response.json()["count"] == rows


# --- outcomes -------------------------------------------------------------------------------------


def test_a_clerk_records_an_outcome_and_it_counts_as_a_job(clerk, area, trainee):
    response = api(clerk).post(url("outcome-list"), outcome_payload(trainee), format="json")
    assert response.status_code == 201, response.json()
    outcome = EmploymentOutcome.objects.get()
    body = response.json()
    assert body["counted_batch"] == outcome.counted_batch_id is not None
    assert body["trainee_id_number"] == trainee.masked_id_number
    assert trainee.id_number not in response.content.decode()
    assert sum(job_tallies(area=area)[0].values()) == 1


def test_only_the_fields_of_the_outcomes_kind_are_kept(clerk, trainee):
    payload = outcome_payload(trainee, kind="flexible", work_kind="网约配送", business_name="不该保存")
    response = api(clerk).post(url("outcome-list"), payload, format="json")
    assert response.status_code == 201
    assert (response.json()["work_kind"], response.json()["business_name"], response.json()["employer_name"]) == (
        "网约配送",
        "",
        "",
    )


def test_an_entrepreneurship_outcome_needs_its_business(clerk, trainee):
    response = api(clerk).post(url("outcome-list"), outcome_payload(trainee, kind="entrepreneurship"), format="json")
    assert response.status_code == 409
    assert "创业结果请填写创办实体名称。" in response.json()["detail"]


def test_a_bad_business_code_is_refused(clerk, trainee):
    payload = outcome_payload(trainee, kind="entrepreneurship", business_name="米粉店", business_uscc="123")
    response = api(clerk).post(url("outcome-list"), payload, format="json")
    assert response.status_code == 409
    assert "business_uscc" in response.json()["errors"]


def test_another_areas_outcome_is_not_found(other_clerk, trainee):
    outcome = EmploymentOutcomeFactory(trainee=trainee)
    assert api(other_clerk).get(url("outcome-detail", outcome.pk)).status_code == 404


def test_outcomes_filter_by_kind(city_admin, trainee):
    EmploymentOutcomeFactory(trainee=trainee)
    flexible = EmploymentOutcomeFactory(trainee=trainee, kind=EmploymentOutcome.Kind.FLEXIBLE)
    body = api(city_admin).get(url("outcome-list"), {"kind": "flexible"}).json()
    assert [row["id"] for row in body["results"]] == [flexible.pk]


@pytest.mark.parametrize("rows", [1, 20])
def test_the_outcome_list_query_count_does_not_grow(clerk, rows, django_assert_max_num_queries):
    EmploymentOutcomeFactory.create_batch(rows)
    client = api(clerk)
    with django_assert_max_num_queries(8):  # with the audit entry of the read
        response = client.get(url("outcome-list"))
    assert response.json()["count"] == rows
