"""The bulk referral import fuzzed (issue 7, "Robustness"), with the roster fuzzing's strategies and files.

(a) reading never raises anything but SpreadsheetError; every other problem is a row error with a
    Chinese message, and a valid row fits JobReferral's columns;
(b) upload → preview → commit → error workbook through the county clerk's pages never answers 5xx;
(c) never partial data: a refused commit writes no referral, a "valid rows only" commit writes exactly
    the valid rows, and a fault half-way through the write leaves none behind."""

import datetime
import io
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone
from hypothesis import event, example, given, note, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from core.imports.cells import compact
from core.spreadsheets import SpreadsheetError
from employment import referral_import as importer
from employment import tallies
from employment.models import JobReferral, ReferralImport
from employment.tests import referral_sheets as sheets_of_referrals
from training.tests.factories import EnrolmentFactory, TraineeFactory, TrainingBatchFactory
from training.tests.rosters import make_roster, person_ids
from training.tests.test_fuzz_roster import (
    CHINESE,
    CONTROL_CHARACTERS,
    FUZZ,
    MALFORMED,
    RAW_CELLS,
    any_cell,
    decorated,
    hidden_first_sheet_without_roster,
    id_variants,
    rolled_back,
    text,
    workbook_bytes,
    writable,
)
from training.tests.test_roster import minimal_xlsx, text_row

pytestmark = pytest.mark.django_db

ROLLED_BACK = "写入数据库时出错，本次导入已整体撤销，没有写入任何记录。请稍后重新上传。"
HEADERS = importer.TEMPLATE_HEADERS  # 身份证号码 姓名 用人单位 推荐岗位 推荐日期 推荐渠道 推荐结果 备注
FIELDS = ["id_number", "name", "employer", "position", "referred_on", "channel", "result", "note"]
OPTIONAL_FIELDS = ["result", "note"]

# Trainees of the clerk's area (钦南区), one of 钦北区, and a number nobody registered.
NAMES = ["黄秀英", "李明", "陈丽", "韦强"]
OURS = person_ids(len(NAMES), start=8000)
OUTSIDER = person_ids(1, start=8100)[0]
NOBODY = person_ids(1, start=8200)[0]
REGISTERED = dict(zip(OURS, NAMES, strict=True))
EMPLOYER = "钦州市好帮手家政服务有限公司"


# --- cells and sheets --------------------------------------------------------------------------------

person = st.sampled_from([*OURS, OUTSIDER, NOBODY])
date_cell = st.one_of(
    st.dates(min_value=datetime.date(1995, 1, 1), max_value=datetime.date(2030, 12, 31)),
    st.datetimes(min_value=datetime.datetime(1995, 1, 1), max_value=datetime.datetime(2030, 12, 31)),
    st.sampled_from(
        [
            "2025-03-18",
            "2025/3/18",
            "2025年3月18日",
            "２０２５-０３-１８",
            "2025-02-30",
            "3月18日",
            "2025-13-01",
            "0000-01-01",
        ]
    ),
    st.sampled_from(["2025-٠٣-18", "１９９９年１月１日", "2025-3-18_x0000_", 45734, 45734.5]),
    any_cell,
)
FIELD_CELLS = {
    "employer": st.one_of(
        st.sampled_from([EMPLOYER, f" {EMPLOYER} ", "某某餐饮店", "单" * 101, "（钦州）公司"]), any_cell
    ),
    "position": st.one_of(st.sampled_from(["家政服务员", "育婴员", "岗" * 101]), any_cell),
    "referred_on": date_cell,
    "channel": st.one_of(st.sampled_from([*importer.CHANNEL_SYNONYMS, "朋友介绍", " 线 上 "]), any_cell),
    "result": st.one_of(st.sampled_from([*importer.RESULT_SYNONYMS, "", None, "已上岗"]), any_cell),
    "note": st.one_of(st.just(""), any_cell),
}


