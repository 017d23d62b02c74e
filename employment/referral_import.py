"""Job referrals in bulk from an Excel sheet: a spec on the core import pipeline (core/imports).

Re-importing the same sheet adds nothing: a referral already recorded (same person, employer, position
and date) is counted, not written again. A row names its person by the 推荐编号 of a worklist export
or by the full ID number. The plan compares the rows with the registry, the organisations and the
referrals already recorded, one query per chunk of rows, never per row."""

import datetime
import unicodedata
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from openpyxl.worksheet.datavalidation import DataValidation

from accounts.scoping import first_of_month, locked_months, month_locked_message, scope_for, scope_queryset
from brands.models import Area, Organisation
from core.db import chunks
from core.identity import IdNumber, IdNumberError, parse_id_number
from core.imports.cells import WHITESPACE, cell_text_as_typed, compact, date_cell, is_blank, normalise_header
from core.imports.reading import Sheet, repeated_rows
from core.imports.report import RowError
from core.imports.spec import columns_from
from core.imports.workbooks import drop_down, template_workbook
from core.masking import mask_id_number
from training.models import Enrolment, Trainee

from . import tallies
from .area_imports import AreaImportSpec, AreaUploadForm
from .models import JobReferral, ReferralImport
from .referral_keys import ReferralKey, ReferralKeyError, referral_key_read

MAX_ROWS = 10_000
CHUNK = 500
PREVIEW_REFERRALS_LIMIT = 300
TEMPLATE_ROWS = 1000

HEADER_SYNONYMS = {
    "key": ("推荐编号",),
    "id_number": ("身份证号码", "身份证号", "公民身份号码", "证件号码"),
    "name": ("姓名", "学员姓名"),
    "employer": ("用人单位", "推荐单位", "招聘单位"),
    "position": ("推荐岗位", "岗位"),
    "referred_on": ("推荐日期",),
    "channel": ("推荐渠道", "渠道"),
    "result": ("推荐结果", "结果"),
    "note": ("备注",),
}
# A row of a worklist export (it has a 推荐编号) with none of these filled in is a person the clerk did not
# refer this time: it is left out, not an error.
REFERRAL_COLUMNS = ("employer", "position", "referred_on", "channel", "result", "note")
TEMPLATE_HEADERS = ["身份证号码", "姓名", "用人单位", "推荐岗位", "推荐日期", "推荐渠道", "推荐结果", "备注"]
COLUMN_WIDTHS = {
    "身份证号码": 24,
    "姓名": 12,
    "用人单位": 32,
    "推荐岗位": 20,
    "推荐日期": 14,
    "推荐渠道": 12,
    "推荐结果": 18,
    "备注": 28,
}

CHANNELS = {str(label): value for value, label in JobReferral.Channel.choices}
CHANNEL_SYNONYMS = CHANNELS | {
    "专场招聘会": JobReferral.Channel.JOB_FAIR,
    "招聘会": JobReferral.Channel.JOB_FAIR,
    "零工驿站": JobReferral.Channel.GIG_MARKET,
    "线上招聘": JobReferral.Channel.ONLINE,
    "网络招聘": JobReferral.Channel.ONLINE,
}
RESULTS = {str(label): value for value, label in JobReferral.Result.choices}
RESULT_SYNONYMS = RESULTS | {
    "录用": JobReferral.Result.HIRED,
    "未录用": JobReferral.Result.DECLINED,
    "本人放弃": JobReferral.Result.DECLINED,
    "放弃": JobReferral.Result.DECLINED,
    "未到": JobReferral.Result.NO_SHOW,
}
CHANNEL_LIST = "、".join(CHANNELS)
RESULT_LIST = "、".join(RESULTS)
CHANNEL_LABELS = {value: label for label, value in CHANNELS.items()}
RESULT_LABELS = {value: label for label, value in RESULTS.items()}


