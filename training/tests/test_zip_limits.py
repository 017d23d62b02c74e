"""What a roster may inflate to (issue #13, item 2): the bytes that really come out of the zip are counted
as they stream, the zip directory is never trusted, a refused file costs little memory whatever it holds,
and a realistic 100,000-row roster with every template column is not refused."""

import io
import struct
import zipfile
import zlib

import pytest

from core import spreadsheets
from core.spreadsheets import MAX_ROWS, MAX_UNCOMPRESSED_BYTES, TEXT_TOO_BIG, SpreadsheetError, check_container
from core.tests.test_spreadsheets import read_in_a_child
from employment.models import ReferralImport
from employment.tests.test_referral_import import post_file
from training.models import RosterImport, Trainee
from training.tests.factories import TrainingBatchFactory
from training.tests.rosters import make_roster, person_ids, valid_row
from training.tests.test_fuzz_roster import SST, shared_strings_roster, upload
from training.tests.test_roster import (
    DAMAGED,
    UNCOMPRESSED_TOO_BIG,
    _checksum_of_start,
    _deflated,
    bomb_xlsx,
    lying_zip_bomb,
    raw_zip,
)

MB = 1024 * 1024

# Runs the whole reading path (check, then calamine) on a file in a fresh interpreter, under an address-space
# limit so that a regression fails by itself instead of taking the machine's memory, and prints the message
# and the process's peak resident memory (VmHWM: it starts afresh at exec).
CHILD = """
import datetime, os, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (3 * 1024 ** 3, 3 * 1024 ** 3))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinzhou_brands.settings")
import django
django.setup()  # the pipeline reads through the roster spec, which knows the models
from core.spreadsheets import SpreadsheetError
from training.roster import RowRules
from training.tests.rosters import read_roster
content = open(sys.argv[1], "rb").read()
try:
    read_roster(content, rules=RowRules(start_date=datetime.date(2024, 3, 1), min_age=16, max_age=75))
    print("accepted")
except SpreadsheetError as error:
    print(error)
with open("/proc/self/status") as status:
    print(next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmHWM:")))
"""


def parts_of(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {entry.filename: archive.read(entry) for entry in archive.infolist()}


def rezipped(parts: dict[str, bytes], **replaced: tuple[bytes, int, int]) -> bytes:
    """The parts deflated again by raw_zip; `replaced` maps a part's name (with / as __) to its own
    (deflated data, CRC, claimed size)."""
    members = []
    for name, data in parts.items():
        key = name.replace("/", "__").replace(".", "_")
        if key in replaced:
            members.append((name, *replaced[key]))
            continue
        deflater = zlib.compressobj(6, zlib.DEFLATED, -15)
        members.append((name, deflater.compress(data) + deflater.flush(), zlib.crc32(data), len(data)))
    return raw_zip(members)


def refused_with(content: bytes) -> str:
    with pytest.raises(SpreadsheetError) as problem:
        check_container(content)
    return str(problem.value)


# --- a zip directory that lies ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("megabytes", "claimed"),
    [
        (1024, 404),  # the file of issue #13: 1 GB claimed as 404 bytes
        (1024, 300 * MB),  # claims less than the limit, so 300 MB are inflated (and scanned) before the lie shows
    ],
)
def test_a_sheet_that_inflates_beyond_its_claimed_size_is_refused_in_bounded_memory(tmp_path, megabytes, claimed):
    """calamine used to get the file after zipfile had read the 404 claimed bytes (checksum intact) and then
    inflated the whole gigabyte itself: 2.2 GB per upload. The bytes are now counted as they stream."""
    content = bomb_xlsx(megabytes=megabytes, claimed=claimed)
    assert len(content) < 2 * MB
    message, peak_mb = read_in_a_child(tmp_path, content, "花名册.xlsx", child=CHILD)
    assert message == DAMAGED
    assert peak_mb < 300