@st.composite
def referral_row(draw) -> dict:
    """One referral's cells by field: clean, with one odd cell, or random throughout."""
    number = draw(person)
    name = REGISTERED.get(number, "覃海燕")
    odd = {
        "id_number": st.one_of(st.sampled_from(id_variants(number)), any_cell),
        "name": st.one_of(st.sampled_from([name + " ", "黄秀", "Ｍａｒｙ"]), text),
        **FIELD_CELLS,
    }
    values = {
        "id_number": number,
        "name": name,
        "employer": draw(st.sampled_from([EMPLOYER, "某某餐饮店"])),
        "position": draw(st.sampled_from(["家政服务员", "育婴员"])),
        "referred_on": draw(st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2025, 6, 30))),
        "channel": draw(st.sampled_from(list(importer.CHANNEL_SYNONYMS))),
        "result": draw(st.sampled_from(["", *importer.RESULT_SYNONYMS])),
        "note": "",
    }
    kind = draw(st.sampled_from(["clean", "one odd cell", "one odd cell", "random"]))
    if kind == "one odd cell":
        field_name = draw(st.sampled_from(FIELDS))
        values[field_name] = draw(odd[field_name])
    elif kind == "random":
        values = {field_name: draw(strategy) for field_name, strategy in odd.items()}
    return values


@dataclass
class ReferralSheet:
    headers: list
    rows: list[list] = field(default_factory=list)
    title_rows: list[str] = field(default_factory=list)

    def content(self) -> bytes:
        return make_roster(self.rows, headers=self.headers, title_rows=self.title_rows)


@st.composite
def referral_sheets(draw, max_rows: int = 6) -> ReferralSheet:
    present = [name for name in FIELDS if name not in OPTIONAL_FIELDS or draw(st.booleans())]
    if draw(st.integers(0, 9)) == 5:  # now and then a required column is missing
        present.remove(draw(st.sampled_from(sheets_of_referrals.REQUIRED_COLUMNS)))
    columns = [(draw(st.sampled_from(importer.HEADER_SYNONYMS[name]).flatmap(decorated)), name) for name in present]
    columns += [(header, None) for header in draw(st.lists(st.sampled_from(["序号", "联系电话", None, 7]), max_size=2))]
    columns = draw(st.permutations(columns))
    rows = []
    for _ in range(draw(st.integers(1, max_rows))):
        if draw(st.integers(0, 7)) == 4:
            rows.append([None] * len(columns))
            continue
        values = draw(referral_row())
        if draw(st.integers(0, 3)) == 2 and rows:  # the previous row again (the same referral twice)
            rows.append(list(rows[-1]))
            continue
        rows.append([writable(values[name] if name else draw(any_cell)) for _header, name in columns])
    titles = draw(st.lists(st.sampled_from(["钦南区岗位推荐登记表", "填报单位：钦南区人社局"]), max_size=2))
    return ReferralSheet(headers=[header for header, _name in columns], rows=rows, title_rows=titles)


def read_or_refuse(content: bytes):
    try:
        sheet = sheets_of_referrals.read_referrals(content, keep_raw=True)
    except SpreadsheetError as problem:
        assert CHINESE.search(str(problem))
        return None
    for row in sheet.rows:
        for error in row.errors:
            assert error.row == row.row and CHINESE.search(error.message), error
            assert not CONTROL_CHARACTERS.search(error.message + error.column), error
        if not row.errors:
            assert_fits_the_database(row)
    return sheet


def assert_fits_the_database(row) -> None:
    assert len(row.identity.number) == 18
    assert 0 < len(row.employer_name) <= 100 and 0 < len(row.position) <= 100 and len(row.note) <= 200
    assert datetime.date(2000, 1, 1) <= row.referred_on <= timezone.localdate()
    assert row.channel in JobReferral.Channel.values and row.result in JobReferral.Result.values
    for value in (row.name, row.employer_name, row.position, row.note):
        assert not CONTROL_CHARACTERS.search(value), repr(value)


# --- (a) the reader ----------------------------------------------------------------------------------


@settings(FUZZ, max_examples=40)
@given(sheet=referral_sheets())
@example(
    sheet=ReferralSheet(
        headers=HEADERS,
        rows=[[OURS[0], "黄秀英", "单位_x0001_", "岗位_x0000_", "2025-03-18", "线上", "", "_x001F_"]],
    )
)
def test_reading_a_random_sheet_raises_nothing_but_a_file_error(sheet):
    read_or_refuse(sheet.content())


