"""SMS through the console backend and a fake HTTP gateway, the daily digest through Django's e-mail backend,
the message log (masked, city administrator only) and each user's digest preference."""

import json
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.urls import reverse

from brands.tests.factories import OrganisationFactory, RecognitionFactory
from employment.services import referral_create
from inbox.services import digest_send_all
from inbox.tasks import daily_digest
from notices.models import SentMessage
from notices.services import sms_send
from subsidies.models import SubsidyApplication, SubsidyRule
from training.tests.factories import EnrolmentFactory, TrainingBatchFactory

pytestmark = pytest.mark.django_db
PHONE = "13877778000"


@pytest.fixture
def gateway():
    """A local fake SMS gateway: records each request; answers 200 {"id": …}, or 503 when told to."""
    received, state = [], {"status": 200}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"auth": self.headers["Authorization"], "json": json.loads(body)})
            answer = json.dumps({"id": f"msg-{len(received)}"}).encode()
            self.send_response(state["status"])
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{server.server_port}/send", "received": received, "state": state}
    server.shutdown()
    server.server_close()


@pytest.fixture
def http_backend(settings, gateway):
    settings.SMS_BACKEND = "notices.sms.HttpGatewayBackend"
    settings.SMS_GATEWAY_URL = gateway["url"]
    settings.SMS_GATEWAY_KEY = "test-key"
    settings.SMS_GATEWAY_SIGNATURE = "【钦州人社】"
    return gateway


def test_an_sms_through_the_fake_gateway_is_sent_and_recorded_masked(http_backend):
    message = sms_send(phone="138 7777 8000", text="您好，测试短信。", kind="test")
    assert http_backend["received"] == [
        {"auth": "Bearer test-key", "json": {"phone": PHONE, "text": "您好，测试短信。", "signature": "【钦州人社】"}}
    ]
    message.refresh_from_db()
    assert (message.channel, message.recipient, message.result, message.detail) == (
        "sms",
        "138****8000",
        "sent",
        "msg-1",
    )
    assert PHONE not in json.dumps(list(SentMessage.objects.values()), default=str)


def test_a_gateway_refusal_is_recorded_as_failed_with_the_reason(http_backend):
    http_backend["state"]["status"] = 503
    message = sms_send(phone=PHONE, text="测试", kind="test")
    assert message.result == "failed"
    assert message.detail == "短信网关拒绝了该短信（HTTP 503）。"


def test_an_unreachable_gateway_is_recorded_as_failed(settings):
    settings.SMS_BACKEND = "notices.sms.HttpGatewayBackend"
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/send"  # discard port: nothing listens
    settings.SMS_GATEWAY_KEY = "k"
    assert sms_send(phone=PHONE, text="测试", kind="test").detail == "短信网关连接不上，短信未发送。"


def test_nothing_is_sent_without_a_configured_backend(settings):
    settings.SMS_BACKEND = ""
    assert sms_send(phone=PHONE, text="测试", kind="test") is None
    settings.SMS_BACKEND = "notices.sms.HttpGatewayBackend"
    settings.SMS_GATEWAY_URL = ""  # the gateway chosen but not configured
    assert sms_send(phone=PHONE, text="测试", kind="test") is None
    assert not SentMessage.objects.exists()


def test_the_console_backend_is_the_default_and_logs_the_masked_number(caplog):
    with caplog.at_level("INFO", logger="notices.sms"):
        message = sms_send(phone=PHONE, text="测试", kind="test")
    assert message.backend == "notices.sms.ConsoleBackend" and message.result == "sent"
    assert "138****8000" in caplog.text and PHONE not in caplog.text


def test_a_recorded_referral_texts_the_trainee_through_the_gateway(
    http_backend, clerk, area, django_capture_on_commit_callbacks
):
    enrolment = EnrolmentFactory(batch=TrainingBatchFactory(area=area))
    enrolment.trainee.phone = PHONE
    enrolment.trainee.save(update_fields=["phone"])
    with django_capture_on_commit_callbacks(execute=True):
        referral_create(
            user=clerk,
            trainee=enrolment.trainee,
            referred_on=enrolment.batch.end_date,
            position="育婴员",
            channel="job_fair",
            employer_name="钦州市好家政公司",
        )
    [request] = http_backend["received"]
    assert request["json"]["phone"] == PHONE
    assert "钦州市好家政公司的“育婴员”岗位" in request["json"]["text"]
    log = SentMessage.objects.get(kind="referral_notice")
    assert log.recipient == "138****8000" and enrolment.trainee.name not in log.body


def _returned_application(area):
    rule = SubsidyRule.objects.get(kind="training_base", level="city")
    recognition = RecognitionFactory(organisation=OrganisationFactory(area=area), kind="training_base", level="city")
    SubsidyApplication.objects.create(
        rule=rule,
        kind=rule.kind,
        area=area,
        organisation=recognition.organisation,
        recognition=recognition,
        amount=Decimal("1000.00"),
        status=SubsidyApplication.Status.RETURNED,
    )


def test_the_daily_digest_is_e_mailed_and_recorded_unless_turned_off(client, clerk, other_clerk, area, settings):
    settings.SITE_URL = "https://jy.example.gov.cn"
    clerk.email, other_clerk.email = "clerk@example.gov.cn", "other@example.gov.cn"
    clerk.save(update_fields=["email"])
    other_clerk.save(update_fields=["email"])
    _returned_application(area)

    counts = daily_digest.delay().get()

    assert counts["sent"] >= 1
    [message] = [m for m in mail.outbox if m.to == ["clerk@example.gov.cn"]]
    assert "待办" in message.subject
    assert "补贴申请退回修改：1 件" in message.body
    assert "https://jy.example.gov.cn/subsidies/?status=returned" in message.body
    log = SentMessage.objects.get(kind="daily_digest", user=clerk)
    assert (log.channel, log.recipient, log.result) == ("email", "c***@example.gov.cn", "sent")

    client.force_login(clerk)
    answer = client.post(reverse("notices:preferences"), {}, follow=True)  # the box unticked
    assert "通知设置已保存" in answer.content.decode()
    mail.outbox.clear()
    digest_send_all(base_url="https://jy.example.gov.cn")
    assert not [m for m in mail.outbox if m.to == ["clerk@example.gov.cn"]]


def test_the_message_log_is_the_city_administrators_and_shows_masked_recipients(client, city_admin, clerk):
    sms_send(phone=PHONE, text="测试短信", kind="referral_notice")
    client.force_login(city_admin)
    page = client.get(reverse("notices:message_log"), {"channel": "sms"}).content.decode()
    assert "138****8000" in page and "测试短信" in page and PHONE not in page
    assert client.get(reverse("notices:message_log"), {"channel": "fax"}).status_code == 200  # bad filter: all
    client.force_login(clerk)
    assert client.get(reverse("notices:message_log")).status_code == 403


@pytest.mark.parametrize("messages", [1, 30])
def test_the_message_log_query_count_does_not_grow_with_the_rows(
    client, city_admin, messages, django_assert_max_num_queries
):
    for number in range(messages):
        sms_send(phone=f"1387777{number:04d}", text="测试短信", kind="referral_notice")
    client.force_login(city_admin)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("notices:message_log")).content.decode()
    assert page.count("138****") == messages
