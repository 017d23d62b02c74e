"""Reading and checking roster workbooks (training/roster.py): row rules with their Chinese messages,
header detection, and the files that are refused before a byte of them is parsed."""

import datetime
import functools
import io
import struct
import zipfile
import zlib
from xml.sax.saxutils import escape

import pytest
import python_calamine
from openpyxl import Workbook

from core import spreadsheets
from core.spreadsheets import (
    ALL_SHEETS_HIDDEN,
    MAX_UNCOMPRESSED_BYTES,
    MAX_UPLOAD_BYTES,
    NOT_A_WORKBOOK,
    OLE_MAGIC,
    SpreadsheetError,
    check_container,
)
from training.roster import (
    HEADER_SYNONYMS,
    RowRules,
    normalise_phone,
)
from training.roster_import import ROSTER
from training.tests.rosters import estimate_rows, make_id, make_roster, person_ids, read_roster, valid_row

START = datetime.date(2024, 3, 1)
RULES = RowRules(start_date=START, min_age=16, max_age=75)
PERSON = make_id()  # a man born 1990-05-17 in 钦南区
WOMAN = make_id(serial=3, sex="F")
WRONG_CHECK_ID = PERSON[:-1] + ("0" if PERSON[-1] != "0" else "1")
HEADERS = ["姓名", "身份证号码", "性别", "联系电话", "文化程度", "人员类别", "户籍地址", "备注"]

# --- files that are refused, as bytes ------------------------------------------------------------

PASSWORD = "文件设置了打开密码，系统无法读取：请在 Excel 中取消密码后重新上传。"
EMPTY_SHEET = "文件是空的：工作表里没有任何内容。"
NO_HEADER = ROSTER.no_header_message()
NO_DATA = "花名册没有数据行：表头下面是空的。"
TOO_MANY_ROWS = "花名册超过 100,000 行，请拆分后分批上传。"
UNCOMPRESSED_TOO_BIG = "文件解压后超过 400 MB，可能不是正常的表格：请删除无关的工作表、图片后重新上传。"
DAMAGED = "文件已损坏或不是有效的表格文件：请在 Excel 或 WPS 中打开后重新保存，再上传。"

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _zip(entries: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def minimal_xlsx(sheet_data: str) -> bytes:
    """A hand-written one-sheet workbook around `<sheetData>` content: much faster than openpyxl for
    100,000 rows, and the only way to write a sheet whose uncompressed size is chosen by the test."""
    return _zip(
        {
            "[Content_Types].xml": (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/xl/workbook.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                '<Override PartName="/xl/worksheets/sheet1.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                "</Types>"
            ),
            "_rels/.rels": (
                f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}">'
                f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
            ),
            "xl/workbook.xml": (
                f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
                '<sheets><sheet name="花名册" sheetId="1" r:id="rId1"/></sheets></workbook>'
            ),
            "xl/_rels/workbook.xml.rels": (
                f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}">'
                f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
            ),
            "xl/worksheets/sheet1.xml": (
                f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>{sheet_data}'
                "</sheetData></worksheet>"
            ),
        }
    )


def text_row(number: int, values: list[str]) -> str:
    cells = "".join(
        f'<c r="{chr(65 + column)}{number}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
        for column, value in enumerate(values)
        if value
    )
    return f'<row r="{number}">{cells}</row>'


def quick_roster(rows: list[list[str]], headers: list[str] = HEADERS) -> bytes:
    """A roster of text cells written by hand: for thousands of rows, ten times faster than openpyxl."""
    return minimal_xlsx("".join(text_row(number, values) for number, values in enumerate([headers, *rows], start=1)))


@functools.cache
def roster_with_rows(data_rows: int) -> bytes:
    """A header and `data_rows` one-cell rows (not blank, so every one counts as a data row)."""
    return minimal_xlsx(
        text_row(1, ["姓名", "身份证号码"])
        + "".join(f'<row r="{n}"><c r="A{n}"><v>1</v></c></row>' for n in range(2, data_rows + 2))
    )


