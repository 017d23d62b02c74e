"""The roster import fuzzed (issue 7, "Robustness"): random workbooks and malformed files.

Properties, each checked with hypothesis on real xlsx files (openpyxl, or hand-written XML for cells
openpyxl cannot write):
(a) reading never raises anything but SpreadsheetError; every other problem is a row error with a
    Chinese message, and what a valid row holds fits the database (lengths, no control characters);
(b) upload → preview → commit → error workbook through the county clerk's pages never answers 5xx;
(c) never partial data: a refused commit changes nothing, a "valid rows only" commit writes exactly
    the valid rows, and a fault half-way through the write leaves the database as it was.

Every hypothesis test is derandomized (the same examples on every run) and bounded; the examples of
the bugs the fuzzing found are kept as plain tests at the end."""

import datetime
import io
import re
import struct
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from django.urls import reverse
from hypothesis import HealthCheck, event, example, given, note, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from core.identity import check_character
from core.spreadsheets import NOT_A_WORKBOOK, SpreadsheetError
from training import bulk
from training.models import Enrolment, RosterImport, Trainee
from training.roster import (
    CATEGORIES,
    CATEGORY_NAMES,
    EDUCATION_SYNONYMS,
    HEADER_SYNONYMS,
    RowRules,
)
from training.tests.factories import EnrolmentFactory, TraineeFactory, TrainingBatchFactory
from training.tests.rosters import (
    chinese_name,
    estimate_rows,
    make_id,
    make_roster,
    person_ids,
    read_roster,
    valid_row,
)
from training.tests.test_roster import (
    DAMAGED,
    EMPTY_SHEET,
    NO_DATA,
    NO_HEADER,
    PASSWORD,
    UNCOMPRESSED_TOO_BIG,
    _zip,
    docx_like,
    minimal_xlsx,
    ole_file,
    text_row,
    zip_bomb,
)

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
START = datetime.date(2024, 3, 1)  # TrainingBatchFactory's start date
RULES = RowRules(start_date=START, min_age=16, max_age=75)
CHINESE = re.compile(r"[\u4e00-\u9fff]")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
ROLLED_BACK = "写入数据库时出错，本次导入已整体撤销，没有写入任何记录。请稍后重新上传。"

# People the strategies draw from: the first two are registered (enrolled in another batch) before each test.
POOL = person_ids(8, start=7000)
REGISTERED = POOL[:2]


# --- cells -------------------------------------------------------------------------------------------

SPECIAL_TEXT = [
    "",
    " ",
    "\u3000",
    "\u200b",
    "\ufeff张三",
    "张\u200b三",
    "１３８００１３８０００",
    "13٨٠٠١٣٨٠٠٠",  # Arabic-Indic digits after "13"
    "０７７７－２８１２３４５",
    "😀",
    "👨‍👩‍👧‍👦张三",
    "=SUM(1,2)",  # openpyxl writes a formula (no cached value)
    "=1/0",
    "=",
    "+86 138 0013 8000",
    "-1+2",
    "@SUM(A1)",
    "a\tb",
    "a\r\nb",
    "\n",
    "#N/A",  # openpyxl writes an error value
    "#DIV/0!",
    "#REF!",
    "_x0000_",  # Excel's escape for a control character: calamine reads NUL
    "地址_x0001_",
    "男_x001F_",
    "\x7f",
    "\x85",
    "\u202e反转",
    "NaN",
    "inf",
    "4.50702E+17",
    "男",
    "女",
    "男性",
    "未知",
    "初中",
    "高中/中专/技校",
    "脱贫人口、农民工",
    "贫困户",
    "张" * 21,
    "x" * 5000,
    "钦" * 201,
    "'",
    '"',
    "<>&",
    "]]>",
    "\\",
    "%s%n",
    "None",
    "null",
]
printable_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from("\t\n\r\x7f\x85"),
    max_size=30,
)
text = st.one_of(st.sampled_from(SPECIAL_TEXT), printable_text, st.text("钦州港张三李四王", min_size=180, max_size=260))
any_cell = st.one_of(
    text,
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.integers(min_value=-(10**300), max_value=10**300),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=datetime.date(1800, 1, 1)),
    st.datetimes(min_value=datetime.datetime(1800, 1, 1)),
    st.times(),
    st.timedeltas(min_value=datetime.timedelta(days=-3000), max_value=datetime.timedelta(days=3000)),
)


