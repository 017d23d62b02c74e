"""The roster's columns and row check (no database access), and the safe workbook reader.

The reader (`_open_sheets`) refuses unusable files (with one Chinese message) before anything is read;
it moves to core/spreadsheets.py. The import pipeline (core/imports) finds the header and hands each
row to `check_row`; roster_import.py compares the rows with the registry and writes them."""

import datetime
import functools
import io
import itertools
import re
import struct
import zipfile
import zlib
from array import array
from dataclasses import dataclass, field

import python_calamine
from django.conf import settings

from core.imports.cells import cell_text
from core.imports.report import RowError

from .identity import IdNumber, IdNumberError, parse_id_number
from .validators import name_problem, normalise_phone, phone_problem

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
HEADER_SEARCH_ROWS = 10
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
DAMAGED = "文件已损坏或不是有效的 Excel 工作簿，请重新保存为 .xlsx 后上传。"

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


class RosterFileError(ValueError):
    """The file cannot be used at all; the message says why, in Chinese."""


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


def upload_too_large(size: int) -> str:
    """The message for a file over MAX_UPLOAD_BYTES (also said by the upload forms and the API before reading)."""
    return f"文件超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB（当前 {size / 1024 / 1024:.1f} MB），请拆分后分批上传。"


def _too_big() -> RosterFileError:
    return RosterFileError(
        f"文件解压后超过 {MAX_UNCOMPRESSED_BYTES // 1_000_000} MB，可能不是正常的花名册："
        "请删除无关的工作表、图片后重新上传。"
    )


def check_container(content: bytes) -> None:
    """Refuse what is not a readable, reasonably sized xlsx before calamine is handed a byte of it.

    Every part is inflated here, in pieces, counting the bytes that really come out (the sizes in the zip
    directory are only claims); a part that inflates to anything but its declared size and checksum is
    refused as damaged, so calamine, which inflates the parts again, cannot get more than was counted."""
    if not content:
        raise RosterFileError("文件是空的，请选择填好的花名册。")
    if len(content) > MAX_UPLOAD_BYTES:
        raise RosterFileError(upload_too_large(len(content)))
    if content.startswith(OLE_MAGIC):
        # .xls (and encrypted .xlsx) are OLE files, which calamine would read without any of the checks
        # below: they are refused here, before calamine, so the only bound they need is the upload size.
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in content:
            raise RosterFileError("文件设置了打开密码，系统无法读取：请在 Excel 中取消密码后重新上传。")
        raise RosterFileError("这是旧版 Excel（.xls）文件：请在 Excel 中“另存为” .xlsx 格式后重新上传。")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise RosterFileError("文件不是 Excel 工作簿（.xlsx），请使用下载的模板填写后上传。") from None
    names = {entry.filename for entry in entries}
    if "xl/workbook.xml" not in names:
        raise RosterFileError("文件不是 Excel 工作簿（.xlsx），请使用下载的模板填写后上传。")
    if {name.casefold() for name in names} & OTHER_FORMAT_PARTS:
        # calamine tries .xlsb and .ods when a file fails as .xlsx: those readers get no checks here.
        raise RosterFileError(DAMAGED)
    _check_end_record(content, archive)
    # An honest zip directory that announces too much is refused before anything is inflated.
    if sum(entry.file_size for entry in entries) > MAX_UNCOMPRESSED_BYTES:
        raise _too_big()
    _check_parts(content, entries)


# Parts by which calamine recognises .xlsb and .ods (compared casefolded: zip readers differ on case).
OTHER_FORMAT_PARTS = frozenset({"xl/workbook.bin", "content.xml", "mimetype"})
END_RECORD = b"PK\x05\x06"
LOCAL_HEADER = struct.Struct("<4s2B4H3L2H")
ZIP64_SIZE = 0xFFFFFFFF


