"""A roster of one area meets people registered through another (issue #13, item 1).

The registry is city-wide, but what it holds about a person is the business of the areas where that person
trained. A clerk who uploads ID numbers of people who trained only elsewhere may enrol them (people train
where they live now), but learns nothing the registry holds and changes none of it, by any path: the
preview, the error workbook, the command line and API report, the import history; every such match is an
audit entry naming the person, and an upload with many is flagged."""

import datetime
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import AuditEntry
from employment.tests.factories import EmploymentOutcomeFactory, JobReferralFactory
from training.models import Enrolment, PriorityCategory, RosterImport, Trainee
from training.tests import rosters
from training.tests.factories import EnrolmentFactory, TraineeFactory, TrainingBatchFactory
from training.tests.rosters import make_roster, person_ids, valid_row

pytestmark = pytest.mark.django_db

NUMBER = person_ids(1, area="450703")[0]
# What 钦北区 recorded about the person: none of it may reach a 钦南区 clerk.
STORED = {
    "name": "韦丽芳",
    "phone": "13977776666",
    "household_address": "钦北区大寺镇秘密村",
    "education": "college",
    "note": "钦北区的内部备注",
}
NAME_MISMATCH = "身份证号码已登记，但姓名与登记信息不一致，请核对。"


@pytest.fixture
def registered_elsewhere(other_area):
    """A person who trained only in 钦北区, in a priority category."""
    trainee = TraineeFactory(id_number=NUMBER, **STORED)
    trainee.categories.set([PriorityCategory.objects.get(code="relapse-monitoring")])
    EnrolmentFactory(trainee=trainee, batch=TrainingBatchFactory(area=other_area, name="钦北区茶艺班"), completed=True)
    return trainee


@pytest.fixture
def batch(area):
    return TrainingBatchFactory(area=area, start_date=datetime.date(2026, 3, 1), end_date=datetime.date(2026, 3, 20))


def row(**overrides) -> list:
    values = {
        "name": STORED["name"],
        "phone": "13812345678",
        "education": "高中",
        "categories": "农民工",
        "address": "钦南区尖山街道",
        "note": "本班备注",
    }
    values.update(overrides)
    return valid_row(NUMBER, **values)


def assert_reveals_nothing_stored(text: str) -> None:
    for value in (
        STORED["phone"],
        STORED["household_address"],
        STORED["note"],
        "大专",
        "防止返贫监测对象",
        "钦北区茶艺班",
    ):
        assert value not in text, value


def registry_unchanged(trainee: Trainee) -> None:
    trainee.refresh_from_db()
    assert {name: getattr(trainee, name) for name in STORED} == STORED
    assert list(trainee.categories.values_list("code", flat=True)) == ["relapse-monitoring"]


def process(batch, rows, *, commit=True, user=None) -> dict:
    return rosters.roster_process(
        content=make_roster(rows), batch=batch, commit=commit, skip_invalid=False, mark_completed=False, user=user
    )


# --- the service: every path goes through it ---------------------------------------------------------


def test_a_different_name_is_a_row_error_that_repeats_only_the_file(batch, registered_elsewhere, clerk):
    report = process(batch, [row(name="张冒名")], user=clerk)
    assert not report["committed"]
    assert report["errors"] == [{"row": 2, "column": "姓名", "message": NAME_MISMATCH}]
    assert STORED["name"] not in json.dumps(report, ensure_ascii=False)
    assert_reveals_nothing_stored(json.dumps(report, ensure_ascii=False))
    registry_unchanged(registered_elsewhere)
    assert not Enrolment.objects.filter(batch=batch).exists()


def test_the_person_is_enrolled_but_the_registry_is_neither_shown_nor_changed(batch, registered_elsewhere, clerk):
    preview = process(batch, [row()], commit=False, user=clerk)
    assert (preview["existing"], preview["updated"], preview["registered_elsewhere"], preview["enrolled"]) == (
        1,
        0,
        1,
        1,
    )
    assert preview["changes"] == []
    assert preview["elsewhere"] == [
        {"row": 2, "name": STORED["name"], "id_number": f"{NUMBER[:6]}********{NUMBER[-4:]}"}
    ]
    assert_reveals_nothing_stored(json.dumps(preview, ensure_ascii=False))

    report = process(batch, [row()], user=clerk)
    assert report["committed"] and (report["created"], report["updated"], report["enrolled"]) == (0, 0, 1)
    registry_unchanged(registered_elsewhere)
    # What this roster said stays with this enrolment.
    enrolment = Enrolment.objects.get(batch=batch, trainee=registered_elsewhere)
    assert enrolment.roster_details == {
        "phone": "13812345678",
        "education": "senior",
        "household_address": "钦南区尖山街道",
        "note": "本班备注",
        "categories": ["migrant-worker"],
    }
    # Now the person trained here too: the next roster of this area is an ordinary update.
    again = process(batch, [row(phone="13700001111")], commit=False, user=clerk)
    assert (again["registered_elsewhere"], again["updated"], again["already_enrolled"]) == (0, 1, 1)


