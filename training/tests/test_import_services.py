"""The roster import services: what a preview reports, what a commit writes, duplicates, re-imports,
all-or-nothing commits, refused files, and a number of queries that does not grow with the rows."""

import datetime
import math

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from brands.models import Area, Occupation
from conftest import require_service, uses_postgresql
from core.spreadsheets import SpreadsheetError
from training import bulk, services
from training import roster_import as roster_import_module
from training.models import Enrolment, RosterImport, Trainee, TrainingBatch
from training.tests import rosters
from training.tests.factories import approve_classes
from training.tests.rosters import make_id, make_roster, person_ids, valid_row
from training.tests.test_roster import BAD_FILES, bad_file, quick_roster

pytestmark = pytest.mark.django_db

START = datetime.date(2024, 3, 1)
END = datetime.date(2024, 3, 20)
ROLLED_BACK = "写入数据库时出错，本次导入已整体撤销，没有写入任何记录。请稍后重新上传。"


@pytest.fixture
def occupation(db):
    return Occupation.objects.get(name="母婴护理员")


@pytest.fixture
def make_batch(area, occupation):
    def make(start=START, end=END, batch_area=None):
        return approve_classes(
            services.batch_create(
                user=None, area=batch_area or area, occupation=occupation, start_date=start, end_date=end
            )
        )

    return make


@pytest.fixture
def batch(make_batch):
    return make_batch()


@pytest.fixture
def earlier_batch(make_batch):
    return make_batch(start=datetime.date(2023, 9, 1), end=datetime.date(2023, 9, 15))


# Rows written: INSERT statements, and COPY on PostgreSQL (the referral standings of many people at once).
WRITES = ("INSERT", "COPY")


def process(batch, rows, *, commit=True, skip_invalid=False, mark_completed=False, **roster_options) -> dict:
    return rosters.roster_process(
        content=make_roster(rows, **roster_options),
        batch=batch,
        commit=commit,
        skip_invalid=skip_invalid,
        mark_completed=mark_completed,
    )


def counts() -> dict:
    return {
        "trainees": Trainee.objects.count(),
        "enrolments": Enrolment.objects.count(),
        "category links": Trainee.categories.through.objects.count(),
    }


def snapshot() -> tuple:
    """Everything a roster import may write, in a form that compares equal when nothing changed."""
    return (
        sorted(
            Trainee.objects.values_list(
                "id_number", "name", "sex", "birth_date", "phone", "education", "household_address", "note"
            )
        ),
        sorted(Enrolment.objects.values_list("trainee__id_number", "batch_id", "completed")),
        sorted(Trainee.categories.through.objects.values_list("trainee__id_number", "prioritycategory__name")),
    )


def categories_of(id_number: str) -> list[str]:
    return list(Trainee.objects.get(id_number=id_number).categories.values_list("name", flat=True))


PEOPLE = person_ids(5)


# --- a first import ----------------------------------------------------------------------------------


def test_a_clean_roster_creates_people_and_enrols_them(batch):
    rows = [valid_row(number, name=f"学员{'甲乙丙丁戊'[i]}") for i, number in enumerate(PEOPLE)]
    rows[0] = valid_row(PEOPLE[0], name="张三", categories="脱贫人口、农民工", education="大专", phone="0777-2812345")
    report = process(batch, rows)
    assert {key: report[key] for key in ("rows", "valid", "created", "updated", "enrolled", "committed")} == {
        "rows": 5,
        "valid": 5,
        "created": 5,
        "updated": 0,
        "enrolled": 5,
        "committed": True,
    }
    assert report["errors"] == []
    assert report["duplicate_rows"] == []
    trainee = Trainee.objects.get(id_number=PEOPLE[0])
    assert (trainee.name, trainee.sex, trainee.phone, trainee.education) == ("张三", "F", "0777-2812345", "college")
    assert trainee.birth_date == datetime.date(1970, 1, 1)
    assert trainee.household_area == Area.objects.get(code="450702")
    assert categories_of(PEOPLE[0]) == ["脱贫人口", "农民工"]
    assert Enrolment.objects.filter(batch=batch).count() == 5
    assert not Enrolment.objects.filter(completed=True).exists()


