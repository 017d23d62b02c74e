"""`manage.py import_roster`: the same import from the command line, its JSON and its exit status
(0 done as asked, 1 refused for row errors, 2 unusable arguments or file)."""

import datetime
import json
import os
import sqlite3
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection

from brands.models import Occupation, Organisation
from training import bulk
from training.models import Enrolment, RosterImport, Trainee, TrainingBatch
from training.tests.rosters import make_roster, person_ids, valid_row
from training.tests.test_roster import BAD_FILES, bad_file

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
JSON_KEYS = {
    "rows",
    "valid",
    "created",
    "updated",
    "enrolled",
    "duplicate_rows",
    "errors",
    "ignored_columns",
    "committed",
}
BATCH = ["--area", "450702", "--occupation", "母婴护理员", "--start", "2024-03-01", "--end", "2024-03-20"]
PEOPLE = person_ids(4)


@pytest.fixture
def roster_file(tmp_path):
    def write(rows, name="花名册.xlsx", **options) -> str:
        path = tmp_path / name
        path.write_bytes(make_roster(rows, **options))
        return str(path)

    return write


@pytest.fixture
def clean_roster(roster_file):
    return roster_file([valid_row(number, categories="脱贫人口、农民工") for number in PEOPLE])


@pytest.fixture
def roster_with_errors(roster_file):
    return roster_file(
        [valid_row(PEOPLE[0]), valid_row(PEOPLE[1], phone="12345"), valid_row(PEOPLE[2])],
        headers=["学员姓名", "公民身份号码", "性别", "手机号码", "文化程度", "人员类别", "户籍地址", "备注", "序号"],
        title_rows=["钦南区母婴护理员培训班花名册"],
    )


def run(*args) -> str:
    out = StringIO()
    call_command("import_roster", *args, stdout=out)
    return out.getvalue()


