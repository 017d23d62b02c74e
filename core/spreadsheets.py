"""Reading spreadsheets safely, in every office format county staff have: .xlsx, .xlsm, .xls (Excel 97–2003),
.xlsb, .ods (python-calamine reads them) and .csv (UTF-8, UTF-8 with BOM, GBK/GB18030).

`open_workbook` sniffs the format from the content (zip parts, OLE streams, text), cross-checks the file
name, and refuses with one Chinese message (SpreadsheetError) whatever would make calamine reserve memory
out of proportion to the file, before calamine is handed a byte of it: calamine gives up the process, not
an exception, when such an allocation fails. Every format meets the same bounds: the upload size, what a
zip inflates to (counted as it streams), a sheet's used range, the strings copied into cells."""

import codecs
import contextlib
import csv
import dataclasses
import functools
import io
import itertools
import re
import struct
import zipfile
import zlib
from array import array
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import PurePath

import python_calamine

# One figure for every upload (rosters, referral sheets, subsidy evidence): the realistic 100,000-row roster
# with every template column filled is 10.1 MB from openpyxl and 12.1 MB once saved by LibreOffice.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
# What a roster may inflate to comes from the rows it may hold, never from the zip directory. Measured on
# 100,000 rows with all eight template columns filled with long values (3 categories, a 40-character address,
# a 40-character note): openpyxl (inline strings, CJK as &#NNNNN;) 1,100 bytes a row; LibreOffice (shared
# strings as rich-text runs wherever the script changes) 2,390 bytes a row. 4,000 bytes a row leaves headroom.
BYTES_PER_ROW = 4_000
MAX_UNCOMPRESSED_BYTES = MAX_ROWS * BYTES_PER_ROW
# calamine allocates every cell of a sheet's used range (rows × columns, about 32 bytes each) at once, and
# aborts the whole process when that fails: two cells, A1 and XFD1048576, in a 2 KB file would ask for 550 GB.
MAX_SHEET_CELLS = 5_000_000
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
# calamine reserves room for the shared strings the file announces (24 bytes each) before reading any, and
# keeps every one it reads: no more than one sheet's worth of cells.
MAX_SHARED_STRINGS = MAX_SHEET_CELLS
# calamine gives every cell its own copy of the shared string it points to: 20,000 cells pointing to one
# 100 KB string (a 22 KB file) cost 2 GB. The copies are bounded before calamine reads the file, measured as
# the XML of the strings the cells point to (markup included: the 100,000-row LibreOffice roster, whose
# strings are rich-text runs, comes to 277 MB; the text itself is 29 MB).
MAX_CELL_TEXT_BYTES = 600_000_000
# Inflated bytes are checked in pieces of this size (so a refused file costs a few MB whatever it holds),
# and an XML tag longer than MAX_TAG_BYTES is not something any spreadsheet program writes.
INFLATE_CHUNK = 1024 * 1024
MAX_TAG_BYTES = 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DAMAGED = "文件已损坏或不是有效的表格文件：请在 Excel 或 WPS 中打开后重新保存，再上传。"
# A csv cell may hold what an Excel cell may (32,767 characters), and a csv as many rows as a worksheet.
MAX_CSV_CELL_CHARS = 32_767

ACCEPTED_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".csv")
ACCEPTED_TEXT = "、".join(ACCEPTED_EXTENSIONS)  # for help texts: ".xlsx、.xlsm、.xls、.xlsb、.ods、.csv"
# Each accepted format as the people who use it name it, for the import pages.
FORMAT_NAMES = {
    "xlsx": "Excel 工作簿 (.xlsx)",
    "xlsm": "Excel 启用宏的工作簿 (.xlsm)",
    "xls": "Excel 97–2003 (.xls)",
    "xlsb": "Excel 二进制工作簿 (.xlsb)",
    "ods": "WPS/LibreOffice 表格 (.ods)",
    "csv": "CSV 文本",
}
WPS_EXTENSIONS = (".et", ".ett")
EMPTY_FILE = "文件是空的，请选择填好的表格文件。"
PASSWORD = "文件设置了打开密码，系统无法读取：请在 Excel 中取消密码后重新上传。"
UPLOAD_ONE_OF = f"请上传 Excel、WPS 或 LibreOffice 保存的表格（{ACCEPTED_TEXT}）。"
NOT_A_WORKBOOK = f"文件不是表格文件：{UPLOAD_ONE_OF}"
SAVE_AS_XLSX = "请在 WPS 或 Excel 中打开，选择“文件 → 另存为 → Excel 工作簿（.xlsx）”，保存后重新上传。"
WPS_FORMAT = f"这是 WPS 表格专用格式（.et/.ett），系统无法读取：{SAVE_AS_XLSX}"
OLE_NOT_A_WORKBOOK = f"文件不是 Excel 工作簿（可能是 Word 文档或 WPS 表格文件）：{SAVE_AS_XLSX}"
WEB_PAGE = f"文件是网页（HTML/XML）格式，不是真正的 Excel 工作簿（其他系统导出的“.xls”常是这样）：{SAVE_AS_XLSX}"
UNKNOWN_ENCODING = (
    "CSV 文件的编码无法识别（支持 UTF-8 和 GBK/GB18030）：请在 Excel 中“另存为”“CSV UTF-8（逗号分隔）”后重新上传。"
)
ALL_SHEETS_HIDDEN = "文件里的工作表都被隐藏了：请在 Excel 中取消隐藏名单所在的工作表，保存后重新上传。"


class SpreadsheetError(ValueError):
    """The file cannot be used at all; the message says why, in Chinese, for the clerk."""


def _damaged_if(condition) -> None:
    """Refuse the file as damaged when `condition` holds: what no spreadsheet program writes, or what would
    let calamine read other than what was checked. (The loops over every cell or record test inline.)"""
    if condition:
        raise SpreadsheetError(DAMAGED)


class Sheet:
    """One visible worksheet: its name, `row_count` (rows from the top down to the last used row) and
    `iter_rows()` (tuples of cell values, as many times as asked). Read when first asked for."""

    def __init__(self, name: str, load: Callable[[], tuple[int, Callable[[], Iterator[tuple]]]]) -> None:
        self.name = name
        self._load = load

    @functools.cached_property
    def _loaded(self):
        return self._load()

    @property
    def row_count(self) -> int:
        return self._loaded[0]

    def iter_rows(self) -> Iterator[tuple]:
        return self._loaded[1]()


