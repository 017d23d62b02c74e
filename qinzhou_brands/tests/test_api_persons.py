"""Records naming a person, read through the API (issue #13): a role that may not export persons may not read
them one id at a time either (403, as for the lists); every list page and every record read by a role that
may is an audit entry; reads by id are throttled with a Chinese 429; subsidy applications show the city
viewer masked names only."""

import datetime
from decimal import Decimal

import pytest

from accounts.models import AuditEntry
from employment.tests.factories import EmploymentOutcomeFactory, JobReferralFactory
from qinzhou_brands.tests.apiclient import api, url
from subsidies import services as subsidy_services
from subsidies.tests.factories import SubsidyRuleFactory
from training.tests.factories import EnrolmentFactory, TraineeFactory, TrainingBatchFactory

pytestmark = pytest.mark.django_db

REFUSED = "您的账号只能查看汇总报表，不能读取人员名单或个人记录。"


@pytest.fixture
def records(area, clerk):
    trainee = TraineeFactory(name="李秀英")
    batch = TrainingBatchFactory(
        area=area, start_date=datetime.date(2024, 3, 1), end_date=datetime.date(2024, 3, 20), status="completed"
    )
    enrolment = EnrolmentFactory(batch=batch, trainee=trainee, completed=True, certificate="level4")
    application = subsidy_services.application_create(
        user=clerk, rule=SubsidyRuleFactory(amount=Decimal("1500.00")), amount=Decimal("1000.00"), enrolment=enrolment
    )
    return {
        "trainee": trainee,
        "enrolment": enrolment,
        "referral": JobReferralFactory(trainee=trainee, area=area),
        "outcome": EmploymentOutcomeFactory(trainee=trainee, area=area, start_date=datetime.date(2024, 5, 1)),
        "application": application,
    }


PERSON_ROUTES = ["trainee", "enrolment", "referral", "outcome"]


@pytest.mark.parametrize("route", PERSON_ROUTES)
def test_the_city_viewer_may_neither_page_through_nor_read_one_person(city_viewer, records, route):
    client = api(city_viewer)
    for response in (client.get(url(f"{route}-list")), client.get(url(f"{route}-detail", records[route].pk))):
        assert response.status_code == 403
        assert response.json() == {"detail": REFUSED}
        assert "李秀英" not in response.content.decode()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("route", PERSON_ROUTES)
def test_each_person_record_read_by_id_is_an_audit_entry(clerk, records, route):
    response = api(clerk).get(url(f"{route}-detail", records[route].pk))
    assert response.status_code == 200
    (entry,) = AuditEntry.objects.all()
    assert (entry.user, entry.action, entry.person_id, entry.person_name) == (
        clerk,
        AuditEntry.Action.EXPORT,
        records["trainee"].pk,
        "李秀英",
    )
    assert entry.subject.startswith("接口读取：")
    assert entry.person_masked_id == records["trainee"].masked_id_number


@pytest.mark.parametrize("route", PERSON_ROUTES)
def test_reading_persons_by_id_is_throttled_with_a_chinese_429(clerk, records, route, settings):
    settings.API_PERSON_DETAIL_RATE = "3/hour"
    client = api(clerk)
    for _ in range(3):
        assert client.get(url(f"{route}-detail", records[route].pk)).status_code == 200
    response = client.get(url(f"{route}-detail", records[route].pk))
    assert response.status_code == 429
    assert response.json()["detail"].startswith("逐条读取个人记录过于频繁，请在 ")
    assert int(response["Retry-After"]) > 0
    assert AuditEntry.objects.count() == 3
    # The lists are audited exports, not throttled.
    assert client.get(url(f"{route}-list")).status_code == 200


def test_the_throttle_counts_each_user_apart(clerk, reviewer, records, settings):
    settings.API_PERSON_DETAIL_RATE = "1/hour"
    assert api(clerk).get(url("trainee-detail", records["trainee"].pk)).status_code == 200
    assert api(clerk).get(url("trainee-detail", records["trainee"].pk)).status_code == 429
    assert api(reviewer).get(url("trainee-detail", records["trainee"].pk)).status_code == 200


def test_the_city_viewer_reads_applications_with_masked_names_and_no_audit_entry(city_viewer, records):
    client = api(city_viewer)
    listed = client.get(url("application-list")).json()["results"][0]
    read = client.get(url("application-detail", records["application"].pk)).json()
    for body in (listed, read):
        assert body["trainee_name"] == "李**"
        assert body["trainee_id_number"] is None
    assert not AuditEntry.objects.exists()


def test_applications_naming_persons_are_audited_for_roles_that_see_the_names(city_admin, records):
    client = api(city_admin)
    listed = client.get(url("application-list")).json()["results"][0]
    read = client.get(url("application-detail", records["application"].pk)).json()
    assert listed["trainee_name"] == read["trainee_name"] == "李秀英"
    assert read["trainee_id_number"] == records["trainee"].masked_id_number
    page, one = AuditEntry.objects.order_by("id")
    assert (page.subject, page.detail) == ("接口读取：补贴申请名单", "个人补贴申请（接口读取），1 行")
    assert (one.person_id, one.subject) == (records["trainee"].pk, f"接口读取：补贴申请 #{records['application'].pk}")