@dataclass
class ReferralRow:
    """One non-blank data row, checked; `errors` empty means it may be imported."""

    row: int
    identity: IdNumber | None = None
    referral_key: ReferralKey | None = None  # the 推荐编号, when the row gives one (then the ID cell is not read)
    trainee_id: int | None = None  # the person, once `plan_referrals` found them
    masked_id: str = ""
    name: str = ""
    employer_name: str = ""
    position: str = ""
    referred_on: datetime.date | None = None
    channel: str = ""
    result: str = JobReferral.Result.PENDING
    note: str = ""
    errors: list[RowError] = field(default_factory=list)
    raw: tuple | None = None

    def key(self) -> tuple:
        """What makes two rows the same referral: person, employer, position and date (spacing and
        full-width characters aside). Known once `plan_referrals` found the person."""
        return (self.trainee_id, compact(self.employer_name), compact(self.position), self.referred_on)


def check_row(cells: dict, *, excel_row: int, header: dict, rules: datetime.date) -> ReferralRow:
    """Check one data row given as {field: cell}; `rules` is today's date (no referral is dated later)."""
    today = rules
    row = ReferralRow(row=excel_row)

    def error(name: str, message: str) -> None:
        row.errors.append(RowError(row=excel_row, column=header.get(name, name), message=message))

    def label(name: str) -> str:
        return normalise_header(header.get(name, "")) or HEADER_SYNONYMS[name][0]

    key_text = cell_text_as_typed(cells.get("key"))
    if key_text:
        try:
            row.referral_key = referral_key_read(key_text)
        except ReferralKeyError as problem:
            error("key", str(problem))
    elif "id_number" in header:
        try:
            row.identity = parse_id_number(cells.get("id_number"))
        except IdNumberError as problem:
            error("id_number", str(problem))
    else:
        error("key", "推荐编号未填写：请使用岗位推荐工作台导出表中的推荐编号，或增加“身份证号码”列填写完整号码。")

    row.name = WHITESPACE.sub("", unicodedata.normalize("NFKC", cell_text_as_typed(cells.get("name"))))
    if not row.name:
        error("name", "姓名未填写。")

    for name, limit in (("employer", 100), ("position", 100)):
        text = cell_text_as_typed(cells.get(name))
        if not text:
            error(name, f"{label(name)}未填写。")
        elif len(text) > limit:
            error(name, f"{label(name)}过长（{len(text)} 个字），最多 {limit} 个字。")
        setattr(row, "employer_name" if name == "employer" else name, text[:limit])

    raw_date = cells.get("referred_on")
    if is_blank([raw_date]):
        error("referred_on", f"{label('referred_on')}未填写。")
    else:
        day, problem = date_cell(raw_date)
        if problem:
            error("referred_on", f"{label('referred_on')}{problem}")
        elif day > today:
            error("referred_on", f"{label('referred_on')} {day:%Y-%m-%d} 晚于今天：只能登记已经做出的推荐，请核对。")
        elif day.year < 2000:
            error("referred_on", f"{label('referred_on')} {day:%Y-%m-%d} 不合理，请核对。")
        row.referred_on = day

    channel_text = cell_text_as_typed(cells.get("channel"))
    if not channel_text:
        error("channel", f"{label('channel')}未填写，请填：{CHANNEL_LIST}。")
    else:
        row.channel = CHANNEL_SYNONYMS.get(compact(channel_text), "")
        if not row.channel:
            error("channel", f"{label('channel')}“{channel_text}”无法识别，请填：{CHANNEL_LIST}。")

    result_text = cell_text_as_typed(cells.get("result"))
    if result_text:
        result = RESULT_SYNONYMS.get(compact(result_text))
        if result is None:
            error("result", f"{label('result')}“{result_text}”无法识别，请填：{RESULT_LIST}（不填视为“待反馈”）。")
        row.result = result or JobReferral.Result.PENDING

    note = cell_text_as_typed(cells.get("note"))
    if len(note) > 200:
        error("note", f"备注过长（{len(note)} 个字），最多 200 个字。")
    row.note = note[:200]
    return row


@dataclass
class ReferralPlan:
    """What committing a checked sheet would do."""

    valid: list[ReferralRow] = field(default_factory=list)  # no error, not a repeat of an earlier row
    duplicates: dict[int, int] = field(default_factory=dict)  # a row → the earlier row it repeats
    unfilled_rows: list[int] = field(default_factory=list)  # a person named, no referral filled in: left out
    existing_rows: list[int] = field(default_factory=list)  # already recorded: not written again
    new: list[ReferralRow] = field(default_factory=list)
    employers: dict[str, int] = field(default_factory=dict)  # employer as written → organisation id


