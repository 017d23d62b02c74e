"""Demo evidence files beyond the required materials: a small photo (PNG) of the training on every demo
application its county may still add to, so the demo data holds several uploaded files (the backup round
trip checks every one). Idempotent: an application that already has the photo gets no second one."""

import struct
import zlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from subsidies import services
from subsidies.models import ApplicationEvidence, SubsidyApplication

PHOTO_NAME = "培训现场照片（演示）.png"


def _png(seed: int) -> bytes:
    """A 2×2 PNG whose colour depends on `seed`: each application's photo differs, byte for byte."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    pixel = bytes([seed % 256, (seed * 7) % 256, (seed * 13) % 256])
    rows = b"".join(b"\x00" + pixel * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def load() -> int:
    """Attach the photo where it is missing; the number of demo evidence files afterwards."""
    with_photo = ApplicationEvidence.objects.filter(original_name=PHOTO_NAME).values("application_id")
    candidates = (
        SubsidyApplication.objects.filter(status=SubsidyApplication.Status.DRAFT)
        .exclude(pk__in=with_photo)
        .select_related("created_by")
        .order_by("pk")
    )
    for application in candidates:
        try:
            services.evidence_add(
                application=application,
                user=application.created_by,
                file=SimpleUploadedFile(PHOTO_NAME, _png(application.pk), content_type="image/png"),
            )
        except (ValidationError, PermissionDenied):
            continue  # not the creator's to add to any more: the demo shows it as it is
    return ApplicationEvidence.objects.count()
