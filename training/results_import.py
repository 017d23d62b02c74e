"""The batch results sheet (结业考核成绩表): a spec on the core import pipeline (core/imports).

A row names one person enrolled in the batch (the full ID number, or the masked one of the downloaded
sheet with the name) and gives completion, assessment and certificate; a blank cell keeps what is recorded.
The rules are the service's (`services.result_problem`, `certificates_taken`) and the write is the service
(`enrolments_record_results`), so the preview shows as row errors what the commit would refuse."""

from collections import defaultdict
from dataclasses import dataclass, field

from accounts.audit import MASKED_ID, audit_export, check_person_export
from core.identity import IdNumberError, parse_id_number
from core.imports.cells import cell_text, compact, date_cell
from core.imports.reading import repeated_rows
from core.imports.report import RowError
from core.imports.spec import Column
from core.imports.workbooks import drop_down, template_workbook
from core.masking import mask_id_number

from . import selectors, services
from .batch_imports import BatchImportSpec, person_change
from .models import Enrolment, ResultsImport, TrainingBatch
from .roster import HEADER_SYNONYMS
from .roster_import import NAME_MISMATCH, PREVIEW_CHANGES_LIMIT

Assessment, Certificate = Enrolment.Assessment, Enrolment.Certificate
RESULT_FIELDS = ("completed", "assessment", "certificate", "certificate_number", "certificate_date")
LABELS = {"name": "姓名", "id_number": "身份证号码", "completed": "是否结业", "assessment": "考核结果"}
LABELS |= {"certificate": "证书类型", "certificate_number": "证书编号", "certificate_date": "发证日期"}
COMPLETED = {"是": True, "已结业": True, "结业": True, "Y": True, "YES": True, "√": True, "1": True, "TRUE": True}
COMPLETED |= {"否": False, "未结业": False, "不结业": False, "N": False, "NO": False, "×": False, "0": False}
ASSESSMENTS = {label: value for value, label in Assessment.choices} | {
    **dict.fromkeys(("通过", "优秀", "良好", "及格", "合格"), Assessment.PASSED),
    **dict.fromkeys(("不通过", "未通过", "不及格"), Assessment.FAILED),
    **dict.fromkeys(("缺考", "未参加", "未考", "缺席"), Assessment.ABSENT),
}
# A level's label, and each name in its brackets: 职业技能等级证书（五级/初级工）, 五级/初级工, 五级, 初级工.
CERTIFICATES = {"未取得": "", "创业培训证书": Certificate.ENTREPRENEURSHIP, "专项能力证书": Certificate.SPECIAL}
for value, label in Certificate.choices:
    inside = label.partition("（")[2].rstrip("）")
    CERTIFICATES.update(dict.fromkeys([label, inside, *inside.split("/")] if inside else [label], value))
CHOICES = {
    name: {compact(str(text)).upper(): value for text, value in choices.items()}
    for name, choices in (("completed", COMPLETED), ("assessment", ASSESSMENTS), ("certificate", CERTIFICATES))
}
OPTIONS = {"completed": "是、否", "assessment": "、".join(str(label) for label in Assessment.labels)}
OPTIONS["certificate"] = "、".join(str(label) for label in Certificate.labels)
NOT_ENROLLED = "该身份证号码不在本班期的花名册中：成绩表只登记本班期的学员，请核对号码，或先上传花名册。"
AMBIGUOUS = "本班期有不止一名学员与该脱敏号码和姓名相符：请填写完整的身份证号码。"
NO_CERTIFICATE = "填写了证书编号或发证日期，但没有证书类型：请填写证书类型。"
INSTRUCTIONS = [
    "填写说明",
    "1. 表中已列出本班期的全部学员（身份证号码已脱敏，与姓名一起对应本班期的学员）；也可以填写完整的身份证号码。",
    "2. 是否结业填“是”或“否”；考核结果、证书类型从下拉列表选择；空着的单元格保留系统中已登记的内容。",
    "3. 登记证书须已结业并填写证书编号；同一类证书的编号不能重复；发证日期不能早于开班日期（如 2025-03-18 或 2025.3.18）。",
    "4. 上传后系统先检查整份文件并显示预览（哪些学员的哪些内容将改变），确认后才写入；同一份成绩表重复导入不会重复计数。",
]


