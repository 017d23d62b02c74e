"""The rows of an uploaded sheet, found by the one header rule and checked by the spec, with no database access.

The workbook itself is opened by core.spreadsheets (every office format, checked before it is read)."""

import itertools
import operator
from collections.abc import Callable
from dataclasses import dataclass, field

from core.spreadsheets import SpreadsheetError, open_workbook

from .cells import header_as_written, is_blank, normalise_header, printable_values

# --- the header rule and the rows -----------------------------------------------------------------

HEADER_SEARCH_ROWS = 10


@dataclass
class Sheet:
    """A sheet as read: where its header is, which columns it has, and its checked rows."""

    header_row: int
    headers: list[str]  # as written in the file
    columns: dict[str, int]  # field → column index
    ignored_columns: list[str]
    rows: list = field(default_factory=list)  # the spec's row objects (each has .row, .errors, .raw)
    above_header: list[tuple] = field(default_factory=list)  # title rows, kept with `keep_raw`
    left_out_rows: list[int] = field(default_factory=list)  # rows the spec leaves out (not errors)
    file_format: str = ""
    encoding: str = ""

    def header_of(self, field_name: str) -> str:
        return self.headers[self.columns[field_name]] if field_name in self.columns else ""

    @property
    def header(self) -> dict[str, str]:
        return {name: self.headers[position] for name, position in self.columns.items()}


def find_header(spec, rows: list[tuple]) -> tuple[int, dict[str, int], list[str], list[str]] | None:
    """The one header rule: the first of the top HEADER_SEARCH_ROWS rows that holds a column of the spec's
    first required group (the column naming the person) and at least one other of its columns. Headers are
    compared after `normalise_header`, against the spec's synonyms; a column named twice counts once."""
    lookup = spec.header_lookup()
    anchor = spec.required[0]
    for index, values in enumerate(rows[:HEADER_SEARCH_ROWS]):
        headers = [header_as_written(value) for value in values]
        columns: dict[str, int] = {}
        ignored: list[str] = []
        for position, header in enumerate(headers):
            field_name = lookup.get(normalise_header(header))
            if field_name and field_name not in columns:
                columns[field_name] = position
            elif header:
                ignored.append(header)
        if len(columns) >= 2 and any(name in columns for name in anchor):
            return index, columns, headers, ignored
    return None


def open_sheet(spec, content: bytes, *, file_name: str = ""):
    """Check the file and find the first visible sheet with the spec's header.

    Returns (workbook, sheet, header index, columns, headers, ignored, data row estimate)."""
    if not content:
        raise SpreadsheetError(f"文件是空的，请选择填好的{spec.noun}。")
    workbook = open_workbook(content, file_name=file_name)
    saw_data = False
    for sheet in workbook.sheets():
        if sheet.row_count > spec.max_rows + HEADER_SEARCH_ROWS:
            raise SpreadsheetError(spec.too_many_rows_message(sheet.row_count, sheet.name))
        head = list(itertools.islice(sheet.iter_rows(), HEADER_SEARCH_ROWS))
        saw_data = saw_data or any(not is_blank(values) for values in head)
        found = find_header(spec, head)
        if found:
            index, columns, headers, ignored = found
            missing = spec.missing_columns(columns)
            if missing:
                raise SpreadsheetError(spec.missing_columns_message(missing))
            _check_data_rows(spec, sheet, index, tuple(columns.values()))
            return workbook, sheet, index, columns, headers, ignored, max(sheet.row_count - index - 1, 0)
    if not saw_data:
        raise SpreadsheetError("文件是空的：工作表里没有任何内容。")
    raise SpreadsheetError(spec.no_header_message())


def _check_data_rows(spec, sheet, header_index: int, positions: tuple[int, ...]) -> None:
    """Refuse a sheet with nothing below the header or with more than the spec's rows while the file is
    being checked, so that an upload or a command-line import is refused before anything is stored."""
    may_be_too_long = sheet.row_count - header_index - 1 > spec.max_rows
    count = 0
    for index, values in enumerate(sheet.iter_rows()):
        if index <= header_index or is_blank([values[p] for p in positions if p < len(values)]):
            continue
        count += 1
        if not may_be_too_long:
            return
        if count > spec.max_rows:
            raise SpreadsheetError(spec.too_many_rows_message())
    if not count:
        raise SpreadsheetError(spec.no_data_message())


def estimate_rows(spec, content: bytes, *, file_name: str = "") -> int:
    """Data rows below the header (blank rows included): decides inline or background work."""
    return open_sheet(spec, content, file_name=file_name)[6]


def read_sheet(
    spec,
    content: bytes,
    *,
    rules,
    file_name: str = "",
    keep_raw: bool = False,
    progress: Callable[[int], None] | None = None,
) -> Sheet:
    """Every non-blank row below the header, checked by `spec.check_row`. SpreadsheetError when unusable."""
    workbook, source, header_index, columns, headers, ignored, _estimate = open_sheet(
        spec, content, file_name=file_name
    )
    sheet = Sheet(
        header_row=header_index + 1,
        headers=headers,
        columns=columns,
        ignored_columns=ignored,
        file_format=workbook.format,
        encoding=workbook.encoding,
    )
    header = sheet.header
    cells_of = _cell_reader(columns)
    lead = next(iter(columns))  # filled in nearly every row: then the row is not blank, no need to look further
    check_row, left_out = spec.check_row, spec.left_out
    for index, values in enumerate(source.iter_rows()):
        if index < header_index:
            if keep_raw:
                sheet.above_header.append(printable_values(values))
            continue
        if index == header_index:
            continue
        cells = cells_of(values)
        first = cells[lead]
        if not (type(first) is str and first.strip()) and is_blank(cells.values()):
            continue
        if left_out(cells):
            sheet.left_out_rows.append(index + 1)
            continue
        if len(sheet.rows) >= spec.max_rows:
            raise SpreadsheetError(spec.too_many_rows_message())
        row = check_row(cells, excel_row=index + 1, header=header, rules=rules)
        if keep_raw:
            row.raw = printable_values(values)
        sheet.rows.append(row)
        if progress is not None and len(sheet.rows) % 2000 == 0:
            progress(len(sheet.rows))
    if not sheet.rows:
        raise SpreadsheetError(spec.no_data_message())
    return sheet


def _cell_reader(columns: dict[str, int]):
    """A function from a sheet row to {field: cell} for the sheet's columns (a missing cell is None).

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


def repeated_rows(rows: list, key) -> dict[int, int]:
    """{Excel row: the earlier row it repeats} for rows without errors whose `key(row)` came before in the
    file. The import takes each from its first row; the preview and the error workbook name the rest."""
    first_row: dict = {}  # key → the first row holding it
    firsts = {row.row: first_row.setdefault(key(row), row.row) for row in rows if not row.errors}
    return {row: first for row, first in firsts.items() if first != row}
