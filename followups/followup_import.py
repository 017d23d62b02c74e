"""The filled follow-up worklist (跟踪服务表): a spec on the core import pipeline (core/imports).

The worklist export (`worklist_workbook`) is the sheet: one row per open follow-up point of the area, each
with its 跟踪编号 (GZ-<outcome>-<months>, read only within the area that recorded the outcome, so another
area's number reads as unknown), the person (masked ID number) and the point; the clerk fills in the
follow-up columns and uploads it as it is. A row left as exported is skipped; a follow-up already recorded
is not recorded again; every other rule is the service's (`services.follow_up_problem`), shown in the
preview as a row error, and the commit goes through `services.follow_ups_record`."""

import datetime
import re
from dataclasses import dataclass, field

from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import AuditEntry
from brands.models import Area
from core.imports.cells import cell_text, compact, date_cell, is_blank
from core.imports.reading import repeated_rows
from core.imports.report import RowError
from core.imports.spec import Column
from core.imports.workbooks import drop_down, template_workbook
from employment.area_imports import AreaImportSpec, AreaUploadForm
from employment.models import EmploymentOutcome

from . import schedule, services
from .models import FollowUp, FollowUpImport

MAX_ROWS = 10_000
PREVIEW_LIMIT = 300
KEY = re.compile(r"GZ-(\d{1,12})-(\d{1,3})")
YES = {"是", "已", "Y", "YES", "√", "1", "TRUE", "已签订", "已缴纳", "已联系上", "联系上"}
NO = {"否", "未", "N", "NO", "×", "0", "FALSE", "未签订", "未缴纳", "未联系上", "联系不上", "无"}
EMPLOYMENT = {compact(str(label)): value for value, label in FollowUp.Employment.choices} | {
    "原单位": "same",
    "在岗": "same",
    "换单位": "other",
    "其他单位": "other",
    "失业": "none",
    "未在岗": "none",
}
WAGE_BANDS = {compact(str(label)): value for value, label in FollowUp.WageBand.choices}
FILL_IN = ("followed_on", "reached", "employment", "wage_band", "contract_signed", "social_insurance", "problems")
LABELS = {"key": "跟踪编号", "name": "姓名", "followed_on": "跟踪日期", "reached": "是否联系上本人"}
LABELS |= {"employment": "在岗情况", "wage_band": "月工资", "contract_signed": "签订劳动合同"}
LABELS |= {"social_insurance": "缴纳社会保险", "problems": "反映的问题"}
UNKNOWN_KEY = "跟踪编号不是本县区就业结果的编号：请使用本县区“跟踪服务工作台”导出的表格，不要修改跟踪编号。"
INSTRUCTIONS = [
    "填写说明",
    "1. 表中每行是一个到期待跟踪的节点（就业或灵活就业开始后第 1、3、6、12 个月），跟踪编号、姓名等列请勿修改。",
    "2. 跟踪后填写右侧各列：跟踪日期（如 2025-03-18 或 2025.3.18）、是否联系上本人；联系上的填写在岗情况；"
    "在岗的再填写月工资、是否签订劳动合同、是否缴纳社会保险。",
    "3. 未跟踪的行保持原样即可，导入时跳过；已登记过的跟踪不会重复登记。",
    "4. 反映欠薪等问题需要立案的，请在系统中该就业结果的跟踪页面登记并“转为欠薪案件”。",
    "5. 上传后系统先检查整份文件并显示预览，确认后才写入。",
]


@dataclass(slots=True)
class FollowUpRow:
    row: int
    outcome_id: int | None = None
    months: int | None = None
    name: str = ""
    entry: services.FollowUpEntry | None = None
    errors: list[RowError] = field(default_factory=list)
    raw: tuple | None = None
    outcome: EmploymentOutcome | None = None


def _error(row: FollowUpRow, header: dict, name: str, message: str) -> None:
    row.errors.append(RowError(row=row.row, column=header.get(name, LABELS.get(name, name)), message=message))


def _yes_no(row, header, cells, name) -> bool | None:
    text = compact(cell_text(cells.get(name))).upper()
    if not text:
        return None
    if text in YES:
        return True
    if text in NO:
        return False
    _error(row, header, name, f"{LABELS[name]}“{cell_text(cells.get(name))}”无法识别，请填“是”或“否”。")
    return None


def _choice(row, header, cells, name, values: dict, hint: str) -> str:
    """The value the cell names in `values` (by its text, compacted); "" for a blank cell or an unknown text."""
    text = compact(cell_text(cells.get(name)))
    if text and text not in values:
        _error(row, header, name, f"{LABELS[name]}“{text}”无法识别，请{hint}。")
    return values.get(text, "")


