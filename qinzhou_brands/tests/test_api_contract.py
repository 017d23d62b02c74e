"""The schema declares what the server enforces, and the server refuses what the schema forbids (issue #13:
schemathesis with every check, qinzhou_brands/tests/test_api_fuzz.py). 400 means the request breaks the
schema; 409 that it is well formed but a rule or the stored data refuses it."""

from decimal import Decimal

import pytest

from qinzhou_brands.tests.apiclient import api, url
from subsidies import services
from subsidies.tests.factories import SubsidyRuleFactory
from training.tests.factories import EnrolmentFactory, TrainingBatchFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    return client.get("/api/schema/", {"format": "json"}).json()


def test_every_write_documents_its_409_and_every_read_by_id_of_a_person_its_429(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method in ("post", "put", "patch"):
                assert "409" in operation["responses"], (method, path)
    assert "429" in schema["paths"]["/api/v1/trainees/{id}/"]["get"]["responses"]
    assert "429" not in schema["paths"]["/api/v1/trainees/"]["get"]["responses"]


def test_the_schema_says_what_pagination_filters_and_amounts_accept(schema):
    parameters = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/trainees/"]["get"]["parameters"]}
    assert (parameters["page_size"]["minimum"], parameters["page_size"]["maximum"]) == (1, 500)
    assert parameters["page"]["minimum"] == 1
    assert parameters["name"]["minLength"] == 1 and "pattern" in parameters["name"]
    amount = schema["components"]["schemas"]["ApplicationCreateRequest"]["properties"]["amount"]
    assert (amount["type"], amount["pattern"]) == ("string", "^[0-9]{1,10}(\\.[0-9]{1,2})?$")
    reason = schema["components"]["schemas"]["ReasonRequest"]["properties"]["reason"]
    assert reason["pattern"] == "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"


@pytest.mark.parametrize(
    "query",
    [{"page_size": "0"}, {"page_size": "501"}, {"year": ""}, {"year": "1999"}, {"area": ""}, {"completed": "yes"}],
)
def test_query_values_the_schema_forbids_are_a_400(clerk, query):
    response = api(clerk).get(url("enrolment-list"), query)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(query)


@pytest.fixture
def draft(clerk, area):
    batch = TrainingBatchFactory(area=area, status="completed")
    enrolment = EnrolmentFactory(batch=batch, completed=True, certificate="level4")
    rule = SubsidyRuleFactory(amount=Decimal("1500.00"))
    return services.application_create(user=clerk, rule=rule, amount=Decimal("1000.00"), enrolment=enrolment)


@pytest.mark.parametrize("amount", ["", "-1", "1e3", "1.001", 1500, "12345678901"])
def test_an_amount_the_schema_forbids_is_a_400(clerk, draft, amount):
    response = api(clerk).patch(url("application-detail", draft.pk), {"amount": amount}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["amount"]


def test_an_amount_the_rule_refuses_is_a_409(clerk, draft):
    response = api(clerk).patch(url("application-detail", draft.pk), {"amount": "1500.01"}, format="json")
    assert response.status_code == 409


@pytest.mark.parametrize("action", ["approve", "review", "pay", "return"])
def test_a_step_the_applications_state_does_not_allow_is_a_409(city_admin, draft, action):
    payload = {"paid_on": "2024-01-01", "voucher_number": "P-1", "reason": "补正"}
    response = api(city_admin).post(url(f"application-{action}", draft.pk), payload, format="json")
    assert response.status_code == 409
    assert response.json()["detail"].startswith("申请当前状态为“草稿”，不能")
