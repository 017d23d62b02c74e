"""Where uploaded files (subsidy evidence) live, chosen by the environment (issue 20).

DJANGO_FILE_STORAGE=filesystem (the default): MEDIA_ROOT on this host's disk; one host only, or a shared
mount. DJANGO_FILE_STORAGE=s3: an S3-compatible object store (the bureau's private cloud, a MinIO) through
django-storages, so every gunicorn host reads what another received. The bucket is private: downloads are
streamed by the application after its area check (subsidies.views.evidence_download), never linked.
Imports keep their files in the database (core.imports.models.ImportRecord.content) and need neither."""

from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

FILESYSTEM = {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def s3_storage(env: Mapping[str, str]) -> dict:
    """The STORAGES entry of an S3-compatible store from S3_* variables."""
    bucket = env.get("S3_BUCKET", "").strip()
    if not bucket:
        raise ImproperlyConfigured("DJANGO_FILE_STORAGE=s3 需要设置 S3_BUCKET（存放上传文件的存储桶名称）。")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": env.get("S3_ENDPOINT_URL") or None,  # empty: AWS itself
            "access_key": env.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": env.get("S3_SECRET_ACCESS_KEY") or None,
            "region_name": env.get("S3_REGION") or None,
            # MinIO and most private clouds address buckets by path, not by host name.
            "addressing_style": env.get("S3_ADDRESSING_STYLE", "path"),
            "location": env.get("S3_PREFIX", ""),
            "default_acl": None,  # the bucket's own policy: private
            "file_overwrite": False,  # two uploads of 认定文件.pdf are two objects
            "querystring_auth": True,
            "querystring_expire": int(env.get("S3_SIGNED_URL_SECONDS", "60")),
        },
    }


def default_storage(env: Mapping[str, str]) -> dict:
    kind = env.get("DJANGO_FILE_STORAGE", "filesystem").strip().lower() or "filesystem"
    if kind == "filesystem":
        return FILESYSTEM
    if kind == "s3":
        return s3_storage(env)
    raise ImproperlyConfigured(f"DJANGO_FILE_STORAGE 只能是 filesystem 或 s3，不能是“{kind}”。")
