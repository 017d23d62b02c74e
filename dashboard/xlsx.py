"""The dashboard's xlsx: the tables of the page, built from the same `progress_summary` dict.

Counts and targets are written as the dict gives them; the only figures added are completion rates
(a count over its target), as on the page."""

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from core.xlsx import add_table_sheet, new_workbook

INTEGER = "#,##0"
PERCENT = "0.0%"
YUAN = '#,##0" 元"'
BEHIND_FILL = PatternFill("solid", fgColor="F8D7DA")
BEHIND_FONT = Font(color="9C0006", bold=True)
PACE_LABELS = {True: "落后于进度", False: "符合进度", None: "未设目标"}
MATRIX_PACE_LABELS = {True: "落后", False: "符合进度", None: "未分配目标"}
COUNT_LABELS = (("trainings", "培训人次"), ("jobs", "带动就业创业人次"))


def _rate(value, total):
    return value / total if value is not None and total else None


def _rated(category: str, item: str, value, base) -> list:
    """A row of the 其他指标 sheet whose rate is its value over its target or base."""
    return [category, item, value, base, _rate(value, base)]


def _plan_period(progress: dict) -> str:
    period = progress.get("period")
    return f"“{period['name']}”{period['year_from']}–{period['year_to']} 年" if period else "（无规划期）"


def _period(progress: dict) -> str:
    return f"{progress['year']} 年" if progress["year"] else f"{_plan_period(progress)}累计"


def _format(sheet, formats: dict[int, str], *, first_row: int) -> None:
    """Number formats by column (1-based) for the data rows; the pace columns in red where behind."""
    for row in sheet.iter_rows(min_row=first_row + 1):
        for cell in row:
            if cell.column in formats:
                cell.number_format = formats[cell.column]
            if cell.value in ("落后于进度", "落后"):
                cell.fill = BEHIND_FILL
                cell.font = BEHIND_FONT


def _figures(row: dict, name: str, *, pace: bool) -> list:
    """A count, its target and the rate; with `pace`, the count expected by now and the pace label too."""
    values = [row[name], row[f"{name}_target"], _rate(row[name], row[f"{name}_target"])]
    if pace:
        values += [row[f"{name}_expected"], PACE_LABELS[row[f"{name}_behind_pace"]]]
    return values


def _figure_columns(row: dict, *, pace: bool) -> list:
    return [*_figures(row, "trainings", pace=pace), *_figures(row, "jobs", pace=pace), row["jobs_created_by_startups"]]


def _startups_label(progress: dict) -> str:
    counted = "已计入" if progress["jobs_count_startup_employees"] else "未计入"
    return f"创业带动就业人数（{counted}就业创业人次）"


def _figure_headers(progress: dict, *, pace: bool) -> list[str]:
    headers = []
    for label in ("培训人次", "就业创业人次"):
        headers += [label, f"{label}目标", "完成率"]
        if pace:
            headers += ["按时间进度应达", "进度"]
    return [*headers, _startups_label(progress)]


def _figure_formats(first: int, *, pace: bool) -> dict[int, str]:
    step = 5 if pace else 3
    formats = {}
    for start in (first, first + step):
        formats.update({start: INTEGER, start + 1: INTEGER, start + 2: PERCENT})
        if pace:
            formats[start + 3] = INTEGER
    formats[first + 2 * step] = INTEGER
    return formats


def _figures_sheet(
    workbook: Workbook, progress: dict, heading: str, title: str, labels: list, rows: list, *, pace: bool, verdict=False
) -> None:
    """A sheet of `rows` (dicts): the label columns, given as (header, key, width), then `_figure_columns`;
    `verdict` adds the area × brand matrix's 判断 column."""
    headers = [header for header, _, _ in labels] + _figure_headers(progress, pace=pace)
    widths = [width for _, _, width in labels] + ([12, 14, 9, 14, 12] if pace else [12, 14, 9]) * 2 + [18]
    lines = [[row[key] for _, key, _ in labels] + _figure_columns(row, pace=pace) for row in rows]
    if verdict:
        headers.append("判断")
        widths.append(12)
        for line, row in zip(lines, rows, strict=True):
            line.append(MATRIX_PACE_LABELS[row["behind_pace"]])
    sheet = add_table_sheet(workbook, title=title, heading=heading, headers=headers, widths=widths, rows=lines)
    _format(sheet, _figure_formats(len(labels) + 1, pace=pace), first_row=2)