def id_variants(number: str) -> list:
    """A valid number and the ways it is almost valid in real rosters."""
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    born_2015 = make_id(birth=datetime.date(2015, 6, 1))
    future = make_id(birth=datetime.date(2090, 1, 1))
    return [
        number,
        wrong,
        number[:17],
        number + "1",
        number.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
        " " + " ".join(number[:6]) + "\u200b" + number[6:] + "\t",
        number[:6] + number[8:17],  # the 15-digit legacy form of the same person
        number[:16] + "AB",
        int(number[:17] + "0"),
        float(number[:17] + "0"),
        "4.50702E+17",
        "99" + number[2:17] + check_character("99" + number[2:17]),
        born_2015,
        future,
        number[:14] + "x" * 4,
    ]


id_cell = st.one_of(
    st.sampled_from(POOL),
    st.sampled_from(POOL).flatmap(lambda number: st.sampled_from(id_variants(number))),
    any_cell,
)
name_cell = st.one_of(st.sampled_from([chinese_name(n) for n in range(12)] + ["阿卜杜·热合曼", "Mary"]), any_cell)
FIELD_CELLS = {
    "name": name_cell,
    "id_number": id_cell,
    "sex": st.one_of(st.sampled_from(["男", "女", "", None, "男性", "女性"]), any_cell),
    "phone": st.one_of(
        st.sampled_from(["13800138000", "0777-2812345", "+86 138 0013 8000", "(0777)2812345", 13800138000]), any_cell
    ),
    "education": st.one_of(st.sampled_from(sorted(EDUCATION_SYNONYMS)), any_cell),
    "categories": st.one_of(
        st.lists(st.sampled_from(CATEGORY_NAMES + ["脱贫户", "监测对象"]), max_size=3).flatmap(
            lambda names: st.sampled_from(["、", ",", "，", "/", "；"]).map(lambda sep: sep.join(names))
        ),
        any_cell,
    ),
    "household_address": st.one_of(st.just("广西钦州市钦南区沙埠镇"), any_cell),
    "note": st.one_of(st.just(""), any_cell),
}
OPTIONAL_FIELDS = ["sex", "phone", "education", "categories", "household_address", "note"]


# --- workbooks ---------------------------------------------------------------------------------------


@dataclass
class RosterSheet:
    """A workbook to write: the header as typed, title rows above it, data rows in column order."""

    headers: list
    rows: list[list] = field(default_factory=list)
    title_rows: list[str] = field(default_factory=list)

    def content(self) -> bytes:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "花名册"
        for title in self.title_rows:
            sheet.append([title])
        sheet.append(self.headers)
        for row in self.rows:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


def writable(value):
    """openpyxl refuses C0 control characters (Excel would store them as _xHHHH_ escapes: SPECIAL_TEXT has those)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def decorated(header: str) -> st.SearchStrategy[str]:
    """A header as clerks type it: required marks, notes in brackets, stray spaces, a BOM."""
    return st.sampled_from([header, f"*{header}", f"{header}（必填）", f" {header} ", f"\ufeff{header}", f"{header}:"])


TEMPLATE_FIELDS = ["name", "id_number", "sex", "phone", "education", "categories", "household_address", "note"]


@st.composite
def roster_values(draw) -> dict:
    """One person's cells by field: most rows are clean or have one odd cell, some are random throughout
    (so that commits of valid rows happen as often as refusals)."""
    number = draw(st.sampled_from(POOL))
    values = dict(zip(TEMPLATE_FIELDS, valid_row(number, name=chinese_name(POOL.index(number))), strict=True))
    kind = draw(st.sampled_from(["clean", "one odd cell", "one odd cell", "random"]))
    if kind == "one odd cell":
        name = draw(st.sampled_from(TEMPLATE_FIELDS))
        values[name] = draw(FIELD_CELLS[name])
    elif kind == "random":
        values = {name: draw(FIELD_CELLS[name]) for name in TEMPLATE_FIELDS}
    return values


@st.composite
def roster_sheets(draw, *, required=("name", "id_number"), max_rows: int = 6):
    present = list(required) + draw(st.lists(st.sampled_from(OPTIONAL_FIELDS), unique=True, max_size=6))
    if draw(st.integers(0, 9)) == 5:  # now and then a required column is missing
        present.remove(draw(st.sampled_from(list(required))))
    columns = [(draw(st.sampled_from(HEADER_SYNONYMS[name]).flatmap(decorated)), name) for name in present]
    extras = draw(st.lists(st.sampled_from(["序号", "工作单位", "备用", None, 2024, "身份证号码（旧）"]), max_size=2))
    columns += [(header, None) for header in extras]
    columns = draw(st.permutations(columns))
    title_rows = draw(
        st.lists(st.sampled_from(["钦州市“八桂系列”劳务品牌培训学员花名册", "填报单位：钦南区", ""]), max_size=3)
    )
    rows = []
    for _ in range(draw(st.integers(1, max_rows))):
        if draw(st.integers(0, 7)) == 4:
            rows.append([None] * len(columns))  # a blank line in the middle
            continue
        values = draw(roster_values())
        rows.append([writable(values[name] if name else draw(any_cell)) for _header, name in columns])
    return RosterSheet(headers=[header for header, _name in columns], rows=rows, title_rows=title_rows)


# --- what a row may hold -----------------------------------------------------------------------------


def assert_chinese_row_errors(roster) -> None:
    for row in roster.rows:
        for error in row.errors:
            assert isinstance(error.row, int) and error.row == row.row
            assert isinstance(error.column, str) and isinstance(error.message, str)
            assert CHINESE.search(error.message), error.message
            assert not CONTROL_CHARACTERS.search(error.message + error.column), error


def assert_fits_the_database(row) -> None:
    """A valid row goes into Trainee's columns as it is: lengths, choices, nothing PostgreSQL or openpyxl refuses."""
    assert 2 <= len(row.name) <= 20
    assert len(row.identity.number) == 18 and row.identity.number.isascii()
    assert row.sex in {"M", "F"}
    assert len(row.phone) <= 20 and re.fullmatch(r"[0-9-]*", row.phone), row.phone
    assert row.education in {"", *EDUCATION_SYNONYMS.values()}
    assert set(row.categories) <= set(CATEGORIES)
    assert len(row.household_address) <= 200 and len(row.note) <= 200
    for value in (row.name, row.phone, row.household_address, row.note):
        assert not CONTROL_CHARACTERS.search(value), repr(value)