def raw_zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip written byte by byte from (name, deflated data, CRC, size claimed): zipfile cannot write a part
    whose directory lies, nor a gigabyte from a megabyte without producing the gigabyte first."""
    body, directory = bytearray(), bytearray()
    for name, data, crc, size in members:
        encoded, offset = name.encode(), len(body)
        fields = (20, 0, zipfile.ZIP_DEFLATED, 0, 0x21, crc, len(data), size, len(encoded), 0)
        body += struct.pack("<4s5H3L2H", b"PK\x03\x04", *fields) + encoded + data
        directory += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, offset) + encoded
    count = len(members)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), len(body), 0)
    return bytes(body + directory + end)


def _deflated(head: bytes, filler: bytes, megabytes: int, tail: bytes) -> tuple[bytes, int]:
    """(raw deflate of head + `megabytes` blocks of whole fillers, about a megabyte each + tail, its size).
    After a full flush deflate starts afresh, so each block deflates to the same bytes: computed once, repeated."""
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = filler * max(1, 1024 * 1024 // len(filler))
    start = deflater.compress(head) + deflater.flush(zlib.Z_FULL_FLUSH)
    middle = deflater.compress(block) + deflater.flush(zlib.Z_FULL_FLUSH)
    end = deflater.compress(tail) + deflater.flush()
    return start + middle * megabytes + end, len(head) + len(block) * megabytes + len(tail)


def bomb_xlsx(*, megabytes: int, claimed: int | None = None, filler: bytes = b" ") -> bytes:
    """minimal_xlsx whose sheet holds a roster header, then `megabytes` MB of `filler` between the rows.

    claimed: the size the zip directory and local header give the sheet, with the checksum of its first
    `claimed` bytes (what zipfile's reader, which stops at the claimed size, finds intact); by default the
    true size (the checksum is then not computed: the directory's size alone refuses such a file)."""
    marker = "<!--FILLER-->"
    parts = {}
    with zipfile.ZipFile(io.BytesIO(minimal_xlsx(text_row(1, ["姓名", "身份证号码"]) + marker))) as archive:
        for entry in archive.infolist():
            parts[entry.filename] = archive.read(entry)
    members = []
    for name, data in parts.items():
        if name == "xl/worksheets/sheet1.xml":
            head, tail = data.split(marker.encode())
            deflated, size = _deflated(head, filler, megabytes, tail)
            crc = 0 if claimed is None else _checksum_of_start(head, filler, claimed)
            members.append((name, deflated, crc, size if claimed is None else claimed))
        else:
            deflater = zlib.compressobj(6, zlib.DEFLATED, -15)
            members.append((name, deflater.compress(data) + deflater.flush(), zlib.crc32(data), len(data)))
    return raw_zip(members)


def _checksum_of_start(head: bytes, filler: bytes, length: int) -> int:
    """CRC-32 of the first `length` bytes of head + filler repeated, a megabyte at a time."""
    crc = zlib.crc32(head[:length])
    block = filler * max(1, 1024 * 1024 // len(filler))
    left = length - min(length, len(head))
    while left > 0:
        crc = zlib.crc32(block[:left], crc)
        left -= len(block)
    return crc


@functools.cache
def zip_bomb() -> bytes:
    """A sheet of blanks 1 MB over the limit in a file of a few hundred kilobytes; the zip directory tells
    its real size."""
    return bomb_xlsx(megabytes=MAX_UNCOMPRESSED_BYTES // (1024 * 1024) + 1)


@functools.cache
def lying_zip_bomb() -> bytes:
    """The attack of issue #13: a sheet of 1 GB of blanks (a 1 MB file) whose zip directory and local header
    claim 404 bytes, with those bytes' checksum. zipfile's reader stops at 404 bytes and finds them intact;
    calamine's reader inflates the whole gigabyte."""
    return bomb_xlsx(megabytes=1024, claimed=404)


def empty_workbook() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def ole_file(*directory_names: str) -> bytes:
    """The start of an OLE compound file with UTF-16 directory entry names, as .xls and encrypted .xlsx are."""
    entries = b"".join(name.encode("utf-16-le").ljust(64, b"\0") + bytes(64) for name in directory_names)
    return OLE_MAGIC + bytes(504) + entries


def docx_like() -> bytes:
    return _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})


BAD_FILES = {
    "an image": (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10" + bytes(64), NOT_A_WORKBOOK),
    "csv with a header and nothing below it": ("\ufeff姓名,身份证号码\n".encode(), NO_DATA),
    "docx (a zip without xl/workbook.xml)": (docx_like(), NOT_A_WORKBOOK),
    "truncated .xls": (ole_file("Root Entry", "Workbook", "\x05SummaryInformation"), DAMAGED),
    "password-protected xlsx": (ole_file("Root Entry", "EncryptionInfo", "EncryptedPackage"), PASSWORD),
    "empty bytes": (b"", "文件是空的，请选择填好的花名册。"),
    "workbook with an empty sheet": (empty_workbook(), EMPTY_SHEET),
    "damaged workbook": (_zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "不是 XML"}), DAMAGED),
    "no header row": (make_roster([["张三", PERSON]], headers=["名字", "号码"]), NO_HEADER),
    "header and nothing below it": (make_roster([]), NO_DATA),
    "header and blank rows": (make_roster([[None] * 8, ["", "  ", None]]), NO_DATA),
}


def bad_file(name: str) -> tuple[bytes, str]:
    """Bytes and the exact Chinese message for one of the refused files (shared with the service tests)."""
    if name == "zip bomb":
        return zip_bomb(), UNCOMPRESSED_TOO_BIG
    if name == "zip bomb with a lying directory":
        return lying_zip_bomb(), DAMAGED
    if name == "over 20 MB":
        return b"PK\x03\x04" + bytes(MAX_UPLOAD_BYTES), "文件超过 20 MB（当前 20.0 MB），请拆分后分批上传。"
    if name == "over 100,000 rows":
        return roster_with_rows(100_001), TOO_MANY_ROWS
    return BAD_FILES[name]


# --- helpers for reading -------------------------------------------------------------------------


def read(rows, *, headers=None, title_rows=(), rules=RULES):
    return read_roster(make_roster(rows, headers=headers, title_rows=title_rows), rules=rules)


def errors(roster) -> list[dict]:
    return [error.as_dict() for row in roster.rows for error in row.errors]


def one_row_errors(**changes) -> list[dict]:
    """The errors of a one-row roster whose otherwise valid row has some cells changed (by header)."""
    values = dict(zip(HEADERS, valid_row(PERSON), strict=True))
    values.update(changes)
    return errors(read([[values[header] for header in HEADERS]]))


# --- a valid roster --------------------------------------------------------------------------------


def test_a_valid_row_is_read_into_clean_values():
    roster = read(
        [valid_row(PERSON, name=" 张 三 ", phone="138 0013 8000", education="中专", categories="脱贫户、农民工")]
    )
    assert roster.header_row == 1
    assert roster.ignored_columns == []
    [row] = roster.rows
    assert row.errors == []
    assert row.row == 2
    assert row.name == "张三"
    assert row.identity.number == PERSON
    assert row.identity.birth_date == datetime.date(1990, 5, 17)
    assert row.sex == "M"
    assert row.phone == "13800138000"
    assert row.education == "senior"
    assert row.categories == ("poverty-alleviated", "migrant-worker")
    assert row.household_address == "广西钦州市钦南区"


def test_the_id_number_is_normalised_from_what_was_typed():
    typed = "\ufeff" + " ".join(PERSON[:6]) + "\u200b" + PERSON[6:].replace("1", "１") + "\t"
    [row] = read([valid_row(PERSON)[:1] + [typed]]).rows
    assert row.errors == []
    assert row.identity.number == PERSON


def test_sex_is_taken_from_the_id_number_when_left_blank():
    [row] = read([["李四", WOMAN, ""]]).rows
    assert row.errors == []
    assert row.sex == "F"


# --- row rules and their messages ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "column", "message"),
    [
        (
            {"身份证号码": WRONG_CHECK_ID},
            "身份证号码",
            "身份证号码校验位不正确，请逐位核对（常见原因：录入错一位或两位颠倒）。",
        ),
        (
            {"身份证号码": "450702199002301230"},
            "身份证号码",
            "身份证号码中的出生日期 19900230 不是真实日期。",
        ),
        (
            {"身份证号码": PERSON[:17]},
            "身份证号码",
            "身份证号码应为 18 位（或旧版 15 位），当前为 17 位。",
        ),
        (
            {"身份证号码": PERSON[:16] + "AB"},
            "身份证号码",
            "身份证号码只能由数字组成，最后一位可以是 X。",
        ),
        ({"身份证号码": ""}, "身份证号码", "身份证号码未填写。"),
        (
            {"身份证号码": int(PERSON)},
            "身份证号码",
            "身份证号码被 Excel 存成了数字，末几位已丢失：请把该列设为“文本”格式后重新填写。",
        ),
        (
            {"身份证号码": "4.50702E+17"},
            "身份证号码",
            "身份证号码被 Excel 显示成了科学计数法，末几位已丢失：请把该列设为“文本”格式后重新填写。",
        ),
        ({"性别": "女"}, "性别", "性别填写为“女”，但身份证号码显示为男性，请核对。"),
        ({"性别": "未知"}, "性别", "性别“未知”无法识别，只能填“男”或“女”。"),
        (
            {"联系电话": "12345"},
            "联系电话",
            "联系电话“12345”不正确：应为 11 位手机号码（13 至 19 开头）或带区号的固定电话（如 0777-2812345）。",
        ),
        ({"姓名": ""}, "姓名", "姓名未填写。"),
        ({"姓名": "张"}, "姓名", "姓名应为 2 至 20 个字，当前为 1 个字。"),
        ({"姓名": "张" * 21}, "姓名", "姓名应为 2 至 20 个字，当前为 21 个字。"),
        ({"姓名": "张三2"}, "姓名", "姓名含有数字或符号，请只填写姓名本身。"),
        (
            {"人员类别": "贫困户"},
            "人员类别",
            "人员类别“贫困户”无法识别，可填：脱贫人口、农村低收入人口、防止返贫监测对象、易地搬迁安置人员、农民工、"
            "高校毕业生、就业困难人员（多个用顿号“、”分隔）。",
        ),
        (
            {"文化程度": "幼儿园"},
            "文化程度",
            "文化程度“幼儿园”无法识别，请填：小学及以下、初中、高中/中专/技校、大专、本科、研究生及以上。",
        ),
        ({"户籍地址": "钦" * 201}, "户籍地址", "户籍地址过长（201 个字），最多 200 个字。"),
        ({"备注": "注" * 201}, "备注", "备注过长（201 个字），最多 200 个字。"),
    ],
)
def test_each_row_rule_reports_the_row_the_header_and_a_chinese_message(changes, column, message):
    assert one_row_errors(**changes) == [{"row": 2, "column": column, "message": message}]