@dataclasses.dataclass(frozen=True)
class Workbook:
    """A checked file: `format` (an accepted extension without its dot), `encoding` (a csv's, for the clerk: "UTF-8",
    "UTF-8（带 BOM）", "GB18030"; "" otherwise) and `sheets()`, the worksheets a person sees, in order."""

    format: str
    sheets: Callable[[], list[Sheet]]
    encoding: str = ""


def format_label(file_format: str, encoding: str = "") -> str:
    """A file's format as people name it, with a csv's encoding: "CSV 文本（GB18030 编码）"."""
    label = FORMAT_NAMES.get(file_format, file_format)
    return f"{label}（{encoding} 编码）" if encoding else label


def open_workbook(content: bytes, *, file_name: str = "") -> Workbook:
    """Check the file (SpreadsheetError if it cannot be used) and open it; nothing is read beyond the checks."""
    file_format = check_container(content, file_name=file_name)
    if file_format == "csv":
        text, encoding = _decode_text(content)
        sheet = _csv_sheet(text, PurePath(file_name).stem or "Sheet1")
        sheet.row_count  # noqa: B018 (every record read once now, to refuse the file before it is used)
        return Workbook("csv", lambda: [sheet], encoding)
    with _calamine_errors():
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    return Workbook(file_format, lambda: _calamine_sheets(workbook))


@contextlib.contextmanager
def _calamine_errors():
    """calamine's refusals as one Chinese message. A panic (calamine indexes some tables of a crafted file
    unchecked) reaches Python as pyo3's PanicException, a BaseException: it is a damaged file too."""
    try:
        yield
    except python_calamine.PasswordError:
        raise SpreadsheetError(PASSWORD) from None
    except (python_calamine.CalamineError, ValueError, OSError):
        raise SpreadsheetError(DAMAGED) from None
    except BaseException as error:
        if type(error).__name__ != "PanicException":
            raise
        raise SpreadsheetError(DAMAGED) from None


def _calamine_sheets(workbook) -> list[Sheet]:
    """The worksheets a person sees when opening the file: hidden and very hidden sheets (drop-down lists,
    old copies) and chart sheets are not read, so what is imported is what the clerk saw."""
    if not workbook.sheet_names:
        raise SpreadsheetError("文件里没有工作表。")
    sheets = [
        Sheet(meta.name, functools.partial(_load_calamine_sheet, workbook, position))
        for position, meta in enumerate(workbook.sheets_metadata)
        if meta.visible == python_calamine.SheetVisibleEnum.Visible
        and meta.typ == python_calamine.SheetTypeEnum.WorkSheet
    ]
    if not sheets:
        raise SpreadsheetError(ALL_SHEETS_HIDDEN)
    return sheets


def _load_calamine_sheet(workbook, position: int):
    with _calamine_errors():
        sheet = workbook.get_sheet_by_index(position)
    # calamine's `total_height` is the index of the last used row, one less, and `height` starts at the
    # first used row, not at row 1.
    return (sheet.end[0] + 1 if sheet.end else 0), functools.partial(_calamine_rows, sheet)


def _calamine_rows(sheet) -> Iterator[tuple]:
    with _calamine_errors():
        yield from map(tuple, sheet.iter_rows())


def upload_too_large(size: int) -> str:
    """The message for a file over MAX_UPLOAD_BYTES (also said by the upload forms and the API before reading)."""
    return f"文件超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB（当前 {size / 1024 / 1024:.1f} MB），请拆分后分批上传。"


def _too_big() -> SpreadsheetError:
    return SpreadsheetError(
        f"文件解压后超过 {MAX_UNCOMPRESSED_BYTES // 1_000_000} MB，可能不是正常的表格："
        "请删除无关的工作表、图片后重新上传。"
    )


def check_container(content: bytes, *, file_name: str = "") -> str:
    """Refuse what is not a readable, reasonably sized workbook before calamine is handed a byte of it;
    the format it is, from its content (a workbook saved under another extension is read for what it is,
    but text is read as csv only when named so or unnamed)."""
    if not content:
        raise SpreadsheetError(EMPTY_FILE)
    if len(content) > MAX_UPLOAD_BYTES:
        raise SpreadsheetError(upload_too_large(len(content)))
    extension = PurePath(file_name).suffix.lower()
    if extension in WPS_EXTENSIONS:
        raise SpreadsheetError(WPS_FORMAT)
    if extension and extension not in ACCEPTED_EXTENSIONS:
        raise SpreadsheetError(f"不支持“{extension}”文件：{UPLOAD_ONE_OF}")
    if content.startswith(OLE_MAGIC):
        return _check_ole(content)
    if content.startswith(b"PK") or END_RECORD in content[-65_557:]:  # a zip, maybe behind other bytes
        return _check_zip(content, extension)
    if not _looks_like_text(content):
        raise SpreadsheetError(NOT_A_WORKBOOK)
    if content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        raise SpreadsheetError(WEB_PAGE)
    if extension not in ("", ".csv"):
        raise SpreadsheetError(f"文件扩展名是“{extension}”，但内容是纯文本（CSV）：请把扩展名改为 .csv 后重新上传。")
    return "csv"


