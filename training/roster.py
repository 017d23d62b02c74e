"""Reading and checking a roster workbook, with no database access.

`open_roster` refuses unusable files (with one Chinese message) before anything is read;
`read_roster` finds the header row and checks every row, keeping the Excel row number and the
header as written in the file for each error. services.py compares the rows with the registry
and writes them."""

import datetime
import functools
import itertools
import operator
import re
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings

from core.identity import INVISIBLE, IdNumber, IdNumberError, parse_id_number
from core.spreadsheets import MAX_ROWS, SpreadsheetError, open_workbook

from .validators import name_problem, normalise_phone, phone_problem

HEADER_SEARCH_ROWS = 10

# Field → the headers a roster may use for it (after normalisation).
HEADER_SYNONYMS = {
    "name": ("姓名", "学员姓名"),
    "id_number": ("身份证号码", "身份证号", "公民身份号码", "证件号码"),
    "phone": ("联系电话", "手机号码", "电话"),
    "sex": ("性别",),
    "education": ("文化程度",),
    "categories": ("人员类别",),
    "household_address": ("户籍地址",),
    "note": ("备注",),
}
HEADER_TO_FIELD = {header: name for name, headers in HEADER_SYNONYMS.items() for header in headers}
TEMPLATE_HEADERS = ["姓名", "身份证号码", "性别", "联系电话", "文化程度", "人员类别", "户籍地址", "备注"]

EDUCATION_CHOICES = {
    "小学及以下": "primary",
    "初中": "junior",
    "高中/中专/技校": "senior",
    "大专": "college",
    "本科": "bachelor",
    "研究生及以上": "postgraduate",
}
EDUCATION_SYNONYMS = {
    **EDUCATION_CHOICES,
    "小学": "primary",
    "文盲": "primary",
    "半文盲": "primary",
    "无": "primary",
    "高中": "senior",
    "中专": "senior",
    "中职": "senior",
    "技校": "senior",
    "职高": "senior",
    "高中及中专": "senior",
    "大学专科": "college",
    "专科": "college",
    "高职": "college",
    "大学本科": "bachelor",
    "本科及以上": "bachelor",
    "研究生": "postgraduate",
    "硕士": "postgraduate",
    "博士": "postgraduate",
}
# 人员类别 as seeded (training/migrations/0002): code → the name the plan uses. Rows are keyed by code, so a
# category the city renames keeps working; the names below (and the synonyms) stay accepted after a rename,
# beside the current names the services pass in `RowRules.categories`.
CATEGORIES = {
    "poverty-alleviated": "脱贫人口",
    "rural-low-income": "农村低收入人口",
    "relapse-monitoring": "防止返贫监测对象",
    "relocated": "易地搬迁安置人员",
    "migrant-worker": "农民工",
    "graduate": "高校毕业生",
    "employment-difficulty": "就业困难人员",
}
CATEGORY_NAMES = list(CATEGORIES.values())
CATEGORY_SYNONYMS = {name: code for code, name in CATEGORIES.items()} | {
    "脱贫户": "poverty-alleviated",
    "脱贫劳动力": "poverty-alleviated",
    "监测对象": "relapse-monitoring",
    "易地扶贫搬迁人员": "relocated",
    "搬迁安置人员": "relocated",
    "应届高校毕业生": "graduate",
}
CATEGORY_SEPARATORS = re.compile(r"[、,，/／;；]")
SEX_VALUES = {"男": "M", "女": "F", "男性": "M", "女性": "F"}
WHITESPACE = re.compile(r"\s+")
# Control characters (Excel stores them as _x0001_ escapes, e.g. pasted from another system) are invisible
# too; besides, PostgreSQL refuses NUL in text and openpyxl refuses them all in the error workbook.
# Tab, line feed and carriage return are whitespace and stay.
CONTROL = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)], None)
UNPRINTABLE = INVISIBLE | CONTROL
HAS_INVISIBLE = re.compile("[" + re.escape("".join(map(chr, UNPRINTABLE))) + "]")