def test_an_id_cell_stored_as_a_number_by_excel():
    """openpyxl writes an int as a number cell, as Excel does when the column is not formatted as text."""
    roster = read([["张三", 450702199005171234], ["李四", 4.50702199005171e17]])
    assert [error["message"] for error in errors(roster)] == [
        "身份证号码被 Excel 存成了数字，末几位已丢失：请把该列设为“文本”格式后重新填写。"
    ] * 2
    assert [error["row"] for error in errors(roster)] == [2, 3]


def test_several_errors_in_one_row_are_all_reported():
    assert [
        (error["column"], error["row"]) for error in one_row_errors(姓名="", 联系电话="abc", 人员类别="五保户")
    ] == [
        ("姓名", 2),
        ("联系电话", 2),
        ("人员类别", 2),
    ]


@pytest.mark.parametrize(
    ("birth", "ok"),
    [
        (datetime.date(2008, 3, 1), True),  # 16th birthday on the start date
        (datetime.date(2008, 3, 2), False),  # one day short of 16
        (datetime.date(1948, 3, 2), True),  # 75, turning 76 the next day
        (datetime.date(1948, 3, 1), False),  # 76th birthday on the start date
    ],
)
def test_age_at_the_batch_start_date_must_be_16_to_75(birth, ok):
    number = make_id(birth=birth)
    found = errors(read([valid_row(number)]))
    if ok:
        assert found == []
    else:
        age = 15 if birth.year == 2008 else 76
        assert found == [
            {
                "row": 2,
                "column": "身份证号码",
                "message": f"按开班日期 2024-03-01 计算年龄为 {age} 岁，不在 16 至 75 岁之间。",
            }
        ]


