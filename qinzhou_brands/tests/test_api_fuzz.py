"""Schemathesis against the REST API, in process: every operation of /api/schema/ with generated valid and
invalid input, as a county clerk (token auth; `API_FUZZ_ROLE` picks another role). No answer may be a 500,
every answer must be one the schema documents, with the status code, content type and body it describes,
and the server must accept what the schema allows and refuse what it forbids (every schemathesis check).

The schema is read from the WSGI application, which runs in this thread, on the test's own database
connection and inside its transaction (so it sees the rows the fixture made, and every operation starts
from them again); as Django's test client does, the request signals do not close that connection. Two of
three generated ids are replaced by ids of real records of the clerk's area, so the fuzzer reaches the
services and not only 404s.

`API_FUZZ_EXAMPLES` sets the examples per operation (15 by default) and `API_FUZZ_COVERAGE=1` adds the
coverage phase; `bin/api-fuzz` runs both."""

import datetime
import os
from decimal import Decimal

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

from accounts.roles import COUNTY_ROLES, Role
from brands.models import Occupation
from brands.tests.factories import OrganisationFactory
from employment.tests.factories import EmploymentOutcomeFactory, JobReferralFactory
from qinzhou_brands.wsgi import application
from subsidies import services as subsidy_services
from subsidies.tests.factories import BudgetFactory, SubsidyRuleFactory
from training.models import Enrolment, TrainingBatch
from training.tests.factories import EnrolmentFactory, TraineeFactory, TrainingBatchFactory

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "15"))
# Schemathesis' coverage phase (boundary values, every kind of invalid input, other methods) sends about a
# hundred requests per operation: several minutes for the whole API, so it runs in `bin/api-fuzz`.
COVERAGE = os.environ.get("API_FUZZ_COVERAGE", "") == "1"
# Whose token: a county clerk (who writes most) by default; `API_FUZZ_ROLE=city_admin` (or county_reviewer,
# city_viewer) fuzzes as another role.
ROLE = Role(os.environ.get("API_FUZZ_ROLE", Role.COUNTY_CLERK))

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
# Every check, as `st run --checks all` runs them (schemathesis 4: `call_and_validate` without `checks=` runs
# the ones enabled here): no server error; status code, content type, headers and body as documented;
# schema-valid requests accepted (ST202: a refusal by a rule or the data is a 409, not a 400) and
# schema-violating ones refused (ST201); unsupported methods, missing auth … (max_response_time stays off:
# no timed assertions).
schema.config.checks.update(included_check_names=["all"])
schema.config.phases.update(phases=["examples", "coverage", "fuzzing"] if COVERAGE else ["examples", "fuzzing"])


@pytest.fixture
def keep_test_connection():
    """The WSGI handler closes "old" database connections when a request starts and ends, which inside a
    test's transaction would close the test's own connection (PostgreSQL). Django's test client
    disconnects the same receiver around each request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_world(make_staff, area, keep_test_connection):
    """A user of ROLE with a token, and one record of each kind in the clerk's area; what an id maps to."""
    clerk = make_staff(Role.COUNTY_CLERK, area, username="fuzz_clerk")
    user = clerk if ROLE == Role.COUNTY_CLERK else make_staff(ROLE, area if ROLE in COUNTY_ROLES else None)
    token = Token.objects.create(user=user)
    trainee = TraineeFactory()
    batch = TrainingBatchFactory(
        area=area,
        provider=OrganisationFactory(area=area),
        start_date=datetime.date(2024, 3, 1),
        end_date=datetime.date(2024, 3, 20),
        status=TrainingBatch.Status.COMPLETED,
    )
    enrolment = EnrolmentFactory(
        batch=batch,
        trainee=trainee,
        completed=True,
        certificate=Enrolment.Certificate.LEVEL_4,
        certificate_number="Z-1",
    )
    EnrolmentFactory(batch=batch)
    referral = JobReferralFactory(trainee=trainee, area=area)
    outcome = EmploymentOutcomeFactory(trainee=trainee, area=area, start_date=datetime.date(2024, 5, 1))
    rule = SubsidyRuleFactory(amount=Decimal("1500.00"))
    BudgetFactory(area=area)
    draft = subsidy_services.application_create(user=clerk, rule=rule, amount=Decimal("1000.00"), enrolment=enrolment)
    known = {
        "batches": batch.pk,
        "trainees": trainee.pk,
        "enrolments": enrolment.pk,
        "referrals": referral.pk,
        "outcomes": outcome.pk,
        "applications": draft.pk,
        "occupations": batch.occupation_id,
        "areas": area.code,
        "brands": "housekeeping",
        # Ids inside bodies and query strings.
        "batch": batch.pk,
        "trainee": trainee.pk,
        "enrolment": enrolment.pk,
        "occupation": Occupation.objects.get(name="家务服务员").pk,
        "provider": batch.provider_id,
        "employer": batch.provider_id,
        "rule": rule.pk,
        "area": area.code,
    }
    return {"token": token.key, "known": known}


def _known(value, replacement):
    """Two of three generated values become the real record's (deterministic: it depends on the value)."""
    if isinstance(value, bool) or replacement is None:
        return value
    if isinstance(value, int):
        return replacement if value % 3 else value
    if isinstance(value, str):
        return replacement if len(value) % 3 else value
    return value


def _aim(case, known: dict) -> None:
    if case.meta is not None and not case.meta.generation.mode.is_positive:
        return  # a real id in place of the invalid value would make the request valid, and the check wrong
    if case.path_parameters:
        resource = case.operation.path.split("/")[3]
        for name, value in case.path_parameters.items():
            case.path_parameters[name] = _known(value, known.get(resource))
    if isinstance(case.query, dict):
        for name, value in case.query.items():
            if name in known:
                case.query[name] = _known(value, known[name])
    bodies = [case.body] if isinstance(case.body, dict) else []
    if isinstance(case.body, dict) and isinstance(case.body.get("results"), list):
        bodies += [item for item in case.body["results"] if isinstance(item, dict)]
    for body in bodies:
        for name, value in body.items():
            if name in known:
                body[name] = _known(value, known[name])


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_api(case, fuzz_world):
    _aim(case, fuzz_world["known"])
    case.call_and_validate(headers={"Authorization": f"Token {fuzz_world['token']}"})