def _key_fits(row: ReferralRow, area: Area) -> bool:
    return row.referral_key is not None and row.referral_key.area_id == area.pk


def not_a_trainee_message(trainee_area: Area | None, *, by_key: bool = False) -> str:
    if by_key:
        # The same words for another area's key and an unknown person: nothing is told about either.
        return "该推荐编号不是本县区学员的推荐编号，请使用本县区岗位推荐工作台导出表中的推荐编号，不要修改。"
    if trainee_area is None:
        return "该身份证号码不是已登记的培训学员，请核对；新学员请先通过班期花名册登记参训。"
    return "该身份证号码不是本县区的培训学员，请核对。"


def plan_referrals(
    sheet: Sheet,
    *,
    area: Area,
    trainee_area: Area | None,
    organisations: QuerySet,
    locked: set[datetime.date] = frozenset(),
) -> ReferralPlan:
    """Sort checked rows into errors, repeats within the file, referrals already recorded and new ones.

    A person must be a trainee: for a county user, enrolled in a batch of `trainee_area`. An employer is
    an organisation of `organisations` with exactly that name (preferring one in `area` when several
    areas have it), otherwise the name as typed. A row dated in one of the `locked` months (their first days:
    the months the city locked for the importing county user) is refused."""
    plan = ReferralPlan(unfilled_rows=sheet.left_out_rows)
    enrolled = Enrolment.objects.filter(trainee_id=OuterRef("pk"))
    if trainee_area is not None:
        enrolled = enrolled.filter(batch__area_id=trainee_area.pk)
    people = Trainee.objects.filter(Exists(enrolled))
    by_number: dict[str, tuple[int, str, str]] = {}  # ID number → (trainee id, name, ID number)
    by_pk: dict[int, tuple[int, str, str]] = {}
    numbers = sorted({row.identity.number for row in sheet.rows if row.identity is not None})
    for chunk in chunks(numbers, CHUNK):
        for found in people.filter(id_number__in=chunk).values_list("pk", "name", "id_number"):
            by_number[found[2]] = found
    # A key counts only in an import for the area whose worklist it came from: another area's key is
    # answered as an unknown person is, so a sheet reveals nothing about who trained elsewhere.
    keyed = sorted({row.referral_key.trainee_id for row in sheet.rows if _key_fits(row, area)})
    for chunk in chunks(keyed, CHUNK):
        for found in people.filter(pk__in=chunk).values_list("pk", "name", "id_number"):
            by_pk[found[0]] = found

    id_header, name_header, key_header = sheet.header_of("id_number"), sheet.header_of("name"), sheet.header_of("key")
    order = {header: position for position, header in reversed(list(enumerate(sheet.headers)))}
    for row in sheet.rows:
        found = None
        if row.referral_key is not None:
            found = by_pk.get(row.referral_key.trainee_id) if _key_fits(row, area) else None
            if found is None:
                row.errors.append(RowError(row.row, key_header, not_a_trainee_message(trainee_area, by_key=True)))
        elif row.identity is not None:
            found = by_number.get(row.identity.number)
            if found is None:
                row.errors.append(RowError(row.row, id_header, not_a_trainee_message(trainee_area)))
        if found is not None:
            row.trainee_id, registered_name, number = found
            row.masked_id = mask_id_number(number)
            if row.name and row.name != registered_name:
                check = "推荐编号" if row.referral_key is not None else "身份证号码"
                message = f"姓名与登记的“{registered_name}”不一致，请核对姓名或{check}。"
                row.errors.append(RowError(row.row, name_header, message))
        if row.referred_on is not None and first_of_month(row.referred_on) in locked:
            message = month_locked_message(area, row.referred_on, action="登记")
            row.errors.append(RowError(row.row, sheet.header_of("referred_on"), message))
        row.errors.sort(key=lambda error: order.get(error.column, len(order)))

    plan.duplicates = repeated_rows(sheet.rows, key=ReferralRow.key)
    plan.valid = [row for row in sheet.rows if not row.errors and row.row not in plan.duplicates]

    plan.employers = _match_employers(
        sorted({row.employer_name for row in plan.valid}), area=area, organisations=organisations
    )

    recorded: set[tuple] = set()
    trainee_ids = sorted({row.trainee_id for row in plan.valid})
    for chunk in chunks(trainee_ids, CHUNK):
        for trainee_id, day, position, organisation, typed in JobReferral.objects.filter(
            trainee_id__in=chunk
        ).values_list("trainee_id", "referred_on", "position", "employer__name", "employer_name"):
            recorded.add((trainee_id, compact(organisation or typed), compact(position), day))
    for row in plan.valid:
        if row.key() in recorded:
            plan.existing_rows.append(row.row)
        else:
            plan.new.append(row)
    return plan