def test_age_bounds_come_from_the_settings(settings):
    settings.TRAINEE_MIN_AGE = 18
    settings.TRAINEE_MAX_AGE = 60
    rules = RowRules.for_batch(START)
    assert (rules.min_age, rules.max_age) == (18, 60)
    rows = [
        valid_row(make_id(birth=datetime.date(2006, 3, 1))),  # 18: ok
        valid_row(make_id(birth=datetime.date(2007, 3, 1))),  # 17
        valid_row(make_id(birth=datetime.date(1963, 3, 2))),  # 60: ok
        valid_row(make_id(birth=datetime.date(1963, 3, 1))),  # 61
    ]
    assert [(error["row"], error["message"]) for error in errors(read(rows, rules=rules))] == [
        (3, "按开班日期 2024-03-01 计算年龄为 17 岁，不在 18 至 60 岁之间。"),
        (5, "按开班日期 2024-03-01 计算年龄为 61 岁，不在 18 至 60 岁之间。"),
    ]


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("13800138000", "13800138000"),
        ("19912345678", "19912345678"),
        ("138 0013 8000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("+8613800138000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
        ("0777-2812345", "0777-2812345"),
        ("0777 2812345", "0777-2812345"),
        ("(0777)2812345", "0777-2812345"),
        ("（0777）28123456", "0777-28123456"),
        ("0777-2812345-801", "0777-2812345-801"),
        ("010-12345678", "010-12345678"),
    ],
)
def test_mobiles_and_landlines_with_an_area_code_are_accepted(typed, kept):
    assert normalise_phone(typed) == kept
    assert one_row_errors(联系电话=typed) == []


