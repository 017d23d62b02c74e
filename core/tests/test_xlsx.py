"""The xlsx writer: what a user opening an export sees (headers, rows, no formula run from a cell's text)."""

import io

from openpyxl import load_workbook

from core.xlsx import XLSX_CONTENT_TYPE, add_table_sheet, new_workbook, safe_cell, workbook_bytes, xlsx_response


def test_text_that_a_spreadsheet_would_run_as_a_formula_is_kept_as_text():
    assert safe_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert [safe_cell(value) for value in ("+1", "-1", "@A1", "张三", 12)] == ["'+1", "'-1", "'@A1", "张三", 12]


def test_a_table_sheet_has_its_heading_headers_rows_and_a_filter():
    workbook = new_workbook()
    add_table_sheet(
        workbook, title="培训班期" * 10, headers=["姓名", "人数"], rows=[["=1+1", 3]], heading="钦州市培训班期"
    )
    sheet = load_workbook(io.BytesIO(workbook_bytes(workbook))).active
    assert workbook.sheetnames == [("培训班期" * 10)[:31]]
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["钦州市培训班期", None],
        ["姓名", "人数"],
        ["'=1+1", 3],
    ]
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == "A2:B3"


def test_the_response_is_an_xlsx_attachment_with_its_chinese_file_name():
    workbook = new_workbook()
    add_table_sheet(workbook, title="表", headers=["列"], rows=[])
    response = xlsx_response(workbook, "补贴申请.xlsx")
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert "filename*=UTF-8''%E8%A1%A5%E8%B4%B4%E7%94%B3%E8%AF%B7.xlsx" in response["Content-Disposition"]
