"""The one header rule and row reading of the pipeline, with a spec that knows no app."""

import io

import pytest
from openpyxl import Workbook

from core.imports.reading import find_header, read_sheet
from core.imports.report import RowError
from core.imports.spec import Column, ImportSpec
from core.spreadsheets import SpreadsheetError


class Checked:
    def __init__(self, row, cells):
        self.row, self.cells, self.errors, self.raw = row, cells, [], None


class PeopleSpec(ImportSpec):
    noun = "名单"
    columns = (
        Column("id_number", ("身份证号码", "身份证号")),
        Column("name", ("姓名", "学员姓名")),
        Column("phone", ("联系电话", "电话")),
    )
    required = (("id_number",), ("name",))
    max_rows = 5

    @staticmethod
    def check_row(cells, *, excel_row, header, rules):
        row = Checked(excel_row, cells)
        if not cells.get("id_number"):
            row.errors.append(RowError(row=excel_row, column=header["id_number"], message="未填写。"))
        return row


SPEC = PeopleSpec()


def workbook(*rows) -> bytes:
    book = Workbook()
    for values in rows:
        book.active.append(list(values))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_header_is_found_below_title_rows_with_synonyms_written_any_way():
    rows = [("2025 年名单",), (), ("序号", " 学员姓名 ", "身份证号（必填）", "電話")]
    index, columns, headers, ignored = find_header(SPEC, rows)
    assert index == 2
    assert columns == {"name": 1, "id_number": 2}
    assert headers[2] == "身份证号（必填）"  # as written, for messages
    assert ignored == ["序号", "電話"]


def test_a_row_without_the_persons_column_is_not_a_header():
    assert find_header(SPEC, [("姓名", "联系电话")]) is None


def test_missing_required_columns_are_named_in_one_message():
    content = workbook(("身份证号码", "联系电话"), ("450702199003230027", "13800138000"))
    with pytest.raises(SpreadsheetError) as problem:
        read_sheet(SPEC, content, rules=None)
    assert str(problem.value) == "表头缺少必填列：“姓名”（或“学员姓名”）。请使用下载的模板，或在表头中补上这些列。"


def test_no_header_names_every_required_column():
    with pytest.raises(SpreadsheetError) as problem:
        read_sheet(SPEC, workbook(("名字", "号码"), ("张三", "1")), rules=None)
    assert str(problem.value) == (
        "没有找到表头行：前 10 行中应有“身份证号码”（或“身份证号”）、“姓名”（或“学员姓名”）这些列，请使用下载的模板填写。"
    )


def test_rows_keep_their_excel_numbers_blank_rows_are_skipped_and_title_rows_kept():
    content = workbook(("名单",), ("姓名", "身份证号码"), ("张三", "1"), (None, "  "), ("李四", None))
    sheet = read_sheet(SPEC, content, rules=None, keep_raw=True)
    assert sheet.header_row == 2
    assert [row.row for row in sheet.rows] == [3, 5]
    assert sheet.rows[1].errors[0].as_dict() == {"row": 5, "column": "身份证号码", "message": "未填写。"}
    assert sheet.above_header == [("名单", "")]  # calamine gives empty cells as ""
    assert sheet.rows[0].raw == ("张三", "1")


def test_an_empty_file_and_too_many_rows_are_refused_in_the_specs_words():
    with pytest.raises(SpreadsheetError, match="^文件是空的，请选择填好的名单。$"):
        read_sheet(SPEC, b"", rules=None)
    rows = [("姓名", "身份证号码")] + [("张三", str(n)) for n in range(6)]
    with pytest.raises(SpreadsheetError, match="^名单超过 5 行，请拆分后分批上传。$"):
        read_sheet(SPEC, workbook(*rows), rules=None)


def test_the_error_workbook_keeps_every_row_where_it_was_and_colours_what_to_fix():
    from openpyxl import load_workbook

    from core.imports.workbooks import error_workbook

    content = workbook(("名单",), ("姓名", "身份证号码"), ("张三", "1"), (None, None), ("李四", None), ("张三", "1"))
    sheet = read_sheet(SPEC, content, rules=None, keep_raw=True)
    report = {
        "errors": [{"row": 5, "column": "身份证号码", "message": "未填写。"}],
        "duplicates": [{"row": 6, "first_row": 3}],
    }
    buffer = io.BytesIO()
    error_workbook(SPEC, sheet, report, notes={3: "已登记过。"}).save(buffer)
    out = load_workbook(buffer).active
    rows = list(out.iter_rows(values_only=True))
    assert rows[0][0] == "名单" and rows[1] == ("姓名", "身份证号码", "错误说明（系统生成，重新上传时自动忽略）")
    assert rows[2][-1] == "已登记过。"  # a note, not coloured
    assert all(value is None for value in rows[3])  # the blank row stays: row N here is row N of the file
    assert rows[4][-1] == "[身份证号码] 未填写。"
    assert rows[5][-1] == "与第 3 行重复，本行不重复导入。"
    assert out["A5"].fill.fgColor.rgb.endswith("FDE2E1")  # red: to fix
    assert out["A6"].fill.fgColor.rgb.endswith("FFF4CE")  # yellow: a repeat
    assert out["A3"].fill.fgColor.rgb in (None, "00000000")