def _check_zip(content: bytes, extension: str) -> str:
    """Every part is inflated here, in pieces, counting the bytes that really come out (the sizes in the zip
    directory are only claims); a part that inflates to anything but its declared size and checksum is
    refused as damaged, so calamine, which inflates the parts again, cannot get more than was counted."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SpreadsheetError(NOT_A_WORKBOOK) from None
    names = {entry.filename.casefold(): entry for entry in entries}
    if "xl/workbook.xml" in names:
        file_format, check = ("xlsm" if extension == ".xlsm" else "xlsx"), _check_parts
    elif "xl/workbook.bin" in names:
        file_format, check = "xlsb", _check_xlsb_parts
    elif "content.xml" in names and "mimetype" in names:
        file_format, check = "ods", _check_ods_parts
    else:
        raise SpreadsheetError(NOT_A_WORKBOOK)
    # calamine tries a zip as .xlsx, then .xlsb, then .ods: a part of another of them would get its reader
    # to read what was not checked.
    _damaged_if(len(set(names) & FORMAT_PARTS) > (2 if file_format == "ods" else 1))
    _check_end_record(content, archive)
    # An honest zip directory that announces too much is refused before anything is inflated.
    if sum(entry.file_size for entry in entries) > MAX_UNCOMPRESSED_BYTES:
        raise _too_big()
    if file_format == "ods" and b"".join(_inflate(content, names["mimetype"], [0])) != ODS_MIMETYPE:
        raise SpreadsheetError(NOT_A_WORKBOOK)
    _damaged_if(len(names) != len(entries))  # two parts of one name: which one calamine reads is not ours to guess
    check(content, entries)
    return file_format


# Parts by which calamine recognises .xlsx, .xlsb and .ods (compared casefolded: zip readers differ on case).
FORMAT_PARTS = frozenset({"xl/workbook.xml", "xl/workbook.bin", "content.xml", "mimetype"})
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"

END_RECORD = b"PK\x05\x06"
LOCAL_HEADER = struct.Struct("<4s2B4H3L2H")
ZIP64_SIZE = 0xFFFFFFFF


def _check_end_record(content: bytes, archive: zipfile.ZipFile) -> None:
    """The last end-of-directory record must end the file (its comment included), and the directory must
    start where that record says, with nothing before the first part: then zipfile and calamine's zip
    reader, which both search backwards for the record, read the same directory and the same parts."""
    position = content.rfind(END_RECORD, max(0, len(content) - 22 - 65_535))
    _damaged_if(position < 0 or position + 22 > len(content))
    comment_length = int.from_bytes(content[position + 20 : position + 22], "little")
    _damaged_if(position + 22 + comment_length != len(content))
    directory_offset = int.from_bytes(content[position + 16 : position + 20], "little")
    # Bytes before the zip, which zipfile skips and others may not:
    _damaged_if(directory_offset != ZIP64_SIZE and archive.start_dir != directory_offset)


def _inflate(content: bytes, entry: zipfile.ZipInfo, total: list[int]):
    """The bytes of one part, in pieces of at most INFLATE_CHUNK, from its compressed data as calamine's zip
    reader finds it (the local header's name and extra lengths, the directory's compressed size). Adds
    what comes out to total[0] and refuses the file as soon as that passes MAX_UNCOMPRESSED_BYTES; refuses
    a part whose data is not exactly its declared size and checksum as damaged."""
    try:
        signature, _, _, flags, method, _, _, crc, compressed, size, name_length, extra_length = (
            LOCAL_HEADER.unpack_from(content, entry.header_offset)
        )
    except struct.error:
        raise SpreadsheetError(DAMAGED) from None
    _damaged_if(signature != b"PK\x03\x04" or flags & 0x1 or method != entry.compress_type)
    declared = (entry.CRC, entry.compress_size, entry.file_size)
    _damaged_if(not flags & 0x8 and ZIP64_SIZE not in (compressed, size) and (crc, compressed, size) != declared)
    start = entry.header_offset + LOCAL_HEADER.size + name_length + extra_length
    _damaged_if(start + entry.compress_size > len(content))
    data = memoryview(content)[start : start + entry.compress_size]
    produced = checksum = 0

    def counted(piece: bytes) -> bytes:
        nonlocal produced, checksum
        produced += len(piece)
        total[0] += len(piece)
        if total[0] > MAX_UNCOMPRESSED_BYTES:
            raise _too_big()
        _damaged_if(produced > entry.file_size)  # the directory understated it: calamine would inflate the rest
        checksum = zlib.crc32(piece, checksum)
        return piece

    if method == zipfile.ZIP_STORED:
        for offset in range(0, len(data), INFLATE_CHUNK):
            yield counted(bytes(data[offset : offset + INFLATE_CHUNK]))
    elif method == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
        offset = 0
        try:
            while not inflater.eof:
                if inflater.unconsumed_tail:
                    piece = inflater.decompress(inflater.unconsumed_tail, INFLATE_CHUNK)
                elif offset < len(data):
                    piece = inflater.decompress(data[offset : offset + 65_536], INFLATE_CHUNK)
                    offset += 65_536
                else:
                    break
                if piece:
                    yield counted(piece)
        except zlib.error:
            raise SpreadsheetError(DAMAGED) from None
        _damaged_if(not inflater.eof)
    else:
        raise SpreadsheetError(DAMAGED)  # Excel, WPS and LibreOffice only store or deflate
    _damaged_if(produced != entry.file_size or checksum != entry.CRC)


# A tag from its "<" to its ">" as an XML parser ends it: a ">" inside a quoted attribute value does not end it.
WHOLE_TAG = re.compile(rb"<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>")
TAG_NAME_START = re.compile(rb"<[/!?A-Za-z_:]")


def _blocks(pieces):
    """The pieces regrouped so that no block ends inside a tag: a block ends before the last "<" it holds,
    which starts the next one. The text after a tag may be cut anywhere (no scan looks at it). A tag over
    MAX_TAG_BYTES is refused as damaged (no spreadsheet program writes one)."""
    carry = b""
    for piece in pieces:
        buffer = carry + piece if carry else piece
        cut = buffer.rfind(b"<")
        if cut <= 0:
            carry = buffer if cut == 0 else b""
            if cut < 0:
                yield buffer
                continue
        else:
            yield buffer[:cut]
            carry = buffer[cut:]
        if len(carry) > 65_536:
            # The tag that starts the carry is followed by much text (or is very long): once it is whole,
            # the text after it can go with it, and the carry does not keep growing.
            tag = WHOLE_TAG.match(carry)
            if tag is not None or not TAG_NAME_START.match(carry):
                yield carry
                carry = b""
            elif len(carry) > MAX_TAG_BYTES:
                raise SpreadsheetError(DAMAGED)
    if carry:
        yield carry


# For quick searches: letters A-Z become A, digits 0, and what may follow a tag name (whitespace, ">", "/") a space.
FOLD_REFERENCES = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789\t\n\r>/", b"A" * 26 + b"0" * 10 + b" " * 5)
# A row or cell start tag, with any namespace prefix and attributes (quoted values may hold ">").
XML_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?(row|c)(?=[\s/>])((?:[^>\"']+|\"[^\"]*\"|'[^']*')*)>")
TAG_START = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?(?:row|c)(?=[\s/>])")
REF_ATTRIBUTE = re.compile(rb"(?:^|\s)r\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
CELL_REF = re.compile(rb"([A-Za-z]{1,3})([0-9]{1,7})")
ROW_NUMBER = re.compile(rb"[0-9]{1,7}")
# Bounded repeats: whatever lies beyond four letters or eight digits is outside the grid anyway.
WIDE_REFERENCES = re.compile(rb'<c r="([A-Z]{2,4})')
TALL_REFERENCES = re.compile(rb'<c r="[A-Z]+([0-9]{6,8})')
SHARED_STRINGS_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?sst(?=[\s/>])((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
UNIQUE_COUNT = re.compile(rb"(?:^|\s)uniqueCount\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


SHARED_STRINGS_PART = "xl/sharedstrings.xml"  # calamine reads the table from this part only (in any case)
TEXT_TOO_BIG = (
    "工作表中引用同一段文字的单元格过多，读取时将超过 600 MB，可能不是正常的表格："
    "请把表格复制到一个新的工作簿后重新上传。"
)


def _check_parts(content: bytes, entries: list[zipfile.ZipInfo]) -> None:
    """Refuse what would make calamine reserve memory out of proportion to the file: more bytes than a
    roster can need, a sheet whose used range is enormous, or a shared-string table announcing or holding
    millions of strings. calamine gives up the process (not an exception) when such an allocation fails,
    so this is decided before it reads the file.

    Every part is inflated and scanned in pieces, none kept, so a sheet is found wherever the workbook's
    relationships put it, and a refused file costs a few megabytes whatever it inflates to."""
    total = [0]
    references = 0
    sheets: list[zipfile.ZipInfo] = []
    table = None
    for entry in entries:
        strings_part = _StringTable() if entry.filename.casefold() == SHARED_STRINGS_PART else None
        sheet = False
        bound = _RangeBound()
        strings = 0
        announced = False
        for block in _blocks(_inflate(content, entry, total)):
            # calamine reads cells only inside <sheetData>: what comes before it in a part needs no count.
            sheet = sheet or b"sheetData" in block
            if sheet:
                bound.add(block)
            # Every <si> (or <x:si>) is a string calamine keeps; counting "si" (its end tag too, and some
            # text) overcounts at most a few times, and costs one search of the block.
            strings += block.count(b"si")
            _damaged_if(strings > MAX_SHARED_STRINGS)
            if not announced and b"sst" in block:
                announced = _check_shared_strings_tag(block)
            if strings_part is not None:
                strings_part.add(block)
        if strings_part is not None:
            table = strings_part.finish()
        if sheet:
            sheets.append(entry)
            references += bound.values
            rows, columns = bound.rows, bound.columns
            if bound.exact_needed or rows * columns > MAX_SHEET_CELLS:  # the quick bound may be loose
                rows, columns = _used_range_exact(_blocks(_inflate(content, entry, [0])))
            _check_range(rows, columns)
    if table and references * max(table) > MAX_CELL_TEXT_BYTES:  # the quick bound may be loose
        copied = sum(_copied_bytes(_blocks(_inflate(content, entry, [0])), table) for entry in sheets)
        if copied > MAX_CELL_TEXT_BYTES:
            raise SpreadsheetError(TEXT_TOO_BIG)


# Everything but "<" and ">", deleted to see whether a "<" ever comes before the ">" of the tag it opens.
NOT_ANGLE_BRACKETS = bytes(byte for byte in range(256) if byte not in b"<>")


class _StringTable:
    """The XML length of each shared string, in calamine's order, block by block.

    calamine ends a string at the first </si> after its <si>, so with one <si> between each two </si> the
    n-th piece between them holds the n-th string (and some markup: an overestimate). What would let a
    </si> or a <si> be seen where calamine sees none, or the reverse, is refused as damaged: a "<" inside a
    tag, comments, CDATA, processing instructions, prefixed <x:si>, a <si> inside another."""

    def __init__(self) -> None:
        self.lengths = array("L")
        self.carry = 0
        self.last_mark = b">"
        self.last_event = SI_END
        self.first = True

    def add(self, block: bytes) -> None:
        start = 0
        if self.first:
            self.first = False
            declaration = len(codecs.BOM_UTF8) if block.startswith(codecs.BOM_UTF8) else 0
            if block.startswith(b"<?", declaration):
                start = declaration + 2
        _damaged_if(
            b"<!" in block or block.find(b"<?", start) >= 0 or b":si" in block or SI_START in block or SI_END in block
        )
        marks = block.translate(None, NOT_ANGLE_BRACKETS)
        _damaged_if(b"<<" in marks or (self.last_mark == b"<" and marks[:1] == b"<"))
        self.last_mark = marks[-1:] or self.last_mark
        # Starts and ends of strings must alternate: <si> ... </si> <si> ... </si>.
        events = block.replace(b"</si>", SI_END).replace(b"<si", SI_START).translate(None, NOT_SI_EVENTS)
        _damaged_if(SI_START * 2 in events or SI_END * 2 in events or events[:1] == self.last_event)
        self.last_event = events[-1:] or self.last_event
        lengths = list(map(len, block.split(b"</si>")))
        lengths[0] += self.carry
        self.lengths.extend(lengths[:-1])
        self.carry = lengths[-1]

    def finish(self) -> array:
        _damaged_if(self.last_event == SI_START)
        return self.lengths


# Two bytes that XML forbids (so a part that holds them is refused), standing for <si and </si>.
SI_START, SI_END = b"\x01", b"\x02"
NOT_SI_EVENTS = bytes(byte for byte in range(256) if byte not in b"\x01\x02")


PLAIN_VALUE = re.compile(rb"<v>([^<]*)")
# A value element and its text up to the next tag (prefixed, with attributes or not).
VALUE = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?v(?:\s[^>]*)?>([^<]*)")


def _copied_bytes(blocks, table: array) -> int:
    """The XML length of the shared strings that the sheet's values point to, summed (a value that is not
    a shared string counts too, when it is a number within the table: an overestimate). A value whose
    text may hide a number (an entity, CDATA, a comment, a processing instruction) counts as the longest string."""
    longest, strings, total = max(table), len(table), 0
    for block in blocks:
        if b"<!" in block or b"<?" in block:
            total += longest * (block.count(b"<!") + block.count(b"<?"))
        values = PLAIN_VALUE.findall(block)  # what Excel, WPS, LibreOffice and openpyxl write
        if len(values) != block.count(b"<v") or b":v" in block:
            values = VALUE.findall(block)
        indices = list(map(int, filter(bytes.isdigit, values)))
        total += sum(map(table.__getitem__, filter(strings.__gt__, indices)))
        if len(indices) != len(values):
            for value in itertools.filterfalse(bytes.isdigit, values):
                if b"&" in value or value.strip().lstrip(b"+").isdigit():
                    total += longest
    return total


def _check_shared_strings_tag(block: bytes) -> bool:
    """calamine reserves room for the uniqueCount that the (first) <sst> tag announces. True once the tag
    has been found in the block."""
    found = SHARED_STRINGS_TAG.search(block)
    count = found and UNIQUE_COUNT.search(found.group(1))
    if count:
        value = count.group(1) if count.group(1) is not None else count.group(2)
        _damaged_if(not ROW_NUMBER.fullmatch(value) or int(value) > MAX_SHARED_STRINGS)
    return found is not None


class _RangeBound:
    """(rows, columns) that calamine will allocate for a sheet at most, block by block. Raises
    SpreadsheetError for a reference outside Excel's grid, which Excel never writes.

    The usual file (Excel, WPS, openpyxl, LibreOffice): every cell tag starts `<c r="A1"`. Then a few
    searches of the text with letters and digits folded (A-Z to A, 0-9 to 0) bound the range without a
    Python loop; only the references of more than one letter or five digits are read. Any other block
    leaves the count to _used_range_exact (exact_needed)."""

    def __init__(self) -> None:
        self.rows = 0
        self.columns = 0
        self.values = 0  # <v> tags, an upper bound on the cells that copy a shared string
        self.exact_needed = False

    def add(self, block: bytes) -> None:
        if b"<" not in block:
            return
        folded = block.translate(FOLD_REFERENCES)
        self.values += folded.count(b"<v ") + folded.count(b":v ")
        if self.exact_needed:
            return
        cells = folded.count(b"<c ")
        if cells != folded.count(b'<c r="A') or b":c " in folded:
            self.exact_needed = True
            return
        if not cells:
            return
        columns = 26
        if b'<c r="AA' in folded:
            columns = max(map(_column_number, set(WIDE_REFERENCES.findall(block))))
        _damaged_if(columns > EXCEL_MAX_COLUMNS)
        rows = 99_999
        if b"A000000" in folded:  # a reference of six digits or more (or some text: then the search finds none)
            rows = max(map(int, TALL_REFERENCES.findall(block)), default=rows)
        _damaged_if(rows > EXCEL_MAX_ROWS)
        self.rows = max(self.rows, rows)
        self.columns = max(self.columns, columns)


def _column_number(letters: bytes) -> int:
    """b"A" → 1, b"Z" → 26, b"AA" → 27, b"XFD" → 16,384."""
    return functools.reduce(lambda total, letter: total * 26 + letter - 64, letters.upper(), 0)


def _used_range_exact(blocks) -> tuple[int, int]:
    """calamine's own rule: a row without `r` follows the previous row, a cell without `r` the previous
    cell; only cells with content count. Tags in comments or CDATA are counted too (an overestimate).

    `blocks` is the sheet's XML in pieces that do not cut a tag (_blocks); a row or cell tag that is not
    whole (a "<" in an attribute value, which only a crafted file holds) is refused as damaged, since
    the cells it hides would escape the count."""
    row = column = last_row = last_column = -1
    columns: dict[bytes, int] = {}
    for block in blocks:
        tags = XML_TAG.findall(block)
        _damaged_if(len(tags) != len(TAG_START.findall(block)))
        for name, attributes in tags:
            reference = REF_ATTRIBUTE.search(attributes) if b"r" in attributes else None
            value = None if reference is None else (reference.group(1) or reference.group(2) or b"")
            if name == b"row":
                if value is None:
                    row += 1
                elif ROW_NUMBER.fullmatch(value) and 0 < int(value) <= EXCEL_MAX_ROWS:
                    row = int(value) - 1
                else:
                    raise SpreadsheetError(DAMAGED)
                column = -1
                continue
            if value is None:
                column += 1
                cell_row = row if row > 0 else 0
            else:
                parts = CELL_REF.fullmatch(value)
                if parts is None:
                    raise SpreadsheetError(DAMAGED)
                letters, digits = parts.groups()
                if letters not in columns:
                    columns[letters] = _column_number(letters) - 1
                column = columns[letters]
                cell_row = int(digits) - 1
                if not (0 <= cell_row < EXCEL_MAX_ROWS and column < EXCEL_MAX_COLUMNS):
                    raise SpreadsheetError(DAMAGED)
            if attributes[-1:] != b"/":  # `<c r="B2" s="1"/>` is formatting, not content
                if cell_row > last_row:
                    last_row = cell_row
                if column > last_column:
                    last_column = column
    return last_row + 1, last_column + 1


# --- .xls: the OLE container and the BIFF records, read as calamine reads them --------------------------

ENDOFCHAIN, DIFSECT, RESERVED_SECTORS = 0xFFFFFFFE, 0xFFFFFFFC, 0xFFFFFFFA
# An honest .xls keeps a few summaries in the mini stream: its mini FAT is a sector or two. (calamine
# reserves room from a field that half overlaps this count.)
MAX_MINI_FAT_SECTORS = 16


def _check_ole(content: bytes) -> str:
    """An .xls is an OLE compound file holding a "Workbook" (or "Book") stream of BIFF records. calamine
    follows the container's sector chains without looking for loops and indexes its tables unchecked, so
    every chain it will follow is followed here first; then the records it will turn into cells are counted."""
    if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in content:
        raise SpreadsheetError(PASSWORD)  # an encrypted .xlsx is an OLE file around the encrypted zip
    stream = _OleFile(content).workbook_stream()
    _check_biff(stream)
    return "xls"


class _OleFile:
    def __init__(self, content: bytes) -> None:
        self.content = content
        _damaged_if(len(content) < 512 or content[28:30] != b"\xfe\xff" or content[32:34] != b"\x06\x00")
        shift = int.from_bytes(content[30:32], "little")
        _damaged_if(shift not in (9, 12))
        self.size = 1 << shift
        self.max_id = len(content) // self.size
        fat_sectors, directory_start, _, _, mini_fat_start, mini_fat_sectors, difat_start = struct.unpack_from(
            "<7L", content, 44
        )
        _damaged_if(fat_sectors > self.max_id or mini_fat_sectors > MAX_MINI_FAT_SECTORS)
        difat = list(struct.unpack_from("<109L", content, 76))
        sector, seen = difat_start, set()
        while sector < RESERVED_SECTORS:
            _damaged_if(sector in seen)
            seen.add(sector)
            difat.extend(self._numbers(self._sector(sector)))
            sector = difat.pop()
        self.fat = array("L")
        for sector in difat:
            if sector < DIFSECT:
                self.fat.extend(self._numbers(self._sector(sector)))
        directory = self._chain(directory_start, self.fat, None)
        _damaged_if(not directory or len(directory) % 128)
        self.entries = [self._entry(directory[offset : offset + 128]) for offset in range(0, len(directory), 128)]
        self.mini_stream = self.mini_fat = b""
        if mini_fat_sectors:
            root_start, root_length = self.entries[0][1:]
            self.mini_stream = self._chain(root_start, self.fat, root_length)
            self.mini_fat = array(
                "L", self._numbers(self._chain(mini_fat_start, self.fat, mini_fat_sectors * self.size))
            )

    def _numbers(self, data: bytes):
        return struct.unpack(f"<{len(data) // 4}L", data[: len(data) // 4 * 4])

    def _sector(self, number: int) -> bytes:
        _damaged_if(number > self.max_id)
        return self.content[(number + 1) * self.size : (number + 2) * self.size]

    def _chain(self, start: int, table, length: int | None, *, mini: bool = False) -> bytes:
        """The bytes of a sector chain up to `length` (None: to its end); a chain that loops or leaves the
        file or its table is damaged."""
        pieces, read, sector, seen = [], 0, start, set()
        limit = len(self.mini_stream) // 64 + 1 if mini else self.max_id
        while sector != ENDOFCHAIN:
            _damaged_if(sector > limit or sector in seen)
            seen.add(sector)
            piece = self.mini_stream[sector * 64 : (sector + 1) * 64] if mini else self._sector(sector)
            if length is not None:
                piece = piece[: length - read]
            pieces.append(piece)
            read += len(piece)
            if length is not None and read >= length:
                break
            _damaged_if(sector >= len(table))
            sector = table[sector]
        return b"".join(pieces)

    def _entry(self, data: bytes) -> tuple[str, int, int]:
        name = data[:64].decode("utf-16-le", "replace").split("\0", 1)[0]
        start = int.from_bytes(data[116:120], "little")
        length = int.from_bytes(data[120:124] if self.size == 512 else data[120:128], "little")
        return name, start, length

    def workbook_stream(self) -> bytes:
        for wanted in ("Workbook", "Book"):
            found = [entry for entry in self.entries if entry[0] == wanted]
            _damaged_if(len(found) > 1)
            if found:
                _name, start, length = found[0]
                if length < 4096:
                    return self._chain(start, self.mini_fat, length, mini=True)
                return self._chain(start, self.fat, length)
        raise SpreadsheetError(OLE_NOT_A_WORKBOOK)


def _biff_records(stream: bytes, start: int = 0):
    """(type, data, continuations) of each record from `start`, as calamine's record iterator reads them."""
    position, end = start, len(stream)
    while position < end:
        if end - position < 4:
            raise SpreadsheetError(DAMAGED)
        kind, length = struct.unpack_from("<2H", stream, position)
        data = stream[position + 4 : position + 4 + length]
        position += 4 + length
        if len(data) < length:
            raise SpreadsheetError(DAMAGED)
        more = []
        while end - position > 4 and stream[position : position + 2] == b"\x3c\x00":
            length = int.from_bytes(stream[position + 2 : position + 4], "little")
            more.append(stream[position + 4 : position + 4 + length])
            position += 4 + length
            if position > end:
                raise SpreadsheetError(DAMAGED)
        yield kind, data, more