@pytest.mark.parametrize(
    "typed", ["12345", "12800138000", "1380013800", "138001380001", "2812345", "777-2812345", "电话", "+1 2025550123"]
)
def test_other_phone_numbers_are_errors(typed):
    assert normalise_phone(typed) is None
    assert one_row_errors(联系电话=typed) == [
        {
            "row": 2,
            "column": "联系电话",
            "message": f"联系电话“{typed}”不正确：应为 11 位手机号码（13 至 19 开头）或带区号的固定电话（如 0777-2812345）。",
        }
    ]


def test_a_phone_stored_as_a_number_is_read_as_its_digits():
    [row] = read([["张三", PERSON, "男", 13800138000]]).rows
    assert row.errors == []
    assert row.phone == "13800138000"


@pytest.mark.parametrize(
    "name", ["张三", "欧阳娜娜", "阿卜杜·热合曼", "阿依古丽•买买提", "Mary", "张" * 20, "张\u200b三"]
)
def test_acceptable_names(name):
    assert one_row_errors(姓名=name) == []


@pytest.mark.parametrize("separator", ["、", ",", "，", "/", "／", "；"])
def test_categories_may_be_separated_by_any_usual_separator(separator):
    [row] = read([valid_row(PERSON, categories=separator.join(["脱贫人口", "农民工", "就业困难人员"]))]).rows
    assert row.errors == []
    assert row.categories == ("poverty-alleviated", "migrant-worker", "employment-difficulty")


def test_category_synonyms_and_repeats_give_each_category_once():
    [row] = read([valid_row(PERSON, categories="脱贫户、脱贫人口， 监测对象 /")]).rows
    assert row.errors == []
    assert row.categories == ("poverty-alleviated", "relapse-monitoring")


def test_every_unknown_category_is_named_in_the_message():
    [error] = one_row_errors(人员类别="脱贫人口、贫困户,五保户")
    assert error["message"].startswith("人员类别“贫困户、五保户”无法识别，可填：脱贫人口、")


def test_blank_rows_are_skipped_and_not_counted():
    roster = read(
        [
            valid_row(PERSON),
            [None] * 8,
            ["", " ", "\u3000", None],
            valid_row(WOMAN, name="李四"),
            [None, None],
        ]
    )
    assert [row.row for row in roster.rows] == [2, 5]
    assert errors(roster) == []


def test_a_row_with_only_a_sequence_number_is_blank():
    """Printed rosters number their empty lines; a numbered line with no person on it is skipped."""
    roster = read(
        [valid_row(WOMAN, name="李四") + [1], [None, None, None, None, None, None, None, None, 2]],
        headers=[*HEADERS, "序号"],
    )
    assert [row.row for row in roster.rows] == [2]
    assert errors(roster) == []


# --- header detection ------------------------------------------------------------------------------


@pytest.mark.parametrize("titles", [0, 1, 3, 9])
def test_the_header_may_follow_up_to_nine_title_rows(titles):
    title_rows = ["钦州市“八桂系列”劳务品牌培训学员花名册"] + [f"第 {n} 行说明" for n in range(2, titles + 1)]
    roster = read([valid_row(PERSON, name="李四", phone="12345")], title_rows=title_rows[:titles])
    assert roster.header_row == titles + 1
    assert errors(roster) == [
        {
            "row": titles + 2,
            "column": "联系电话",
            "message": "联系电话“12345”不正确：应为 11 位手机号码（13 至 19 开头）或带区号的固定电话（如 0777-2812345）。",
        }
    ]