class RosterFileError(SpreadsheetError):
    """The file cannot be used at all; the message says why, in Chinese."""


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass(slots=True)
class RosterRow:
    """One non-blank data row, checked; `errors` empty means it may be imported. (Slots: a roster holds
    up to 100,000 of them.)"""

    row: int
    name: str = ""
    identity: IdNumber | None = None
    sex: str = ""
    phone: str = ""
    education: str = ""
    categories: tuple[str, ...] = ()  # codes
    household_address: str = ""
    note: str = ""
    errors: list[RowError] = field(default_factory=list)
    raw: tuple | None = None


@dataclass
class Roster:
    header_row: int
    headers: list[str]  # as written in the file
    columns: dict[str, int]  # field → column index
    ignored_columns: list[str]
    rows: list[RosterRow]

    def header_of(self, field_name: str) -> str:
        return self.headers[self.columns[field_name]]


def normalise_header(value) -> str:
    text = unicodedata.normalize("NFKC", str(value or "")).translate(INVISIBLE)
    text = re.sub(r"[\s*＊:：]", "", text)
    return re.sub(r"[(（][^)）]*[)）]$", "", text)


def _text(value) -> str:
    """A cell as the text a person sees; numbers that are whole print without '.0'."""
    if type(value) is str:  # nearly every cell: the same result as the last line, faster (see make bench)
        if value.isascii() and value.isprintable():  # NFKC and UNPRINTABLE change nothing here
            return value.strip()
        text = unicodedata.normalize("NFKC", value)
        return (text.translate(UNPRINTABLE) if HAS_INVISIBLE.search(text) else text).strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%Y-%m-%d")
    # Zero-width characters pasted from web pages and chat apps are invisible: a name that "contains a
    # symbol" the clerk cannot see would be an error nobody can fix.
    return unicodedata.normalize("NFKC", str(value)).translate(UNPRINTABLE).strip()


def _header_as_written(value) -> str:
    """A header cell as the clerk typed it (no NFKC: "身份证号码（必填）" stays as it is), for messages."""
    return value.translate(CONTROL).strip() if isinstance(value, str) else _text(value)


def printable_values(values: tuple) -> tuple:
    """A row as read, without control characters in its text cells (for the error workbook)."""
    return tuple(value.translate(CONTROL) if isinstance(value, str) else value for value in values)


def _is_blank_row(values: tuple, positions: tuple[int, ...]) -> bool:
    """A data row is blank when every roster column is: a printed roster's pre-numbered empty lines
    (only 序号 filled) are not people."""
    return is_blank([values[position] for position in positions if position < len(values)])


def is_blank(values) -> bool:
    """Every cell empty or only whitespace (the referral sheet importer reads rows by the same rule)."""
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def _find_header(rows: list[tuple]) -> tuple[int, dict[str, int], list[str], list[str]] | None:
    for index, values in enumerate(rows[:HEADER_SEARCH_ROWS]):
        headers = [_header_as_written(value) for value in values]
        columns: dict[str, int] = {}
        ignored: list[str] = []
        for position, header in enumerate(headers):
            field_name = HEADER_TO_FIELD.get(normalise_header(header))
            if field_name and field_name not in columns:
                columns[field_name] = position
            elif header:
                ignored.append(header)
        if "name" in columns and "id_number" in columns:
            return index, columns, headers, ignored
    return None


def open_roster(content: bytes, *, file_name: str = ""):
    """Check the file and find the sheet with a roster header.

    Returns (sheet, header index, columns, headers, ignored, data row estimate)."""
    saw_data = False
    try:
        for sheet in open_workbook(content, file_name=file_name).sheets():
            if sheet.row_count > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise RosterFileError(
                    f"工作表“{sheet.name}”超过 {MAX_ROWS:,} 行（共 {sheet.row_count:,} 行），请拆分后分批上传。"
                )
            head = list(itertools.islice(sheet.iter_rows(), HEADER_SEARCH_ROWS))
            if any(not is_blank(values) for values in head):
                saw_data = True
            found = _find_header(head)
            if found:
                index, columns, headers, ignored = found
                _check_data_rows(sheet, index, tuple(columns.values()))
                return sheet, index, columns, headers, ignored, max(sheet.row_count - index - 1, 0)
    except SpreadsheetError as error:
        if isinstance(error, RosterFileError):
            raise
        raise RosterFileError(str(error)) from None
    if not saw_data:
        raise RosterFileError("文件是空的：工作表里没有任何内容。")
    raise RosterFileError(
        "没有找到表头行：前 10 行中应有“姓名”（或“学员姓名”）和“身份证号码”（或“身份证号”“公民身份号码”“证件号码”）两列。"
    )