def _check_end_record(content: bytes, archive: zipfile.ZipFile) -> None:
    """The last end-of-directory record must end the file (its comment included), and the directory must
    start where that record says, with nothing before the first part: then zipfile and calamine's zip
    reader, which both search backwards for the record, read the same directory and the same parts."""
    position = content.rfind(END_RECORD, max(0, len(content) - 22 - 65_535))
    if position < 0 or position + 22 > len(content):
        raise RosterFileError(DAMAGED)
    comment_length = int.from_bytes(content[position + 20 : position + 22], "little")
    if position + 22 + comment_length != len(content):
        raise RosterFileError(DAMAGED)
    directory_offset = int.from_bytes(content[position + 16 : position + 20], "little")
    if directory_offset != ZIP64_SIZE and archive.start_dir != directory_offset:
        raise RosterFileError(DAMAGED)  # bytes before the zip, which zipfile skips and others may not


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
        raise RosterFileError(DAMAGED) from None
    if signature != b"PK\x03\x04" or flags & 0x1 or method != entry.compress_type:
        raise RosterFileError(DAMAGED)
    declared = (entry.CRC, entry.compress_size, entry.file_size)
    if not flags & 0x8 and ZIP64_SIZE not in (compressed, size) and (crc, compressed, size) != declared:
        raise RosterFileError(DAMAGED)
    start = entry.header_offset + LOCAL_HEADER.size + name_length + extra_length
    if start + entry.compress_size > len(content):
        raise RosterFileError(DAMAGED)
    data = memoryview(content)[start : start + entry.compress_size]
    produced = checksum = 0

    def counted(piece: bytes) -> bytes:
        nonlocal produced, checksum
        produced += len(piece)
        total[0] += len(piece)
        if total[0] > MAX_UNCOMPRESSED_BYTES:
            raise _too_big()
        if produced > entry.file_size:
            raise RosterFileError(DAMAGED)  # the directory understated it: calamine would inflate the rest
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
            raise RosterFileError(DAMAGED) from None
        if not inflater.eof:
            raise RosterFileError(DAMAGED)
    else:
        raise RosterFileError(DAMAGED)  # Excel, WPS and LibreOffice only store or deflate
    if produced != entry.file_size or checksum != entry.CRC:
        raise RosterFileError(DAMAGED)


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
                raise RosterFileError(DAMAGED)
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
    "工作表中引用同一段文字的单元格过多，读取时将超过 600 MB，可能不是正常的花名册："
    "请把花名册复制到一个新的工作簿后重新上传。"
)


def _check_parts(content: bytes, entries: list[zipfile.ZipInfo]) -> None:
    """Refuse what would make calamine reserve memory out of proportion to the file: more bytes than a
    roster can need, a sheet whose used range is enormous, or a shared-string table announcing or holding
    millions of strings. calamine gives up the process (not an exception) when such an allocation fails,
    so this is decided before it reads the file.

    Every part is inflated and scanned in pieces, none kept, so a sheet is found wherever the workbook's
    relationships put it, and a refused file costs a few megabytes whatever it inflates to."""
    if len({entry.filename.casefold() for entry in entries}) != len(entries):
        raise RosterFileError(DAMAGED)  # two parts of one name: which one calamine reads is not ours to guess
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
            if not sheet:
                sheet = b"sheetData" in block
            if sheet:
                bound.add(block)
            # Every <si> (or <x:si>) is a string calamine keeps; counting "si" (its end tag too, and some
            # text) overcounts at most a few times, and costs one search of the block.
            strings += block.count(b"si")
            if strings > MAX_SHARED_STRINGS:
                raise RosterFileError(DAMAGED)
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
            if rows * columns > MAX_SHEET_CELLS:
                raise RosterFileError(
                    f"工作表的使用范围过大（{rows:,} 行 × {columns:,} 列）：表格以外可能还有零星内容，"
                    "请把花名册复制到一个新的工作簿后重新上传。"
                )
    if table and references * max(table) > MAX_CELL_TEXT_BYTES:  # the quick bound may be loose
        copied = sum(_copied_bytes(_blocks(_inflate(content, entry, [0])), table) for entry in sheets)
        if copied > MAX_CELL_TEXT_BYTES:
            raise RosterFileError(TEXT_TOO_BIG)


