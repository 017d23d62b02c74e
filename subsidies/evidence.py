"""What an uploaded evidence file really is, read from its first bytes (and, for Office files, the
zip's list of parts), never from its name: a renamed .exe is not a PDF."""

import zipfile
from dataclasses import dataclass
from typing import BinaryIO


@dataclass(frozen=True)
class FileType:
    label: str
    extensions: tuple[str, ...]


PDF = FileType("PDF", (".pdf",))
JPEG = FileType("JPEG 图片", (".jpg", ".jpeg"))
PNG = FileType("PNG 图片", (".png",))
XLSX = FileType("Excel（.xlsx）", (".xlsx",))
DOCX = FileType("Word（.docx）", (".docx",))
ACCEPTED_LABELS = "PDF、JPEG、PNG、Excel（.xlsx）或 Word（.docx）"

_MAGIC = ((b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))


def _office_type(file: BinaryIO) -> FileType | None:
    """xlsx and docx are zip packages with [Content_Types].xml and their own parts (xl/ or word/).
    Only the zip's directory is read, so a large or hostile archive costs nothing to check."""
    try:
        with zipfile.ZipFile(file) as package:
            names = package.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(name.startswith("xl/") for name in names):
        return XLSX
    if any(name.startswith("word/") for name in names):
        return DOCX
    return None


def sniff(file: BinaryIO) -> FileType | None:
    """The accepted type the content is, or None. The file is read from the start and left there."""
    file.seek(0)
    head = file.read(8)
    try:
        for magic, kind in _MAGIC:
            if head.startswith(magic):
                return kind
        if head.startswith(b"PK\x03\x04"):
            file.seek(0)
            return _office_type(file)
        return None
    finally:
        file.seek(0)


def missing(application) -> list:
    """The evidence kinds the application's rule requires and no uploaded file is marked as."""
    required = list(application.rule.required_evidence.all())
    if not required:
        return []
    present = set(application.evidence.exclude(kind=None).values_list("kind_id", flat=True))
    return [kind for kind in required if kind.pk not in present]
