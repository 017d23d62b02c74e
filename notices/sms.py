"""SMS backends: `settings.SMS_BACKEND` names one by dotted path (empty: none, and nothing is sent).

A backend has `send(phone, text) -> str` (the gateway's message id or a note) and raises `SmsError` with a
Chinese reason when the message was not accepted. The console backend (the default) only writes the message to
the log; the HTTP gateway backend is the template for the bureau's SMS provider, configured by environment."""

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from core.masking import mask_phone

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """The message was not accepted; the text says why, in Chinese."""


class ConsoleBackend:
    """Writes the message to the log (development, and an installation without an SMS provider yet)."""

    name = "console"

    def send(self, phone: str, text: str) -> str:
        logger.info("短信（未实际发送）至 %s：%s", mask_phone(phone), text)
        return "已写入日志"


class HttpGatewayBackend:
    """POSTs `{"phone", "text", "signature"}` as JSON to SMS_GATEWAY_URL with `Authorization: Bearer SMS_GATEWAY_KEY`;
    the gateway answers 2xx with `{"id": …}`. Adapt `payload`/`message_id` to the provider's own API."""

    name = "http"

    def __init__(self):
        self.url = settings.SMS_GATEWAY_URL
        self.key = settings.SMS_GATEWAY_KEY
        self.signature = settings.SMS_GATEWAY_SIGNATURE
        self.timeout = settings.SMS_GATEWAY_TIMEOUT
        if not self.url or not self.key:
            raise ImproperlyConfigured("短信网关未配置：请设置 SMS_GATEWAY_URL 与 SMS_GATEWAY_KEY。")

    def payload(self, phone: str, text: str) -> dict:
        return {"phone": phone, "text": text, "signature": self.signature}

    def message_id(self, answer: dict) -> str:
        return str(answer.get("id", ""))

    def send(self, phone: str, text: str) -> str:
        request = urllib.request.Request(
            self.url,
            data=json.dumps(self.payload(phone, text), ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json; charset=utf-8", "Authorization": f"Bearer {self.key}"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as error:
            raise SmsError(f"短信网关拒绝了该短信（HTTP {error.code}）。") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise SmsError("短信网关连接不上，短信未发送。") from error
        try:
            answer = json.loads(body or b"{}")
        except ValueError as error:
            raise SmsError("短信网关的应答无法识别，短信可能未发送。") from error
        return self.message_id(answer if isinstance(answer, dict) else {})


def sms_backend():
    """The configured backend, or None when SMS_BACKEND is empty (then nothing is sent)."""
    path = settings.SMS_BACKEND
    return import_string(path)() if path else None
