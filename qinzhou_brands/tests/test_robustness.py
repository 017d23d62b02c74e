"""Bad request input (issue #13) answers a Chinese 400 or 413, JSON under /api/, never a 500: control
characters in query strings and forms (PostgreSQL refuses NUL), impossible admin date filters, deeply nested
JSON, over-large bodies."""

import json

import pytest
from django.urls import reverse

from qinzhou_brands.tests.apiclient import api, url
from training.tests.factories import TrainingBatchFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["%00", "a%00b", "%01", "%1F", "%7F"])
def test_control_characters_in_a_query_string_are_a_chinese_400_on_pages(clerk_client, value):
    response = clerk_client.get(f"/training/batches/?q={value}")
    assert response.status_code == 400
    assert "含有不可见的控制字符" in response.content.decode()


def test_control_characters_in_an_api_query_string_are_a_json_400(clerk):
    response = api(clerk).get(url("trainee-list") + "?name=%00")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "“name”中含有不可见的控制字符（如 NUL），请删除后重新提交。",
        "errors": {"name": ["“name”中含有不可见的控制字符（如 NUL），请删除后重新提交。"]},
    }


def test_tabs_and_line_breaks_are_ordinary_input(clerk_client):
    assert clerk_client.get("/training/batches/?q=%09a%0D%0A").status_code == 200


def test_a_nul_in_a_posted_form_is_a_400(client, clerk):
    response = client.post(reverse("login"), {"username": "clerk\x00", "password": "x"})
    assert response.status_code == 400
    assert "“username”中含有不可见的控制字符" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "start_date__year=99999999",
        "start_date__year=9999&start_date__month=12",
        "start_date__year=9999&start_date__month=12&start_date__day=31",
        "start_date__year=99999999999999999999999",
        "start_date__year=2024&start_date__month=13",
        "start_date__year=-1",
    ],
)
def test_impossible_admin_date_filters_are_a_chinese_400(admin_client_city, query):
    response = admin_client_city.get(f"/admin/training/trainingbatch/?{query}")
    assert response.status_code == 400
    assert "日期筛选条件“start_date__" in response.content.decode()


def test_a_possible_admin_date_filter_still_works(admin_client_city):
    query = "start_date__year=2024&start_date__month=12&start_date__day=31"
    assert admin_client_city.get(f"/admin/training/trainingbatch/?{query}").status_code == 200


@pytest.mark.parametrize("depth", [33, 100_000])
def test_deeply_nested_json_is_a_chinese_json_400(clerk, depth):
    body = "[" * depth + "]" * depth
    response = api(clerk).generic("POST", url("batch-list"), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == "JSON 嵌套层数过多（最多 32 层）。"


def test_a_body_over_the_limit_is_a_chinese_json_413_on_the_api(clerk, settings):
    body = json.dumps({"name": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024 * 1024)})  # 23 MB
    response = api(clerk).generic("POST", url("batch-list"), body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert (
        response.json()["detail"]
        == "提交的内容过大（上限 22 MB），请精简内容或拆分后分批提交；上传文件请不超过 20 MB。"
    )


def test_every_upload_limit_states_the_same_figure():
    """Findings (walk 2026-12): the 413 message said 10 MB where rosters and evidence take 20 MB."""
    from django.conf import settings

    from core.spreadsheets import MAX_UPLOAD_BYTES, upload_too_large
    from subsidies.services import EVIDENCE_MAX_BYTES

    assert MAX_UPLOAD_BYTES == EVIDENCE_MAX_BYTES == settings.UPLOAD_MAX_BYTES == 20 * 1024 * 1024
    assert upload_too_large(MAX_UPLOAD_BYTES + 1).startswith("文件超过 20 MB")


def test_a_form_over_the_limit_is_a_chinese_413_page(clerk_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = clerk_client.post("/training/batches/new/", {"name": "x" * 4096})
    assert response.status_code == 413
    assert "提交的内容过大" in response.content.decode()


BROKEN_MULTIPART = b'--xyz\r\nContent-Disposition: form-data; name="file"\r\n\r\nabc\r\n--xyz--\r\n'


def test_a_broken_multipart_body_is_a_400_on_the_pages(clerk_client):
    # No boundary in the content type: Django's parser raises MultiPartParserError.
    response = clerk_client.generic("POST", "/training/batches/new/", BROKEN_MULTIPART, "multipart/form-data")
    assert response.status_code == 400
    assert "提交的表单内容无法解析" in response.content.decode()


def test_a_broken_multipart_body_is_a_json_400_on_the_api(clerk):
    batch = TrainingBatchFactory(area=clerk.staff_profile.area)
    response = api(clerk).generic("POST", url("batch-roster", batch.pk), BROKEN_MULTIPART, "multipart/form-data")
    assert (response.status_code, response["Content-Type"]) == (400, "application/json")
    assert response.json()["detail"].startswith("请求内容无法解析")


def test_api_bodies_are_left_to_the_parsers_and_serializers(clerk):
    client = api(clerk)
    response = client.post(url("batch-list"), {"name": "一期\x00"}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["errors"]
    # A form sent to a JSON endpoint is still refused as such, not read as an empty body.
    assert client.post(url("batch-list"), {"name": "一期"}, format="multipart").status_code == 415


def test_a_multipart_body_over_the_limit_is_a_chinese_json_413_on_the_api(clerk, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    batch = TrainingBatchFactory(area=clerk.staff_profile.area)
    response = api(clerk).post(url("batch-roster", batch.pk), {"dry_run": "x" * 4096}, format="multipart")
    assert (response.status_code, response["Content-Type"]) == (413, "application/json")
    assert response.json()["detail"].startswith("提交的内容过大")
