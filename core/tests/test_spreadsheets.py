"""Reading every office format county staff have (core/spreadsheets.py), from files written by LibreOffice
(core/tests/fixtures, made once from roster.xlsx: see fixtures/README.md), and the bounds that every
format meets before calamine reads it."""

import io
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from core import spreadsheets
from core.spreadsheets import (
    ACCEPTED_EXTENSIONS,
    DAMAGED,
    FORMAT_NAMES,
    NOT_A_WORKBOOK,
    OLE_NOT_A_WORKBOOK,
    TEXT_TOO_BIG,
    UNKNOWN_ENCODING,
    WEB_PAGE,
    WPS_FORMAT,
    SpreadsheetError,
    format_label,
    open_workbook,
)

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[2]

# file → (format, encoding) as the preview names them
WRITTEN_BY_ANOTHER_PROGRAM = {
    "roster.xlsx": ("xlsx", ""),  # openpyxl: the source of the others
    "roster-libreoffice.xlsx": ("xlsx", ""),
    "roster.xls": ("xls", ""),
    "roster.ods": ("ods", ""),
    "roster-utf8.csv": ("csv", "UTF-8"),
    "roster-utf8-bom.csv": ("csv", "UTF-8（带 BOM）"),
    "roster-gbk.csv": ("csv", "GB18030"),
}


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def as_seen(value) -> str:
    """A cell as a person sees it (a csv has text where a workbook has numbers)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def seen_rows(workbook) -> list[list[str]]:
    [sheet] = workbook.sheets()
    rows = [[as_seen(value) for value in values] for values in sheet.iter_rows()]
    return [row + [""] * (8 - len(row)) for row in rows]


def refused(content: bytes, file_name: str = "") -> str:
    with pytest.raises(SpreadsheetError) as problem:
        open_workbook(content, file_name=file_name).sheets()
    return str(problem.value)


# --- every format, the same cells ----------------------------------------------------------------------


@pytest.mark.parametrize("name", WRITTEN_BY_ANOTHER_PROGRAM)
def test_every_format_gives_the_same_cells_and_names_its_format_and_encoding(name):
    workbook = open_workbook(fixture(name), file_name=name)
    assert (workbook.format, workbook.encoding) == WRITTEN_BY_ANOTHER_PROGRAM[name]
    assert seen_rows(workbook) == seen_rows(open_workbook(fixture("roster.xlsx")))
    [sheet] = workbook.sheets()
    assert sheet.row_count == 10  # title, header, 8 rows (one blank)
    assert sheet.name == ("花名册" if workbook.format != "csv" else Path(name).stem)


@pytest.mark.parametrize("name", WRITTEN_BY_ANOTHER_PROGRAM)
def test_the_format_is_read_from_the_content_whatever_the_file_is_called(name):
    """A workbook saved under another extension (common with files passed on by chat apps) is read for what it is."""
    if name.endswith(".csv"):
        assert open_workbook(fixture(name)).format == "csv"
    else:
        assert open_workbook(fixture(name), file_name="名单.xls").format == WRITTEN_BY_ANOTHER_PROGRAM[name][0]


def test_the_accepted_extensions():
    assert ACCEPTED_EXTENSIONS == (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".csv")
    assert spreadsheets.ACCEPTED_TEXT == ".xlsx、.xlsm、.xls、.xlsb、.ods、.csv"


# --- what is refused, with what to do -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["名单.et", "名单.ett", "名单.ET"])
def test_a_wps_file_says_how_to_save_it_as_xlsx(name):
    message = refused(fixture("roster.xls"), name)
    assert message == WPS_FORMAT
    assert "在 WPS 或 Excel 中打开" in message and "文件 → 另存为 → Excel 工作簿（.xlsx）" in message


def ole_with_stream_renamed(content: bytes, old: str, new: str) -> bytes:
    return content.replace(old.encode("utf-16-le"), new.encode("utf-16-le").ljust(len(old) * 2, b"\0"), 1)


def test_an_ole_file_that_is_not_a_workbook_says_how_to_save_it():
    """A Word document (or a WPS file under a workbook's name) is an OLE file too."""
    document = ole_with_stream_renamed(fixture("roster.xls"), "Workbook", "WordDoc")
    assert refused(document, "名单.xls") == OLE_NOT_A_WORKBOOK


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        ("<html><body><table><tr><td>姓名</td></tr></table></body></html>".encode(), "名单.xls", WEB_PAGE),
        (b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>', "", WEB_PAGE),
        (
            "姓名,身份证号码\n".encode(),
            "名单.xlsx",
            "文件扩展名是“.xlsx”，但内容是纯文本（CSV）：请把扩展名改为 .csv 后重新上传。",
        ),
        (b"%PDF-1.4\n\x00\x01\x02\x03" * 20, "", NOT_A_WORKBOOK),
        (
            fixture("roster.xlsx"),
            "名单.pdf",
            "不支持“.pdf”文件：请上传 Excel、WPS 或 LibreOffice 保存的表格（.xlsx、.xlsm、.xls、.xlsb、.ods、.csv）。",
        ),
        (b"\x80\x81\xff\xfe\x80" * 10, "名单.csv", UNKNOWN_ENCODING),
    ],
)
def test_files_that_are_not_what_they_say_get_one_chinese_message(content, name, message):
    assert refused(content, name) == message


