"""Evidence: what a rule requires is there before submission, a file is what its content says, and a
wrong upload can be removed from a draft by the area's clerk, with a record of it (#14)."""

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from .. import evidence as evidence_files
from .. import services
from ..models import ApplicationEvidence, EvidenceKind, SubsidyApplication

pytestmark = pytest.mark.django_db
Status = SubsidyApplication.Status

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name in names:
            package.writestr(name, "<x/>")
    return buffer.getvalue()


DOCX = _zip("[Content_Types].xml", "_rels/.rels", "word/document.xml")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _kind(code):
    return EvidenceKind.objects.get(code=code)


# --- content, not name ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "label"),
    [
        ("认定文件.pdf", PDF, "PDF"),
        ("照片.JPG", JPEG, "JPEG 图片"),
        ("照片.jpeg", JPEG, "JPEG 图片"),
        ("截图.png", PNG, "PNG 图片"),
        ("名单.xlsx", _xlsx(), "Excel（.xlsx）"),
        ("说明.docx", DOCX, "Word（.docx）"),
    ],
)
def test_the_five_accepted_types_are_recognised_by_their_content(base_application, clerk, name, content, label):
    assert evidence_files.sniff(io.BytesIO(content)).label == label
    evidence = services.evidence_add(application=base_application(), user=clerk, file=SimpleUploadedFile(name, content))
    assert evidence.original_name == name


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("认定文件.pdf", b"MZ\x90\x00 this is a program"),  # a renamed .exe
        ("认定文件.pdf", b"just text pretending"),
        ("名单.xlsx", _zip("[Content_Types].xml", "docProps/app.xml")),  # a zip, but no workbook in it
        ("名单.xlsx", _zip("xl/workbook.xml")),  # no [Content_Types].xml: not an Office package
        ("名单.xlsx", b"PK\x03\x04 broken zip"),
    ],
)
def test_a_file_whose_content_is_not_an_accepted_type_is_refused_whatever_its_name(
    base_application, clerk, name, content
):
    application = base_application()
    with pytest.raises(ValidationError) as refused:
        services.evidence_add(application=application, user=clerk, file=SimpleUploadedFile(name, content))
    assert refused.value.messages == [
        f"证明材料只接受 PDF、JPEG、PNG、Excel（.xlsx）或 Word（.docx） 文件：“{name}”的内容不是其中任何一种，"
        "未上传。请上传原始文件，不要只改扩展名。"
    ]
    assert not application.evidence.exists()


def test_a_name_that_contradicts_the_content_is_refused_with_what_the_file_is(base_application, clerk):
    with pytest.raises(ValidationError) as refused:
        services.evidence_add(application=base_application(), user=clerk, file=SimpleUploadedFile("扫描件.jpg", PDF))
    assert refused.value.messages == ["文件“扫描件.jpg”的内容是 PDF，与扩展名“.jpg”不符，请改为 .pdf 后重新上传。"]


def test_the_upload_page_says_why_a_fake_pdf_is_refused(client, clerk, base_application):
    application = base_application()
    client.force_login(clerk)
    response = client.post(
        reverse("subsidies:evidence_upload", args=[application.pk]),
        {"file": SimpleUploadedFile("认定文件.pdf", b"MZ\x90\x00")},
    )
    assert response.status_code == 200
    assert "的内容不是其中任何一种" in response.content.decode()
    assert not application.evidence.exists()


# --- required evidence ----------------------------------------------------------------------------


def test_submission_needs_every_kind_the_rule_requires(base_application, base_rule, clerk):
    base_rule.required_evidence.set([_kind("recognition-document"), _kind("bank-account")])
    application = base_application()
    with pytest.raises(ValidationError) as refused:
        services.application_submit(application=application, user=clerk)
    assert refused.value.messages == ["缺少规则要求的证明材料：认定文件、银行账户信息。请上传后再提交。"]

    # A file of another kind does not stand in for a required one.
    services.evidence_add(application=application, user=clerk, file=SimpleUploadedFile("其他.pdf", PDF))
    services.evidence_add(
        application=application,
        user=clerk,
        file=SimpleUploadedFile("认定.pdf", PDF),
        kind=_kind("recognition-document"),
    )
    with pytest.raises(ValidationError, match="缺少规则要求的证明材料：银行账户信息。"):
        services.application_submit(application=application, user=clerk)
    application.refresh_from_db()
    assert application.status == Status.DRAFT

    services.evidence_add(
        application=application, user=clerk, file=SimpleUploadedFile("账户.png", PNG), kind=_kind("bank-account")
    )
    services.application_submit(application=application, user=clerk)
    assert application.status == Status.SUBMITTED