def test_the_household_area_is_left_empty_for_codes_not_in_the_reference_data(batch):
    old_qinzhou = make_id(area="452801")  # 钦州地区 before 1994
    process(batch, [valid_row(old_qinzhou)])
    assert Trainee.objects.get(id_number=old_qinzhou).household_area is None


def test_mark_completed_completes_the_enrolments(batch):
    process(batch, [valid_row(number) for number in PEOPLE[:2]], mark_completed=True)
    assert list(Enrolment.objects.values_list("completed", flat=True)) == [True, True]


def test_a_dry_run_writes_nothing_but_reports_what_it_would_do(batch):
    report = process(batch, [valid_row(number) for number in PEOPLE], commit=False)
    assert (report["created"], report["enrolled"], report["committed"]) == (5, 5, False)
    assert counts() == {"trainees": 0, "enrolments": 0, "category links": 0}


def test_an_unsaved_batch_can_be_previewed(area, occupation):
    batch = TrainingBatch(area=area, occupation=occupation, start_date=START, end_date=END)
    report = process(batch, [valid_row(PEOPLE[0])], commit=True)
    assert (report["created"], report["enrolled"], report["committed"]) == (1, 1, False)
    assert counts()["trainees"] == 0


# --- row errors ----------------------------------------------------------------------------------


def rows_with_two_errors() -> list[list]:
    return [
        valid_row(PEOPLE[0]),
        valid_row(PEOPLE[1], phone="12345"),
        valid_row(PEOPLE[2]),
        valid_row(PEOPLE[3], categories="五保户"),
    ]


def test_row_errors_commit_nothing_without_skip_invalid(batch):
    report = process(batch, rows_with_two_errors())
    assert report["committed"] is False
    assert (report["rows"], report["valid"], report["error_rows"]) == (4, 2, 2)
    assert [(error["row"], error["column"]) for error in report["errors"]] == [(3, "联系电话"), (5, "人员类别")]
    assert counts() == {"trainees": 0, "enrolments": 0, "category links": 0}


def test_skip_invalid_commits_the_valid_rows_only(batch):
    report = process(batch, rows_with_two_errors(), skip_invalid=True)
    assert (report["committed"], report["created"], report["enrolled"]) == (True, 2, 2)
    assert set(Trainee.objects.values_list("id_number", flat=True)) == {PEOPLE[0], PEOPLE[2]}


def test_skip_invalid_with_no_valid_row_commits_nothing(batch):
    report = process(batch, [valid_row(PEOPLE[0], phone="12345")], skip_invalid=True)
    assert (report["committed"], report["valid"]) == (False, 0)
    assert counts()["trainees"] == 0


def test_blank_rows_are_not_counted(batch):
    report = process(batch, [valid_row(PEOPLE[0]), [None] * 8, ["", " "], valid_row(PEOPLE[1])])
    assert (report["rows"], report["valid"], report["created"]) == (2, 2, 2)


# --- duplicates ------------------------------------------------------------------------------------


def test_a_person_twice_in_one_file_is_imported_once_and_later_rows_are_reported(batch):
    rows = [
        valid_row(PEOPLE[0], name="张三"),
        valid_row(PEOPLE[1]),
        valid_row(PEOPLE[0], name="张三丰"),
        valid_row("".join(chr(0xFF10 + int(c)) for c in PEOPLE[0]), name="张三"),  # the same, in full width
    ]
    report = process(batch, rows, title_rows=["花名册"])
    assert report["duplicate_rows"] == [5, 6]  # Excel rows: title, header, then data from row 3
    assert report["duplicates"] == [{"row": 5, "first_row": 3}, {"row": 6, "first_row": 3}]
    assert (report["rows"], report["valid"], report["created"], report["enrolled"]) == (4, 2, 2, 2)
    assert Trainee.objects.get(id_number=PEOPLE[0]).name == "张三"
    assert Enrolment.objects.filter(trainee__id_number=PEOPLE[0]).count() == 1