# Records that calamine turns into a cell, with (row, column) at their start: Number, Label, RString,
# BoolErr, Rk, LabelSst, Formula.
BIFF_CELLS = frozenset({0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, 0x0006})


def _check_biff(stream: bytes) -> None:
    """The used range calamine allocates for each sheet (from its Dimensions record and from its cells),
    and the shared strings it copies into cells, bounded as for .xlsx."""
    sheets, strings = [], array("L")
    for kind, data, more in _biff_records(stream):
        if kind == 0x002F and data[:2] != b"\0\0":
            raise SpreadsheetError(PASSWORD)
        if kind == 0x0085:
            sheets.append(int.from_bytes(data[:4], "little"))
        elif kind == 0x00FC:
            strings = _biff_string_lengths(data[8:], more)
        elif kind == 0x000A:
            break
    copied = 0
    for position in sheets:
        _damaged_if(position > len(stream))
        rows, columns, depth, seen_start = [], [], 0, False
        for kind, data, _more in _biff_records(stream, position):
            if depth:
                depth += (kind == 0x0809) - (kind == 0x000A)
                continue
            if kind == 0x0809:
                depth, seen_start = (1, True) if seen_start else (0, True)
            elif kind == 0x000A:
                break
            elif kind == 0x0200:
                _check_range(*_biff_dimensions(data))
            elif kind in BIFF_CELLS or kind == 0x00BD:
                if len(data) < 6:
                    raise SpreadsheetError(DAMAGED)
                row, column = struct.unpack_from("<2H", data)
                rows.append(row)
                columns.append(column)
                if kind == 0x00BD:
                    columns.append(int.from_bytes(data[-2:], "little"))
                elif kind == 0x00FD and len(data) >= 10:
                    index = int.from_bytes(data[6:10], "little")
                    copied += strings[index] if index < len(strings) else 0
        if rows:
            _check_range(max(rows) - min(rows) + 1, max(columns) - min(columns) + 1)
    if copied > MAX_CELL_TEXT_BYTES:
        raise SpreadsheetError(TEXT_TOO_BIG)