def read_or_refuse(content: bytes):
    """The roster, or None when the file is refused as a whole (with a Chinese message)."""
    try:
        roster = read_roster(content, rules=RULES, keep_raw=True)
    except SpreadsheetError as problem:
        assert CHINESE.search(str(problem))
        return None
    assert_chinese_row_errors(roster)
    for row in roster.rows:
        if not row.errors:
            assert_fits_the_database(row)
    return roster


# --- (a) the reader ----------------------------------------------------------------------------------


@settings(FUZZ, max_examples=40)
@given(sheet=roster_sheets())
@example(
    sheet=RosterSheet(
        headers=["姓名", "身份证号码", "性别", "联系电话", "户籍地址", "备注"],
        rows=[["张三", POOL[2], "男_x0001_", "13٨٠٠١٣٨٠٠٠", "地址_x0000_", "_x001F_备注"]],
    )
)
def test_reading_a_random_workbook_raises_nothing_but_a_file_error(sheet):
    content = sheet.content()
    roster = read_or_refuse(content)
    if roster is not None:
        assert estimate_rows(content) >= len(roster.rows)
        assert [row.row for row in roster.rows] == sorted({row.row for row in roster.rows})


RAW_CELLS = [
    '<c r="{ref}" t="e"><v>#N/A</v></c>',
    '<c r="{ref}"><f>SUM(1,2)</f><v>3</v></c>',
    '<c r="{ref}" t="str"><f>A1</f><v>张三</v></c>',
    '<c r="{ref}"><v>abc</v></c>',
    '<c r="{ref}" t="b"><v>1</v></c>',
    '<c r="{ref}" t="b"><v>2</v></c>',
    '<c r="{ref}" t="d"><v>2025-03-18T00:00:00</v></c>',
    '<c r="{ref}" t="d"><v>不是日期</v></c>',
    '<c r="{ref}" t="s"><v>99</v></c>',
    '<c r="{ref}" t="inlineStr"><is><t>a_x0000_b</t></is></c>',
    '<c r="{ref}" t="inlineStr"><is><t>_x0007_</t></is></c>',
    '<c r="{ref}"><v>1e999</v></c>',
    '<c r="{ref}"><v>-1e999</v></c>',
    '<c r="{ref}"><v>NaN</v></c>',
    '<c r="{ref}"><v>-0</v></c>',
    '<c r="{ref}" s="99"><v>45000</v></c>',
    '<c r="{ref}" t="inlineStr"><is><r><t>张</t></r><r><t>三</t></r></is></c>',
    '<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">   </t></is></c>',
    '<c r="{ref}"/>',
    '<c r="{ref}" t="inlineStr"><is><t>{id}</t></is></c>',
    '<c r="{ref}" t="inlineStr"><is><t>{name}</t></is></c>',
    '<c t="inlineStr"><is><t>{name}</t></is></c>',  # no reference: the cell after the previous one
]