def run_json(*args) -> dict:
    out = StringIO()
    call_command("import_roster", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def written() -> dict:
    return {
        "batches": TrainingBatch.objects.count(),
        "imports": RosterImport.objects.count(),
        "trainees": Trainee.objects.count(),
        "enrolments": Enrolment.objects.count(),
    }


# --- exit status 0 -------------------------------------------------------------------------------


def test_a_clean_roster_is_imported_and_the_json_has_exactly_the_documented_keys(clean_roster):
    report = run_json(clean_roster, *BATCH)
    assert set(report) == JSON_KEYS
    assert report == {
        "rows": 4,
        "valid": 4,
        "created": 4,
        "updated": 0,
        "enrolled": 4,
        "duplicate_rows": [],
        "errors": [],
        "ignored_columns": [],
        "committed": True,
    }
    batch = TrainingBatch.objects.get()
    assert (batch.area.code, batch.occupation.name, batch.provider) == ("450702", "母婴护理员", None)
    assert (batch.start_date, batch.end_date) == (datetime.date(2024, 3, 1), datetime.date(2024, 3, 20))
    assert batch.status == TrainingBatch.Status.COMPLETED  # its end date has passed
    assert Enrolment.objects.filter(batch=batch, completed=False).count() == 4
    roster_import = RosterImport.objects.get()
    assert (roster_import.status, roster_import.file_name, roster_import.created_count) == (
        "committed",
        "花名册.xlsx",
        4,
    )
    assert roster_import.uploaded_by is None


@pytest.mark.parametrize("name", ["roster-gbk.csv", "roster.xls", "roster.ods"])
def test_a_roster_in_another_format_gives_the_same_report_as_its_xlsx(tmp_path, name):
    """The command passes the file's name on: a .csv saved by WPS or Excel on a Chinese Windows (GBK) works too."""
    reports = {}
    for file_name in ("roster.xlsx", name):
        path = tmp_path / file_name
        path.write_bytes((ROOT / "core/tests/fixtures" / file_name).read_bytes())
        out = StringIO()
        with pytest.raises(SystemExit):  # three rows have errors: exit status 1, nothing written
            call_command("import_roster", str(path), *BATCH, "--json", "--dry-run", stdout=out)
        reports[file_name] = json.loads(out.getvalue())
    assert reports[name] == reports["roster.xlsx"]
    assert reports[name]["rows"] == 7


def test_a_second_run_finds_the_same_batch_and_changes_nothing(clean_roster):
    run_json(clean_roster, *BATCH)
    before = written()
    report = run_json(clean_roster, *BATCH)
    assert (report["created"], report["updated"], report["enrolled"], report["committed"]) == (0, 0, 0, True)
    assert TrainingBatch.objects.count() == 1
    assert {key: value for key, value in written().items() if key != "imports"} == {
        key: value for key, value in before.items() if key != "imports"
    }
    assert RosterImport.objects.count() == 2  # every run is kept in the history


def test_a_provider_is_part_of_what_identifies_the_batch(clean_roster, area):
    provider = Organisation.objects.create(name="钦州市巾帼家政培训学校", kind="training_provider", area=area)
    run_json(clean_roster, *BATCH, "--provider", "钦州市巾帼家政培训学校")
    run_json(clean_roster, *BATCH, "--provider", "钦州市巾帼家政培训学校")
    run_json(clean_roster, *BATCH)
    assert set(TrainingBatch.objects.values_list("provider", flat=True)) == {provider.pk, None}
    assert Trainee.objects.count() == 4
    assert Enrolment.objects.count() == 8  # the same people in two batches


def test_completed_marks_the_enrolments_completed(clean_roster):
    run_json(clean_roster, *BATCH, "--completed")
    assert set(Enrolment.objects.values_list("completed", flat=True)) == {True}


def test_a_dry_run_writes_nothing_not_even_the_batch(clean_roster):
    report = run_json(clean_roster, *BATCH, "--dry-run")
    assert (report["created"], report["enrolled"], report["committed"]) == (4, 4, False)
    assert written() == {"batches": 0, "imports": 0, "trainees": 0, "enrolments": 0}


def test_a_dry_run_against_an_existing_batch_reports_what_is_already_there(clean_roster):
    run_json(clean_roster, *BATCH)
    before = written()
    report = run_json(clean_roster, *BATCH, "--dry-run")
    assert (report["created"], report["enrolled"], report["committed"]) == (0, 0, False)
    assert written() == before


def test_skip_invalid_imports_the_valid_rows_and_reports_the_others(roster_with_errors):
    report = run_json(roster_with_errors, *BATCH, "--skip-invalid")
    assert (report["rows"], report["valid"], report["created"], report["committed"]) == (3, 2, 2, True)
    assert report["errors"] == [
        {
            "row": 4,
            "column": "手机号码",
            "message": "联系电话“12345”不正确：应为 11 位手机号码（13 至 19 开头）或带区号的固定电话（如 0777-2812345）。",
        }
    ]
    assert report["ignored_columns"] == ["序号"]
    assert set(Trainee.objects.values_list("id_number", flat=True)) == {PEOPLE[0], PEOPLE[2]}


def test_duplicate_rows_are_excel_row_numbers(roster_file):
    path = roster_file([valid_row(PEOPLE[0]), valid_row(PEOPLE[1]), valid_row(PEOPLE[0]), valid_row(PEOPLE[0])])
    report = run_json(path, *BATCH)
    assert report["duplicate_rows"] == [4, 5]
    assert (report["rows"], report["valid"], report["created"]) == (4, 2, 2)


def test_the_text_report_says_what_was_done(clean_roster):
    text = run(clean_roster, *BATCH)
    assert "班期：钦南区 母婴护理员 2024-03-01（新建）" in text
    assert "数据行 4，有效 4，错误行 0，文件内重复 0" in text
    assert "已新增人员 4，已更新人员 0，已新增参训 4" in text
    assert "导入完成。" in text
    assert "（已有）" in run(clean_roster, *BATCH)


def test_the_text_report_of_a_dry_run(clean_roster):
    text = run(clean_roster, *BATCH, "--dry-run")
    assert "将新增人员 4，将更新人员 0，将新增参训 4" in text
    assert "试运行：没有写入任何记录。" in text


# --- exit status 1 -------------------------------------------------------------------------------


def test_row_errors_without_skip_invalid_exit_1_and_write_nothing(roster_with_errors):
    out = StringIO()
    with pytest.raises(SystemExit) as exit_status:
        call_command("import_roster", roster_with_errors, *BATCH, "--json", stdout=out)
    assert exit_status.value.code == 1
    report = json.loads(out.getvalue())
    assert report["committed"] is False
    assert [(error["row"], error["column"]) for error in report["errors"]] == [(4, "手机号码")]
    # Not even the batch: a refused roster leaves no empty batch behind.
    assert written() == {"batches": 0, "imports": 0, "trainees": 0, "enrolments": 0}


def test_row_errors_in_a_roster_for_an_existing_batch_write_nothing(clean_roster, roster_file):
    run_json(clean_roster, *BATCH)
    before = written()
    path = roster_file([valid_row(number, phone="13900139000") for number in person_ids(3, start=50)] + [["张"]])
    with pytest.raises(SystemExit) as exit_status:
        run(path, *BATCH)
    assert exit_status.value.code == 1
    after = written()
    assert (after["batches"], after["trainees"], after["enrolments"]) == (
        before["batches"],
        before["trainees"],
        before["enrolments"],
    )
    assert not RosterImport.objects.filter(status=RosterImport.Status.COMMITTED).exclude(created_count=4).exists()


def test_row_errors_in_a_dry_run_also_exit_1(roster_with_errors):
    with pytest.raises(SystemExit) as exit_status:
        run(roster_with_errors, *BATCH, "--dry-run")
    assert exit_status.value.code == 1
    assert written() == {"batches": 0, "imports": 0, "trainees": 0, "enrolments": 0}


def test_the_text_report_of_a_refused_roster_lists_each_error(roster_with_errors):
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("import_roster", roster_with_errors, *BATCH, stdout=out)
    text = out.getvalue()
    assert "第 4 行 [手机号码] 联系电话“12345”不正确" in text
    assert "未识别而忽略的列：序号" in text
    assert "花名册有错误行，没有写入任何记录（可用 --skip-invalid 只导入有效行）。" in text


def test_a_database_fault_half_way_writes_nothing_and_the_import_is_recorded_as_failed(clean_roster, monkeypatch):
    def broken(*args, **kwargs):
        raise DatabaseError("模拟：数据库连接中断")

    monkeypatch.setattr(bulk, "enrol", broken)
    with pytest.raises(DatabaseError):
        run(clean_roster, *BATCH)
    assert (Trainee.objects.count(), Enrolment.objects.count()) == (0, 0)
    roster_import = RosterImport.objects.get()
    assert roster_import.status == RosterImport.Status.FAILED
    assert roster_import.message == "命令行导入：写入数据库时出错，已整体撤销。"


# --- exit status 2 -------------------------------------------------------------------------------


def refused(*args) -> str:
    with pytest.raises(CommandError) as problem:
        run(*args)
    assert problem.value.returncode == 2
    return str(problem.value)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"--area": "999999"}, "地区代码“999999”不存在，可用：450702、450703、450721、450722、QZFTZ。"),
        ({"--area": "450700"}, "地区代码“450700”不存在"),  # the city does not run batches
        ({"--occupation": "厨师"}, "职业（工种）“厨师”不在培训工种清单中：请在“动态培训清单”中核对名称。"),
        ({"--start": "2024/03/01"}, "--start 日期“2024/03/01”无效：请按 YYYY-MM-DD 填写，例如 2024-03-01。"),
        ({"--end": "2024-02-30"}, "--end 日期“2024-02-30”无效"),
        ({"--end": "2024-02-01"}, "结业日期不能早于开班日期。"),
    ],
)
def test_unusable_arguments_exit_2_with_the_reason(clean_roster, changes, message):
    arguments = list(BATCH)
    for flag, value in changes.items():
        arguments[arguments.index(flag) + 1] = value
    assert message in refused(clean_roster, *arguments)
    assert written() == {"batches": 0, "imports": 0, "trainees": 0, "enrolments": 0}


