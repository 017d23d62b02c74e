"""The pipeline's typed report: what a check keeps on the record and prints on the command line."""

from core.imports.report import ImportReport, RowError


class Row:
    def __init__(self, number, *errors):
        self.row = number
        self.errors = [RowError(row=number, column="身份证号码", message=text) for text in errors]


def test_a_report_keeps_the_core_keys_and_the_specs_sections_in_json():
    rows = [Row(3), Row(4, "校验位不正确。", "号码位数不对。"), Row(5)]
    report = ImportReport.build(
        rows=rows, valid=1, duplicates={5: 3}, header_row=2, ignored_columns=["序号"], committed=False, created=1
    )
    report.extra = {"enrolled": 1, "changes": [{"row": 3}]}
    data = report.to_json()
    # The keys the command line prints (`import_roster --json`) and the pages read.
    assert data["duplicate_rows"] == [5]
    assert data["duplicates"] == [{"row": 5, "first_row": 3}]
    assert (data["rows"], data["valid"], data["error_rows"], data["error_count"]) == (3, 1, 1, 2)
    assert data["errors"][0] == {"row": 4, "column": "身份证号码", "message": "校验位不正确。"}
    assert data["enrolled"] == 1  # a spec's own section stands beside the core keys