# Everything but "<" and ">", deleted to see whether a "<" ever comes before the ">" of the tag it opens.
NOT_ANGLE_BRACKETS = bytes(byte for byte in range(256) if byte not in b"<>")
BYTE_ORDER_MARK = b"\xef\xbb\xbf"


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
            declaration = len(BYTE_ORDER_MARK) if block.startswith(BYTE_ORDER_MARK) else 0
            if block.startswith(b"<?", declaration):
                start = declaration + 2
        if b"<!" in block or block.find(b"<?", start) >= 0 or b":si" in block or SI_START in block or SI_END in block:
            raise RosterFileError(DAMAGED)
        marks = block.translate(None, NOT_ANGLE_BRACKETS)
        if b"<<" in marks or (self.last_mark == b"<" and marks[:1] == b"<"):
            raise RosterFileError(DAMAGED)
        self.last_mark = marks[-1:] or self.last_mark
        # Starts and ends of strings must alternate: <si> ... </si> <si> ... </si>.
        events = block.replace(b"</si>", SI_END).replace(b"<si", SI_START).translate(None, NOT_SI_EVENTS)
        if SI_START * 2 in events or SI_END * 2 in events or events[:1] == self.last_event:
            raise RosterFileError(DAMAGED)
        self.last_event = events[-1:] or self.last_event
        lengths = list(map(len, block.split(b"</si>")))
        lengths[0] += self.carry
        self.lengths.extend(lengths[:-1])
        self.carry = lengths[-1]

    def finish(self) -> array:
        if self.last_event == SI_START:
            raise RosterFileError(DAMAGED)
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
        if not ROW_NUMBER.fullmatch(value) or int(value) > MAX_SHARED_STRINGS:
            raise RosterFileError(DAMAGED)
    return found is not None