def test_no_message_tells_the_clerk_to_save_as_xlsx_a_format_that_is_accepted():
    assert DAMAGED == "文件已损坏或不是有效的表格文件：请在 Excel 或 WPS 中打开后重新保存，再上传。"
    assert NOT_A_WORKBOOK == (
        "文件不是表格文件：请上传 Excel、WPS 或 LibreOffice 保存的表格（.xlsx、.xlsm、.xls、.xlsb、.ods、.csv）。"
    )


# --- csv ------------------------------------------------------------------------------------------------


def csv_rows(text: bytes, name: str = "名单.csv") -> list[tuple]:
    [sheet] = open_workbook(text, file_name=name).sheets()
    return list(sheet.iter_rows())


def test_csv_delimiters_quotes_and_excels_sep_line():
    assert csv_rows('姓名;身份证号码\n张三;"450702,1"\n'.encode()) == [("姓名", "身份证号码"), ("张三", "450702,1")]
    assert csv_rows('姓名,备注\n张三,"第一行\n第二行"\n'.encode()) == [("姓名", "备注"), ("张三", "第一行\n第二行")]
    assert csv_rows("sep=;\n姓名;身份证号码\n".encode()) == [("姓名", "身份证号码")]
    assert csv_rows("姓名\t身份证号码\n".encode()) == [("姓名", "身份证号码")]
    assert csv_rows("花名册\n姓名\t身份证号码\n".encode()) == [("花名册",), ("姓名", "身份证号码")]


def test_csv_nul_is_dropped_and_other_control_characters_reach_the_row_checks_as_from_a_workbook():
    assert csv_rows("姓名,备注\n张\x00三,a\x01b\n".encode()) == [("姓名", "备注"), ("张三", "a\x01b")]


def test_csv_row_count_stops_at_the_last_row_with_content():
    [sheet] = open_workbook("姓名\n张三\n\n,,\n\n".encode(), file_name="a.csv").sheets()
    assert sheet.row_count == 2


def test_a_csv_cell_longer_than_excel_allows_is_refused():
    content = ("姓名,备注\n张三," + "长" * 32_768 + "\n").encode()
    assert refused(content, "名单.csv") == "CSV 文件第 2 行有超过 32,767 个字的单元格，可能不是正常的表格。"


def test_a_csv_with_an_unclosed_quote_says_where():
    content = ('姓名,备注\n张三,"' + "x" * 200_000 + "\n").encode()
    assert refused(content, "名单.csv") == "CSV 文件第 2 行格式有误（引号不成对或单元格过长），请检查后重新上传。"


