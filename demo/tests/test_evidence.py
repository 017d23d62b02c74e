"""The demo's extra evidence: a photo on each draft application, once, and each one a real, distinct PNG."""

from io import StringIO

import pytest
from django.core.management import call_command

from demo.evidence import PHOTO_NAME
from subsidies.models import ApplicationEvidence, SubsidyApplication

pytestmark = pytest.mark.django_db


def test_each_draft_gets_one_photo_and_a_second_run_adds_none(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", stdout=StringIO())
    photos = ApplicationEvidence.objects.filter(original_name=PHOTO_NAME)
    drafts = SubsidyApplication.objects.filter(status=SubsidyApplication.Status.DRAFT)
    assert photos.count() == drafts.count() > 1
    contents = set()
    for photo in photos:
        with photo.file.open("rb") as stream:
            data = stream.read()
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        contents.add(data)
    assert len(contents) == photos.count()  # distinct files: a restore that mixed them up would show

    call_command("load_demo", stdout=StringIO())
    assert ApplicationEvidence.objects.filter(original_name=PHOTO_NAME).count() == drafts.count()