def _biff_dimensions(data: bytes) -> tuple[int, int]:
    """(rows, columns) that calamine reserves room for from a Dimensions record."""
    if len(data) == 10:
        first_row, last_row, first_column, last_column = struct.unpack_from("<4H", data)
    elif len(data) == 14:
        first_row, last_row, first_column, last_column = struct.unpack_from("<2L2H", data)
    else:
        raise SpreadsheetError(DAMAGED)
    if first_column > 0xFF or last_column < first_column:
        first_column = 0
    if last_row < 1 or last_column < 1:
        return 1, 1
    _damaged_if(last_row - 1 < first_row)  # calamine's row count would wrap round
    return last_row - first_row, last_column - first_column


def _check_range(rows: int, columns: int) -> None:
    if rows * columns > MAX_SHEET_CELLS:
        raise SpreadsheetError(
            f"工作表的使用范围过大（{rows:,} 行 × {columns:,} 列）：表格以外可能还有零星内容，"
            "请把表格复制到一个新的工作簿后重新上传。"
        )


def _biff_string_lengths(data: bytes, more: list[bytes]) -> array:
    """An upper bound on the UTF-8 bytes of each string of a shared-string table (SST) whose characters
    may run on into Continue records (each starting with a flag byte for the characters after it)."""
    pieces = [data, *more]
    piece, position, lengths = 0, 0, array("L")

    def take(count: int) -> bytes:
        nonlocal piece, position
        out = b""
        while len(out) < count:
            if position >= len(pieces[piece]):
                piece, position = piece + 1, 0
                if piece >= len(pieces):
                    raise SpreadsheetError(DAMAGED)
                continue
            chunk = pieces[piece][position : position + count - len(out)]
            out += chunk
            position += len(chunk)
        return out

    while True:
        if position >= len(pieces[piece]):
            if piece + 1 >= len(pieces):
                return lengths
            piece, position = piece + 1, 0
            continue
        characters, flags = struct.unpack("<HB", take(3))
        runs = struct.unpack("<H", take(2))[0] if flags & 0x8 else 0
        extension = struct.unpack("<L", take(4))[0] if flags & 0x4 else 0
        left, width = characters, 2 if flags & 0x1 else 1
        while left:
            available = (len(pieces[piece]) - position) // width
            if available == 0:
                piece, position = piece + 1, 0
                if piece >= len(pieces):
                    raise SpreadsheetError(DAMAGED)
                width = 2 if pieces[piece][:1] == b"\x01" else 1
                position = 1
                continue
            step = min(left, available)
            position += step * width
            left -= step
        skip = 4 * runs + extension
        if skip > MAX_UPLOAD_BYTES:
            raise SpreadsheetError(DAMAGED)
        take(skip)
        lengths.append(3 * characters)
        if len(lengths) > MAX_SHARED_STRINGS:
            raise SpreadsheetError(DAMAGED)