class _RangeBound:
    """(rows, columns) that calamine will allocate for a sheet at most, block by block. Raises
    RosterFileError for a reference outside Excel's grid, which Excel never writes.

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
        if columns > EXCEL_MAX_COLUMNS:
            raise RosterFileError(DAMAGED)
        rows = 99_999
        if b"A000000" in folded:  # a reference of six digits or more (or some text: then the search finds none)
            rows = max(map(int, TALL_REFERENCES.findall(block)), default=rows)
        if rows > EXCEL_MAX_ROWS:
            raise RosterFileError(DAMAGED)
        self.rows = max(self.rows, rows)
        self.columns = max(self.columns, columns)


def _used_range_bound(sheet_xml: bytes) -> tuple[int, int]:
    """_RangeBound of a whole sheet given as bytes (exact when the quick bound does not apply)."""
    bound = _RangeBound()
    bound.add(sheet_xml)
    if bound.exact_needed:
        return _used_range_exact([sheet_xml])
    return bound.rows, bound.columns


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
        if len(tags) != len(TAG_START.findall(block)):
            raise RosterFileError(DAMAGED)
        row, column, last_row, last_column = _count_tags(tags, columns, row, column, last_row, last_column)
    return last_row + 1, last_column + 1


def _count_tags(tags, columns, row, column, last_row, last_column):
    for name, attributes in tags:
        reference = REF_ATTRIBUTE.search(attributes) if b"r" in attributes else None
        value = None if reference is None else (reference.group(1) or reference.group(2) or b"")
        if name == b"row":
            if value is None:
                row += 1
            elif ROW_NUMBER.fullmatch(value) and 0 < int(value) <= EXCEL_MAX_ROWS:
                row = int(value) - 1
            else:
                raise RosterFileError(DAMAGED)
            column = -1
            continue
        if value is None:
            column += 1
            cell_row = row if row > 0 else 0
        else:
            parts = CELL_REF.fullmatch(value)
            if parts is None:
                raise RosterFileError(DAMAGED)
            letters, digits = parts.groups()
            if letters not in columns:
                columns[letters] = _column_number(letters) - 1
            column = columns[letters]
            cell_row = int(digits) - 1
            if not (0 <= cell_row < EXCEL_MAX_ROWS and column < EXCEL_MAX_COLUMNS):
                raise RosterFileError(DAMAGED)
        if attributes[-1:] != b"/":  # `<c r="B2" s="1"/>` is formatting, not content
            if cell_row > last_row:
                last_row = cell_row
            if column > last_column:
                last_column = column
    return row, column, last_row, last_column


def _open_sheets(content: bytes):
    check_container(content)
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    except python_calamine.PasswordError:
        raise RosterFileError("文件设置了打开密码，系统无法读取：请在 Excel 中取消密码后重新上传。") from None
    except (python_calamine.CalamineError, ValueError, OSError):
        raise RosterFileError("文件已损坏或不是有效的 Excel 工作簿，请重新保存为 .xlsx 后上传。") from None
    return workbook


def row_count(sheet) -> int:
    """Rows from the top of the sheet down to its last used row. (calamine's `total_height` is the index
    of that row, one less, and `height` starts at the first used row, not at row 1.)"""
    return sheet.end[0] + 1 if sheet.end else 0


ALL_SHEETS_HIDDEN = "文件里的工作表都被隐藏了：请在 Excel 中取消隐藏名单所在的工作表，保存后重新上传。"


def visible_sheets(workbook) -> list[int]:
    """Positions of the worksheets a person sees when opening the file: hidden and very hidden sheets
    (drop-down lists, old copies) and chart sheets are not read, so what is imported is what the
    clerk saw. RosterFileError when there is none."""
    positions = [
        position
        for position, meta in enumerate(workbook.sheets_metadata)
        if meta.visible == python_calamine.SheetVisibleEnum.Visible
        and meta.typ == python_calamine.SheetTypeEnum.WorkSheet
    ]
    if not positions:
        raise RosterFileError(ALL_SHEETS_HIDDEN)
    return positions


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


def check_row(cells: dict, *, excel_row: int, header: dict, rules: RowRules) -> RosterRow:
    """Check one data row given as {field: cell}; every problem becomes a RowError with its Excel row."""
    row = RosterRow(row=excel_row)
    get = cells.get

    def error(name: str, message: str) -> None:
        row.errors.append(RowError(row=excel_row, column=header.get(name, name), message=message))

    name = WHITESPACE.sub("", cell_text(get("name")))
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

    sex_text = cell_text(get("sex"))
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

    phone_text = cell_text(get("phone"))
    if phone_text:
        phone = normalise_phone(phone_text)
        if phone is None:
            error("phone", phone_problem(phone_text))
        row.phone = phone or ""

    education_text = cell_text(get("education"))
    if education_text:
        education = EDUCATION_SYNONYMS.get(education_text) or EDUCATION_SYNONYMS.get(WHITESPACE.sub("", education_text))
        if education is None:
            error("education", f"文化程度“{education_text}”无法识别，请填：{'、'.join(EDUCATION_CHOICES)}。")
        row.education = education or ""

    categories_text = cell_text(get("categories"))
    if categories_text:
        codes, unknown = rules.parse_categories(categories_text)
        if unknown:
            known = "、".join(name for _code, name in rules.categories)
            error("categories", f"人员类别“{'、'.join(unknown)}”无法识别，可填：{known}（多个用顿号“、”分隔）。")
        row.categories = codes

    address = cell_text(get("household_address"))
    if len(address) > 200:
        error("household_address", f"户籍地址过长（{len(address)} 个字），最多 200 个字。")
    row.household_address = address[:200]
    note = cell_text(get("note"))
    if len(note) > 200:
        error("note", f"备注过长（{len(note)} 个字），最多 200 个字。")
    row.note = note[:200]
    return row