@st.composite
def raw_referral_sheets(draw) -> bytes:
    rows = []
    for number in range(2, draw(st.integers(3, 6))):
        cells = [
            draw(st.sampled_from(RAW_CELLS)).format(
                ref=f"{column}{number}", id=draw(person), name=draw(st.sampled_from(NAMES))
            )
            for column in "ABCDEF"
        ]
        rows.append(f'<row r="{number}">{"".join(cells)}</row>')
    return minimal_xlsx(text_row(1, HEADERS[:6]) + "".join(rows))


@FUZZ
@given(content=raw_referral_sheets())
def test_reading_hand_written_cells_raises_nothing_but_a_file_error(content):
    read_or_refuse(content)


# --- (b) and (c) through the clerk's pages -----------------------------------------------------------


@pytest.fixture
def trainees(area, other_area):
    batch = TrainingBatchFactory(area=area)
    for number, name in REGISTERED.items():
        EnrolmentFactory(batch=batch, trainee=TraineeFactory(id_number=number, name=name))
    EnrolmentFactory(batch=TrainingBatchFactory(area=other_area), trainee=TraineeFactory(id_number=OUTSIDER))
    return REGISTERED


def post_file(client, content: bytes, name: str = "岗位推荐.xlsx"):
    return client.post(reverse("employment:referral_import_upload"), {"file": SimpleUploadedFile(name, content)})


def the_one_file_error(response) -> str:
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert len(errors) == 1, errors
    assert CHINESE.search(errors[0]), errors[0]
    return errors[0]


def recorded_keys() -> set[tuple]:
    """The referrals in the database, as the importer tells two referrals apart."""
    return {
        (number, compact(organisation or typed), compact(position), day)
        for number, organisation, typed, position, day in JobReferral.objects.values_list(
            "trainee__id_number", "employer__name", "employer_name", "position", "referred_on"
        )
    }


def expected_keys(content: bytes) -> set[tuple]:
    """What a "valid rows only" commit writes, worked out from the reader and the people registered above:
    rows without errors of the clerk's own trainees under their registered names, each referral once."""
    sheet = sheets_of_referrals.read_referrals(content)
    return {
        (row.identity.number, compact(row.employer_name), compact(row.position), row.referred_on)
        for row in sheet.rows
        if not row.errors and REGISTERED.get(row.identity.number) == row.name
    }


def upload_preview_commit(client, content: bytes, *, mode: str):
    response = post_file(client, content)
    if response.status_code == 200:
        event(f"refused as a file: {the_one_file_error(response)}")
        return None
    assert response.status_code == 302, response.status_code
    referral_import = ReferralImport.objects.latest("id")
    assert client.get(response["Location"]).status_code == 200
    assert client.get(reverse("employment:referral_import_errors", args=[referral_import.pk])).status_code in {200, 302}
    response = client.post(reverse("employment:referral_import_commit", args=[referral_import.pk]), {"mode": mode})
    assert response.status_code == 302, response.status_code
    assert client.get(response["Location"]).status_code == 200
    referral_import.refresh_from_db()
    return referral_import


@FUZZ
@given(sheet=referral_sheets(), mode=st.sampled_from(["all", "valid"]))
@example(
    sheet=ReferralSheet(
        headers=[*HEADERS[:7], "备注_x0002_"],
        rows=[[OURS[1], "李明_x0000_", "单位_x0001_", "家政服务员", "2025-03-18", "线上", "", "备注_x0000_"]],
    ),
    mode="all",
)
def test_upload_preview_and_commit_never_fail_and_never_write_part_of_a_sheet(clerk_client, trainees, sheet, mode):
    content = sheet.content()
    with rolled_back():
        referral_import = upload_preview_commit(clerk_client, content, mode=mode)
        if referral_import is None:
            assert not ReferralImport.objects.exists()
            assert not JobReferral.objects.exists()
            return
        note(f"status={referral_import.status} report={referral_import.report}")
        refused = referral_import.valid_rows == 0 or (referral_import.error_rows and mode == "all")
        if refused:
            event("commit refused")
            assert referral_import.status == ReferralImport.Status.PREVIEW
            assert not JobReferral.objects.exists()
            return
        assert referral_import.status == ReferralImport.Status.COMMITTED
        event(f"committed ({'all rows' if not referral_import.error_rows else 'valid rows only'})")
        assert recorded_keys() == expected_keys(content)
        assert JobReferral.objects.count() == referral_import.created_count


