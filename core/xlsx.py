"""Writing xlsx files that are safe to open: every text cell neutralised against formula injection."""

import io
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFF")


def new_workbook() -> Workbook:
    """An empty workbook without openpyxl's default sheet; add sheets with `add_table_sheet`."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def safe_cell(value):
    """A text cell that a spreadsheet would read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def add_table_sheet(
    workbook: Workbook,
    *,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    widths: Sequence[int] | None = None,
    heading: str | None = None,
):
    """A sheet with an optional heading line, a styled header row, frozen panes and a filter."""
    sheet = workbook.create_sheet()
    sheet.title = title[:31]
    first = 2 if heading else 1
    if heading:
        sheet.cell(row=1, column=1, value=safe_cell(heading)).font = Font(bold=True, size=14)
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(row=first, column=column, value=safe_cell(header))
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
        cell.alignment = Alignment(horizontal="center", vertical="center")
        width = widths[column - 1] if widths else max(10, len(str(header)) * 2 + 4)
        sheet.column_dimensions[get_column_letter(column)].width = width
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    sheet.freeze_panes = sheet.cell(row=first + 1, column=1)
    if sheet.max_row > first:
        sheet.auto_filter.ref = f"A{first}:{get_column_letter(len(headers))}{sheet.max_row}"
    return sheet


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(workbook: Workbook, filename: str) -> HttpResponse:
    response = HttpResponse(workbook_bytes(workbook), content_type=XLSX_CONTENT_TYPE)
    # RFC 6266 / 5987: Chinese file names survive every current browser.
    response["Content-Disposition"] = f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(filename)}"
    return response