@st.composite
def raw_sheets(draw) -> bytes:
    """A roster written as XML cell by cell, for what openpyxl never writes (error cells, broken booleans,
    shared strings that are not there, dates typed as text, cells without a reference)."""
    header = text_row(1, ["姓名", "身份证号码", "性别", "联系电话"])
    rows = []
    for number in range(2, draw(st.integers(3, 7))):
        cells = []
        for column in "ABCD":
            template = draw(st.sampled_from(RAW_CELLS))
            cells.append(
                template.format(
                    ref=f"{column}{number}", id=draw(st.sampled_from(POOL)), name=chinese_name(draw(st.integers(0, 50)))
                )
            )
        rows.append(f'<row r="{number}">{"".join(cells)}</row>')
    return minimal_xlsx(header + "".join(rows))


@FUZZ
@given(content=raw_sheets())
def test_reading_hand_written_cells_raises_nothing_but_a_file_error(content):
    read_or_refuse(content)


# --- (b) and (c) through the clerk's pages -----------------------------------------------------------


@pytest.fixture
def batch(area):
    return TrainingBatchFactory(area=area)


@pytest.fixture
def registered(area):
    """Two people of POOL registered through an earlier batch, with a phone and a category a roster may change."""
    earlier = TrainingBatchFactory(area=area, start_date=datetime.date(2023, 9, 1), end_date=datetime.date(2023, 9, 9))
    for number in REGISTERED:
        EnrolmentFactory(batch=earlier, trainee=TraineeFactory(id_number=number, name="黄秀英", phone="13900139000"))
    return REGISTERED


