"""Evidence files in an S3-compatible object store (DJANGO_FILE_STORAGE=s3, issue 20), against a local
S3 server (moto in server mode) rather than a mock inside this process: the bytes go over HTTP as they would
to the bureau's MinIO. Uploads and downloads go through the pages, behind the same area check."""

import socket
import subprocess
import sys
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import require_service
from qinzhou_brands.storage import default_storage

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
BUCKET = "qinzhou-uploads"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    """moto's S3 server on a free port for this module; its endpoint URL."""
    try:
        import boto3  # noqa: F401
        import moto.server  # noqa: F401
    except ImportError:
        require_service("moto (S3 server)", False, "pip install -r requirements.txt")
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def s3_settings(s3_server, settings, monkeypatch):
    """STORAGES as the environment of a several-host deployment sets it; a fresh, empty bucket."""
    import boto3

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    env = {
        "DJANGO_FILE_STORAGE": "s3",
        "S3_BUCKET": BUCKET,
        "S3_ENDPOINT_URL": s3_server,
        "S3_ACCESS_KEY_ID": "test",
        "S3_SECRET_ACCESS_KEY": "test",
        "S3_REGION": "us-east-1",
    }
    client = boto3.client(
        "s3", endpoint_url=s3_server, aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
    )
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {**settings.STORAGES, "default": default_storage(env)}
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _objects(client) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_evidence_is_kept_in_the_object_store_and_downloaded_behind_the_area_check(
    s3_settings, client, clerk, other_clerk, base_application, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path  # nothing may land on this host's disk
    application = base_application()
    client.force_login(clerk)
    upload = client.post(
        reverse("subsidies:evidence_upload", args=[application.pk]),
        {"file": SimpleUploadedFile("认定文件.pdf", PDF)},
    )
    assert upload.status_code == 302
    evidence = application.evidence.get()
    assert _objects(s3_settings) == [evidence.file.name]
    assert not any(tmp_path.iterdir())
    stored = s3_settings.get_object(Bucket=BUCKET, Key=evidence.file.name)
    assert stored["Body"].read() == PDF

    url = reverse("subsidies:evidence_download", args=[application.pk, evidence.pk])
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]

    client.force_login(other_clerk)
    assert client.get(url).status_code == 404


def test_a_removed_evidence_file_leaves_the_bucket_and_a_missing_object_is_a_404(
    s3_settings, client, clerk, base_application, django_capture_on_commit_callbacks
):
    application = base_application()
    client.force_login(clerk)
    for name in ("认定文件.pdf", "认定文件.pdf"):
        client.post(
            reverse("subsidies:evidence_upload", args=[application.pk]), {"file": SimpleUploadedFile(name, PDF)}
        )
    first, second = application.evidence.order_by("pk")
    assert first.file.name != second.file.name  # the same name twice is two objects, none overwritten
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("subsidies:evidence_remove", args=[application.pk, first.pk]))
    assert response.status_code == 302
    assert _objects(s3_settings) == [second.file.name]

    s3_settings.delete_object(Bucket=BUCKET, Key=second.file.name)  # lost from the store
    response = client.get(reverse("subsidies:evidence_download", args=[application.pk, second.pk]))
    assert response.status_code == 404


def test_the_storage_is_chosen_by_the_environment():
    from django.core.exceptions import ImproperlyConfigured

    assert default_storage({})["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    s3 = default_storage({"DJANGO_FILE_STORAGE": "s3", "S3_BUCKET": "b", "S3_SIGNED_URL_SECONDS": "30"})
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    assert (s3["OPTIONS"]["bucket_name"], s3["OPTIONS"]["querystring_expire"]) == ("b", 30)
    with pytest.raises(ImproperlyConfigured, match="需要设置 S3_BUCKET"):
        default_storage({"DJANGO_FILE_STORAGE": "s3"})
    with pytest.raises(ImproperlyConfigured, match="只能是 filesystem 或 s3"):
        default_storage({"DJANGO_FILE_STORAGE": "nfs"})