@st.composite
def sheets_and_faults(draw):
    """A clean sheet of 2 to 8 referrals and where the write fails: on the second chunk of bulk_create,
    or in the summary update after every chunk was written."""
    count = draw(st.integers(2, 8))
    rows = [
        [number, REGISTERED[number], EMPLOYER, f"岗位{index}", "2025-03-18", "线上", "", ""]
        for index, number in zip(range(count), OURS * 2, strict=False)
    ]
    chunk = draw(st.integers(1, count - 1))
    return make_roster(rows, headers=HEADERS), chunk, draw(st.sampled_from(["bulk_create", "tallies"]))


@settings(FUZZ, max_examples=25)
@given(case=sheets_and_faults())
def test_a_fault_half_way_through_a_commit_leaves_nothing_behind(clerk_client, trainees, case):
    content, chunk, where = case
    with rolled_back(), pytest.MonkeyPatch.context() as monkeypatch:
        assert post_file(clerk_client, content).status_code == 302
        referral_import = ReferralImport.objects.latest("id")
        monkeypatch.setattr(importer, "CHUNK", chunk)
        calls = {"bulk_create": 0, "written before the fault": 0}
        real_bulk_create = JobReferral.objects.bulk_create

        def bulk_create(objects, *args, **kwargs):
            calls["bulk_create"] += 1
            if where == "bulk_create" and calls["bulk_create"] == 2:
                calls["written before the fault"] = JobReferral.objects.count()
                raise DatabaseError("模拟：写到一半数据库连接中断")
            return real_bulk_create(objects, *args, **kwargs)

        def summaries(*args, **kwargs):
            calls["written before the fault"] = JobReferral.objects.count()
            raise DatabaseError("模拟：更新汇总时数据库连接中断")

        monkeypatch.setattr(JobReferral.objects, "bulk_create", bulk_create)
        if where == "tallies":
            monkeypatch.setattr(tallies, "trainees_changed", summaries)
        response = clerk_client.post(
            reverse("employment:referral_import_commit", args=[referral_import.pk]), {"mode": "all"}
        )
        assert response.status_code == 302
        assert clerk_client.get(response["Location"]).status_code == 200
        referral_import.refresh_from_db()
        assert calls["written before the fault"] >= chunk  # the fault came after rows had been written
        assert (referral_import.status, referral_import.message) == (ReferralImport.Status.FAILED, ROLLED_BACK)
        assert referral_import.created_count == 0
        assert not JobReferral.objects.exists()


# --- malformed files through the upload page ---------------------------------------------------------


def in_referral_words(message: str) -> str:
    """The roster import's refusal of a file, as the referral import words it: the pipeline names the sheet
    by the spec's noun; the reader's own refusals (a zip bomb) are the same for every import."""
    pipeline = message.startswith("花名册") or "填好的花名册" in message
    return message.replace("花名册", importer.REFERRALS.noun) if pipeline else message


def header_in_row_11(workbook: Workbook) -> None:
    for number in range(10):
        workbook.active.append([f"说明第 {number + 1} 行"])
    workbook.active.append(HEADERS)
    workbook.active.append([OURS[0], NAMES[0], EMPLOYER, "家政服务员", "2025-03-18", "线上"])


def merged_header_row(workbook: Workbook) -> None:
    workbook.active.append([" ".join(HEADERS)])
    workbook.active.merge_cells("A1:H1")
    workbook.active.append([OURS[0], NAMES[0], EMPLOYER, "家政服务员", "2025-03-18", "线上"])


def roster_header_only(workbook: Workbook) -> None:
    workbook.active.append(["姓名", "身份证号码", "性别"])
    workbook.active.append(["黄秀英", OURS[0], "女"])