def check_row(cells: dict, *, excel_row: int, header: dict, rules=None) -> FollowUpRow:
    """The row's own cells, without the database."""
    row = FollowUpRow(row=excel_row)
    key = KEY.fullmatch(compact(cell_text(cells.get("key"))).upper())
    if key is None:
        _error(row, header, "key", UNKNOWN_KEY)
    else:
        row.outcome_id, row.months = int(key.group(1)), int(key.group(2))
    row.name = compact(cell_text(cells.get("name")))
    day = None
    if not cell_text(cells.get("followed_on")):
        _error(row, header, "followed_on", "请填写跟踪日期。")
    else:
        day, problem = date_cell(cells["followed_on"])
        if problem:
            _error(row, header, "followed_on", f"跟踪日期{problem}")
    reached = _yes_no(row, header, cells, "reached")
    if reached is None and not any(e.column == header.get("reached", "是否联系上本人") for e in row.errors):
        _error(row, header, "reached", "请填写是否联系上本人（是或否）。")
    employment = _choice(row, header, cells, "employment", EMPLOYMENT, "填：原单位在岗、已换单位在岗或未就业")
    band = _choice(row, header, cells, "wage_band", WAGE_BANDS, "从下拉列表选择")
    contract = _yes_no(row, header, cells, "contract_signed")
    insurance = _yes_no(row, header, cells, "social_insurance")
    problems = cell_text(cells.get("problems")).strip()
    if len(problems) > 200:
        _error(row, header, "problems", f"反映的问题过长（{len(problems)} 个字），最多 200 个字。")
    if not row.errors and row.months is not None:
        row.entry = services.FollowUpEntry(
            months=row.months,
            followed_on=day,
            reached=reached,
            employment=employment,
            wage_band=band,
            contract_signed=contract,
            social_insurance=insurance,
            problems=problems,
        )
    return row


@dataclass
class FollowUpPlan:
    valid: list[FollowUpRow] = field(default_factory=list)
    duplicates: dict[int, int] = field(default_factory=dict)
    existing_rows: list[int] = field(default_factory=list)


def plan_follow_ups(rows: list[FollowUpRow], *, area: Area, header: dict) -> FollowUpPlan:
    plan = FollowUpPlan()
    ids = {row.outcome_id for row in rows if not row.errors}
    outcomes = schedule.followed(EmploymentOutcome.objects.filter(area=area)).select_related("trainee").in_bulk(ids)
    recorded = set(FollowUp.objects.filter(outcome_id__in=ids).values_list("outcome_id", "months"))
    today = timezone.localdate()
    for row in (row for row in rows if not row.errors):
        outcome = outcomes.get(row.outcome_id)
        if outcome is None:
            _error(row, header, "key", UNKNOWN_KEY)
            continue
        if row.name and row.name != outcome.trainee.name:
            _error(row, header, "name", "姓名与跟踪编号对应的人员不一致，请核对（不要修改导出的编号和姓名）。")
            continue
        problem = services.follow_up_problem(outcome=outcome, entry=row.entry, today=today)
        if problem:
            _error(row, header, "key" if "节点" in problem or "创业" in problem else "followed_on", problem)
            continue
        row.outcome = outcome
    plan.duplicates = repeated_rows(rows, key=lambda row: (row.outcome_id, row.months))
    for row in rows:
        if row.errors or row.row in plan.duplicates:
            continue
        if (row.outcome_id, row.months) in recorded:
            plan.existing_rows.append(row.row)
        else:
            plan.valid.append(row)
    return plan


class FollowUpUploadForm(AreaUploadForm):
    area_label = "跟踪地区"
    area_help = "表中的跟踪编号须是该县区登记的就业结果。"