# --- .ods: content.xml, whose repeated rows and cells calamine copies out ------------------------------

ODS_TAG = re.compile(
    rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>"
)
ODS_REPEATED = re.compile(rb"number-(?:rows|columns)-repeated\s*=\s*[\"']([^\"']*)[\"']")
ODS_VALUE = re.compile(rb"office:value-type|table:formula")


def _ods_repeats(attributes: bytes) -> int:
    found = ODS_REPEATED.search(attributes)
    if found is None:
        return 1
    if not ROW_NUMBER.fullmatch(found.group(1)):
        raise SpreadsheetError(DAMAGED)
    return int(found.group(1))


def _check_ods_parts(content: bytes, entries: list[zipfile.ZipInfo]) -> None:
    """Every part inflated in pieces (as for .xlsx). In content.xml, calamine writes out every repeat of a
    row or cell that holds something (`number-rows-repeated`, `number-columns-repeated`), each with its
    own copy of the text: the used range those repeats span and the text they copy are bounded."""
    total = [0]
    for entry in entries:
        pieces = _inflate(content, entry, total)
        if entry.filename.casefold() != "content.xml":
            deque(pieces, maxlen=0)  # inflated and counted only
            continue
        rows = last_row = width = row_repeats = column = row_last = copied = 0
        copies = 0  # how many times the text of the cell being read is copied out, beyond the first
        for block in _blocks(pieces):
            start = 0
            for tag in ODS_TAG.finditer(block):
                copied += copies * (tag.start() - start)
                copies = 0
                closing, name, attributes = tag.groups()
                empty_element = attributes.endswith(b"/")
                if name == b"table":
                    rows = last_row = width = 0
                elif name == b"table-row" and not closing:
                    row_repeats, column, row_last = _ods_repeats(attributes), 0, 0
                    if empty_element:
                        rows += row_repeats
                elif name == b"table-row":
                    rows += row_repeats
                    if row_last:
                        last_row, width = rows, max(width, row_last)
                        _check_range(last_row, width)
                elif not closing:
                    repeats = _ods_repeats(attributes)
                    column += repeats
                    if not empty_element or ODS_VALUE.search(attributes):
                        row_last = column
                        copies = repeats * row_repeats - 1
                        start = tag.end()
            copied += copies * (len(block) - start)
            if copied > MAX_CELL_TEXT_BYTES:
                raise SpreadsheetError(TEXT_TOO_BIG)


