"""The two workbooks every import offers: the template to fill in, and the checked file with its errors."""

import datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.xlsx import HEADER_FILL, HEADER_FONT, safe_cell

from .cells import normalise_header

ERROR_FILL = PatternFill("solid", fgColor="FDE2E1")
DUPLICATE_FILL = PatternFill("solid", fgColor="FFF4CE")
ERROR_COLUMN = "错误说明（系统生成，重新上传时自动忽略）"


def drop_down(sheet, header: str, letter: str, values: list[str], *, first: int, last: int, strict=True, prompt=""):
    """A drop-down list on rows `first`..`last` of the column `letter`."""
    validation = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
    validation.showErrorMessage = strict
    validation.errorTitle = "输入有误"
    validation.error = "请从下拉列表中选择。"
    validation.promptTitle = header
    validation.prompt = prompt or ("请从下拉列表选择" if strict else "可从下拉列表选择")
    validation.showInputMessage = True
    sheet.add_data_validation(validation)
    validation.add(f"{letter}{first}:{letter}{last}")


def template_workbook(
    spec, *, title: str, rows: int, instructions: list[str], comments: dict[str, str], text_columns=()
) -> tuple[Workbook, dict[str, str]]:
    """A template: the spec's columns as the header (first synonym, styled, widths), `comments` on header
    cells, `text_columns` formatted as text (ID numbers), a 填写说明 sheet with `instructions` (the first
    line is its title). Returns the workbook and {header: column letter} for the spec's drop-downs."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    letters = {}
    for position, column in enumerate(spec.columns_in_template(), start=1):
        header = column.headers[0]
        letter = letters[header] = get_column_letter(position)
        cell = sheet.cell(row=1, column=position, value=header)
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
        cell.alignment = Alignment(horizontal="center")
        sheet.column_dimensions[letter].width = column.width
        if header in comments:
            cell.comment = Comment(comments[header], "系统")
    for header in text_columns:
        for row in range(2, rows + 2):
            sheet[f"{letters[header]}{row}"].number_format = "@"
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 120
    for row, text in enumerate(instructions, start=1):
        cell = notes.cell(row=row, column=1, value=text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if row == 1:
            cell.font = Font(bold=True, size=14)
    return workbook, letters


def error_workbook(spec, sheet, report: dict, *, notes: dict[int, str] | None = None) -> Workbook:
    """The file's title rows, header and every data row as read, with a column saying what the check found.

    The messages are the preview's (`report`), so the workbook tells what the page told; rows with an error
    are red, repeats of an earlier row yellow; `notes` are the spec's other remarks ({row: sentence}, not
    coloured). Every row keeps its row number (blank rows stay blank), so "第 N 行" in a message is row N
    of this workbook too; the header stays as the clerk wrote it, so the corrected file can be uploaded
    again as it is."""
    messages: dict[int, list[str]] = {}
    for error in report.get("errors", []):
        messages.setdefault(error["row"], []).append(f"[{error['column']}] {error['message']}")
    repeats = {item["row"]: item["first_row"] for item in report.get("duplicates", [])}
    notes = notes or {}
    widths = {header: column.width for column in spec.columns for header in column.headers}

    workbook = Workbook(write_only=True)
    out = workbook.create_sheet("错误清单")
    width = len(sheet.headers)
    for position, header in enumerate(sheet.headers, start=1):
        out.column_dimensions[get_column_letter(position)].width = widths.get(normalise_header(header), 14)
    out.column_dimensions[get_column_letter(width + 1)].width = 80

    def header_cell(value):
        cell = WriteOnlyCell(out, value=safe_cell(value))
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
        return cell

    for values in sheet.above_header:
        out.append([safe_cell(value) if value != "" else None for value in values])
    out.append([header_cell(h) for h in sheet.headers] + [header_cell(ERROR_COLUMN)])
    written = sheet.header_row
    for row in sheet.rows:
        for _blank in range(written + 1, row.row):
            out.append([])
        written = row.row
        fill = None
        found = messages.get(row.row, [])
        if found:
            fill = ERROR_FILL
        elif row.row in repeats:
            found = [spec.duplicate_message(repeats[row.row])]
            fill = DUPLICATE_FILL
        elif row.row in notes:
            found = [notes[row.row]]
        raw = list(row.raw or ())[:width]
        raw += [None] * (width - len(raw))
        # One sentence per finding: "…请核对；推荐结果…" rather than "…请核对。；推荐结果…".
        explanation = "；".join(note.removesuffix("。") for note in found) + "。" if found else None
        cells = []
        for value in [*raw, explanation]:
            if isinstance(value, str) and not value:
                value = None
            cell = WriteOnlyCell(out, value=safe_cell(value))
            if isinstance(value, str):
                cell.number_format = "@"
            elif isinstance(value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
            if fill is not None:
                cell.fill = fill
            cells.append(cell)
        out.append(cells)
    return workbook