def test_utf16_text_as_excel_saves_unicode_text():
    content = "姓名\t身份证号码\n张三\t450702\n".encode("utf-16")
    workbook = open_workbook(content, file_name="名单.csv")
    assert workbook.encoding == "UTF-16"
    assert list(workbook.sheets()[0].iter_rows()) == [("姓名", "身份证号码"), ("张三", "450702")]


# --- the same bounds for every format -------------------------------------------------------------------

# The whole reading path (checks, then calamine, then every row) in a fresh interpreter under an address-space
# limit, printing the message and the peak resident memory (VmHWM), as training/tests/test_zip_limits.py does.
CHILD = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (3 * 1024 ** 3, 3 * 1024 ** 3))
from core.spreadsheets import SpreadsheetError, open_workbook
try:
    for sheet in open_workbook(open(sys.argv[1], "rb").read(), file_name=sys.argv[1]).sheets():
        sum(1 for _ in sheet.iter_rows())
    print("accepted")
except SpreadsheetError as error:
    print(error)
with open("/proc/self/status") as status:
    print(next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmHWM:")))
"""


def read_in_a_child(tmp_path, content: bytes, name: str, *, child: str = CHILD) -> tuple[str, int]:
    """(the message or "accepted", the peak resident memory in MB) of `child` reading the file."""
    path = tmp_path / name
    path.write_bytes(content)
    done = subprocess.run(
        [sys.executable, "-c", child, str(path)], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    message, peak_mb = done.stdout.strip().splitlines()
    return message, int(peak_mb)


def rezip(content: bytes, **changed: bytes) -> bytes:
    """The zip with some parts replaced (keys: the part's name with . as _), the mimetype stored first."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(buffer, "w") as target:
        for entry in source.infolist():
            data = changed.get(entry.filename.replace(".", "_").replace("/", "__"), source.read(entry))
            method = zipfile.ZIP_STORED if entry.filename == "mimetype" else zipfile.ZIP_DEFLATED
            target.writestr(entry.filename, data, compress_type=method)
    return buffer.getvalue()


def ods_with_rows(rows: str, *, at_end: bool = False) -> bytes:
    """The LibreOffice .ods with `rows` (content.xml markup) after its first row, or after its last one
    (LibreOffice's own repeated empty rows down to row 1,048,576)."""
    content = fixture("roster.ods")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = archive.read("content.xml")
    end = b"</table:table-row>"
    cut = (xml.rindex(end) if at_end else xml.index(end)) + len(end)
    return rezip(content, content_xml=xml[:cut] + rows.encode() + xml[cut:])


def test_the_ods_fixture_passes_the_checks():
    assert spreadsheets.check_container(fixture("roster.ods")) == "ods"


def test_an_ods_whose_repeated_cells_span_a_huge_range_is_refused_in_bounded_memory(tmp_path):
    """One row of 16,384 repeated numbers, repeated 6,000 times: 2 KB of XML, and calamine (which stops
    at 100 million cells) would write out 98 million: it asked for 5.9 GB and ended the process (measured)."""
    bomb = ods_with_rows(
        '<table:table-row table:number-rows-repeated="6000">'
        '<table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"/>'
        "</table:table-row>"
    )
    assert len(bomb) < 30_000
    message, peak_mb = read_in_a_child(tmp_path, bomb, "名单.ods")
    assert message.startswith("工作表的使用范围过大（6,001 行 × 16,384 列）")
    assert peak_mb < 300


def test_an_ods_whose_repeats_copy_a_long_text_is_refused():
    """A 100 KB text in a cell repeated 100 × 100 times: calamine gives each repeat its own copy (1 GB)."""
    bomb = ods_with_rows(
        '<table:table-row table:number-rows-repeated="100">'
        '<table:table-cell table:number-columns-repeated="100" office:value-type="string">'
        f"<text:p>{'长' * 33_000}</text:p></table:table-cell></table:table-row>"
    )
    assert refused(bomb, "名单.ods") == TEXT_TOO_BIG


def test_empty_repeated_cells_and_rows_as_libreoffice_writes_them_pass():
    fine = ods_with_rows(
        '<table:table-row table:number-rows-repeated="1048000">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>',
        at_end=True,
    )
    assert open_workbook(fine, file_name="名单.ods").sheets()[0].row_count == 10


def xls_with_dimensions(last_row: int) -> bytes:
    """The LibreOffice .xls whose sheet's Dimensions record claims rows up to `last_row`."""
    content = bytearray(fixture("roster.xls"))
    at = content.index(b"\x00\x02\x0e\x00") + 4
    content[at + 4 : at + 8] = last_row.to_bytes(4, "little")
    return bytes(content)


def test_an_xls_declaring_a_huge_sheet_is_refused_before_calamine_reserves_it_in_bounded_memory(tmp_path):
    """calamine reserves room for every cell the Dimensions record declares: for 4 billion rows of 8
    columns it asked for 1.4 TB and ended the process (measured)."""
    message, peak_mb = read_in_a_child(tmp_path, xls_with_dimensions(0xFFFF_FFF0), "名单.xls")
    assert message.startswith("工作表的使用范围过大（4,294,967,280 行 × 8 列）")
    assert peak_mb < 300


def test_an_xls_with_a_cell_far_from_the_others_is_refused():
    content = bytearray(fixture("roster.xls"))
    at = content.index(b"\xfd\x00\x0a\x00") + 4  # the first LabelSst cell
    content[at : at + 4] = b"\xff\xff\xff\x00"  # the title, moved to row 65,536, column 256
    assert refused(bytes(content), "名单.xls").startswith("工作表的使用范围过大（65,535 行 × 256 列）")


def test_an_xls_whose_sector_chain_loops_is_damaged():
    """calamine follows the directory's chain without looking for a loop: it would read for ever."""
    content = bytearray(fixture("roster.xls"))
    directory_start = int.from_bytes(content[48:52], "little")
    fat_sector = int.from_bytes(content[76:80], "little")
    fat = (fat_sector + 1) * 512
    content[fat + 4 * directory_start : fat + 4 * directory_start + 4] = directory_start.to_bytes(4, "little")
    assert refused(bytes(content), "名单.xls") == DAMAGED


def test_an_xls_cut_short_is_damaged():
    assert refused(fixture("roster.xls")[:3000], "名单.xls") == DAMAGED


# --- .xlsb: LibreOffice cannot write one, so a minimal workbook is built record by record ---------------


def record(kind: int, data: bytes = b"") -> bytes:
    """An .xlsb record: type and size as 7-bit variable-length numbers, then the data."""
    head = bytes([kind]) if kind < 0x80 else bytes([(kind & 0x7F) | 0x80, kind >> 7])
    size, length = len(data), b""
    while True:
        length += bytes([(size & 0x7F) | (0x80 if size > 0x7F else 0)])
        size >>= 7
        if not size:
            break
    return head + length + data


def wide(text: str) -> bytes:
    return len(text).to_bytes(4, "little") + text.encode("utf-16-le")


def xlsb(rows: list[list], *, dimensions: tuple[int, int, int, int] | None = None, shared: list[str] = ()) -> bytes:
    """A one-sheet .xlsb: str cells inline (BrtCellSt), int cells as numbers (BrtCellReal), ("sst", i) cells
    pointing to shared string i (BrtCellIsst); rows given as (row number, [cells]) keep their number."""
    cells = b""
    for number, values in enumerate(rows):
        if isinstance(values, tuple):
            number, values = values
        cells += record(0x0000, number.to_bytes(4, "little") + bytes(13))
        for column, value in enumerate(values):
            start = column.to_bytes(4, "little") + bytes(4)
            if isinstance(value, str):
                cells += record(0x0006, start + wide(value))
            elif isinstance(value, tuple):
                cells += record(0x0007, start + value[1].to_bytes(4, "little"))
            else:
                cells += record(0x0005, start + struct.pack("<d", value))
    last_row, last_column = len(rows) - 1, max(len(values) for values in rows) - 1
    sheet = (
        record(0x0081)
        + record(0x0094, struct.pack("<4L", *(dimensions or (0, last_row, 0, last_column))))
        + record(0x0091)
        + cells
        + record(0x0092)
        + record(0x0082)
    )
    workbook = (
        record(0x0083)
        + record(0x008F)
        + record(0x009C, struct.pack("<2L", 0, 1) + wide("rId1") + wide("花名册"))
        + record(0x0090)
        + record(0x0084)
    )
    strings = record(0x009F, struct.pack("<2L", len(shared), len(shared)))
    strings += b"".join(record(0x0013, b"\0" + wide(text)) for text in shared) + record(0x00A0)
    relationship = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "xl/_rels/workbook.bin.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{relationship}/worksheet" Target="worksheets/sheet1.bin"/>'
            f'<Relationship Id="rId2" Type="{relationship}/sharedStrings" Target="sharedStrings.bin"/>'
            "</Relationships>",
        )
        archive.writestr("xl/workbook.bin", workbook)
        archive.writestr("xl/worksheets/sheet1.bin", sheet)
        archive.writestr("xl/sharedStrings.bin", strings)
    return buffer.getvalue()


def test_an_xlsb_gives_the_same_cells_as_the_xlsx():
    workbook = open_workbook(xlsb(seen_rows(open_workbook(fixture("roster.xlsx")))), file_name="名单.xlsb")
    assert workbook.format == "xlsb"
    assert seen_rows(workbook) == seen_rows(open_workbook(fixture("roster.xlsx")))


def test_an_xlsb_declaring_or_holding_a_huge_range_is_refused():
    declared = xlsb([["姓名", "身份证号码"]], dimensions=(0, 1_048_575, 0, 16_383))
    assert refused(declared, "名单.xlsb").startswith("工作表的使用范围过大（1,048,576 行 × 16,384 列）")
    far = xlsb([["姓名"], (1_048_575, ["张三"] * 300)])
    assert refused(far, "名单.xlsb").startswith("工作表的使用范围过大（1,048,576 行 × 300 列）")


def test_an_xlsb_cell_pointing_past_the_shared_strings_is_damaged_not_a_crash():
    assert refused(xlsb([["姓名", ("sst", 5)]], shared=["张三"]), "名单.xlsb") == DAMAGED


def test_an_xlsb_whose_cells_copy_a_long_shared_string_is_refused():
    content = xlsb([[("sst", 0)] * 100 for _ in range(100)], shared=["长" * 70_000])
    assert refused(content, "名单.xlsb") == TEXT_TOO_BIG


def test_xls_shared_strings_are_measured_across_continue_records():
    """A string's characters may run on into a Continue record, which starts with its own flag byte
    (here: the rest in UTF-16); each string counts 3 bytes a character, what UTF-8 needs for Chinese."""
    first = struct.pack("<HB", 5, 0) + b"abc"
    rest = b"\x01" + "de".encode("utf-16-le") + struct.pack("<HB", 2, 1) + "张三".encode("utf-16-le")
    assert list(spreadsheets._biff_string_lengths(first, [rest])) == [15, 6]


def test_the_text_an_xls_copies_into_cells_is_bounded(monkeypatch):
    """Each LabelSst cell gets its own copy of its shared string: the LibreOffice roster copies a few
    hundred bytes, over a limit lowered to 100."""
    monkeypatch.setattr(spreadsheets, "MAX_CELL_TEXT_BYTES", 100)
    assert refused(fixture("roster.xls"), "名单.xls") == TEXT_TOO_BIG


def test_every_accepted_format_has_the_name_people_know_it_by():
    assert sorted(FORMAT_NAMES) == sorted(extension.lstrip(".") for extension in ACCEPTED_EXTENSIONS)
    assert format_label("xls") == "Excel 97–2003 (.xls)"
    assert format_label("ods") == "WPS/LibreOffice 表格 (.ods)"
    assert format_label("csv", "GB18030") == "CSV 文本（GB18030 编码）"