def progress_workbook(progress: dict, *, subsidy_kinds: dict, recognition_kinds: dict) -> Workbook:
    """Sheets 总体进度, 分品牌, 分地区, 分年度, 地区×品牌, 其他指标 and, when there are any in scope, 重点帮扶县
    and 重点帮扶县重点人员 of one `progress_summary` result."""
    scope = progress["scope"]
    heading = f"钦州市“八桂系列”劳务品牌建设进度 · {scope['name']} · {_period(progress)} · 截至 {progress['as_of']}"
    workbook = new_workbook()
    pace = progress["pace"]
    jobs_label = (
        "带动就业创业人次（含创业带动就业）" if progress["jobs_count_startup_employees"] else "带动就业创业人次"
    )

    sheet = add_table_sheet(
        workbook,
        title="总体进度",
        heading=heading,
        headers=["指标", "完成数", "目标", "完成率", "按时间进度应达", "进度"],
        widths=[40, 12, 12, 10, 16, 14],
        rows=[
            ["培训人次", *_figures(pace, "trainings", pace=True)],
            [jobs_label, *_figures(pace, "jobs", pace=True)],
            [_startups_label(progress), pace["jobs_created_by_startups"], None, None, None, None],
            [f"规划期{_plan_period(progress)}已过时间", None, None, pace["plan_elapsed"], None, None],
        ],
    )
    _format(sheet, {2: INTEGER, 3: INTEGER, 4: PERCENT, 5: INTEGER}, first_row=2)

    _figures_sheet(workbook, progress, heading, "分品牌", [("劳务品牌", "name", 16)], pace["brands"], pace=True)
    _figures_sheet(workbook, progress, heading, "分地区", [("地区", "name", 20)], progress["areas"], pace=False)
    years = [{**row, "period_label": row["period"] or "不在任何规划期内"} for row in progress["years"]]
    labels = [("年度", "year", 10), ("所属规划期", "period_label", 18)]
    _figures_sheet(workbook, progress, heading, "分年度", labels, years, pace=False)
    labels = [("地区", "area_name", 20), ("劳务品牌", "brand_name", 16)]
    _figures_sheet(workbook, progress, heading, "地区×品牌", labels, progress["matrix"], pace=True, verdict=True)

    sheet = add_table_sheet(
        workbook,
        title="其他指标",
        heading=heading,
        headers=["类别", "项目", "数值", "目标或基数", "比率"],
        widths=[16, 56, 14, 14, 10],
        rows=_other_rows(progress, subsidy_kinds=subsidy_kinds, recognition_kinds=recognition_kinds),
    )
    _format(sheet, {3: INTEGER, 4: INTEGER, 5: PERCENT}, first_row=2)
    for row in sheet.iter_rows(min_row=3):
        if row[0].value == "补贴资金（元）":
            row[2].number_format = row[3].number_format = YUAN
    _key_county_sheets(workbook, progress, heading)
    return workbook


def _key_county_sheets(workbook: Workbook, progress: dict, heading: str) -> None:
    """The 乡村振兴重点帮扶县 apart, as on the page: their figures, then their priority groups' shares."""
    counties = progress["key_assistance_counties"]
    if not counties:
        return
    _figures_sheet(workbook, progress, heading, "重点帮扶县", [("乡村振兴重点帮扶县", "name", 20)], counties, pace=True)
    sheet = add_table_sheet(
        workbook,
        title="重点帮扶县重点人员",
        heading=heading,
        headers=["乡村振兴重点帮扶县", "人员类别", "培训人次", "占该县培训人次", "就业创业人次", "占该县就业创业人次"],
        widths=[20, 22, 12, 16, 14, 18],
        rows=[
            [
                county["name"],
                category,
                figures["trainings"],
                _rate(figures["trainings"], county["trainings"]),
                figures["jobs"],
                _rate(figures["jobs"], county["jobs"]),
            ]
            for county in counties
            for category, figures in county["priority_groups"].items()
        ],
    )
    _format(sheet, {3: INTEGER, 4: PERCENT, 5: INTEGER, 6: PERCENT}, first_row=2)


