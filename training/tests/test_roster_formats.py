"""The same roster in every format county staff have gives the same preview: the LibreOffice files of
core/tests/fixtures, uploaded as a clerk does."""

import pytest

from core.tests.test_spreadsheets import WRITTEN_BY_ANOTHER_PROGRAM, fixture
from training.models import RosterImport
from training.tests.factories import TrainingBatchFactory
from training.tests.test_fuzz_roster import upload


@pytest.fixture
def batch(area):
    return TrainingBatchFactory(area=area)


def preview(client, batch, name: str) -> dict:
    response = upload(client, batch, fixture(name), name=name)
    assert response.status_code == 302, response.content.decode()[:2000]
    roster_import = RosterImport.objects.get()
    report = roster_import.report
    roster_import.delete()
    return report


@pytest.mark.django_db
def test_every_format_gives_the_same_report(clerk_client, batch):
    reports = {name: preview(clerk_client, batch, name) for name in WRITTEN_BY_ANOTHER_PROGRAM}
    expected = reports.pop("roster.xlsx")
    assert expected["rows"] == 7
    assert [(error["row"], error["column"]) for error in expected["errors"]] == [
        (5, "联系电话"),
        (7, "人员类别"),
        (10, "身份证号码"),
    ]
    for name, report in reports.items():
        assert report == expected, name