@dataclass(slots=True)
class ResultRow:
    row: int
    number: str = ""  # the full ID number, or the masked one as downloaded
    name: str = ""
    given: dict = field(default_factory=dict)  # the result fields the row fills in
    errors: list[RowError] = field(default_factory=list)
    raw: tuple | None = None
    enrolment: Enrolment | None = None
    entry: services.ResultEntry | None = None


def _error(row: ResultRow, header: dict, name: str, message: str) -> None:
    """A row error in the column as the sheet's header names it."""
    row.errors.append(RowError(row=row.row, column=header.get(name, LABELS[name]), message=message))


def check_row(cells: dict, *, excel_row: int, header: dict, rules=None) -> ResultRow:
    """The row's own cells, without the database; who the person is and the service's rules: `plan_results`."""
    row = ResultRow(row=excel_row)
    number = compact(cell_text(cells.get("id_number"))).upper()
    if MASKED_ID.fullmatch(number):
        row.number = number
    else:
        try:
            row.number = parse_id_number(cells.get("id_number")).number
        except IdNumberError as problem:
            _error(row, header, "id_number", str(problem))
    row.name = compact(cell_text(cells.get("name")))
    for name, choices in CHOICES.items():
        text = cell_text(cells.get(name))
        if text and compact(text).upper() not in choices:
            _error(row, header, name, f"{LABELS[name]}“{text}”无法识别，请填：{OPTIONS[name]}。")
        elif text:
            row.given[name] = choices[compact(text).upper()]
    number = services.normalise_certificate_number(cell_text(cells.get("certificate_number")))
    if len(number) > 50:
        _error(row, header, "certificate_number", f"证书编号过长（{len(number)} 个字符），最多 50 个字符。")
    elif number:
        row.given["certificate_number"] = number
    if cell_text(cells.get("certificate_date")):
        day, problem = date_cell(cells["certificate_date"])
        if problem:
            _error(row, header, "certificate_date", f"发证日期{problem}")
        row.given["certificate_date"] = day
    return row


@dataclass
class ResultsPlan:
    valid: list[ResultRow] = field(default_factory=list)
    duplicates: dict[int, int] = field(default_factory=dict)
    changes: list[tuple[ResultRow, dict]] = field(default_factory=list)  # (row, {field: (old, new)})


def plan_results(rows: list[ResultRow], *, batch: TrainingBatch, header: dict) -> ResultsPlan:
    """Match each row to an enrolment of the batch and check it by the service's rules. A number outside
    the batch reads the same whoever holds it, so the sheet learns nothing about other batches."""
    plan = ResultsPlan()
    people = defaultdict(list)
    for enrolment in batch.enrolments.select_related("trainee"):
        people[enrolment.trainee.id_number].append(enrolment)
        people[mask_id_number(enrolment.trainee.id_number)].append(enrolment)

    for row in (row for row in rows if not row.errors):
        candidates = people.get(row.number, [])
        named = [e for e in candidates if not row.name or e.trainee.name == row.name]
        if not candidates or len(named) > 1:
            _error(row, header, "id_number", AMBIGUOUS if candidates else NOT_ENROLLED)
            continue
        if not named:
            _error(row, header, "name", NAME_MISMATCH)
            continue
        row.enrolment = named[0]
        current = {name: getattr(row.enrolment, name) for name in RESULT_FIELDS}
        entry = services.ResultEntry(enrolment_id=row.enrolment.pk, **(current | row.given))
        if not entry.certificate and {"certificate_number", "certificate_date"} & set(row.given):
            _error(row, header, "certificate", NO_CERTIFICATE)
        else:
            row.entry = entry
    plan.duplicates = repeated_rows(rows, key=lambda row: row.entry.enrolment_id)
    valid = [row for row in rows if not row.errors and row.row not in plan.duplicates]
    by_enrolment = {row.entry.enrolment_id: row for row in valid}
    names = {pk: f"第 {row.row} 行" for pk, row in by_enrolment.items()}
    entries = [row.entry for row in valid]
    for pk, problem in services.results_problems(batch=batch, entries=entries, names=names).items():
        _error(by_enrolment[pk], header, *problem)
    plan.valid = [row for row in valid if not row.errors]
    for row in plan.valid:
        values = services.result_values(row.entry).items()
        diff = {
            name: (getattr(row.enrolment, name), new) for name, new in values if getattr(row.enrolment, name) != new
        }
        if diff:
            plan.changes.append((row, diff))
    return plan