def _match_employers(names: list[str], *, area: Area, organisations: QuerySet) -> dict[str, int]:
    candidates: dict[str, list[tuple[int, int]]] = {}
    for chunk in chunks(names, CHUNK):
        for pk, name, area_id in organisations.filter(name__in=chunk).values_list("pk", "name", "area_id"):
            candidates.setdefault(name, []).append((pk, area_id))
    matched = {}
    for name, found in candidates.items():
        if len(found) > 1:
            found = [candidate for candidate in found if candidate[1] == area.pk]
        if len(found) == 1:
            matched[name] = found[0][0]
    return matched


def _write(plan: ReferralPlan, *, area: Area, user) -> None:
    """Write the new referrals; the caller holds the transaction, so a failure leaves nothing behind."""
    for chunk in chunks(plan.new, CHUNK):
        referrals = []
        for row in chunk:
            employer_id = plan.employers.get(row.employer_name)
            referrals.append(
                JobReferral(
                    trainee_id=row.trainee_id,
                    area=area,
                    employer_id=employer_id,
                    employer_name="" if employer_id else row.employer_name,
                    position=row.position,
                    referred_on=row.referred_on,
                    channel=row.channel,
                    result=row.result,
                    note=row.note,
                    created_by=user,
                )
            )
        JobReferral.objects.bulk_create(referrals)
    tallies.trainees_changed({row.trainee_id for row in plan.new})


INSTRUCTIONS = [
    "填写说明",
    "1. 每行填写一次岗位推荐；表头（第 1 行）请勿修改。标题行可以保留在表头上方，系统会自动识别前 10 行中的表头。",
    "2. 身份证号码、姓名、用人单位、推荐岗位、推荐日期、推荐渠道必填；推荐结果不填视为“待反馈”。",
    "3. 身份证号码列已设为“文本”格式，请直接输入 18 位号码；人员须是本县区已登记参训的学员，姓名须与登记的一致。",
    "4. 用人单位与“单位名录”中的名称完全一致时自动关联该单位，否则按填写的名称登记。",
    "5. 推荐日期填写已经做出推荐的日期，不能晚于今天；可填 2025-03-18、2025/3/18、2025.3.18 或 2025年3月18日。"
    "早于学员首次参训开班日期的推荐可以登记，但不计入“至少推荐 3 次”。",
    f"6. 推荐渠道从下拉列表中选择：{CHANNEL_LIST}。",
    f"7. 推荐结果从下拉列表中选择：{RESULT_LIST}。",
    "8. 同一人、同一用人单位、同一岗位、同一日期视为同一次推荐：文件内重复的行和系统中已登记的推荐不会重复导入。",
    "9. 上传后系统会先检查整份文件并显示预览，确认后才写入；有错误的行可下载“检查结果”修改后重新上传。",
    "10. 也可以直接填写岗位推荐工作台导出的 Excel：每行带有“推荐编号”，可代替身份证号码，只能在本县区导入；"
    "没有填写推荐内容的行不导入，同一人推荐多次时复制该行分别填写。",
]


def add_referral_inputs(sheet, *, letters: dict[str, str], first: int, last: int) -> None:
    """Drop-down lists for 推荐渠道 and 推荐结果 and a date check for 推荐日期, on rows `first`..`last` of
    the columns `letters` names (header → column letter): the template's and the worklist export's."""
    for header, values in (("推荐渠道", list(CHANNELS)), ("推荐结果", list(RESULTS))):
        drop_down(sheet, header, letters[header], values, first=first, last=last)
    dates = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True)  # 2000-01-01
    dates.showErrorMessage = True
    dates.errorTitle = "日期有误"
    dates.error = "请填写日期，如 2025-03-18。"
    sheet.add_data_validation(dates)
    dates.add(f"{letters['推荐日期']}{first}:{letters['推荐日期']}{last}")
    for row in range(first, last + 1):
        sheet[f"{letters['推荐日期']}{row}"].number_format = "yyyy-mm-dd"


