"""Cells as the text a person sees: one set of helpers for every import's row check."""

import datetime
import re
import unicodedata

from core.identity import INVISIBLE

WHITESPACE = re.compile(r"\s+")
DATE_TEXT = re.compile(
    r"^(\d{4})(?:-(\d{1,2})-(\d{1,2})|/(\d{1,2})/(\d{1,2})|\.(\d{1,2})\.(\d{1,2})|年(\d{1,2})月(\d{1,2})日)$"
)
# Control characters (Excel stores them as _x0001_ escapes, e.g. pasted from another system) are invisible
# too; besides, PostgreSQL refuses NUL in text and openpyxl refuses them all in the error workbook.
# Tab, line feed and carriage return are whitespace and stay.
CONTROL = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)], None)
UNPRINTABLE = INVISIBLE | CONTROL
HAS_INVISIBLE = re.compile("[" + re.escape("".join(map(chr, UNPRINTABLE))) + "]")


def cell_text(value) -> str:
    """A cell as the text a person sees (NFKC, no invisible characters); whole numbers print without '.0'."""
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


def compact(text: str) -> str:
    """Text compared loosely: full-width folded, every space dropped."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def header_as_written(value) -> str:
    """A header cell as the clerk typed it (no NFKC: "身份证号码（必填）" stays as it is), for messages."""
    return value.translate(CONTROL).strip() if isinstance(value, str) else cell_text(value)


def normalise_header(value) -> str:
    """A header compared with a spec's synonyms: NFKC, no spaces, stars or colons, no trailing (note)."""
    text = unicodedata.normalize("NFKC", str(value or "")).translate(INVISIBLE)
    text = re.sub(r"[\s*＊:：]", "", text)
    return re.sub(r"[(（][^)）]*[)）]$", "", text)


def printable_values(values) -> tuple:
    """A row as read, without control characters in its text cells (for the error workbook)."""
    return tuple(value.translate(CONTROL) if isinstance(value, str) else value for value in values)


def is_blank(values) -> bool:
    """Every cell empty or only whitespace."""
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def cell_text_as_typed(value) -> str:
    """A cell as typed, without invisible characters and with runs of spaces made one, but not NFKC-folded:
    a name that must match a directory entry exactly keeps its full-width brackets."""
    if value is None or isinstance(value, bool | float | datetime.date):
        return cell_text(value)
    return WHITESPACE.sub(" ", str(value).translate(UNPRINTABLE)).strip()


def date_cell(value) -> tuple[datetime.date | None, str]:
    """(the date, "") or (None, what is wrong) for a date cell that is not blank: a date cell, or text as
    2025-03-18, 2025/3/18, 2025.3.18 (the dotted dates clerks type) or 2025年3月18日."""
    if isinstance(value, datetime.datetime):
        return value.date(), ""
    if isinstance(value, datetime.date):
        return value, ""
    text = cell_text(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return None, f"“{text}”是数字而不是日期：请把该列设为“日期”格式后重新填写，或按 2025-03-18 的格式填写。"
    match = DATE_TEXT.match(compact(text))
    if match is None:
        return None, f"“{text}”无法识别：请填写日期，如 2025-03-18、2025/3/18、2025.3.18 或 2025年3月18日。"
    year, *parts = match.groups()
    month, day = [int(part) for part in parts if part is not None]
    try:
        return datetime.date(int(year), month, day), ""
    except ValueError:
        return None, f"“{text}”不是真实的日期，请核对。"