# --- .xlsb: binary records, with the same bounds as the xml of .xlsx ------------------------------------

MAX_RECORD_BYTES = 16 * 1024 * 1024
XLSB_SHARED_STRINGS = "xl/sharedstrings.bin"


def _xlsb_records(pieces):
    """(type, data) of each record of an inflated .xlsb part (both as variable-length numbers)."""
    buffer = bytearray()
    for piece in pieces:
        buffer += piece
        position, end = 0, len(buffer)
        while position < end:
            kind = buffer[position]
            header = position + 1
            if kind & 0x80:
                if header >= end:
                    break
                kind = (kind & 0x7F) | ((buffer[header] & 0x7F) << 7)
                header += 1
            size = 0
            for shift in range(0, 28, 7):
                if header >= end:
                    size = -1
                    break
                byte = buffer[header]
                header += 1
                size |= (byte & 0x7F) << shift
                if not byte & 0x80:
                    break
            if size < 0 or header + size > end:
                if size > MAX_RECORD_BYTES:
                    raise SpreadsheetError(DAMAGED)
                break
            yield kind, bytes(buffer[header : header + size]) if kind in XLSB_READ else b""
            position = header + size
        del buffer[:position]


# Row header, cells (calamine skips 0x0001, a blank), dimensions, sheet data start and end, string table.
XLSB_READ = frozenset({0x0000, *range(0x0002, 0x000C), 0x0094, 0x0091, 0x0092, 0x009F, 0x0013})