class ReferralUploadForm(AreaUploadForm):
    area_label = "推荐地区"
    area_help = "导入的推荐记在该县区名下。"


class ReferralImportSpec(AreaImportSpec):
    """A sheet of job referrals, recorded for one area."""

    model = ReferralImport
    noun = "推荐表"
    title = "岗位推荐导入"
    columns = columns_from(HEADER_SYNONYMS, COLUMN_WIDTHS)
    required = (("key", "id_number"), ("name",), ("employer",), ("position",), ("referred_on",), ("channel",))
    max_rows = MAX_ROWS
    template_name = "岗位推荐导入模板.xlsx"
    template_headers = tuple(TEMPLATE_HEADERS)
    upload_form_class = ReferralUploadForm
    file_label = "岗位推荐表"
    file_headers = "“身份证号码”“姓名”“用人单位”“推荐岗位”“推荐日期”“推荐渠道”"
    url_namespace = "employment"
    url_prefix = "referral_import_"
    template_url_name = "referral_template"
    permission_add = "employment.add_jobreferral"
    permission_view = "employment.view_jobreferral"
    upload_template = "employment/referral_import_upload.html"
    detail_template = "employment/referral_import_detail.html"
    list_template = "employment/referral_import_list.html"
    existing_note = "系统中已登记过这次推荐，本行不重复导入。"

    def rules(self, area) -> datetime.date:
        return timezone.localdate()

    check_row = staticmethod(check_row)

    def left_out(self, cells: dict) -> bool:
        """A row of a worklist export (it has a 推荐编号) with no referral filled in: a person the clerk did
        not refer this time."""
        return not is_blank([cells.get("key")]) and is_blank([cells.get(name) for name in REFERRAL_COLUMNS])

    def duplicate_message(self, first_row: int) -> str:
        return f"与第 {first_row} 行是同一次推荐（同一人、单位、岗位、日期），本行不重复导入。"

    def plan(self, sheet, *, scope, user, options) -> ReferralPlan:
        """A county user's people must have trained in their area; employers are matched among the
        organisations the user sees."""
        county = user is not None and not scope_for(user).sees_all_areas
        organisations = Organisation.objects.all()
        if user is not None:
            organisations = scope_queryset(organisations, user)
        return plan_referrals(
            sheet,
            area=scope,
            trainee_area=scope if county else None,
            organisations=organisations,
            locked=locked_months(user, scope),
        )

    def sections(self, plan: ReferralPlan) -> dict:
        return super().sections(plan) | {
            "trainees": len({row.trainee_id for row in plan.new}),
            "unfilled_rows": plan.unfilled_rows,
            "referrals": [
                {
                    "row": row.row,
                    "name": row.name,
                    "id_number": row.masked_id,
                    "employer": row.employer_name,
                    "employer_matched": row.employer_name in plan.employers,
                    "position": row.position,
                    "referred_on": f"{row.referred_on:%Y-%m-%d}",
                    "channel": CHANNEL_LABELS[row.channel],
                    "result": RESULT_LABELS[row.result],
                }
                for row in plan.new[:PREVIEW_REFERRALS_LIMIT]
            ],
        }

    def write(self, plan, *, scope, record, user, options, progress) -> None:
        _write(plan, area=scope, user=user)

    def template_workbook(self):
        """The referral sheet: ID column as text, date column as dates, drop-down lists for channel and result."""
        workbook, letters = template_workbook(
            self,
            title="岗位推荐",
            rows=TEMPLATE_ROWS,
            instructions=INSTRUCTIONS,
            comments={
                "身份证号码": "必填：18 位身份证号码（文本格式）",
                "用人单位": "必填：与单位名录名称一致时自动关联",
                "推荐日期": "必填：日期，不能晚于今天",
            },
            text_columns=("身份证号码",),
        )
        add_referral_inputs(workbook.active, letters=letters, first=2, last=TEMPLATE_ROWS + 1)
        return workbook


REFERRALS = ReferralImportSpec()