def test_a_registered_person_is_updated_never_created_twice(batch, earlier_batch):
    process(earlier_batch, [valid_row(PEOPLE[0], name="张三", phone="13800138000", categories="脱贫人口")])
    before = Trainee.objects.get(id_number=PEOPLE[0])
    rows = [valid_row(PEOPLE[0], name="张三", phone="13900139000", categories="农民工", education="高中")]

    preview = process(batch, rows, commit=False)
    assert (preview["created"], preview["updated"], preview["enrolled"], preview["existing"]) == (0, 1, 1, 1)
    assert preview["changes"] == [
        {
            "row": 2,
            "name": "张三",
            "id_number": f"{PEOPLE[0][:6]}********{PEOPLE[0][-4:]}",
            "fields": [
                {"field": "联系电话", "old": "13800138000", "new": "13900139000"},
                {"field": "文化程度", "old": "初中", "new": "高中/中专/技校"},
                {"field": "人员类别", "old": "脱贫人口", "new": "增加 农民工"},
            ],
        }
    ]

    report = process(batch, rows)
    assert (report["created"], report["updated"], report["enrolled"]) == (0, 1, 1)
    trainee = Trainee.objects.get(id_number=PEOPLE[0])
    assert trainee.pk == before.pk
    assert (trainee.phone, trainee.education) == ("13900139000", "senior")
    assert categories_of(PEOPLE[0]) == ["脱贫人口", "农民工"]  # categories are only ever added
    assert Trainee.objects.count() == 1
    assert Enrolment.objects.filter(trainee=trainee).count() == 2  # one per batch: both count as trainings


def test_blank_cells_never_erase_what_the_registry_knows(batch, earlier_batch):
    process(earlier_batch, [valid_row(PEOPLE[0], phone="13800138000", education="初中", address="钦南区某村")])
    report = process(batch, [["张三", PEOPLE[0]]], headers=["姓名", "身份证号码"])
    assert report["updated"] == 0
    trainee = Trainee.objects.get(id_number=PEOPLE[0])
    assert (trainee.phone, trainee.education, trainee.household_address) == ("13800138000", "junior", "钦南区某村")


def test_a_person_already_enrolled_in_the_batch_adds_nothing(batch):
    process(batch, [valid_row(PEOPLE[0])])
    report = process(batch, [valid_row(PEOPLE[0]), valid_row(PEOPLE[1])])
    assert (report["created"], report["enrolled"], report["already_enrolled"]) == (1, 1, 1)
    assert Enrolment.objects.filter(batch=batch).count() == 2


def test_changed_text_reaches_the_registry_exactly_whatever_its_characters(batch, earlier_batch):
    """Updates go to PostgreSQL as array literals: quotes, backslashes, braces and commas must survive."""
    process(earlier_batch, [valid_row(PEOPLE[0]), valid_row(PEOPLE[1])])
    address = '广西钦州市"钦南区"{尖山街道}, 1号\\2栋 NULL'
    note = '备注:含\\反斜杠和"引号"'
    report = process(batch, [valid_row(PEOPLE[0], address=address, note=note), valid_row(PEOPLE[1], note="NULL")])
    assert report["updated"] == 2
    changed = Trainee.objects.get(id_number=PEOPLE[0])
    assert (changed.household_address, changed.note) == (address, note)
    assert Trainee.objects.get(id_number=PEOPLE[1]).note == "NULL"


def test_importing_the_same_roster_twice_changes_nothing(batch, earlier_batch):
    process(earlier_batch, [valid_row(PEOPLE[4], categories="农民工")])
    rows = [valid_row(number, categories="脱贫人口、农民工") for number in PEOPLE]
    first = process(batch, rows, mark_completed=True)
    assert (first["created"], first["updated"], first["enrolled"]) == (4, 1, 5)
    after_first = snapshot()

    second = process(batch, rows, mark_completed=True)
    assert (second["created"], second["updated"], second["enrolled"], second["committed"]) == (0, 0, 0, True)
    assert second["changes"] == []
    assert snapshot() == after_first
    assert Enrolment.objects.filter(batch=batch, completed=True).count() == 5


