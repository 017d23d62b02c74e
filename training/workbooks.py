"""The workbooks a clerk downloads: the roster template and a checked roster with its errors."""

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.xlsx import HEADER_FILL, HEADER_FONT, safe_cell

from .roster import CATEGORY_NAMES, EDUCATION_CHOICES, TEMPLATE_HEADERS, Roster, repeated_rows

TEMPLATE_ROWS = 2000
ERROR_FILL = PatternFill("solid", fgColor="FDE2E1")
DUPLICATE_FILL = PatternFill("solid", fgColor="FFF4CE")
COLUMN_WIDTHS = {
    "姓名": 12,
    "身份证号码": 24,
    "性别": 8,
    "联系电话": 16,
    "文化程度": 16,
    "人员类别": 28,
    "户籍地址": 36,
    "备注": 24,
}
INSTRUCTIONS = [
    "填写说明",
    "1. 每行填写一名学员；表头（第 1 行）请勿修改。标题行可以保留在表头上方，系统会自动识别前 10 行中的表头。",
    "2. 姓名、身份证号码必填。身份证号码列已设为“文本”格式，请直接输入 18 位号码；从其他表格粘贴时请用“选择性粘贴 → 数值”，不要让 Excel 把号码变成数字（会丢失末几位）。",
    "3. 性别可不填，系统按身份证号码判断；填写时必须与身份证号码一致。",
    "4. 联系电话填写 11 位手机号码，或带区号的固定电话（如 0777-2812345）。",
    "5. 文化程度从下拉列表中选择：" + "、".join(EDUCATION_CHOICES) + "。",
    "6. 人员类别可填多个，用顿号“、”分隔：{categories}。不属于任何类别可不填。",
    "7. 学员年龄按开班日期计算，须在 16 至 75 岁之间。",
    "8. 上传后系统会先检查整份文件并显示预览，确认后才写入；有错误的行可下载“错误清单”修改后重新上传。",
]


def roster_template(*, categories: list[str] = CATEGORY_NAMES) -> Workbook:
    """The roster template: ID column formatted as text, drop-down lists for 性别, 文化程度, 人员类别
    (`categories`: the registry's current names, so a category the city renamed is offered by its new name)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "花名册"
    for column, header in enumerate(TEMPLATE_HEADERS, start=1):
        cell = sheet.cell(row=1, column=column, value=header)
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
        cell.alignment = Alignment(horizontal="center")
        sheet.column_dimensions[get_column_letter(column)].width = COLUMN_WIDTHS.get(header, 14)
    sheet["A1"].comment = Comment("必填：2 至 20 个字", "系统")
    sheet["B1"].comment = Comment("必填：18 位身份证号码（文本格式）", "系统")
    id_column = get_column_letter(TEMPLATE_HEADERS.index("身份证号码") + 1)
    phone_column = get_column_letter(TEMPLATE_HEADERS.index("联系电话") + 1)
    for row in range(2, TEMPLATE_ROWS + 2):
        sheet[f"{id_column}{row}"].number_format = "@"
        sheet[f"{phone_column}{row}"].number_format = "@"
    last = TEMPLATE_ROWS + 1

    def drop_down(header: str, values: list[str], *, strict: bool) -> None:
        letter = get_column_letter(TEMPLATE_HEADERS.index(header) + 1)
        validation = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
        validation.showErrorMessage = strict
        validation.errorTitle = "输入有误"
        validation.error = "请从下拉列表中选择。"
        validation.promptTitle = header
        validation.prompt = "可从下拉列表选择" + ("" if strict else "；多个类别请用顿号“、”分隔后直接输入")
        validation.showInputMessage = True
        sheet.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{last}")

    drop_down("性别", ["男", "女"], strict=True)
    drop_down("文化程度", list(EDUCATION_CHOICES), strict=True)
    # Several categories may be typed separated by 、, so a typed value outside the list is allowed.
    drop_down("人员类别", categories, strict=False)
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 120
    for row, text in enumerate(INSTRUCTIONS, start=1):
        cell = notes.cell(row=row, column=1, value=text.replace("{categories}", "、".join(categories)))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if row == 1:
            cell.font = Font(bold=True, size=14)
    return workbook


def roster_error_workbook(roster: Roster) -> Workbook:
    """The file's header and every data row as read, with an error column; rows to fix are coloured.

    The header stays as the clerk wrote it, so the corrected file can be uploaded again as it is."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("错误清单")
    width = len(roster.headers)
    sheet.column_dimensions["A"].width = 12
    for position, header in enumerate(roster.headers, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = COLUMN_WIDTHS.get(header, 14)
    sheet.column_dimensions[get_column_letter(width + 1)].width = 80

    def header_cell(value):
        cell = WriteOnlyCell(sheet, value=safe_cell(value))
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
        return cell

    sheet.append([header_cell(h) for h in roster.headers] + [header_cell("错误说明（系统生成，重新上传时自动忽略）")])
    repeats = repeated_rows(roster.rows)
    for row in roster.rows:
        messages = [f"[{error.column}] {error.message}" for error in row.errors]
        fill = ERROR_FILL if messages else None
        if row.row in repeats:
            messages.append(f"与第 {repeats[row.row]} 行是同一人（身份证号码相同），本行不重复导入。")
            fill = DUPLICATE_FILL
        raw = list(row.raw or ())[:width] + [None] * max(0, width - len(row.raw or ()))
        cells = []
        for value in [*raw, "；".join(messages)]:
            cell = WriteOnlyCell(sheet, value=safe_cell(value))
            if isinstance(value, str):
                cell.number_format = "@"
            if fill is not None:
                cell.fill = fill
            cells.append(cell)
        sheet.append(cells)
    return workbook