def test_the_header_in_row_10_is_found():
    roster = read([valid_row(PERSON)], title_rows=[f"标题 {n}" for n in range(1, 10)])
    assert roster.header_row == 10
    assert [row.row for row in roster.rows] == [11]


def test_the_header_in_row_11_is_not_found():
    with pytest.raises(SpreadsheetError) as problem:
        read([valid_row(PERSON)], title_rows=[f"标题 {n}" for n in range(1, 11)])
    assert str(problem.value) == NO_HEADER


def test_a_title_row_that_mentions_one_header_is_not_taken_for_the_header():
    roster = read([valid_row(PERSON)], title_rows=["姓名", "身份证号码"])
    assert roster.header_row == 3


def test_row_numbers_are_the_sheets_own_when_the_table_does_not_start_at_a1():
    workbook = Workbook()
    sheet = workbook.active
    for column, header in enumerate(["姓名", "身份证号码", "联系电话"], start=3):
        sheet.cell(row=4, column=column, value=header)
    for column, value in enumerate(["张三", PERSON, "12345"], start=3):
        sheet.cell(row=6, column=column, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    roster = read_roster(buffer.getvalue(), rules=RULES)
    assert roster.header_row == 4
    assert [(error["row"], error["column"]) for error in errors(roster)] == [(6, "联系电话")]
    assert estimate_rows(buffer.getvalue()) == 2  # rows 5 and 6


@pytest.mark.parametrize("name_header", HEADER_SYNONYMS["name"])
@pytest.mark.parametrize("id_header", HEADER_SYNONYMS["id_number"])
def test_every_name_and_id_header_synonym(name_header, id_header):
    roster = read([["张", WRONG_CHECK_ID]], headers=[name_header, id_header])
    assert [error["column"] for error in errors(roster)] == [name_header, id_header]


@pytest.mark.parametrize("phone_header", HEADER_SYNONYMS["phone"])
def test_every_phone_header_synonym(phone_header):
    roster = read([["张三", PERSON, "12345"]], headers=["姓名", "身份证号码", phone_header])
    assert [error["column"] for error in errors(roster)] == [phone_header]
    assert roster.ignored_columns == []


def test_errors_name_the_header_exactly_as_written_in_the_file():
    headers = ["*学员姓名", "公民身份号码（必填）", "性 别", "手机号码:", "人员类别(可多选)"]
    roster = read([["张", "4507021990", "未知", "123", "五保户"]], headers=headers)
    assert [error["column"] for error in errors(roster)] == headers


def test_a_header_with_invisible_characters_is_recognised():
    roster = read([valid_row(PERSON)[:2]], headers=["\ufeff姓名", "身份证\u200b号码"])
    assert roster.rows[0].errors == []


def test_unknown_columns_are_ignored_and_listed_and_columns_may_come_in_any_order():
    headers = ["序号", "联系电话", "工作单位", "身份证号", "学员姓名", "人员类别"]
    roster = read([[1, "13800138000", "钦州港某公司", PERSON, "张三", "农民工"]], headers=headers)
    assert roster.ignored_columns == ["序号", "工作单位"]
    [row] = roster.rows
    assert row.errors == []
    assert (row.name, row.identity.number, row.phone, row.categories) == (
        "张三",
        PERSON,
        "13800138000",
        ("migrant-worker",),
    )


def test_a_second_column_with_a_known_header_is_ignored_not_mixed_in():
    roster = read([["张三", PERSON, "李四"]], headers=["姓名", "身份证号码", "学员姓名"])
    assert roster.rows[0].name == "张三"
    assert roster.ignored_columns == ["学员姓名"]


def test_the_roster_may_be_on_a_later_sheet():
    workbook = Workbook()
    workbook.active.title = "填表说明"
    workbook.active.append(["身份证号码一列请设为文本格式"])
    sheet = workbook.create_sheet("花名册")
    sheet.append(HEADERS)
    sheet.append(valid_row(PERSON))
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert [row.identity.number for row in read_roster(buffer.getvalue(), rules=RULES).rows] == [PERSON]


def test_the_data_row_estimate_counts_rows_below_the_header():
    content = make_roster([valid_row(number) for number in person_ids(7)], title_rows=["标题"])
    assert estimate_rows(content) == 7


# --- files that are refused ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", [*BAD_FILES, "zip bomb", "zip bomb with a lying directory", "over 20 MB", "over 100,000 rows"]
)
def test_unusable_files_are_refused_with_one_chinese_message(name):
    content, message = bad_file(name)
    with pytest.raises(SpreadsheetError) as problem:
        read_roster(content, rules=RULES)
    assert str(problem.value) == message
    # The same message when the file is only checked (an upload, before anything is stored).
    with pytest.raises(SpreadsheetError) as problem:
        estimate_rows(content)
    assert str(problem.value) == message