def _check_data_rows(sheet, header_index: int, positions: tuple[int, ...]) -> None:
    """Refuse a sheet with nothing below the header or with more than MAX_ROWS data rows while the file
    is being checked, so that an upload or a command-line import is refused before anything is stored."""
    may_be_too_long = sheet.row_count - header_index - 1 > MAX_ROWS
    count = 0
    for index, values in enumerate(sheet.iter_rows()):
        if index <= header_index or _is_blank_row(values, positions):
            continue
        count += 1
        if not may_be_too_long:
            return
        if count > MAX_ROWS:
            raise RosterFileError(f"花名册超过 {MAX_ROWS:,} 行，请拆分后分批上传。")
    if not count:
        raise RosterFileError("花名册没有数据行：表头下面是空的。")


def estimate_rows(content: bytes, *, file_name: str = "") -> int:
    """Data rows below the header (blank rows included): decides inline or background work."""
    return open_roster(content, file_name=file_name)[5]


@dataclass(frozen=True)
class RowRules:
    start_date: datetime.date
    min_age: int
    max_age: int
    # "A birth date in the future" is judged against today's date, read once per roster, not per row.
    today: datetime.date = field(default_factory=datetime.date.today)
    # (code, current name) of every 人员类别 in the registry; the services read them from the database.
    categories: tuple[tuple[str, str], ...] = tuple(CATEGORIES.items())

    @classmethod
    def for_batch(cls, start_date: datetime.date, *, categories=None) -> "RowRules":
        return cls(
            start_date=start_date,
            min_age=settings.TRAINEE_MIN_AGE,
            max_age=settings.TRAINEE_MAX_AGE,
            **({"categories": tuple(categories)} if categories is not None else {}),
        )

    @functools.cached_property
    def category_lookup(self) -> dict[str, str]:
        """Text a 人员类别 cell may hold → category code: the current names, and the seeded names and their
        synonyms for the codes that still exist (a renamed category keeps its old name's rosters working)."""
        codes = {code for code, _name in self.categories}
        lookup = {text: code for text, code in CATEGORY_SYNONYMS.items() if code in codes}
        lookup.update((name, code) for code, name in self.categories)
        return lookup

    @functools.cached_property
    def _category_cells(self) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
        return {}

    def parse_categories(self, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(codes, unknown parts) of a 人员类别 cell; a roster repeats a few combinations, hence the cache."""
        parsed = self._category_cells.get(text)
        if parsed is None:
            codes, unknown = [], []
            for part in CATEGORY_SEPARATORS.split(text):
                part = part.strip()
                if not part:
                    continue
                code = self.category_lookup.get(part)
                if code is None:
                    unknown.append(part)
                elif code not in codes:
                    codes.append(code)
            parsed = self._category_cells[text] = (tuple(codes), tuple(unknown))
        return parsed


def read_roster(
    content: bytes, *, rules: RowRules, keep_raw: bool = False, progress=None, file_name: str = ""
) -> Roster:
    """Every non-blank row below the header, checked. Raises RosterFileError for unusable files."""
    sheet, header_index, columns, headers, ignored, _estimate = open_roster(content, file_name=file_name)
    roster = Roster(header_row=header_index + 1, headers=headers, columns=columns, ignored_columns=ignored, rows=[])
    header = {name: headers[position] for name, position in columns.items()}
    cells_of = _cell_reader(columns)
    try:
        for index, values in enumerate(sheet.iter_rows()):
            if index <= header_index:
                continue
            cells = cells_of(values)
            name = cells["name"]  # filled in nearly every row: then the row is not blank, no need to look further
            if not (type(name) is str and name.strip()) and is_blank(cells.values()):
                continue
            if len(roster.rows) >= MAX_ROWS:
                raise RosterFileError(f"花名册超过 {MAX_ROWS:,} 行，请拆分后分批上传。")
            row = check_row(cells, excel_row=index + 1, header=header, rules=rules)
            if keep_raw:
                row.raw = printable_values(values)
            roster.rows.append(row)
            if progress is not None and len(roster.rows) % 2000 == 0:
                progress(len(roster.rows))
    except SpreadsheetError as error:
        if isinstance(error, RosterFileError):
            raise
        raise RosterFileError(str(error)) from None
    if not roster.rows:
        raise RosterFileError("花名册没有数据行：表头下面是空的。")
    return roster


def _cell_reader(columns: dict[str, int]):
    """A function from a sheet row to {field: cell} for the roster's columns (a missing cell is None).

    One C-level itemgetter per row instead of a lookup per field: the rows of a sheet are as wide as
    its used range, so the short-row path is for odd files only."""
    names = tuple(columns)
    positions = tuple(columns.values())
    pick = operator.itemgetter(*positions)
    last = max(positions)
    if len(positions) == 1:
        return lambda values: {names[0]: values[last] if last < len(values) else None}

    def cells_of(values) -> dict:
        if last < len(values):
            return dict(zip(names, pick(values), strict=True))
        return {name: values[p] if p < len(values) else None for name, p in zip(names, positions, strict=True)}

    return cells_of


def check_row(cells: dict, *, excel_row: int, header: dict, rules: RowRules) -> RosterRow:
    """Check one data row given as {field: cell}; every problem becomes a RowError with its Excel row."""
    row = RosterRow(row=excel_row)
    get = cells.get

    def error(name: str, message: str) -> None:
        row.errors.append(RowError(row=excel_row, column=header.get(name, name), message=message))

    name = WHITESPACE.sub("", _text(get("name")))
    problem = name_problem(name)
    if problem:
        error("name", problem)
    row.name = name

    try:
        identity = parse_id_number(get("id_number"), today=rules.today)
    except IdNumberError as problem:
        error("id_number", str(problem))
        identity = None
    if identity is not None:
        age = identity.age_on(rules.start_date)
        if not rules.min_age <= age <= rules.max_age:
            error(
                "id_number",
                f"按开班日期 {rules.start_date:%Y-%m-%d} 计算年龄为 {age} 岁，"
                f"不在 {rules.min_age} 至 {rules.max_age} 岁之间。",
            )
        row.identity = identity

    sex_text = _text(get("sex"))
    if sex_text:
        sex = SEX_VALUES.get(sex_text)
        if sex is None:
            error("sex", f"性别“{sex_text}”无法识别，只能填“男”或“女”。")
        elif identity is not None and sex != identity.sex:
            actual = "男" if identity.sex == "M" else "女"
            error("sex", f"性别填写为“{sex_text}”，但身份证号码显示为{actual}性，请核对。")
        row.sex = sex or ""
    if identity is not None:
        row.sex = identity.sex

    phone_text = _text(get("phone"))
    if phone_text:
        phone = normalise_phone(phone_text)
        if phone is None:
            error("phone", phone_problem(phone_text))
        row.phone = phone or ""

    education_text = _text(get("education"))
    if education_text:
        education = EDUCATION_SYNONYMS.get(education_text) or EDUCATION_SYNONYMS.get(WHITESPACE.sub("", education_text))
        if education is None:
            error("education", f"文化程度“{education_text}”无法识别，请填：{'、'.join(EDUCATION_CHOICES)}。")
        row.education = education or ""

    categories_text = _text(get("categories"))
    if categories_text:
        codes, unknown = rules.parse_categories(categories_text)
        if unknown:
            known = "、".join(name for _code, name in rules.categories)
            error("categories", f"人员类别“{'、'.join(unknown)}”无法识别，可填：{known}（多个用顿号“、”分隔）。")
        row.categories = codes

    address = _text(get("household_address"))
    if len(address) > 200:
        error("household_address", f"户籍地址过长（{len(address)} 个字），最多 200 个字。")
    row.household_address = address[:200]
    note = _text(get("note"))
    if len(note) > 200:
        error("note", f"备注过长（{len(note)} 个字），最多 200 个字。")
    row.note = note[:200]
    return row


def repeated_rows(rows: list[RosterRow]) -> dict[int, int]:
    """{Excel row: the earlier row it repeats} for valid rows whose person (ID number) came before in the
    file. The import brings each person in once, from the first such row; the preview and the error
    workbook name the rest."""
    first_row: dict[str, int] = {}
    repeats = {}
    for row in rows:
        if row.errors:
            continue
        first = first_row.setdefault(row.identity.number, row.row)
        if first != row.row:
            repeats[row.row] = first
    return repeats
