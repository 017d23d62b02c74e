"""Errors reach the bureau (ADMINS e-mail, Sentry, JSON logs) without the personal data of the request."""

import json
import logging

import pytest
import sentry_sdk
from django.core import mail
from django.urls import path
from sentry_sdk.transport import Transport

from qinzhou_brands.error_reporting import sentry_init
from qinzhou_brands.log_filters import JsonFormatter


def failing_view(request):
    """Holds the person in a local variable and names the numbers in its error, as a careless view could."""
    trainee = {"name": request.POST.get("name"), "id_number": request.POST.get("id_number")}  # noqa: F841 - a local
    raise RuntimeError(f"无法保存学员 {request.POST.get('id_number')}，电话 {request.POST.get('phone')}")


urlpatterns = [path("boom/", failing_view)]
# Far enough from the view that the source lines an error report quotes around it do not include them.


ID_NUMBER, NAME, PHONE = "450702199001011234", "韦小宝", "13807771234"
FORM = {"name": NAME, "id_number": ID_NUMBER, "phone": PHONE}


def leaks(text: str) -> list[str]:
    return [value for value in (ID_NUMBER, NAME, PHONE) if value in text]


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_a_500_is_mailed_to_the_admins_without_the_persons_data(client, settings):
    settings.DEBUG = False
    settings.ADMINS = [("运维", "ops@example.cn")]
    client.raise_request_exception = False
    response = client.post(f"/boom/?q={NAME}", FORM)
    assert response.status_code == 500
    (message,) = mail.outbox
    assert message.to == ["ops@example.cn"]
    assert "RuntimeError" in message.body and "/boom/" in message.subject
    assert "450702********1234" in message.body  # the exception's message, masked
    assert leaks(message.subject + message.body) == []


class CapturingTransport(Transport):
    """Sentry's transport replaced: the envelopes are kept here instead of being sent."""

    envelopes: list = []

    def capture_envelope(self, envelope):
        CapturingTransport.envelopes.append(envelope)


@pytest.fixture
def sentry():
    CapturingTransport.envelopes = []
    sentry_init(dsn="https://public@sentry.example.invalid/1", environment="test", transport=CapturingTransport)
    yield CapturingTransport.envelopes
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)


def sent_events(envelopes) -> list[dict]:
    sentry_sdk.flush()
    return [item.payload.json for envelope in envelopes for item in envelope.items if item.type == "event"]


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_sentry_receives_the_error_but_no_id_number_name_or_phone(client, clerk, sentry):
    client.force_login(clerk)
    client.raise_request_exception = False
    logging.getLogger("training").info("导入 %s 的花名册", NAME)  # a breadcrumb with an argument
    response = client.post(f"/boom/?q={NAME}&mobile={PHONE}", FORM, HTTP_COOKIE="sessionid=abc")
    assert response.status_code == 500
    (event,) = sent_events(sentry)
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert "450702********1234" in event["exception"]["values"][-1]["value"]
    assert "boom" in event["transaction"]  # which page failed
    assert event.get("user", {}).keys() <= {"id"}
    assert leaks(json.dumps(event, ensure_ascii=False)) == []


def test_json_log_lines_are_one_object_each_with_the_request(rf):
    request = rf.get("/training/batches/7/")
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", ("/x",), None)
    record.status_code, record.request = 500, request
    line = JsonFormatter().format(record)
    assert json.loads(line) | {"time": ""} == {
        "time": "",
        "level": "ERROR",
        "logger": "django.request",
        "message": "Internal Server Error: /x",
        "status": 500,
        "method": "GET",
        "path": "/training/batches/7/",
    }