def _other_rows(progress: dict, *, subsidy_kinds: dict, recognition_kinds: dict) -> list[list]:
    referrals, wage_cases = progress["referrals"], progress["wage_cases"]
    rows = [
        [
            "岗位推荐",
            "参训学员（已开班）中获得 3 次及以上岗位推荐的人数，开班前的推荐不计入（目标 100%）",
            referrals["with_3_or_more"],
            referrals["trainees"],
            referrals["rate"],
        ],
        [
            "欠薪案件",
            f"已结案件数（结案率目标 {wage_cases['target']:.0%}）",
            wage_cases["closed"],
            wage_cases["total"],
            wage_cases["closure_rate"],
        ],
    ]
    for kind, figures in progress["recognitions"].items():
        label = recognition_kinds.get(kind, kind)
        rows.append(_rated("认定", f"自治区级{label}（个）", figures["region"], figures["region_target"]))
        rows.append(["认定", f"市级{label}（个）", figures["city"], None, None])
    subsidies = progress["subsidies"]
    budget = subsidies["budget_amount"]
    rows += [
        ["补贴资金（元）", "就业补助资金预算", budget, None, None],
        _rated("补贴资金（元）", "已审批（含已拨付）", subsidies["approved_amount"], budget),
        _rated("补贴资金（元）", "已拨付", subsidies["paid_amount"], budget),
    ]
    for line in subsidies["by_kind"]:
        label = subsidy_kinds.get(line["kind"], line["kind"])
        rows.append(["补贴资金（元）", f"{label}：已审批", line["approved_amount"], None, None])
        rows.append(["补贴资金（元）", f"{label}：已拨付", line["paid_amount"], None, None])
    city = progress["city"]
    for category, figures in progress["priority_groups"].items():
        for name, label in COUNT_LABELS:
            rows.append(_rated("重点人员", f"{category}：{label}", figures[name], city[name]))
    allocation = progress["allocation"]
    if allocation:
        for name, label in COUNT_LABELS:
            for line in [*allocation[name]["brands"], {"name": "全部品牌", **allocation[name]}]:
                item = f"{label} · {line['name']}：各县区分配合计（差额 {line['shortfall']:,}）"
                rows.append(_rated("目标分配", item, line["allocated"], line["target"]))
    return rows


def progress_workbook_filename(progress: dict) -> str:
    period = str(progress["year"]) if progress["year"] else (progress.get("period") or {}).get("code", "")
    return f"八桂系列劳务品牌进度-{progress['scope']['name']}-{period}-{progress['as_of'].replace('-', '')}.xlsx"


def closing_workbook(report: dict, *, subsidy_kinds: dict, recognition_kinds: dict) -> Workbook:
    """The 总结评估 xlsx: the dashboard's sheets for the period, then achievement by year × brand and
    year × area, the years behind pace and, once closed, the corrections since the snapshot."""
    progress = report["summary"]
    workbook = progress_workbook(progress, subsidy_kinds=subsidy_kinds, recognition_kinds=recognition_kinds)
    period = report["period"]
    heading = f"钦州市“八桂系列”劳务品牌 · “{period['name']}”规划期总结评估 · 截至 {report['as_of']}"
    for sheet in workbook.worksheets:
        sheet["A1"] = heading
    for title, part, label in (("分年度×品牌", "brands", "劳务品牌"), ("分年度×地区", "areas", "地区")):
        rows = [{"year": y["year"], **row} for y in report["years"] for row in y[part]]
        _figures_sheet(
            workbook, progress, heading, title, [("年度", "year", 10), (label, "name", 20)], rows, pace=False
        )
    sheet = add_table_sheet(
        workbook,
        title="分年度进度",
        heading=heading,
        headers=["年度", "培训人次", "当年应达", "就业创业人次", "当年应达", "判断"],
        widths=[10, 12, 12, 14, 12, 14],
        rows=[
            [
                y["year"],
                y["city"]["trainings"],
                y["trainings_expected"],
                y["city"]["jobs"],
                y["jobs_expected"],
                PACE_LABELS[y["behind_pace"]],
            ]
            for y in report["years"]
        ],
    )
    _format(sheet, {2: INTEGER, 3: INTEGER, 4: INTEGER, 5: INTEGER}, first_row=2)
    if report["differences"] is not None:
        add_table_sheet(
            workbook,
            title="与结束时快照的差异",
            heading=f"{heading} · 规划期结束时报送的数字与现在的数字",
            headers=["项目", "结束时报送", "现在", "差异"],
            widths=[40, 14, 14, 12],
            rows=[[d["label"], d["reported"], d["now"], d["difference"]] for d in report["differences"]]
            or [["无差异", None, None, None]],
        )
    return workbook


def closing_workbook_filename(report: dict) -> str:
    return f"八桂系列劳务品牌总结评估-{report['period']['name']}-{report['as_of'].replace('-', '')}.xlsx"