def _check_xlsb_parts(content: bytes, entries: list[zipfile.ZipInfo]) -> None:
    """Every part inflated in pieces (as for .xlsx); in each sheet, the used range calamine allocates
    (its dimensions record, and its cells between the sheet data's start and end) and the shared strings
    it copies into cells. The string table is read first: a cell's string must exist."""
    total = [0]
    strings = array("L")
    for entry in sorted(entries, key=lambda entry: entry.filename.casefold() != XLSB_SHARED_STRINGS):
        name = entry.filename.casefold()
        pieces = _inflate(content, entry, total)
        if not name.endswith(".bin") or name.endswith("vbaproject.bin"):  # xml, or an OLE file of macros
            deque(pieces, maxlen=0)  # inflated and counted only
            continue
        records = _xlsb_records(pieces)
        if name == XLSB_SHARED_STRINGS:
            for kind, data in records:
                if kind == 0x0013:
                    if len(data) < 5:
                        raise SpreadsheetError(DAMAGED)
                    strings.append(3 * int.from_bytes(data[1:5], "little"))
                    if len(strings) > MAX_SHARED_STRINGS:
                        raise SpreadsheetError(DAMAGED)
            continue
        in_data, row, copied = False, 0, 0
        low_row = low_column = 1 << 32
        high_row = high_column = -1
        for kind, data in records:
            if kind == 0x0094 and len(data) >= 16:
                first_row, last_row, first_column, last_column = struct.unpack_from("<4L", data)
                if last_row >= first_row and last_column >= first_column:
                    _check_range(last_row - first_row + 1, last_column - first_column + 1)
            elif kind == 0x0091:
                in_data = True
            elif kind == 0x0092:
                in_data = False
            elif in_data and kind == 0x0000 and len(data) >= 4:
                row = int.from_bytes(data[:4], "little")
            elif in_data and 0x0002 <= kind <= 0x000B:
                if len(data) < 8:
                    raise SpreadsheetError(DAMAGED)
                column = int.from_bytes(data[:4], "little")
                low_row, high_row = min(low_row, row), max(high_row, row)
                low_column, high_column = min(low_column, column), max(high_column, column)
                if kind == 0x0007:
                    index = int.from_bytes(data[8:12], "little")
                    if len(data) < 12 or index >= len(strings):
                        raise SpreadsheetError(DAMAGED)  # calamine would stop the process on it
                    copied += strings[index]
        if high_row >= 0:
            _check_range(high_row - low_row + 1, high_column - low_column + 1)
        if copied > MAX_CELL_TEXT_BYTES:
            raise SpreadsheetError(TEXT_TOO_BIG)


# --- .csv ---------------------------------------------------------------------------------------------

# Bytes no text file holds (tab, line feed, form feed, carriage return and escape excepted).
BINARY_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x1B), *range(0x1C, 0x20)])


def _looks_like_text(content: bytes) -> bool:
    start = content[:8192]
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    return len(start) - len(start.translate(None, BINARY_BYTES)) <= len(start) // 100 + 2


def _decode_text(content: bytes) -> tuple[str, str]:
    """The text and the name of the encoding it was read in: UTF-8 (with or without a byte order mark,
    as Excel's "CSV UTF-8" saves it), UTF-16 (Excel's "Unicode 文本"), else GB18030, which reads GBK and
    GB2312 (Excel's and WPS's plain "CSV" on a Chinese Windows)."""
    for prefix, codec, label in (
        (codecs.BOM_UTF8, "utf-8", "UTF-8（带 BOM）"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
        (b"", "utf-8", "UTF-8"),
        (b"", "gb18030", "GB18030"),
    ):
        if content.startswith(prefix):
            try:
                text = content[len(prefix) :].decode(codec)
            except UnicodeDecodeError:
                continue
            # NUL ends a line for the csv reader; the row checks drop it from any cell, as from a workbook's.
            return text.replace("\0", ""), label
    raise SpreadsheetError(UNKNOWN_ENCODING)


def _csv_dialect(text: str) -> tuple[str, int]:
    """(delimiter, lines to skip): Excel's `sep=;` line, else the most frequent of comma, tab and semicolon
    in the first ten lines (a title row above the header may hold none)."""
    head = text[:65_536].split("\n", 10)[:10]
    if re.fullmatch(r"sep=.\r?", head[0]):
        return head[0][4], 1
    return max(",\t;", key="\n".join(head).count), 0


def _csv_sheet(text: str, name: str) -> Sheet:
    delimiter, skip = _csv_dialect(text)

    def rows() -> Iterator[tuple]:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            yield from map(tuple, itertools.islice(reader, skip, None))
        except csv.Error:
            raise SpreadsheetError(
                f"CSV 文件第 {reader.line_num} 行格式有误（引号不成对或单元格过长），请检查后重新上传。"
            ) from None

    def load():
        """Every record is read once to bound the file before it is used: cells no longer than Excel
        allows, no more rows than a worksheet holds (the text itself is bounded by the upload size)."""
        used = 0
        for number, values in enumerate(rows(), start=1):
            if values:
                if max(map(len, values)) > MAX_CSV_CELL_CHARS:
                    raise SpreadsheetError(
                        f"CSV 文件第 {number} 行有超过 {MAX_CSV_CELL_CHARS:,} 个字的单元格，可能不是正常的表格。"
                    )
                if len(values) > EXCEL_MAX_COLUMNS or number > EXCEL_MAX_ROWS:
                    _check_range(number, len(values) * EXCEL_MAX_ROWS)
                if any(values):
                    used = number
        return used, rows

    return Sheet(name, load)