def test_the_page_lists_the_required_materials_and_what_is_missing(client, clerk, base_application, base_rule):
    base_rule.required_evidence.set([_kind("recognition-document"), _kind("bank-account")])
    application = base_application()
    services.evidence_add(
        application=application,
        user=clerk,
        file=SimpleUploadedFile("认定.pdf", PDF),
        kind=_kind("recognition-document"),
    )
    client.force_login(clerk)
    page = client.get(reverse("subsidies:application_detail", args=[application.pk])).content.decode()
    assert "规则要求的材料（提交前须齐全）" in page
    assert "银行账户信息（缺）" in page and "认定文件（缺）" not in page
    response = client.post(reverse("subsidies:application_action", args=[application.pk, "submit"]), {})
    assert "缺少规则要求的证明材料：银行账户信息。请上传后再提交。" in response.content.decode()


# --- removal --------------------------------------------------------------------------------------


def test_the_clerk_removes_a_wrong_upload_from_a_draft_and_the_record_says_so(
    base_application, clerk, django_capture_on_commit_callbacks, tmp_path
):
    application = base_application()
    evidence = services.evidence_add(
        application=application, user=clerk, file=SimpleUploadedFile("错传.pdf", PDF), kind=_kind("bank-account")
    )
    stored = tmp_path / evidence.file.name
    assert stored.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_remove(evidence=evidence, user=clerk)
    assert not application.evidence.exists()
    assert not stored.exists()
    step = application.transitions.order_by("-id").first()
    assert (step.from_status, step.to_status, step.by, step.comment) == (
        Status.DRAFT,
        Status.DRAFT,
        clerk,
        "删除证明材料：错传.pdf（银行账户信息）",
    )


def test_evidence_stays_once_submitted_and_only_the_areas_clerk_removes_it(
    base_application, clerk, other_clerk, reviewer, city_admin, advance, budget
):
    application = base_application()
    evidence = services.evidence_add(application=application, user=clerk, file=SimpleUploadedFile("a.pdf", PDF))
    with pytest.raises(PermissionDenied, match="只能在本辖区（钦北区）办理补贴申请"):
        services.evidence_remove(evidence=evidence, user=other_clerk)
    for someone in (reviewer, city_admin):
        with pytest.raises(PermissionDenied, match="只有本地区的经办员可以删除证明材料"):
            services.evidence_remove(evidence=evidence, user=someone)
    advance(application, Status.SUBMITTED)
    with pytest.raises(ValidationError, match="申请当前状态为“已提交”，不能删除证明材料。"):
        services.evidence_remove(evidence=evidence, user=clerk)
    assert ApplicationEvidence.objects.filter(pk=evidence.pk).exists()


def test_the_remove_button_on_the_page(client, clerk, other_clerk, base_application):
    application = base_application()
    evidence = services.evidence_add(application=application, user=clerk, file=SimpleUploadedFile("错传.pdf", PDF))
    url = reverse("subsidies:evidence_remove", args=[application.pk, evidence.pk])
    client.force_login(other_clerk)
    assert client.post(url).status_code == 404
    client.force_login(clerk)
    assert url in client.get(reverse("subsidies:application_detail", args=[application.pk])).content.decode()
    response = client.post(url, follow=True)
    assert "已删除证明材料：错传.pdf。" in response.content.decode()
    assert not application.evidence.exists()


def test_the_admin_links_evidence_through_the_area_checked_download(client, base_application, clerk, city_admin):
    """Never the storage's own URL: with an object store that would be a signed link that skips the check."""
    application = base_application()
    evidence = services.evidence_add(
        application=application, user=clerk, file=SimpleUploadedFile("认定文件.pdf", PDF), kind=_kind("bank-account")
    )
    client.force_login(city_admin)
    page = client.get(reverse("admin:subsidies_subsidyapplication_change", args=[application.pk])).content.decode()
    assert reverse("subsidies:evidence_download", args=[application.pk, evidence.pk]) in page
    assert evidence.file.url not in page