@contextmanager
def rolled_back():
    """Each example starts from the same database: whatever it wrote is rolled back at the end."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def snapshot() -> tuple:
    """Everything a roster import may write, compared whole."""
    return (
        sorted(Trainee.objects.values_list("id_number", "name", "sex", "phone", "education", "household_address")),
        sorted(Enrolment.objects.values_list("trainee__id_number", "batch_id", "completed")),
        sorted(Trainee.categories.through.objects.values_list("trainee__id_number", "prioritycategory__name")),
    )


def upload(client, batch, content: bytes, *, name: str = "花名册.xlsx", mark_completed: bool = False):
    data = {"file": SimpleUploadedFile(name, content)}
    if mark_completed:
        data["mark_completed"] = "on"
    return client.post(reverse("training:import_upload", args=[batch.pk]), data)


def the_one_file_error(response) -> str:
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert len(errors) == 1, errors
    assert CHINESE.search(errors[0]), errors[0]
    return errors[0]


def expected_enrolments(content: bytes) -> list[str]:
    """The ID numbers a "valid rows only" commit enrols, worked out from the reader alone: rows without
    errors, each person once."""
    roster = read_roster(content, rules=RULES)
    return list(dict.fromkeys(row.identity.number for row in roster.rows if not row.errors))


def upload_preview_commit(client, batch, content: bytes, *, mode: str, mark_completed: bool = False):
    """Upload, look at the preview, commit, look again and download the error workbook; every answer is not 5xx.
    Returns the import, or None when the upload was refused as a file."""
    response = upload(client, batch, content, mark_completed=mark_completed)
    if response.status_code == 200:
        event(f"refused as a file: {the_one_file_error(response)}")
        return None
    assert response.status_code == 302, response.status_code
    roster_import = RosterImport.objects.latest("id")
    assert client.get(response["Location"]).status_code == 200
    assert client.get(reverse("training:import_progress", args=[roster_import.pk])).status_code == 200
    assert client.get(reverse("training:import_errors", args=[roster_import.pk])).status_code in {200, 302}
    response = client.post(reverse("training:import_commit", args=[roster_import.pk]), {"mode": mode})
    assert response.status_code == 302, response.status_code
    assert client.get(response["Location"]).status_code == 200
    roster_import.refresh_from_db()
    return roster_import


@FUZZ
@given(
    sheet=roster_sheets(),
    mode=st.sampled_from(["all", "valid"]),
    mark_completed=st.booleans(),
)
@example(
    sheet=RosterSheet(
        headers=["姓名", "身份证号码", "户籍地址", "备注"], rows=[["张三", POOL[3], "地址_x0000_", "_x0001_"]]
    ),
    mode="all",
    mark_completed=False,
)
def test_upload_preview_and_commit_never_fail_and_never_write_part_of_a_roster(
    clerk_client, batch, registered, sheet, mode, mark_completed
):
    content = sheet.content()
    with rolled_back():
        before = snapshot()
        trainees, enrolments = Trainee.objects.count(), Enrolment.objects.filter(batch=batch).count()
        roster_import = upload_preview_commit(clerk_client, batch, content, mode=mode, mark_completed=mark_completed)
        if roster_import is None:
            assert not RosterImport.objects.exists()
            assert snapshot() == before
            return
        note(f"status={roster_import.status} report={roster_import.report}")
        if roster_import.status == RosterImport.Status.FAILED:  # a file error found while checking
            assert CHINESE.search(roster_import.message)
            assert snapshot() == before
            return
        refused = roster_import.valid_rows == 0 or (roster_import.error_rows and mode == "all")
        if refused:
            event("commit refused")
            assert roster_import.status == RosterImport.Status.PREVIEW
            assert snapshot() == before
            return
        assert roster_import.status == RosterImport.Status.COMMITTED
        event(f"committed ({'all rows' if not roster_import.error_rows else 'valid rows only'})")
        expected = expected_enrolments(content)
        enrolled = set(Enrolment.objects.filter(batch=batch).values_list("trainee__id_number", flat=True))
        assert enrolled == set(expected)
        assert Enrolment.objects.filter(batch=batch).count() - enrolments == roster_import.enrolled_count
        assert Trainee.objects.count() - trainees == roster_import.created_count
        assert roster_import.created_count == len(set(expected) - set(REGISTERED))
        if mark_completed:
            assert not Enrolment.objects.filter(batch=batch, completed=False).exists()


@st.composite
def rosters_and_faults(draw):
    """A clean roster that creates, updates, links categories and enrols, and the write step that fails
    after its first chunk (chunks small enough for that step to have at least two)."""
    new = draw(st.integers(2, 5))
    rows = [
        valid_row(number, name=chinese_name(index), categories=draw(st.sampled_from(["", "农民工"])))
        for index, number in enumerate(POOL[2 : 2 + new])
    ]
    # The registered people come with a new phone and a new category: an update and a category link each.
    rows += [valid_row(number, name="黄秀英", phone="13700137000", categories="高校毕业生") for number in REGISTERED]
    links = sum(1 for row in rows if row[5])
    sizes = {"insert_trainees": new, "update_trainees": len(REGISTERED), "link_categories": links, "enrol": len(rows)}
    step = draw(st.sampled_from(sorted(sizes)))
    chunk = draw(st.integers(1, sizes[step] - 1))
    return make_roster(rows), step, chunk


def inject_fault(monkeypatch, step: str, chunk: int) -> dict:
    """training/bulk.py writes in chunks of `chunk`; `step` raises a database error when it asks for its
    second chunk, after the first one was written."""
    state = {"armed": False, "fired": False}
    real = getattr(bulk, step)

    def chunks(items, size=None):
        for index, start in enumerate(range(0, len(items), chunk)):
            if state["armed"] and index == 1:
                state["fired"] = True
                raise DatabaseError("模拟：写到一半数据库连接中断")
            yield items[start : start + chunk]

    def armed(*args, **kwargs):
        state["armed"] = True
        try:
            return real(*args, **kwargs)
        finally:
            state["armed"] = False

    monkeypatch.setattr(bulk, "chunks", chunks)
    monkeypatch.setattr(bulk, step, armed)
    return state


@settings(FUZZ, max_examples=25)
@given(case=rosters_and_faults())
def test_a_fault_half_way_through_a_commit_leaves_nothing_behind(clerk_client, batch, registered, case):
    content, step, chunk = case
    with rolled_back(), pytest.MonkeyPatch.context() as monkeypatch:
        before = snapshot()
        response = upload(clerk_client, batch, content)
        assert response.status_code == 302
        roster_import = RosterImport.objects.latest("id")
        state = inject_fault(monkeypatch, step, chunk)
        response = clerk_client.post(reverse("training:import_commit", args=[roster_import.pk]), {"mode": "all"})
        assert response.status_code == 302
        assert clerk_client.get(response["Location"]).status_code == 200
        roster_import.refresh_from_db()
        assert state["fired"], (step, chunk)
        assert (roster_import.status, roster_import.message) == (RosterImport.Status.FAILED, ROLLED_BACK)
        assert (roster_import.created_count, roster_import.updated_count, roster_import.enrolled_count) == (0, 0, 0)
        assert snapshot() == before


# --- malformed files through the upload page ---------------------------------------------------------


def valid_roster() -> bytes:
    return make_roster([valid_row(number) for number in POOL[2:5]])


def damaged_part(content: bytes, name: str) -> bytes:
    """The workbook with the middle of one part's compressed data overwritten."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        info = archive.getinfo(name)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + info.compress_size // 3
    return content[:start] + bytes(info.compress_size // 3) + content[start + info.compress_size // 3 :]


def with_part(content: bytes, name: str, data: bytes | None) -> bytes:
    """The workbook with one part replaced (or removed, with None)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            if item.filename != name:
                archive.writestr(item.filename, source.read(item.filename))
        if data is not None:
            archive.writestr(name, data)
    return buffer.getvalue()


def shared_strings_roster(shared_strings: str) -> bytes:
    """A one-row roster whose text cells point into xl/sharedStrings.xml, with that part as given."""
    content = minimal_xlsx(
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        f'<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="inlineStr"><is><t>{POOL[2]}</t></is></c></row>'
    )
    content = with_part(content, "xl/sharedStrings.xml", shared_strings.encode())
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships '
        'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>'
    )
    return with_part(content, "xl/_rels/workbook.xml.rels", rels.encode())


SST = '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
GOOD_SHARED_STRINGS = (
    f'{SST} count="3" uniqueCount="3"><si><t>姓名</t></si><si><t>身份证号码</t></si><si><t>张三</t></si></sst>'
)


def lying_zip_bomb() -> bytes:
    """A 4 MB sheet of blanks whose zip directory (and local header) claims 1,000 bytes."""
    content = minimal_xlsx(text_row(1, ["姓名", "身份证号码"]) + " " * (4 * 1024 * 1024))
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        info, directory = archive.getinfo("xl/worksheets/sheet1.xml"), archive.start_dir
    data = bytearray(content)
    struct.pack_into("<I", data, info.header_offset + 22, 1000)
    position = data.find(b"PK\x01\x02", directory)
    while position != -1:
        length = struct.unpack_from("<H", data, position + 28)[0]
        if bytes(data[position + 46 : position + 46 + length]) == b"xl/worksheets/sheet1.xml":
            struct.pack_into("<I", data, position + 24, 1000)
        position = data.find(b"PK\x01\x02", position + 4)
    return bytes(data)


def workbook_bytes(build) -> bytes:
    workbook = Workbook()
    build(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def no_sheets() -> bytes:
    workbook_xml = (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
        'main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets/></workbook>'
    )
    return with_part(minimal_xlsx(""), "xl/workbook.xml", workbook_xml.encode())


def many_sheets(workbook: Workbook) -> None:
    workbook.active.title = "说明"
    for number in range(40):
        workbook.create_sheet(f"表{number}").append(["第", number, "张表"])


def hidden_first_sheet_without_roster(workbook: Workbook) -> None:
    workbook.active.title = "下拉列表"
    workbook.active.sheet_state = "hidden"
    workbook.active.append(["男", "女"])
    workbook.create_sheet("Sheet2")  # openpyxl (and Excel) want one visible sheet


def merged_header(workbook: Workbook) -> None:
    sheet = workbook.active
    sheet.append(["钦州市培训学员花名册"])
    sheet.merge_cells("A1:H1")
    sheet.append(["姓名", "身份证号码"])
    sheet.merge_cells("B2:C2")  # the ID header spans two columns
    sheet.append(["张三", POOL[2]])


def merged_into_one_cell(workbook: Workbook) -> None:
    sheet = workbook.active
    sheet.append(["姓名 身份证号码"])
    sheet.merge_cells("A1:B1")
    sheet.append(["张三", POOL[2]])


def header_in_row_11(workbook: Workbook) -> None:
    for number in range(10):
        workbook.active.append([f"说明第 {number + 1} 行"])
    workbook.active.append(["姓名", "身份证号码"])
    workbook.active.append(["张三", POOL[2]])


def png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + bytes(13) + b"IHDR" + bytes(64)


RANGE_TOO_LARGE = "工作表的使用范围过大（1,048,576 行 × 16,384 列）：表格以外可能还有零星内容，请把表格复制到一个新的工作簿后重新上传。"
MALFORMED = {
    "truncated to half": (lambda: valid_roster()[: len(valid_roster()) // 2], NOT_A_WORKBOOK),
    "truncated by one byte": (lambda: valid_roster()[:-1], NOT_A_WORKBOOK),
    "a part damaged, directory intact": (lambda: damaged_part(valid_roster(), "xl/worksheets/sheet1.xml"), DAMAGED),
    "a zip that is not an xlsx": (docx_like, NOT_A_WORKBOOK),
    "a zip of a text file": (lambda: _zip({"花名册.csv": "姓名,身份证号码\n"}), NOT_A_WORKBOOK),
    "broken sharedStrings.xml": (lambda: shared_strings_roster(f"{SST}><si><t>姓名</t></si><si><t>身份"), DAMAGED),
    "sharedStrings.xml that is not XML": (lambda: shared_strings_roster("不是 XML"), DAMAGED),
    "sharedStrings.xml missing": (
        lambda: with_part(shared_strings_roster(GOOD_SHARED_STRINGS), "xl/sharedStrings.xml", None),
        DAMAGED,
    ),
    "workbook.xml missing": (lambda: with_part(valid_roster(), "xl/workbook.xml", None), NOT_A_WORKBOOK),
    "workbook.xml not XML": (lambda: with_part(valid_roster(), "xl/workbook.xml", b"<workbook"), DAMAGED),
    "an .xls cut short": (lambda: ole_file("Root Entry", "Workbook", "\x05SummaryInformation"), DAMAGED),
    "csv renamed": (
        lambda: "姓名,身份证号码\n张三,450702199005171234\n".encode(),
        "文件扩展名是“.xlsx”，但内容是纯文本（CSV）：请把扩展名改为 .csv 后重新上传。",
    ),
    "png renamed": (png, NOT_A_WORKBOOK),
    "password-protected (OLE with EncryptedPackage)": (
        lambda: ole_file("Root Entry", "EncryptionInfo", "EncryptedPackage"),
        PASSWORD,
    ),
    "zip bomb": (zip_bomb, UNCOMPRESSED_TOO_BIG),
    "zip bomb with a lying directory": (lying_zip_bomb, DAMAGED),
    "used range of 17 billion cells": (
        lambda: minimal_xlsx(
            text_row(1, ["姓名", "身份证号码"]) + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
        ),
        RANGE_TOO_LARGE,
    ),
    "shared strings announcing four billion": (
        lambda: shared_strings_roster(GOOD_SHARED_STRINGS.replace('uniqueCount="3"', 'uniqueCount="4000000000"')),
        DAMAGED,
    ),
    "no sheets": (no_sheets, "文件里没有工作表。"),
    "forty sheets, no roster": (lambda: workbook_bytes(many_sheets), NO_HEADER),
    "hidden first sheet, the visible one empty": (
        lambda: workbook_bytes(hidden_first_sheet_without_roster),
        EMPTY_SHEET,
    ),
    "header merged into one cell": (lambda: workbook_bytes(merged_into_one_cell), NO_HEADER),
    "header in row 11": (lambda: workbook_bytes(header_in_row_11), NO_HEADER),
    "empty workbook": (lambda: workbook_bytes(lambda workbook: None), EMPTY_SHEET),
    "header and nothing below": (lambda: make_roster([]), NO_DATA),
    "empty bytes": (lambda: b"", "上传的文件是空的。"),
}


@pytest.mark.parametrize("name", MALFORMED)
def test_a_malformed_file_gets_one_chinese_error_and_nothing_is_stored(clerk_client, batch, name):
    build, message = MALFORMED[name]
    content = build()
    before = snapshot()
    response = upload(clerk_client, batch, content)
    assert the_one_file_error(response) == message
    assert not RosterImport.objects.exists()
    assert snapshot() == before


def test_a_hidden_first_sheet_many_sheets_and_merged_header_cells_are_read(clerk_client, batch):
    """Not malformed: the roster is found on the visible sheet after the others, merged cells or not."""

    def hidden_then_roster(workbook: Workbook) -> None:
        hidden_first_sheet_without_roster(workbook)
        sheet = workbook.create_sheet("花名册")
        sheet.append(["姓名", "身份证号码"])
        sheet.append(["张三", POOL[2]])

    def many_then_roster(workbook: Workbook) -> None:
        many_sheets(workbook)
        sheet = workbook.create_sheet("花名册")
        sheet.append(["姓名", "身份证号码"])
        sheet.append(["张三", POOL[2]])

    for build in (hidden_then_roster, many_then_roster, merged_header):
        response = upload(clerk_client, batch, workbook_bytes(build))
        assert response.status_code == 302, build.__name__
        roster_import = RosterImport.objects.latest("id")
        assert (roster_import.status, roster_import.valid_rows, roster_import.error_rows) == ("preview", 1, 0)


# --- the bugs the fuzzing found, kept as plain tests -------------------------------------------------


def test_control_characters_never_reach_the_database_or_the_error_workbook(clerk_client, batch):
    """Excel writes a control character in a cell as `_x0001_`, and calamine reads it back as the character:
    PostgreSQL refuses NUL in text (and `\\u0000` in JSON), openpyxl refuses every C0 character in the error
    workbook (a 500 on its download). They are invisible, so they are dropped like zero-width spaces."""
    content = make_roster(
        [
            ["张三_x0000_", POOL[2], "女", "13800138000", "初中", "", "钦南区_x0000_沙埠镇", "备注_x0001_"],
            ["李四", POOL[3], "女_x001F_", "", "", "", "", ""],
        ],
        headers=["姓名", "身份证号码", "性别", "联系电话", "文化程度", "人员类别", "户籍地址", "备注_x0002_"],
    )
    roster_import = upload_preview_commit(clerk_client, batch, content, mode="valid")
    assert roster_import.status == RosterImport.Status.COMMITTED
    assert roster_import.report["errors"] == [
        {"row": 3, "column": "性别", "message": "性别填写为“女”，但身份证号码显示为男性，请核对。"}
    ]
    trainee = Trainee.objects.get(id_number=POOL[2])
    assert (trainee.name, trainee.household_address, trainee.note) == ("张三", "钦南区沙埠镇", "备注")
    response = clerk_client.get(reverse("training:import_errors", args=[roster_import.pk]))
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][7] == "备注"
    assert rows[2][2] == "女"


def test_a_two_cell_file_whose_used_range_is_17_billion_cells_is_refused_before_calamine_reads_it(clerk_client, batch):
    """A1 and XFD1048576: calamine would allocate 550 GB for the range and abort the worker process
    (not an exception: the gunicorn worker dies). It is refused from the sheet's XML first."""
    content = minimal_xlsx(
        text_row(1, ["姓名", "身份证号码"]) + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    )
    assert len(content) < 2000
    with pytest.raises(SpreadsheetError) as refused:  # asked first, so that a regression fails here, not by abort
        estimate_rows(content)
    assert str(refused.value) == RANGE_TOO_LARGE
    assert the_one_file_error(upload(clerk_client, batch, content)) == RANGE_TOO_LARGE


@pytest.mark.parametrize(
    ("cells", "refused"),
    [
        ('<row r="200000"><c r="ZZ200000"><v>1</v></c></row>', "（200,000 行 × 702 列）"),
        (
            "<row>" + "<c><v>1</v></c>" * 6000 + '</row><row r="1000"><c r="A1000"><v>1</v></c></row>',
            "（1,000 行 × 6,000 列）",
        ),
        ('<row r="5"><x:c xmlns:x="urn:x" r="XFD900"><x:v>1</x:v></x:c></row>', "（900 行 × 16,384 列）"),
        ("<row r='5'><c r = 'XFD900'><v>1</v></c></row>", "（900 行 × 16,384 列）"),
        ('<row r="5"><c t="n" x=">" r="XFD900"><v>1</v></c></row>', "（900 行 × 16,384 列）"),
        ('<row r="9999999999"><c><v>1</v></c></row>', DAMAGED),  # calamine wraps the row number round
        ('<row r="5"><c r="ZZZZZZZZZZZZZZ5"><v>1</v></c></row>', DAMAGED),
        ('<row r="900"><c r="XFD900" s="1"/></row>', None),  # formatting only: calamine allocates nothing for it
        ('<row r="100"><c r="XFD100"><v>1</v></c></row>', None),  # 1.6 million cells: within the limit
    ],
)
def test_the_used_range_is_bounded_however_the_sheet_xml_is_written(cells, refused):
    content = minimal_xlsx(text_row(1, ["姓名", "身份证号码"]) + text_row(2, ["张三", POOL[2]]) + cells)
    if refused is None:
        assert read_roster(content, rules=RULES).rows[0].identity.number == POOL[2]
        return
    with pytest.raises(SpreadsheetError) as problem:
        estimate_rows(content)
    assert refused in str(problem.value)


def test_a_phone_in_another_scripts_digits_is_an_error_not_a_stored_number():
    """`\\d` matched Arabic-Indic digits after a leading "13": "13٨٠٠١٣٨٠٠٠" was kept as a mobile number."""
    [row] = read_roster(make_roster([valid_row(POOL[2], phone="13٨٠٠١٣٨٠٠٠")]), rules=RULES).rows
    assert [error.column for error in row.errors] == ["联系电话"]