def test_every_match_is_an_audit_entry_naming_the_person(batch, registered_elsewhere, clerk):
    process(batch, [row()], commit=False, user=clerk)
    process(batch, [row()], user=clerk)
    matches = AuditEntry.objects.filter(action=AuditEntry.Action.MATCH, person_id=registered_elsewhere.pk)
    assert matches.count() == 2  # the check and the import
    entry = matches.order_by("id").last()
    assert (entry.user, entry.area, entry.person_name) == (clerk, batch.area, STORED["name"])
    assert entry.person_masked_id == registered_elsewhere.masked_id_number
    assert "已登记参加本班期" in entry.detail
    summary = AuditEntry.objects.filter(action=AuditEntry.Action.MATCH, person_id__isnull=True).last()
    assert "1 名" in summary.detail and not summary.flagged


@override_settings(ROSTER_ELSEWHERE_ALERT=3)
def test_an_upload_with_many_matches_is_flagged(batch, other_area, clerk, client, city_admin):
    numbers = person_ids(3, start=50, area="450703")
    earlier = TrainingBatchFactory(area=other_area)
    for number in numbers:
        EnrolmentFactory(batch=earlier, trainee=TraineeFactory(id_number=number, name="张三"))
    process(batch, [valid_row(number) for number in numbers], commit=False, user=clerk)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.MATCH, person_id__isnull=False).count() == 3
    (summary,) = AuditEntry.objects.filter(flagged=True)
    assert "3 名" in summary.detail and summary.user == clerk

    client.force_login(city_admin)
    page = client.get(reverse("audit_list")).content.decode()
    assert "有 1 条需关注的记录" in page and "需关注" in page
    flagged_only = client.get(reverse("audit_list"), {"flagged": "True"}).content.decode()
    assert flagged_only.count('class="table-warning"') == 1


def test_a_dry_run_through_the_api_path_is_no_oracle_either(batch, registered_elsewhere, clerk):
    """The command line and the API run `roster_import_from_file`; its dry run stores nothing but the audit."""
    _import, report = rosters.roster_import_from_file(
        batch=batch,
        user=clerk,
        file_name="x.xlsx",
        content=make_roster([row()]),
        dry_run=True,
        skip_invalid=False,
        mark_completed=False,
    )
    assert report["registered_elsewhere"] == 1
    assert_reveals_nothing_stored(json.dumps(report, ensure_ascii=False))
    assert AuditEntry.objects.filter(action=AuditEntry.Action.MATCH, person_id=registered_elsewhere.pk).exists()
    registry_unchanged(registered_elsewhere)


# --- the pages a clerk uses -------------------------------------------------------------------------


def upload(client, batch, rows) -> RosterImport:
    client.post(
        reverse("training:import_upload", args=[batch.pk]),
        {"file": SimpleUploadedFile("花名册.xlsx", make_roster(rows))},
    )
    return RosterImport.objects.filter(batch=batch).latest("id")


def test_the_preview_error_workbook_and_history_reveal_nothing(client, clerk, batch, registered_elsewhere):
    client.force_login(clerk)
    roster_import = upload(client, batch, [row(), row(name="张冒名")])
    page = client.get(reverse("training:import_detail", args=[roster_import.pk])).content.decode()
    assert "在其他县区登记的人员" in page and NAME_MISMATCH in page
    assert_reveals_nothing_stored(page)

    workbook = client.get(reverse("training:import_errors", args=[roster_import.pk]))
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    cells = [str(cell) for cells in sheet.iter_rows(values_only=True) for cell in cells if cell is not None]
    assert any(NAME_MISMATCH in cell for cell in cells)  # the registry's own check is in the workbook too
    assert_reveals_nothing_stored(" ".join(cells))

    history = client.get(reverse("training:import_list")).content.decode()
    assert_reveals_nothing_stored(history)


def test_after_enrolling_the_clerk_sees_only_their_own_areas_records(
    client, clerk, batch, registered_elsewhere, other_area
):
    JobReferralFactory(trainee=registered_elsewhere, area=other_area, position="钦北区的岗位", employer_name="钦北单位")
    EmploymentOutcomeFactory(trainee=registered_elsewhere, area=other_area, employer_name="钦北雇主")
    client.force_login(clerk)
    roster_import = upload(client, batch, [row()])
    client.post(reverse("training:import_commit", args=[roster_import.pk]), {"mode": "all"})
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.COMMITTED

    detail = client.get(reverse("training:trainee_detail", args=[registered_elsewhere.pk])).content.decode()
    assert "钦北区茶艺班" not in detail  # another area's enrolment
    employment = client.get(reverse("employment:trainee_employment", args=[registered_elsewhere.pk])).content.decode()
    for text in ("钦北区的岗位", "钦北单位", "钦北雇主"):
        assert text not in employment
    assert "其他县区另有 1 次岗位推荐" in employment
    assert "其他县区另登记了 1 条就业创业结果" in employment


def test_a_renamed_category_breaks_no_import(batch, clerk):
    """Key by code: the city renames 农民工; rosters with the old name and with the new one both import."""
    PriorityCategory.objects.filter(code="migrant-worker").update(name="进城务工人员")
    numbers = person_ids(2, start=200)
    report = process(
        batch,
        [valid_row(numbers[0], categories="农民工"), valid_row(numbers[1], categories="进城务工人员")],
        user=clerk,
    )
    assert report["committed"], report["errors"]
    for number in numbers:
        trainee = Trainee.objects.get(id_number=number)
        assert list(trainee.categories.values_list("code", flat=True)) == ["migrant-worker"]