class FollowUpImportSpec(AreaImportSpec):
    """A filled follow-up worklist, recorded for one area."""

    model = FollowUpImport
    noun = "跟踪服务表"
    title = "跟踪服务表导入"
    columns = (
        Column("key", ("跟踪编号",), 18),
        Column("name", ("姓名",), 10),
        Column("id_number", ("身份证号码（脱敏）", "身份证号码"), 22),
        Column("kind", ("就业类型",), 10),
        Column("employer", ("用人单位或就业形式", "用人单位"), 24),
        Column("start_date", ("开始日期",), 12),
        Column("point", ("跟踪节点",), 12),
        Column("due_on", ("应跟踪日期",), 12),
        Column("followed_on", ("跟踪日期",), 12),
        Column("reached", ("是否联系上本人", "是否联系上", "联系上本人"), 12),
        Column("employment", ("在岗情况",), 16),
        Column("wage_band", ("月工资", "月工资收入"), 16),
        Column("contract_signed", ("签订劳动合同", "是否签订劳动合同"), 12),
        Column("social_insurance", ("缴纳社会保险", "是否缴纳社会保险"), 12),
        Column("problems", ("反映的问题", "问题"), 30),
    )
    required = (("key",), ("followed_on",), ("reached",))
    max_rows = MAX_ROWS
    template_name = "跟踪服务表.xlsx"
    upload_form_class = FollowUpUploadForm
    file_label = "跟踪服务表"
    file_headers = "“跟踪编号”“跟踪日期”“是否联系上本人”"
    url_namespace = "followups"
    url_prefix = "import_"
    template_url_name = "template"
    permission_add = "followups.add_followup"
    permission_view = "followups.view_followup"
    upload_template = "followups/import_upload.html"
    detail_template = "followups/import_detail.html"
    list_template = "followups/import_list.html"
    existing_note = "系统中已登记过这一跟踪，本行不重复导入。"
    record_action = services.RECORD_WORK
    check_row = staticmethod(check_row)

    def left_out(self, cells: dict) -> bool:
        """A worklist row the clerk did not follow up this time."""
        return not is_blank([cells.get("key")]) and is_blank([cells.get(name) for name in FILL_IN])

    def duplicate_message(self, first_row: int) -> str:
        return f"与第 {first_row} 行是同一人同一跟踪节点，本行不重复导入。"

    def plan(self, sheet, *, scope, user, options) -> FollowUpPlan:
        return plan_follow_ups(sheet.rows, area=scope, header=sheet.header)

    def counts(self, plan: FollowUpPlan) -> dict:
        return {"created": len(plan.valid)}

    def sections(self, plan: FollowUpPlan) -> dict:
        return super().sections(plan) | {
            "follow_ups": [
                {
                    "row": row.row,
                    "name": row.outcome.trainee.name,
                    "id_number": row.outcome.trainee.masked_id_number,
                    "months": row.months,
                    "followed_on": f"{row.entry.followed_on:%Y-%m-%d}",
                    "reached": "是" if row.entry.reached else "否",
                    "employment": str(FollowUp.Employment(row.entry.employment).label) if row.entry.employment else "",
                }
                for row in plan.valid[:PREVIEW_LIMIT]
            ],
        }

    def write(self, plan, *, scope, record, user, options, progress) -> None:
        services.follow_ups_record(user=user, rows=[(row.outcome, row.entry) for row in plan.valid])

    def audit(self, stage: str, *, plan, scope, record, user, committed: bool) -> None:
        if committed and plan.valid:
            audit_record(
                user=user,
                action=AuditEntry.Action.CHANGE,
                subject=self.subject(record),
                area=scope,
                detail=f"跟踪服务表导入登记了 {len(plan.valid)} 条跟踪服务记录",
            )

    def template_workbook(self):
        return worklist_workbook([])


FOLLOW_UPS = FollowUpImportSpec()


def worklist_workbook(items) -> "Workbook":  # noqa: F821
    """The follow-up sheet, pre-filled with `items` (`selectors.worklist_items`): the worklist's export, and
    with no items the blank template."""
    rows = max(len(items), 200)
    workbook, letters = template_workbook(
        FOLLOW_UPS,
        title="跟踪服务",
        rows=rows,
        instructions=INSTRUCTIONS,
        comments={"跟踪编号": "系统生成，请勿修改", "跟踪日期": "必填：如 2025-03-18"},
        text_columns=("跟踪编号", "身份证号码（脱敏）"),
    )
    sheet = workbook.active
    for position, item in enumerate(items, start=2):
        outcome = item.outcome
        values = [
            f"GZ-{outcome.pk}-{item.months}",
            outcome.trainee.name,
            outcome.trainee.masked_id_number,
            outcome.get_kind_display(),
            outcome.description,
            outcome.start_date,
            f"第 {item.months} 个月",
            item.due,
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=position, column=column, value=value)
            if isinstance(value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
    last = rows + 1
    for row in range(2, last + 1):
        sheet[f"{letters['跟踪日期']}{row}"].number_format = "yyyy-mm-dd"
    lists = {
        "是否联系上本人": ["是", "否"],
        "在岗情况": [str(label) for label in FollowUp.Employment.labels],
        "月工资": [str(label) for label in FollowUp.WageBand.labels],
        "签订劳动合同": ["是", "否"],
        "缴纳社会保险": ["是", "否"],
    }
    for header, values in lists.items():
        drop_down(sheet, header, letters[header], values, first=2, last=last)
    return workbook
