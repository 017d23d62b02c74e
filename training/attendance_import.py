"""The attendance sheet (签到表 / 考勤机导出): a spec on the core import pipeline (core/imports).

A row names a person enrolled in the batch (姓名 with the ID number, or the social-security card number, which
is the ID number) and the time they signed in; the row is matched to the batch's session whose sign-in window
holds that time. The write is the service's (`class_services.attendance_import`): the same attendance record
the page ticks and the phone signs."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from core.identity import IdNumberError, parse_id_number
from core.imports.cells import cell_text, compact
from core.imports.reading import repeated_rows
from core.imports.report import RowError
from core.imports.spec import Column
from core.imports.workbooks import template_workbook

from . import class_services
from .batch_imports import BatchImportSpec
from .models import AttendanceImport, ClassSession, TrainingBatch
from .roster import HEADER_SYNONYMS
from .roster_import import NAME_MISMATCH

LABELS = {"name": "姓名", "id_number": "身份证号码", "signed_at": "签到时间"}
NOT_ENROLLED = "该身份证号码不在本班期的花名册中：考勤表只登记本班期的学员，请核对号码。"
NO_SESSION = "该时间不在本班期任何课次的签到时间内（课前 30 分钟至下课），请核对时间或先在课表中安排课次。"
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y.%m.%d %H:%M")
INSTRUCTIONS = [
    "填写说明",
    "1. 每行一次签到：姓名、身份证号码（或社会保障卡号，即身份证号码）、签到时间（如 2025-03-18 08:25）。",
    "2. 签到时间须落在某一课次的签到时间内（课前 30 分钟至下课），系统据此对应课次，记为出勤。",
    "3. 考勤机导出的表格可直接上传：表头含“姓名”“身份证号码”或“卡号”、“签到时间”或“打卡时间”即可。",
    "4. 上传后先检查并预览，确认后才写入；同一份考勤表重复导入不会重复计算。",
]


@dataclass(slots=True)
class AttendanceRow:
    row: int
    number: str = ""
    name: str = ""
    at: datetime.datetime | None = None
    errors: list[RowError] = field(default_factory=list)
    raw: tuple | None = None
    session: ClassSession | None = None
    enrolment_id: int | None = None


def _error(row, header, name, message) -> None:
    row.errors.append(RowError(row=row.row, column=header.get(name, LABELS[name]), message=message))


def _time(value) -> datetime.datetime | None:
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        text = " ".join(cell_text(value).split())
        moment = None
        for pattern in TIME_FORMATS:
            try:
                moment = datetime.datetime.strptime(text, pattern)  # noqa: DTZ007 - made aware below
                break
            except ValueError:
                continue
    if moment is None:
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def check_row(cells: dict, *, excel_row: int, header: dict, rules=None) -> AttendanceRow:
    row = AttendanceRow(row=excel_row)
    try:
        row.number = parse_id_number(cells.get("id_number")).number
    except IdNumberError as problem:
        _error(row, header, "id_number", str(problem))
    row.name = compact(cell_text(cells.get("name")))
    row.at = _time(cells.get("signed_at"))
    if row.at is None:
        _error(row, header, "signed_at", "签到时间无法识别，请填写日期和时间，如 2025-03-18 08:25。")
    return row


@dataclass
class AttendancePlan:
    valid: list[AttendanceRow] = field(default_factory=list)
    duplicates: dict[int, int] = field(default_factory=dict)


def plan_attendance(rows, *, batch: TrainingBatch, header: dict) -> AttendancePlan:
    plan = AttendancePlan()
    people = {e.trainee.id_number: e for e in batch.enrolments.select_related("trainee")}
    sessions = [(s, *class_services.session_window(s)) for s in ClassSession.objects.filter(plan__batch=batch)]
    for row in (row for row in rows if not row.errors):
        enrolment = people.get(row.number)
        if enrolment is None:
            _error(row, header, "id_number", NOT_ENROLLED)
            continue
        if row.name and enrolment.trainee.name != row.name:
            _error(row, header, "name", NAME_MISMATCH)
            continue
        row.enrolment_id = enrolment.pk
        row.session = next((s for s, opens, closes in sessions if opens <= row.at <= closes), None)
        if row.session is None:
            _error(row, header, "signed_at", NO_SESSION)
    # A second sign-in of the same person at the same session (a machine records each swipe) is a repeat.
    plan.duplicates = repeated_rows(rows, key=lambda row: (row.enrolment_id, row.session.pk))
    plan.valid = [row for row in rows if not row.errors and row.row not in plan.duplicates]
    return plan


class AttendanceImportSpec(BatchImportSpec, pages="attendance_import"):
    """Sign-ins of a batch's sessions, from a sheet or an attendance machine."""

    model = AttendanceImport
    noun = "考勤表"
    title = "考勤表导入"
    columns = (
        Column("name", HEADER_SYNONYMS["name"], 12),
        Column(
            "id_number",
            (*HEADER_SYNONYMS["id_number"], "社会保障卡号", "社保卡号", "社会保障号码", "卡号", "考勤卡号"),
            24,
        ),
        Column("signed_at", ("签到时间", "打卡时间", "考勤时间", "时间", "刷卡时间"), 20),
    )
    required = (("id_number",), ("signed_at",))
    max_rows = 50_000
    template_name = "考勤表模板.xlsx"
    url_prefix = "attendance_"
    template_url_name = "attendance_template"
    check_row = staticmethod(check_row)
    upload_label = "签到表或考勤机导出表（含姓名、身份证号码或卡号、签到时间）"

    def duplicate_message(self, first_row: int) -> str:
        return f"与第 {first_row} 行是同一人同一课次的签到，本行不重复计算。"

    def plan(self, sheet, *, scope, user, options) -> AttendancePlan:
        return plan_attendance(sheet.rows, batch=scope, header=sheet.header)

    def counts(self, plan: AttendancePlan) -> dict:
        return {"created": len(plan.valid)}

    def sections(self, plan: AttendancePlan) -> dict:
        return {"sessions": len({row.session.pk for row in plan.valid})}

    def write(self, plan, *, scope, record, user, options, progress) -> None:
        class_services.attendance_import(
            batch=scope, user=user, marks=[(row.session, row.enrolment_id, row.at) for row in plan.valid]
        )

    def template_workbook(self):
        workbook, _letters = template_workbook(
            self,
            title="签到表",
            rows=200,
            instructions=INSTRUCTIONS,
            comments={"身份证号码": "18 位身份证号码（文本格式）", "签到时间": "如 2025-03-18 08:25"},
            text_columns=("身份证号码",),
        )
        return workbook


ATTENDANCE = AttendanceImportSpec()