def test_a_file_over_the_limit_is_refused_in_bounded_memory(tmp_path):
    message, peak_mb = read_in_a_child(
        tmp_path, bomb_xlsx(megabytes=MAX_UNCOMPRESSED_BYTES // MB + 1), "花名册.xlsx", child=CHILD
    )
    assert message == UNCOMPRESSED_TOO_BIG
    assert peak_mb < 300


@pytest.mark.parametrize("difference", [-1, 1, -100])
def test_a_part_that_is_not_exactly_its_claimed_size_is_damaged(difference):
    """zipfile's reader stops at the claimed size; calamine's does not. Both must read the same bytes."""
    parts = parts_of(make_roster([valid_row(person_ids(1)[0])]))
    sheet = parts["xl/worksheets/sheet1.xml"]
    deflater = zlib.compressobj(6, zlib.DEFLATED, -15)
    data = deflater.compress(sheet) + deflater.flush()
    claimed = len(sheet) + difference
    content = rezipped(parts, xl__worksheets__sheet1_xml=(data, zlib.crc32(sheet[:claimed]), claimed))
    assert refused_with(content) == DAMAGED


def test_a_local_header_that_disagrees_with_the_directory_is_damaged():
    """Readers differ in which of the two they believe: both must say the same."""
    content = bytearray(make_roster([valid_row(person_ids(1)[0])]))
    with zipfile.ZipFile(io.BytesIO(bytes(content))) as archive:
        entry = archive.getinfo("xl/worksheets/sheet1.xml")
    struct.pack_into("<L", content, entry.header_offset + 22, entry.file_size * 50)  # the local header's size
    assert refused_with(bytes(content)) == DAMAGED


@pytest.mark.parametrize("where", ["after", "before"])
def test_bytes_outside_the_zip_are_damaged(where):
    content = make_roster([valid_row(person_ids(1)[0])])
    content = content + b"\0" * 64 if where == "after" else b"\0" * 64 + content
    assert refused_with(content) == DAMAGED


@pytest.mark.parametrize("part", ["content.xml", "mimetype", "xl/workbook.bin", "Content.XML"])
def test_a_zip_that_calamine_would_also_try_as_ods_or_xlsb_is_damaged(part):
    parts = parts_of(make_roster([valid_row(person_ids(1)[0])]))
    parts[part] = b"<office:document-content/>"
    assert refused_with(rezipped(parts)) == DAMAGED


def test_a_cell_tag_cut_by_a_less_than_sign_in_an_attribute_is_damaged_not_uncounted():
    """The sheet is scanned in blocks that end before their last "<": a "<" inside an attribute value (which
    only a crafted file holds) that falls at the end of an inflated piece cuts a cell tag in two, and would
    hide its reference from the count of the used range."""
    whole = (
        b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c x="<" r="XFD1048576"><v>1</v></c></row>'
    )
    cut = whole.index(b'<" r="XFD') + 1
    assert spreadsheets._used_range_exact([whole]) == (1_048_576, 16_384)
    blocks = list(spreadsheets._blocks([whole[:cut], whole[cut:]]))
    assert blocks[0].endswith(b'<c x="')  # the cut this test is about
    with pytest.raises(SpreadsheetError) as problem:
        spreadsheets._used_range_exact(blocks)
    assert str(problem.value) == DAMAGED


# --- the realistic 100,000-row roster ---------------------------------------------------------------

# One data row of the template's eight columns filled with long values, as two programs write it
# (measured: openpyxl 110 MB of sheet XML for 100,000 rows; LibreOffice 45 MB of sheet and 194 MB of shared
# strings, its text split into rich-text runs wherever the script changes).
OPENPYXL_ROW = (
    '<row r="{n}">'
    + "".join(
        f'<c r="{column}{{n}}" t="inlineStr"><is><t>{text}</t></is></c>'
        for column, text in zip(
            "ABCDEFGH",
            [
                "&#26519;&#24605;&#33459;",
                "450703197506280111",
                "&#30007;",
                "15126614242",
                "&#39640;&#20013;/&#20013;&#19987;/&#25216;&#26657;",
                "&#33073;&#36139;&#20154;&#21475;&#12289;" * 5,
                "&#24191;&#35199;&#22766;&#26063;&#33258;&#27835;&#21306;" * 6 + "123&#21495;",
                "&#36864;&#24441;&#20891;&#20154;&#65292;" * 8 + "13812345678",
            ],
            strict=True,
        )
    )
    + "</row>"
)
# LibreOffice's table alternates here between a rich-text string (文化程度, 户籍地址 and 备注 mix scripts) and a
# plain one; each row points to three of the first and five of the second, as the measured file does.
LIBREOFFICE_ROW = (
    '<row r="{n}" customFormat="false" ht="15" hidden="false" customHeight="false">'
    + "".join(
        f'<c r="{column}{{n}}" s="0" t="s"><v>{index}</v></c>'
        for column, index in zip("ABCDEFGH", [1, 3, 5, 7, 0, 9, 2, 4], strict=True)
    )
    + "</row>"
)
RUN = (
    '<r><rPr><sz val="11"/><color rgb="FF000000"/><rFont val="WenQuanYi Zen Hei"/><family val="2"/></rPr>'
    '<t xml:space="preserve">{}</t></r>'
)
LIBREOFFICE_STRING = (
    "<si>"
    + "".join(RUN.format(text) for text in ["广西壮族自治区钦州市", "1", "栋", "203", "室"])
    + '</si><si><t xml:space="preserve">450703197506280111</t></si>'
)


def realistic_xlsx(*, sheet_row: str, sheet_bytes: int, shared_string: str = "", shared_bytes: int = 0) -> bytes:
    """A workbook whose sheet (and shared strings) are the given row (string) repeated to the measured size."""
    row = sheet_row.format(n=MAX_ROWS + 2).encode()
    sheet_head = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    sheet_tail = b"</sheetData></worksheet>"
    parts = parts_of(make_roster([valid_row(person_ids(1)[0])]))
    block = len(row) * max(1, MB // len(row))
    deflated, size = _deflated(sheet_head, row, sheet_bytes // block, sheet_tail)
    crc = zlib.crc32(sheet_tail, _checksum_of_start(sheet_head, row, size - len(sheet_tail)))
    replaced = {"xl__worksheets__sheet1_xml": (deflated, crc, size)}
    if shared_string:
        string = shared_string.encode()
        head = b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="800009" uniqueCount="439718">'
        block = len(string) * max(1, MB // len(string))
        deflated, size = _deflated(head, string, shared_bytes // block, b"</sst>")
        crc = zlib.crc32(b"</sst>", _checksum_of_start(head, string, size - len(b"</sst>")))
        parts["xl/sharedStrings.xml"] = b""
        replaced["xl__sharedStrings_xml"] = (deflated, crc, size)
    return rezipped(parts, **replaced)


@pytest.mark.parametrize(
    ("program", "options"),
    [
        ("openpyxl", {"sheet_row": OPENPYXL_ROW, "sheet_bytes": 110 * MB}),
        (
            "LibreOffice",
            {
                "sheet_row": LIBREOFFICE_ROW,
                "sheet_bytes": 45 * MB,
                "shared_string": LIBREOFFICE_STRING,
                "shared_bytes": 194 * MB,
            },
        ),
    ],
)
def test_a_realistic_100000_row_roster_with_every_template_column_passes_the_file_checks(program, options):
    """The checks themselves, on sheet XML of the size the two programs write for 100,000 long rows (the whole
    import of such a file is `make bench BENCH=roster`). The limit of 20 MB refused both."""
    content = realistic_xlsx(**options)
    assert len(content) < 20 * MB
    check_container(content)


def test_the_limit_is_the_row_limit_times_a_budget_per_row():
    assert MAX_UNCOMPRESSED_BYTES == MAX_ROWS * spreadsheets.BYTES_PER_ROW


# --- the same refusal wherever a roster comes in ----------------------------------------------------


@pytest.fixture
def batch(area):
    return TrainingBatchFactory(area=area)


@pytest.mark.django_db
def test_the_web_upload_refuses_the_lying_zip_bomb_and_stores_nothing(clerk_client, batch):
    response = upload(clerk_client, batch, lying_zip_bomb())
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [DAMAGED]
    assert not RosterImport.objects.exists()
    assert not Trainee.objects.exists()


@pytest.mark.django_db
def test_the_referral_page_refuses_the_lying_zip_bomb_and_stores_nothing(clerk_client):
    response = post_file(clerk_client, lying_zip_bomb())
    assert response.status_code == 200
    assert DAMAGED in response.content.decode()
    assert not ReferralImport.objects.exists()


# --- shared strings copied into every cell ------------------------------------------------------------


def shared_string_workbook(strings: str, cells: int, *, index: int = 0) -> bytes:
    """A roster whose first column has `cells` cells pointing to shared string `index`, with the table's <si>
    elements as given."""
    rows = "".join(f'<row r="{n}"><c r="A{n}" t="s"><v>{index}</v></c></row>' for n in range(2, cells + 2))
    content = shared_strings_roster(f"{SST}>{strings}</sst>")
    parts = parts_of(content)
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(b"</sheetData>", rows.encode() + b"</sheetData>")
    return rezipped(parts)


def test_a_long_shared_string_in_many_cells_is_refused_before_calamine_copies_it_into_each():
    """calamine gives each cell its own copy of the string: 4,000 cells pointing to a 100 KB string (a 22 KB
    file) took 400 MB (measured), so these 20,000 cells would take 2 GB."""
    content = shared_string_workbook("<si><t>" + "长" * 33_000 + "</t></si>", 20_000)
    assert len(content) < 200_000
    assert refused_with(content) == TEXT_TOO_BIG


def test_many_cells_pointing_to_short_strings_and_one_long_string_pass():
    strings = "<si><t>姓名</t></si><si><t>男</t></si><si><t>" + "备" * 20_000 + "</t></si>"
    check_container(shared_string_workbook(strings, 50_000, index=1))


@pytest.mark.parametrize(
    "strings",
    [
        "<si><si><t>短</t></si>" + "<t>长</t>" * 10 + "</si><si><t>下一个</t></si>",  # calamine ends at the inner </si>
        '<si><t a="</si><si>">短</t></si>',  # a "<" inside a tag
        "<si><t>短</t></si></si><si><t>长</t></si>",
        "<si><!-- </si><si> --><t>短</t></si>",
        '<x:si xmlns:x="urn:x"><t>短</t></x:si>',
    ],
)
def test_a_shared_string_table_whose_strings_could_be_counted_otherwise_than_calamine_does_is_damaged(strings):
    assert refused_with(shared_string_workbook(strings, 3)) == DAMAGED


def test_blocks_keep_tags_whole_and_memory_bounded():
    """Long text after a tag goes out with it (the carry does not grow with the text); a tag of over
    a megabyte, which no spreadsheet program writes, is damaged."""
    text = b"<t>" + b"x" * (3 * MB)
    pieces = [text[i : i + MB] for i in range(0, len(text), MB)] + [b"</t>"]
    blocks = list(spreadsheets._blocks(pieces))
    assert b"".join(blocks) == text + b"</t>"
    assert max(map(len, blocks)) <= MB + 4
    with pytest.raises(SpreadsheetError) as problem:
        list(spreadsheets._blocks([b'<c r="A1" x="' + b"y" * MB, b"y" * MB]))
    assert str(problem.value) == DAMAGED