def _shown(name: str, value) -> str:
    """A result as the batch page shows it."""
    if name == "completed":
        return "是" if value else "否"
    if name in ("assessment", "certificate"):
        return str((Assessment if name == "assessment" else Certificate)(value).label) if value else ""
    return value.isoformat() if name == "certificate_date" and value else value or ""


class ResultsImportSpec(BatchImportSpec, pages="results_import"):
    """A batch's completion, assessment and certificates, from a sheet."""

    model = ResultsImport
    noun = "成绩表"
    title = "成绩表导入"
    columns = (
        Column("name", HEADER_SYNONYMS["name"], 12),
        Column("id_number", (*HEADER_SYNONYMS["id_number"], "身份证号码脱敏"), 24),
        Column("completed", ("是否结业", "结业", "结业情况", "已结业"), 10),
        Column("assessment", ("考核结果", "考核", "考试结果", "鉴定结果", "考核成绩"), 12),
        Column("certificate", ("证书类型", "证书", "证书名称", "取得证书"), 34),
        Column("certificate_number", ("证书编号", "证书号", "证书号码"), 20),
        Column("certificate_date", ("发证日期", "发证时间", "取证日期"), 14),
    )
    required = (("id_number",), RESULT_FIELDS)  # a sheet with no result column is the wrong sheet
    max_rows = 10_000
    template_name = "结业考核成绩表.xlsx"
    url_prefix = "results_"
    template_url_name = "results_template"
    check_row = staticmethod(check_row)
    upload_label = "结业考核成绩表（请使用本班期下载的成绩表）"

    def plan(self, sheet, *, scope, user, options) -> ResultsPlan:
        return plan_results(sheet.rows, batch=scope, header=sheet.header)

    def counts(self, plan: ResultsPlan) -> dict:
        return {"updated": len(plan.changes)}

    def sections(self, plan: ResultsPlan) -> dict:
        changes = [
            person_change(
                row.row, row.enrolment.trainee, [(LABELS[k], _shown(k, a), _shown(k, b)) for k, (a, b) in diff.items()]
            )
            for row, diff in plan.changes[:PREVIEW_CHANGES_LIMIT]
        ]
        return {"unchanged": len(plan.valid) - len(plan.changes), "changes": changes}

    def write(self, plan, *, scope, record, user, options, progress) -> None:
        services.enrolments_record_results(batch=scope, user=user, entries=[row.entry for row in plan.valid])

    def audit(self, stage: str, *, plan, scope, record, user, committed: bool) -> None:
        if committed and plan.changes:
            self.audit_changes(
                batch=scope,
                record=record,
                user=user,
                detail=f"成绩表导入登记了 {len(plan.changes)} 名学员的结业、考核与证书信息",
            )

    def scope_template(self, request, batch):
        """The batch's people with what is recorded (masked numbers, as every export of persons): an
        export of personal data, checked and audited."""
        check_person_export(request.user)
        enrolments = list(selectors.batch_enrolments(batch=batch))
        workbook, letters = template_workbook(
            self,
            title="成绩表",
            rows=len(enrolments),
            instructions=INSTRUCTIONS,
            comments={"身份证号码": "本班期学员（脱敏）；也可填写完整号码"},
            text_columns=("身份证号码", "证书编号"),
        )
        sheet = workbook.active
        for position, enrolment in enumerate(enrolments, start=2):
            values = [_shown(name, getattr(enrolment, name)) for name in RESULT_FIELDS[:-1]]
            for column, value in enumerate([enrolment.trainee.name, enrolment.trainee.masked_id_number, *values], 1):
                sheet.cell(row=position, column=column, value=value or None)
            sheet.cell(row=position, column=7, value=enrolment.certificate_date).number_format = "yyyy-mm-dd"
        last = max(len(enrolments), 1) + 1
        any_kind = batch.mode == TrainingBatch.Mode.ENTREPRENEURSHIP  # 创业培训合格证书 only there
        certificates = [str(label) for kind, label in Certificate.choices if any_kind or kind != "entrepreneurship"]
        lists = {"是否结业": ["是", "否"], "考核结果": [str(x) for x in Assessment.labels], "证书类型": certificates}
        for header, values in lists.items():
            drop_down(sheet, header, letters[header], values, first=2, last=last)
        audit_export(
            request=request,
            subject=f"班期 #{batch.pk} 成绩表模板",
            what="成绩表模板（姓名、脱敏身份证号码、结业与证书）",
            rows=len(enrolments),
            area=batch.area,
        )
        return workbook


RESULTS = ResultsImportSpec()