def test_an_unregistered_provider_exits_2(clean_roster):
    assert (
        refused(clean_roster, *BATCH, "--provider", "不存在的学校")
        == "培训机构“不存在的学校”未登记：请先在单位名录中登记。"
    )


def test_a_missing_file_exits_2(tmp_path):
    missing = tmp_path / "没有这个文件.xlsx"
    assert refused(str(missing), *BATCH) == f"找不到文件：{missing}"
    assert refused(str(tmp_path), *BATCH) == f"找不到文件：{tmp_path}"  # a directory is not a roster


def test_an_unreadable_file_exits_2(clean_roster, monkeypatch):
    def denied(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", denied)
    message = refused(clean_roster, *BATCH)
    assert message.startswith("无法读取文件")
    assert written()["batches"] == 0


def test_a_file_over_20_mb_exits_2(tmp_path):
    path = tmp_path / "大文件.xlsx"
    path.write_bytes(bad_file("over 20 MB")[0])
    assert refused(str(path), *BATCH) == "文件超过 20 MB，请拆分后分批导入。"


@pytest.mark.parametrize("name", [*BAD_FILES, "zip bomb", "zip bomb with a lying directory"])
def test_an_unusable_file_exits_2_and_creates_no_batch(tmp_path, name):
    content, message = bad_file(name)
    path = tmp_path / ("花名册.csv" if name.startswith("csv") else "花名册.xlsx")
    path.write_bytes(content)
    assert refused(str(path), *BATCH) == message
    assert written() == {"batches": 0, "imports": 0, "trainees": 0, "enrolments": 0}


# --- the real command, in its own process ----------------------------------------------------------


@pytest.fixture
def database_url(tmp_path) -> str:
    """A database the child process can open: a copy of this worker's migrated SQLite test database,
    or the PostgreSQL test database itself (the child then only reads: a dry run or a refusal)."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        path = tmp_path / "child.sqlite3"
        connection.ensure_connection()
        # serialize(), not backup(): the test's transaction begins IMMEDIATE (settings), and a backup through
        # the shared-cache test database waits for that lock for ever.
        copy = sqlite3.connect(":memory:")
        copy.deserialize(connection.connection.serialize())
        target = sqlite3.connect(path)
        copy.backup(target)
        target.close()
        copy.close()
        return f"sqlite:///{path}"
    if connection.vendor == "postgresql":
        password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
        return (
            f"postgres://{settings['USER']}{password}@{settings['HOST'] or 'localhost'}:{settings['PORT'] or 5432}"
            f"/{settings['NAME']}"
        )
    pytest.skip(f"no child database for {connection.vendor}")


def run_manage(database_url: str, *args) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DATABASE_URL": database_url, "DJANGO_LOG_LEVEL": "WARNING"}
    return subprocess.run(
        [sys.executable, "manage.py", "import_roster", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_real_command_exits_1_for_row_errors(database_url, roster_with_errors):
    assert Occupation.objects.filter(name="母婴护理员").exists()
    result = run_manage(database_url, roster_with_errors, *BATCH, "--dry-run", "--json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["errors"][0]["column"] == "手机号码"
    assert report["committed"] is False


def test_the_real_command_exits_2_with_the_reason_on_stderr(database_url, clean_roster):
    result = run_manage(database_url, clean_roster, *BATCH[:1], "999999", *BATCH[2:])
    assert result.returncode == 2
    assert "地区代码“999999”不存在" in result.stderr
    assert result.stdout == ""