HEADER_PROBLEMS = {
    "forty sheets, no roster": sheets_of_referrals.NO_HEADER,
    "hidden first sheet, nothing else": sheets_of_referrals.NO_HEADER,
    "header merged into one cell": sheets_of_referrals.NO_HEADER,
    "header in row 11": sheets_of_referrals.NO_HEADER,
    "header and nothing below": None,  # replaced below: the referral header with nothing under it
}
MALFORMED_SHEETS = {
    name: (build, HEADER_PROBLEMS.get(name) or in_referral_words(message))
    for name, (build, message) in MALFORMED.items()
    if name not in {"header and nothing below", "empty bytes"}
} | {
    "referral header in row 11": (lambda: workbook_bytes(header_in_row_11), sheets_of_referrals.NO_HEADER),
    "referral header merged into one cell": (lambda: workbook_bytes(merged_header_row), sheets_of_referrals.NO_HEADER),
    # The one header rule finds the person's columns and names what the sheet lacks for referrals.
    "a roster instead of a referral sheet": (
        lambda: workbook_bytes(roster_header_only),
        "表头缺少必填列：“用人单位”（或“推荐单位”“招聘单位”）、“推荐岗位”（或“岗位”）、“推荐日期”、“推荐渠道”（或“渠道”）。"
        "请使用下载的模板，或在表头中补上这些列。",
    ),
    "header and nothing below": (lambda: make_roster([], headers=HEADERS), sheets_of_referrals.NO_DATA),
    "empty bytes": (lambda: b"", "上传的文件是空的。"),
}


@pytest.mark.parametrize("name", MALFORMED_SHEETS)
def test_a_malformed_file_gets_one_chinese_error_and_nothing_is_stored(clerk_client, trainees, name):
    build, message = MALFORMED_SHEETS[name]
    response = post_file(clerk_client, build())
    assert the_one_file_error(response) == message
    assert not ReferralImport.objects.exists()
    assert not JobReferral.objects.exists()


def test_a_hidden_first_sheet_is_passed_over_for_the_referral_sheet(clerk_client, trainees):
    def build(workbook: Workbook) -> None:
        hidden_first_sheet_without_roster(workbook)
        sheet = workbook.create_sheet("推荐表")
        sheet.append(HEADERS)
        sheet.append([OURS[0], NAMES[0], EMPLOYER, "家政服务员", "2025-03-18", "线上"])

    assert post_file(clerk_client, workbook_bytes(build)).status_code == 302
    referral_import = ReferralImport.objects.get()
    assert (referral_import.status, referral_import.valid_rows, referral_import.error_rows) == ("preview", 1, 0)


# --- the bug the fuzzing found, kept as a plain test -------------------------------------------------


def test_control_characters_never_reach_the_database_or_the_error_workbook(clerk_client, trainees):
    """As for rosters: `_x0001_` in a cell is read as the control character itself, which PostgreSQL (NUL)
    and openpyxl (every C0 character: a 500 on the error workbook) refuse. They are dropped on reading."""
    content = make_roster(
        [
            [
                OURS[0],
                "黄秀英",
                "钦州市_x0000_好帮手家政服务有限公司",
                "家政_x0001_服务员",
                "2025-03-18",
                "线上",
                "",
                "备注_x001F_",
            ],
            [OURS[1], "李明", "某某餐饮店", "厨工", "2025-03-18", "朋友介绍_x0002_", "", ""],
        ],
        headers=[*HEADERS[:7], "备注_x0003_"],
        title_rows=["钦南区岗位推荐登记表_x0004_"],
    )
    referral_import = upload_preview_commit(clerk_client, content, mode="valid")
    assert referral_import.status == ReferralImport.Status.COMMITTED
    assert [error["message"] for error in referral_import.report["errors"]] == [
        f"推荐渠道“朋友介绍”无法识别，请填：{importer.CHANNEL_LIST}。"
    ]
    referral = JobReferral.objects.get()
    assert (referral.employer_name, referral.position, referral.note) == (EMPLOYER, "家政服务员", "备注")
    response = clerk_client.get(reverse("employment:referral_import_errors", args=[referral_import.pk]))
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert (rows[0][0], rows[1][7]) == ("钦南区岗位推荐登记表", "备注")
    assert not any(CONTROL_CHARACTERS.search(value) for line in rows for value in line if isinstance(value, str))
    assert rows[3][5] == "朋友介绍"
