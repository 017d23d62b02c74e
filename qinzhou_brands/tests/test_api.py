"""What the whole API shares: a valid OpenAPI schema with no generator warnings, Swagger UI and Redoc with
their assets served from this site, authentication, and one JSON error format."""

import re
from io import StringIO

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.validation import validate_schema
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from qinzhou_brands.tests.apiclient import api

pytestmark = pytest.mark.django_db


def test_the_schema_is_valid_openapi_with_a_chinese_title(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "钦州市“八桂系列”劳务品牌管理系统 API"
    assert "drf_create_token" in schema["info"]["description"]
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])


def test_the_schema_documents_every_endpoint_and_its_errors(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    paths = set(schema["paths"])
    assert {
        "/api/v1/areas/",
        "/api/v1/brands/",
        "/api/v1/occupations/",
        "/api/v1/batches/",
        "/api/v1/batches/{id}/",
        "/api/v1/batches/{id}/roster/",
        "/api/v1/batches/{id}/results/",
        "/api/v1/trainees/",
        "/api/v1/enrolments/{id}/",
        "/api/v1/referrals/",
        "/api/v1/outcomes/",
        "/api/v1/applications/",
        "/api/v1/applications/{id}/transitions/",
        "/api/v1/applications/{id}/approve/",
        "/api/v1/applications/{id}/return/",
        "/api/v1/progress/",
    } <= paths
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {"400", "401", "403", "404"} <= set(operation["responses"]), (method, path)
    progress = schema["paths"]["/api/v1/progress/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert progress["schema"] == {"$ref": "#/components/schemas/Progress"}


def test_the_schema_generates_without_warnings(tmp_path):
    # `--fail-on-warn` turns any generator warning (an undocumented type, an enum clash) into an error.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "/api/v1/batches/" in (tmp_path / "schema.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("page", "asset"),
    [
        ("/api/docs/", "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"),
        ("/api/redoc/", "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"),
    ],
)
def test_the_documentation_pages_load_their_assets_from_this_site(client, page, asset):
    response = client.get(page)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"/static/{asset}" in html
    # No script or stylesheet from a CDN. Only the addresses are looked at: the page's CSRF token is random
    # text, in which "cdn" appears now and then.
    addresses = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", html)
    assert addresses and not [address for address in addresses if "cdn" in address.lower()]
    assert finders.find(asset)


def test_a_token_from_drf_create_token_authenticates(clerk):
    out = StringIO()
    call_command("drf_create_token", clerk.username, stdout=out)
    key = Token.objects.get(user=clerk).key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/areas/").status_code == 200


def test_anonymous_and_bad_tokens_are_401_in_json():
    response = api().get("/api/v1/trainees/")
    assert (response.status_code, response["WWW-Authenticate"]) == (401, "Token")
    assert response.json() == {"detail": "身份认证信息未提供。"}
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get("/api/v1/trainees/").json() == {"detail": "认证令牌无效。"}


def test_a_user_without_a_role_is_refused(django_user_model):
    user = django_user_model.objects.create_user(username="no_role", password="Xx-no-role-2025")
    response = api(user).get("/api/v1/batches/")
    assert response.status_code == 403
    assert response.json() == {"detail": "您没有执行该操作的权限。"}


def test_unknown_addresses_and_methods_answer_json(clerk):
    client = api(clerk)
    response = client.get("/api/v1/no-such-thing/1/")
    assert (response.status_code, response.json()) == (404, {"detail": "未找到。"})
    response = client.delete("/api/v1/batches/")
    assert response.status_code == 405
    assert response.json() == {"detail": "方法 “DELETE” 不被允许。"}
    assert client.options("/api/v1/batches/").status_code == 405


def test_malformed_json_is_a_400(clerk):
    response = api(clerk).generic("POST", "/api/v1/batches/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("请求内容无法解析，请检查格式（JSON parse error")