def test_a_zip_bomb_is_refused_from_the_zip_directory_without_inflating_anything(monkeypatch):
    content = zip_bomb()
    assert len(content) < 1_000_000  # 401 MB of sheet in a file of 400 KB

    def must_not_be_called(*args, **kwargs):
        raise AssertionError("the file was read")

    monkeypatch.setattr(zipfile.ZipFile, "open", must_not_be_called)
    monkeypatch.setattr(zipfile.ZipFile, "read", must_not_be_called)
    monkeypatch.setattr(spreadsheets, "_inflate", must_not_be_called)
    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", must_not_be_called)
    with pytest.raises(SpreadsheetError, match="解压后超过 400 MB"):
        check_container(content)
    with pytest.raises(SpreadsheetError, match="解压后超过 400 MB"):
        read_roster(content, rules=RULES)


def test_a_file_of_exactly_10_mb_is_not_refused_for_its_size():
    with pytest.raises(SpreadsheetError) as problem:
        check_container(b"PK" + bytes(MAX_UPLOAD_BYTES - 2))
    assert str(problem.value) == NOT_A_WORKBOOK


def test_a_sheet_far_over_the_row_limit_is_refused_before_its_rows_are_read():
    with pytest.raises(SpreadsheetError) as problem:
        read_roster(roster_with_rows(100_100), rules=RULES)
    assert str(problem.value) == "工作表“花名册”超过 100,000 行（共 100,101 行），请拆分后分批上传。"


@pytest.mark.parametrize(("data_rows", "refused"), [(50, False), (51, True)])
def test_the_row_limit_is_exact(monkeypatch, data_rows, refused):
    monkeypatch.setattr(ROSTER, "max_rows", 50)
    # Trailing rows of spaces: blank to the roster, but part of the sheet's used range.
    content = make_roster([valid_row(number) for number in person_ids(data_rows)] + [[" "]] * 5)
    if refused:
        with pytest.raises(SpreadsheetError, match="^花名册超过 50 行，请拆分后分批上传。$"):
            estimate_rows(content)
        with pytest.raises(SpreadsheetError, match="^花名册超过 50 行"):
            read_roster(content, rules=RULES)
    else:
        assert len(read_roster(content, rules=RULES).rows) == 50


def test_100000_data_rows_are_within_the_limit():
    assert estimate_rows(roster_with_rows(100_000)) == 100_000


# --- hidden sheets ---------------------------------------------------------------------------------


def roster_with_sheets(*sheets: tuple[str, str, list[list]]) -> bytes:
    """A workbook of (title, state, rows) sheets; state is visible, hidden or veryHidden."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, state, rows in sheets:
        sheet = workbook.create_sheet(title)
        sheet.sheet_state = state
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_hidden_sheets_are_not_read_what_is_imported_is_what_the_clerk_saw():
    old_copy = [HEADERS, valid_row(WOMAN, name="隐藏表")]
    content = roster_with_sheets(
        ("旧名单", "hidden", old_copy),
        ("更旧", "veryHidden", old_copy),
        ("花名册", "visible", [HEADERS, valid_row(PERSON, name="看得见")]),
    )
    roster = read_roster(content, rules=RULES)
    assert [row.name for row in roster.rows] == ["看得见"]


def test_a_workbook_whose_sheets_are_all_hidden_says_so():
    content = roster_with_sheets(("花名册", "visible", [["说明"]]), ("名单", "hidden", [HEADERS, valid_row(PERSON)]))
    # openpyxl keeps one sheet visible; hide it in the saved XML as a crafted or odd file would.
    content = rewrite_part(content, "xl/workbook.xml", lambda xml: xml.replace(b'state="visible"', b'state="hidden"'))
    with pytest.raises(SpreadsheetError) as refused:
        read_roster(content, rules=RULES)
    assert str(refused.value) == ALL_SHEETS_HIDDEN


def rewrite_part(content: bytes, name: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, change(data) if item.filename == name else data)
    return buffer.getvalue()