# --- atomicity -------------------------------------------------------------------------------------


def fail_after_trainees_were_written(monkeypatch, step: str = "enrol") -> dict:
    """Make one write step of training/bulk.py raise a database error, and record how many trainees
    existed at that moment (so the test knows the fault came half-way, after rows had been written)."""
    seen = {}

    def broken(*args, **kwargs):
        seen["trainees"] = Trainee.objects.count()
        raise DatabaseError("模拟：数据库连接中断")

    monkeypatch.setattr(bulk, step, broken)
    return seen


def registry_with_history(earlier_batch) -> tuple:
    process(earlier_batch, [valid_row(PEOPLE[0], phone="13800138000", categories="脱贫人口")])
    return snapshot()


def roster_touching_everything() -> list[list]:
    """New people, an update of a registered person with a new category, and enrolments."""
    return [valid_row(PEOPLE[0], phone="13900139000", categories="农民工")] + [
        valid_row(number, categories="高校毕业生") for number in person_ids(30, start=100)
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("step", ["enrol", "link_categories", "update_trainees"])
def test_a_fault_half_way_leaves_the_database_as_it_was(monkeypatch, earlier_batch, batch, step):
    before = registry_with_history(earlier_batch)
    seen = fail_after_trainees_were_written(monkeypatch, step)
    with pytest.raises(DatabaseError):
        process(batch, roster_touching_everything())
    assert seen["trainees"] == 31  # the new people had been inserted when the fault came
    assert snapshot() == before
    monkeypatch.undo()
    # The same roster goes in cleanly afterwards: nothing half-written stands in its way.
    report = process(batch, roster_touching_everything())
    assert (report["created"], report["updated"], report["enrolled"]) == (30, 1, 31)


@pytest.mark.django_db(transaction=True)
def test_a_database_error_inside_the_copy_is_a_django_database_error(monkeypatch, batch, clerk):
    """On PostgreSQL new people go in by COPY, psycopg2's own call: its errors must reach the callers as
    Django's DatabaseError, or the upload would end in a 500 instead of "rolled back, nothing written"."""
    require_service("PostgreSQL", uses_postgresql(), "the new people are written by COPY only there")
    plan_for_real = roster_import_module.plan_import

    def plan_then_someone_registers_the_first_person(rows, **options):
        plan = plan_for_real(rows, **options)
        with connection.cursor() as cursor:  # a row the plan did not see: COPY breaks on the unique key
            cursor.execute(
                "INSERT INTO training_trainee (id_number, name, sex, birth_date, phone, education, "
                "household_address, note, created_at, updated_at) "
                "VALUES (%s, '别人', 'F', '1990-01-01', '', '', '', '', now(), now())",
                [plan.new[0].identity.number],
            )
        return plan

    monkeypatch.setattr(roster_import_module, "plan_import", plan_then_someone_registers_the_first_person)
    with pytest.raises(DatabaseError):
        process(batch, [valid_row(number) for number in person_ids(3, start=300)])
    assert not Trainee.objects.exists()  # the insert above belonged to the same, rolled-back transaction


@pytest.mark.django_db(transaction=True)
def test_a_fault_while_committing_an_upload_fails_the_import_with_a_chinese_message(monkeypatch, batch, clerk):
    before = snapshot()
    roster_import = rosters.roster_upload(
        batch=batch, user=clerk, file_name="花名册.xlsx", content=make_roster(roster_touching_everything())
    )
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.PREVIEW  # checked inline when the upload committed
    seen = fail_after_trainees_were_written(monkeypatch, "enrol")

    rosters.roster_request_commit(roster_import=roster_import, user=clerk, skip_invalid=False)

    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.FAILED
    assert roster_import.message == ROLLED_BACK
    assert (roster_import.created_count, roster_import.enrolled_count) == (0, 0)
    assert seen["trainees"] == 31
    assert snapshot() == before


# --- the upload path: preview, commit, cancel --------------------------------------------------------


def upload(batch, user, rows, django_capture_on_commit_callbacks, **options) -> RosterImport:
    with django_capture_on_commit_callbacks(execute=True):
        roster_import = rosters.roster_upload(
            batch=batch, user=user, file_name="钦南区母婴护理员花名册.xlsx", content=make_roster(rows), **options
        )
    roster_import.refresh_from_db()
    return roster_import


def commit(roster_import, user, django_capture_on_commit_callbacks, skip_invalid=False) -> RosterImport:
    with django_capture_on_commit_callbacks(execute=True):
        rosters.roster_request_commit(roster_import=roster_import, user=user, skip_invalid=skip_invalid)
    roster_import.refresh_from_db()
    return roster_import


def test_an_upload_is_previewed_then_committed(batch, clerk, django_capture_on_commit_callbacks):
    roster_import = upload(batch, clerk, [valid_row(n) for n in PEOPLE[:3]], django_capture_on_commit_callbacks)
    assert roster_import.status == RosterImport.Status.PREVIEW
    assert (roster_import.rows, roster_import.valid_rows, roster_import.error_rows) == (3, 3, 0)
    assert roster_import.report["created"] == 3
    assert roster_import.uploaded_by == clerk
    assert counts()["trainees"] == 0  # a preview writes nothing

    roster_import = commit(roster_import, clerk, django_capture_on_commit_callbacks)
    assert roster_import.status == RosterImport.Status.COMMITTED
    assert (roster_import.created_count, roster_import.enrolled_count) == (3, 3)
    assert set(Enrolment.objects.values_list("roster_import", flat=True)) == {roster_import.pk}


def test_a_preview_with_errors_cannot_be_committed_whole(batch, clerk, django_capture_on_commit_callbacks):
    roster_import = upload(batch, clerk, rows_with_two_errors(), django_capture_on_commit_callbacks)
    assert roster_import.error_rows == 2
    with pytest.raises(ValidationError) as problem:
        rosters.roster_request_commit(roster_import=roster_import, user=clerk, skip_invalid=False)
    assert problem.value.messages == ["花名册有错误行，不能全部导入：请修改后重新上传，或选择“仅导入有效行”。"]
    roster_import = commit(roster_import, clerk, django_capture_on_commit_callbacks, skip_invalid=True)
    assert roster_import.status == RosterImport.Status.COMMITTED
    assert roster_import.created_count == 2


def test_a_commit_checks_the_registry_again(batch, clerk, django_capture_on_commit_callbacks):
    """Two clerks preview the same roster; the second commit finds everybody enrolled and adds nothing."""
    rows = [valid_row(n) for n in PEOPLE[:3]]
    first = upload(batch, clerk, rows, django_capture_on_commit_callbacks)
    second = upload(batch, clerk, rows, django_capture_on_commit_callbacks)
    assert second.report["enrolled"] == 3
    commit(first, clerk, django_capture_on_commit_callbacks)
    second = commit(second, clerk, django_capture_on_commit_callbacks)
    assert second.status == RosterImport.Status.COMMITTED
    assert (second.created_count, second.enrolled_count) == (0, 0)
    assert Enrolment.objects.count() == 3


def test_a_committed_import_cannot_be_committed_again(batch, clerk, django_capture_on_commit_callbacks):
    roster_import = commit(
        upload(batch, clerk, [valid_row(PEOPLE[0])], django_capture_on_commit_callbacks),
        clerk,
        django_capture_on_commit_callbacks,
    )
    with pytest.raises(ValidationError, match="当前状态为“已导入”，不能再提交"):
        rosters.roster_request_commit(roster_import=roster_import, user=clerk, skip_invalid=False)


def test_a_cancelled_import_writes_nothing(batch, clerk, django_capture_on_commit_callbacks):
    roster_import = upload(batch, clerk, [valid_row(PEOPLE[0])], django_capture_on_commit_callbacks)
    rosters.roster_cancel(roster_import=roster_import, user=clerk)
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.CANCELLED
    assert roster_import.message == "经办员取消了本次导入，没有写入任何记录。"
    with pytest.raises(ValidationError):
        rosters.roster_request_commit(roster_import=roster_import, user=clerk, skip_invalid=False)
    assert counts()["trainees"] == 0


def test_mark_completed_on_an_upload(batch, clerk, django_capture_on_commit_callbacks):
    roster_import = upload(
        batch, clerk, [valid_row(PEOPLE[0])], django_capture_on_commit_callbacks, mark_completed=True
    )
    commit(roster_import, clerk, django_capture_on_commit_callbacks)
    assert Enrolment.objects.get().completed is True


def test_a_large_upload_goes_through_the_task_queue(batch, clerk, settings, django_capture_on_commit_callbacks):
    settings.IMPORT_INLINE_MAX_ROWS = 2  # Celery runs in the test's process (conftest)
    roster_import = upload(batch, clerk, [valid_row(n) for n in PEOPLE], django_capture_on_commit_callbacks)
    assert roster_import.status == RosterImport.Status.PREVIEW
    roster_import = commit(roster_import, clerk, django_capture_on_commit_callbacks)
    assert roster_import.status == RosterImport.Status.COMMITTED
    assert Enrolment.objects.count() == 5


def test_a_clerk_cannot_upload_into_another_areas_batch(make_batch, other_area, clerk):
    other_batch = make_batch(batch_area=other_area)
    with pytest.raises(PermissionDenied):
        rosters.roster_upload(batch=other_batch, user=clerk, file_name="a.xlsx", content=make_roster([]))
    assert not RosterImport.objects.exists()


@pytest.mark.parametrize("name", [*BAD_FILES, "zip bomb", "zip bomb with a lying directory", "over 20 MB"])
def test_an_unusable_upload_is_refused_and_nothing_is_stored(batch, clerk, name):
    content, message = bad_file(name)
    with pytest.raises(SpreadsheetError) as problem:
        rosters.roster_upload(
            batch=batch,
            user=clerk,
            file_name="花名册.csv" if name.startswith("csv") else "花名册.xlsx",
            content=content,
        )
    assert str(problem.value) == message
    assert not RosterImport.objects.exists()


# --- number of queries -----------------------------------------------------------------------------


def write_queries_bound(rows: int) -> int:
    """Statements the backend needs to insert `rows` people, their category links and enrolments: one per
    chunk of 2,000 on PostgreSQL; SQLite's 999-parameter limit splits each chunk further, by fields."""
    from employment.models import ReferralStanding  # the people now taking part in brand training

    total = 0
    for model, chunk in (
        (Trainee, bulk.CHUNK),
        (Trainee.categories.through, bulk.CHUNK),
        (Enrolment, bulk.CHUNK),
        (ReferralStanding, 1000),
    ):
        fields = [field for field in model._meta.concrete_fields if not field.primary_key]
        per_statement = min(connection.ops.bulk_batch_size(fields, [None] * rows) or rows, chunk)
        total += math.ceil(rows / per_statement)
    # The referral tally rows the people count in (city and area, all years and the batch's year), when missing.
    return total + 4


def queries_to_import(batch, count: int, start: int) -> tuple[int, int]:
    content = quick_roster([valid_row(number) for number in person_ids(count, start=start)])
    with CaptureQueriesContext(connection) as context:
        report = rosters.roster_process(
            content=content, batch=batch, commit=True, skip_invalid=False, mark_completed=False
        )
    assert (report["created"], report["enrolled"]) == (count, count)
    inserts = sum(1 for query in context.captured_queries if query["sql"].lstrip().upper().startswith(WRITES))
    return len(context.captured_queries) - inserts, inserts


def test_the_number_of_queries_does_not_grow_with_the_rows(make_batch):
    small_reads, small_inserts = queries_to_import(make_batch(), 200, start=0)
    large_reads, large_inserts = queries_to_import(
        make_batch(start=datetime.date(2024, 4, 1), end=datetime.date(2024, 4, 20)), 2000, start=1000
    )
    assert large_reads == small_reads
    # 12 for the import itself, the rest the summary rows of the people now taking part (employment's
    # referral standings and tallies): a fixed number of statements per chunk of people, never per person.
    assert small_reads <= 30
    assert large_inserts <= write_queries_bound(2000)
    assert small_inserts <= write_queries_bound(200)
