"""Job referrals in bulk from an Excel sheet, with the roster import's conventions.

The whole file is checked and previewed before anything is written; every row error carries the row
number as Excel shows it, the header as written in the file and a Chinese message saying what to fix;
a commit re-checks the kept file against the database as it is then and writes it in one transaction,
so a failure half-way leaves nothing behind. Re-importing the same sheet adds nothing: a referral
already recorded (same person, employer, position and date) is counted, not written again.

`read_referrals` needs no database. `plan_referrals` compares the rows with the registry, the
organisations and the referrals already recorded, one query per chunk of rows, never per row."""

import datetime
import io
import logging
import re
import unicodedata
from dataclasses import dataclass, field

import python_calamine
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from accounts.scoping import scope_for, scope_queryset
from brands.excel import HEADER_FILL, HEADER_FONT, safe_cell
from brands.models import Area, Organisation
from core.imports.cells import CONTROL, UNPRINTABLE, is_blank, normalise_header, printable_values
from core.imports.reading import HEADER_SEARCH_ROWS
from core.imports.report import RowError
from core.imports.workbooks import DUPLICATE_FILL, ERROR_FILL
from training.identity import IdNumber, IdNumberError, mask_id_number, parse_id_number
from training.models import Enrolment, Trainee
from training.roster import RosterFileError, check_container, row_count, visible_sheets

from . import tallies
from .models import JobReferral, ReferralImport
from .referral_keys import ReferralKey, ReferralKeyError, referral_key_read
from .services import acting_area

logger = logging.getLogger(__name__)

# Referral sheets are a few hundred rows: they are checked and written inside the request.
MAX_ROWS = 10_000
CHUNK = 500
PREVIEW_REFERRALS_LIMIT = 300
REPORT_ERRORS_LIMIT = 20_000
TEMPLATE_ROWS = 1000
SHEET = "推荐表"

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
HEADER_TO_FIELD = {header: name for name, headers in HEADER_SYNONYMS.items() for header in headers}
REQUIRED_COLUMNS = ("id_number", "name", "employer", "position", "referred_on", "channel")
# A row names its person by the 推荐编号 of a worklist export or by the full ID number: either column will do.
IDENTITY_COLUMNS = ("key", "id_number")
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

DATE_TEXT = re.compile(
    r"^(\d{4})(?:-(\d{1,2})-(\d{1,2})|/(\d{1,2})/(\d{1,2})|\.(\d{1,2})\.(\d{1,2})|年(\d{1,2})月(\d{1,2})日)$"
)
WHITESPACE = re.compile(r"\s+")

DAMAGED = "文件已损坏或不是有效的 Excel 工作簿，请重新保存为 .xlsx 后上传。"
PASSWORD = "文件设置了打开密码，系统无法读取：请在 Excel 中取消密码后重新上传。"
NO_DATA = "推荐表没有数据行：表头下面是空的。"
TOO_MANY_ROWS = f"推荐表超过 {MAX_ROWS:,} 行，请拆分后分批上传。"
NO_HEADER = (
    "没有找到表头行：前 10 行中应有“身份证号码”“姓名”“用人单位”“推荐岗位”“推荐日期”“推荐渠道”等列，"
    "请使用下载的模板填写。"
)
ROLLED_BACK = "写入数据库时出错，本次导入已整体撤销，没有写入任何记录。请稍后重新上传。"


# --- reading -----------------------------------------------------------------------------------------


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
        return (self.trainee_id, _compact(self.employer_name), _compact(self.position), self.referred_on)


@dataclass
class ReferralSheet:
    header_row: int
    headers: list[str]  # as written in the file
    columns: dict[str, int]  # field → column index
    ignored_columns: list[str]
    rows: list[ReferralRow]
    above_header: list[tuple] = field(default_factory=list)  # title rows, kept with `keep_raw`
    unfilled_rows: list[int] = field(default_factory=list)  # a person named, no referral filled in: left out

    def header_of(self, field_name: str) -> str:
        return self.headers[self.columns[field_name]]


def _compact(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _text(value) -> str:
    """A cell as the text a person sees, without the invisible characters pasted from web pages.

    No NFKC here: an employer's name keeps its full-width brackets, so that it matches the name in the
    organisation directory exactly."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%Y-%m-%d")
    return WHITESPACE.sub(" ", str(value).translate(UNPRINTABLE)).strip()


def _header_as_written(value) -> str:
    return value.translate(CONTROL).strip() if isinstance(value, str) else _text(value)


def _check_container(content: bytes) -> None:
    """The roster import's refusals (not an xlsx, .xls, password, zip bomb, over the upload limit), worded for this sheet."""
    try:
        check_container(content)
    except RosterFileError as problem:
        raise RosterFileError(str(problem).replace("花名册", SHEET)) from None


def _find_header(rows: list[tuple]) -> tuple[int, dict[str, int], list[str], list[str]] | None:
    """The first of the top rows with the ID column and at least two other referral columns."""
    for index, values in enumerate(rows[:HEADER_SEARCH_ROWS]):
        headers = [_header_as_written(value) for value in values]
        columns: dict[str, int] = {}
        ignored: list[str] = []
        for position, header in enumerate(headers):
            field_name = HEADER_TO_FIELD.get(normalise_header(header))
            if field_name and field_name not in columns:
                columns[field_name] = position
            elif header:
                ignored.append(header)
        if any(name in columns for name in IDENTITY_COLUMNS) and len(columns) >= 3:
            return index, columns, headers, ignored
    return None


def _missing_columns_message(columns: dict[str, int]) -> str:
    missing = [
        name for name in REQUIRED_COLUMNS if name not in columns and not (name == "id_number" and "key" in columns)
    ]
    described = "；".join(
        f"“{HEADER_SYNONYMS[name][0]}”"
        + (f"（或“{'”“'.join(HEADER_SYNONYMS[name][1:])}”）" if HEADER_SYNONYMS[name][1:] else "")
        for name in missing
    )
    return f"表头缺少必填列：{described}。请使用下载的模板，或在表头中补上这些列。"


def read_referrals(content: bytes, *, today: datetime.date, keep_raw: bool = False) -> ReferralSheet:
    """Every non-blank row below the header, checked. Raises RosterFileError for an unusable file."""
    _check_container(content)
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    except python_calamine.PasswordError:
        raise RosterFileError(PASSWORD) from None
    except (python_calamine.CalamineError, ValueError, OSError):
        raise RosterFileError(DAMAGED) from None
    try:
        return _read_workbook(workbook, today=today, keep_raw=keep_raw)
    except python_calamine.CalamineError:
        raise RosterFileError(DAMAGED) from None


def _read_workbook(workbook, *, today: datetime.date, keep_raw: bool) -> ReferralSheet:
    if not workbook.sheet_names:
        raise RosterFileError("文件里没有工作表。")
    saw_data = False
    for position in visible_sheets(workbook):
        sheet = workbook.get_sheet_by_index(position)
        if row_count(sheet) > MAX_ROWS + HEADER_SEARCH_ROWS:
            raise RosterFileError(TOO_MANY_ROWS)
        rows = [tuple(values) for values in sheet.iter_rows()]
        head = rows[:HEADER_SEARCH_ROWS]
        saw_data = saw_data or any(not is_blank(values) for values in head)
        found = _find_header(head)
        if found is None:
            continue
        index, columns, headers, ignored = found
        if any(name not in columns for name in REQUIRED_COLUMNS if name != "id_number") or not any(
            name in columns for name in IDENTITY_COLUMNS
        ):
            raise RosterFileError(_missing_columns_message(columns))
        result = ReferralSheet(header_row=index + 1, headers=headers, columns=columns, ignored_columns=ignored, rows=[])
        if keep_raw:
            result.above_header = [printable_values(values) for values in rows[:index]]
        header = {name: headers[column] for name, column in columns.items()}
        positions = tuple(columns.values())
        filled_in = tuple(columns[name] for name in REFERRAL_COLUMNS if name in columns)
        for number, values in enumerate(rows[index + 1 :], start=index + 2):
            if is_blank([values[p] for p in positions if p < len(values)]):
                continue
            if (
                "key" in columns
                and not is_blank([_cell(values, columns, "key")])
                and is_blank([values[p] for p in filled_in if p < len(values)])
            ):
                result.unfilled_rows.append(number)
                continue
            if len(result.rows) >= MAX_ROWS:
                raise RosterFileError(TOO_MANY_ROWS)
            row = check_row(values, excel_row=number, columns=columns, header=header, today=today)
            if keep_raw:
                row.raw = printable_values(values)
            result.rows.append(row)
        if not result.rows:
            raise RosterFileError(NO_DATA)
        return result
    if not saw_data:
        raise RosterFileError("文件是空的：工作表里没有任何内容。")
    raise RosterFileError(NO_HEADER)


def _cell(values: tuple, columns: dict[str, int], name: str):
    position = columns.get(name)
    if position is None or position >= len(values):
        return None
    return values[position]


def parse_referral_date(value) -> tuple[datetime.date | None, str]:
    """(the date, "") or (None, what is wrong) for a 推荐日期 cell that is not blank."""
    if isinstance(value, datetime.datetime):
        return value.date(), ""
    if isinstance(value, datetime.date):
        return value, ""
    text = _text(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return None, f"“{text}”是数字而不是日期：请把该列设为“日期”格式后重新填写，或按 2025-03-18 的格式填写。"
    match = DATE_TEXT.match(_compact(text))
    if match is None:
        return None, f"“{text}”无法识别：请填写日期，如 2025-03-18、2025/3/18、2025.3.18 或 2025年3月18日。"
    year, *parts = match.groups()
    month, day = [int(part) for part in parts if part is not None]
    try:
        return datetime.date(int(year), month, day), ""
    except ValueError:
        return None, f"“{text}”不是真实的日期，请核对。"


def check_row(values: tuple, *, excel_row: int, columns: dict, header: dict, today: datetime.date) -> ReferralRow:
    row = ReferralRow(row=excel_row)

    def error(name: str, message: str) -> None:
        row.errors.append(RowError(row=excel_row, column=header.get(name, name), message=message))

    def label(name: str) -> str:
        return normalise_header(header.get(name, "")) or HEADER_SYNONYMS[name][0]

    key_text = _text(_cell(values, columns, "key"))
    if key_text:
        try:
            row.referral_key = referral_key_read(key_text)
        except ReferralKeyError as problem:
            error("key", str(problem))
    elif "id_number" in columns:
        try:
            row.identity = parse_id_number(_cell(values, columns, "id_number"))
        except IdNumberError as problem:
            error("id_number", str(problem))
    else:
        error("key", "推荐编号未填写：请使用岗位推荐工作台导出表中的推荐编号，或增加“身份证号码”列填写完整号码。")

    row.name = WHITESPACE.sub("", unicodedata.normalize("NFKC", _text(_cell(values, columns, "name"))))
    if not row.name:
        error("name", "姓名未填写。")

    for name, limit in (("employer", 100), ("position", 100)):
        text = _text(_cell(values, columns, name))
        if not text:
            error(name, f"{label(name)}未填写。")
        elif len(text) > limit:
            error(name, f"{label(name)}过长（{len(text)} 个字），最多 {limit} 个字。")
        setattr(row, "employer_name" if name == "employer" else name, text[:limit])

    raw_date = _cell(values, columns, "referred_on")
    if is_blank([raw_date]):
        error("referred_on", f"{label('referred_on')}未填写。")
    else:
        day, problem = parse_referral_date(raw_date)
        if problem:
            error("referred_on", f"{label('referred_on')}{problem}")
        elif day > today:
            error("referred_on", f"{label('referred_on')} {day:%Y-%m-%d} 晚于今天：只能登记已经做出的推荐，请核对。")
        elif day.year < 2000:
            error("referred_on", f"{label('referred_on')} {day:%Y-%m-%d} 不合理，请核对。")
        row.referred_on = day

    channel_text = _text(_cell(values, columns, "channel"))
    if not channel_text:
        error("channel", f"{label('channel')}未填写，请填：{CHANNEL_LIST}。")
    else:
        row.channel = CHANNEL_SYNONYMS.get(_compact(channel_text), "")
        if not row.channel:
            error("channel", f"{label('channel')}“{channel_text}”无法识别，请填：{CHANNEL_LIST}。")

    result_text = _text(_cell(values, columns, "result"))
    if result_text:
        result = RESULT_SYNONYMS.get(_compact(result_text))
        if result is None:
            error("result", f"{label('result')}“{result_text}”无法识别，请填：{RESULT_LIST}（不填视为“待反馈”）。")
        row.result = result or JobReferral.Result.PENDING

    note = _text(_cell(values, columns, "note"))
    if len(note) > 200:
        error("note", f"备注过长（{len(note)} 个字），最多 200 个字。")
    row.note = note[:200]
    return row


# --- comparing with the database -----------------------------------------------------------------


@dataclass
class ReferralPlan:
    """What committing a checked sheet would do."""

    rows: list[ReferralRow]
    valid: list[ReferralRow] = field(default_factory=list)  # no error, not a repeat of an earlier row
    errors: list[dict] = field(default_factory=list)
    error_row_numbers: set[int] = field(default_factory=set)
    duplicates: list[tuple[int, int]] = field(default_factory=list)  # (row, the earlier row it repeats)
    unfilled_rows: list[int] = field(default_factory=list)  # a person named, no referral filled in: left out
    existing_rows: list[int] = field(default_factory=list)  # already recorded: not written again
    new: list[ReferralRow] = field(default_factory=list)
    employers: dict[str, int] = field(default_factory=dict)  # employer as written → organisation id

    def report(self, *, ignored_columns: list[str], header_row: int, committed: bool) -> dict:
        preview = [
            {
                "row": row.row,
                "name": row.name,
                "id_number": row.masked_id,
                "employer": row.employer_name,
                "employer_matched": row.employer_name in self.employers,
                "position": row.position,
                "referred_on": f"{row.referred_on:%Y-%m-%d}",
                "channel": CHANNEL_LABELS[row.channel],
                "result": RESULT_LABELS[row.result],
            }
            for row in self.new[:PREVIEW_REFERRALS_LIMIT]
        ]
        return {
            "rows": len(self.rows),
            "valid": len(self.valid),
            "created": len(self.new),
            "existing": len(self.existing_rows),
            "trainees": len({row.trainee_id for row in self.new}),
            "duplicate_rows": [row for row, _first in self.duplicates],
            "unfilled_rows": self.unfilled_rows,
            "duplicates": [{"row": row, "first": first} for row, first in self.duplicates],
            "existing_rows": self.existing_rows,
            "errors": self.errors[:REPORT_ERRORS_LIMIT],
            "error_rows": len(self.error_row_numbers),
            "error_count": len(self.errors),
            "ignored_columns": ignored_columns,
            "header_row": header_row,
            "committed": committed,
            "referrals": preview,
        }


def _chunks(items: list):
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


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
    sheet: ReferralSheet, *, area: Area, trainee_area: Area | None, organisations: QuerySet
) -> ReferralPlan:
    """Sort checked rows into errors, repeats within the file, referrals already recorded and new ones.

    A person must be a trainee: for a county user, enrolled in a batch of `trainee_area`. An employer is
    an organisation of `organisations` with exactly that name (preferring one in `area` when several
    areas have it), otherwise the name as typed."""
    plan = ReferralPlan(rows=sheet.rows, unfilled_rows=sheet.unfilled_rows)
    enrolled = Enrolment.objects.filter(trainee_id=OuterRef("pk"))
    if trainee_area is not None:
        enrolled = enrolled.filter(batch__area_id=trainee_area.pk)
    people = Trainee.objects.filter(Exists(enrolled))
    by_number: dict[str, tuple[int, str, str]] = {}  # ID number → (trainee id, name, ID number)
    by_pk: dict[int, tuple[int, str, str]] = {}
    numbers = sorted({row.identity.number for row in sheet.rows if row.identity is not None})
    for chunk in _chunks(numbers):
        for found in people.filter(id_number__in=chunk).values_list("pk", "name", "id_number"):
            by_number[found[2]] = found
    # A key counts only in an import for the area whose worklist it came from: another area's key is
    # answered as an unknown person is, so a sheet reveals nothing about who trained elsewhere.
    keyed = sorted({row.referral_key.trainee_id for row in sheet.rows if _key_fits(row, area)})
    for chunk in _chunks(keyed):
        for found in people.filter(pk__in=chunk).values_list("pk", "name", "id_number"):
            by_pk[found[0]] = found

    id_header, name_header = (
        sheet.header_of("id_number") if "id_number" in sheet.columns else "",
        sheet.header_of("name"),
    )
    key_header = sheet.header_of("key") if "key" in sheet.columns else ""
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
        if row.errors:
            row.errors.sort(key=lambda error: order.get(error.column, len(order)))
            plan.errors.extend(error.as_dict() for error in row.errors)
            plan.error_row_numbers.add(row.row)

    seen: dict[tuple, int] = {}
    for row in sheet.rows:
        if row.errors:
            continue
        first = seen.setdefault(row.key(), row.row)
        if first != row.row:
            plan.duplicates.append((row.row, first))
        else:
            plan.valid.append(row)

    plan.employers = _match_employers(
        sorted({row.employer_name for row in plan.valid}), area=area, organisations=organisations
    )

    recorded: set[tuple] = set()
    trainee_ids = sorted({row.trainee_id for row in plan.valid})
    for chunk in _chunks(trainee_ids):
        for trainee_id, day, position, organisation, typed in JobReferral.objects.filter(
            trainee_id__in=chunk
        ).values_list("trainee_id", "referred_on", "position", "employer__name", "employer_name"):
            recorded.add((trainee_id, _compact(organisation or typed), _compact(position), day))
    for row in plan.valid:
        if row.key() in recorded:
            plan.existing_rows.append(row.row)
        else:
            plan.new.append(row)
    return plan


def _match_employers(names: list[str], *, area: Area, organisations: QuerySet) -> dict[str, int]:
    candidates: dict[str, list[tuple[int, int]]] = {}
    for chunk in _chunks(names):
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
    for chunk in _chunks(plan.new):
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


def referral_process(*, content: bytes, area: Area, user, commit: bool, skip_invalid: bool) -> dict:
    """Check a sheet and, when asked and allowed, write it; returns the report.

    Without `skip_invalid` any row error writes nothing. The write holds a lock on the area's row, so
    two imports for one area run one after the other and the second finds the first one's referrals."""
    sheet = read_referrals(content, today=timezone.localdate())
    scope = scope_for(user) if user is not None else None
    trainee_area = area if scope is not None and not scope.sees_all_areas else None
    organisations = scope_queryset(Organisation.objects.all(), user) if user is not None else Organisation.objects.all()
    with transaction.atomic():
        if commit:
            # FOR NO KEY UPDATE: other records may still be created for the area while this one runs.
            list(Area.objects.select_for_update(no_key=True).filter(pk=area.pk).only("pk"))
        plan = plan_referrals(sheet, area=area, trainee_area=trainee_area, organisations=organisations)
        allowed = commit and bool(plan.valid) and (skip_invalid or not plan.errors)
        if allowed:
            _write(plan, area=area, user=user)
    return plan.report(ignored_columns=sheet.ignored_columns, header_row=sheet.header_row, committed=allowed)


# --- the import as a clerk does it: upload, preview, commit or cancel --------------------------------


def referral_import_list(*, user) -> QuerySet:
    return scope_queryset(
        ReferralImport.objects.defer("content", "report").select_related("area", "uploaded_by"), user
    ).order_by("-uploaded_at", "-id")


def referral_import_get(*, user, pk: int, with_content: bool = False) -> ReferralImport:
    """An import of the user's area; another area's is a 404, as if it did not exist."""
    imports = ReferralImport.objects.select_related("area", "uploaded_by")
    if not with_content:
        imports = imports.defer("content")
    return get_object_or_404(scope_queryset(imports, user), pk=pk)


def _finish(referral_import: ReferralImport, *, status: str, report: dict | None = None, message: str = "") -> None:
    referral_import.status = status
    referral_import.message = message[:500]
    referral_import.finished_at = timezone.now() if status != ReferralImport.Status.PREVIEW else None
    fields = ["status", "message", "finished_at", "skip_invalid"]
    if report is not None:
        referral_import.report = report
        referral_import.rows = report["rows"]
        referral_import.valid_rows = report["valid"]
        referral_import.error_rows = report["error_rows"]
        referral_import.duplicate_rows = len(report["duplicate_rows"])
        referral_import.existing_rows = report["existing"]
        referral_import.created_count = report["created"] if report["committed"] else 0
        fields += ["report", "rows", "valid_rows", "error_rows", "duplicate_rows", "existing_rows", "created_count"]
    if referral_import.pk:
        referral_import.save(update_fields=fields)
    else:
        referral_import.save()


@transaction.atomic
def referral_import_upload(*, user, file_name: str, content: bytes, area: Area | None = None) -> ReferralImport:
    """Check an uploaded sheet and keep it with its preview. The referrals count for the clerk's own
    area (a city user names one). An unusable file raises RosterFileError and nothing is stored."""
    area = acting_area(user, area)
    report = referral_process(content=content, area=area, user=user, commit=False, skip_invalid=False)
    referral_import = ReferralImport(
        area=area, uploaded_by=user, file_name=file_name[:200], file_size=len(content), content=content
    )
    _finish(referral_import, status=ReferralImport.Status.PREVIEW, report=report)
    return referral_import


@transaction.atomic
def referral_import_commit(*, referral_import: ReferralImport, user, skip_invalid: bool) -> ReferralImport:
    """The clerk confirmed the preview: write all rows (only when there is no error) or the valid ones,
    after checking the kept file again against the database as it is now."""
    locked = ReferralImport.objects.select_for_update().select_related("area").get(pk=referral_import.pk)
    acting_area(user, locked.area)
    if locked.status != ReferralImport.Status.PREVIEW:
        raise ValidationError(f"该导入当前状态为“{locked.get_status_display()}”，不能再提交。")
    if locked.error_rows and not skip_invalid:
        raise ValidationError("推荐表有错误行，不能全部导入：请修改后重新上传，或选择“仅导入有效行”。")
    if not locked.valid_rows:
        raise ValidationError("推荐表没有可导入的有效行。")
    locked.skip_invalid = skip_invalid
    try:
        report = referral_process(
            content=bytes(locked.content), area=locked.area, user=user, commit=True, skip_invalid=skip_invalid
        )
    except RosterFileError as problem:
        _finish(locked, status=ReferralImport.Status.FAILED, message=str(problem))
        return locked
    except DatabaseError:
        # The inner transaction has rolled back: nothing of this sheet is in the database.
        logger.exception("referral import %s failed while writing", locked.pk)
        _finish(locked, status=ReferralImport.Status.FAILED, message=ROLLED_BACK)
        return locked
    if report["committed"]:
        _finish(locked, status=ReferralImport.Status.COMMITTED, report=report)
    else:
        _finish(
            locked,
            status=ReferralImport.Status.FAILED,
            report=report,
            message="复核时发现错误行，未写入任何记录。请查看错误并重新上传。",
        )
    return locked


@transaction.atomic
def referral_import_cancel(*, referral_import: ReferralImport, user) -> ReferralImport:
    locked = ReferralImport.objects.select_for_update().select_related("area").get(pk=referral_import.pk)
    acting_area(user, locked.area)
    if locked.status not in {ReferralImport.Status.PREVIEW, ReferralImport.Status.FAILED}:
        raise ValidationError(f"该导入当前状态为“{locked.get_status_display()}”，不能取消。")
    _finish(locked, status=ReferralImport.Status.CANCELLED, message="经办员取消了本次导入，没有写入任何记录。")
    return locked


# --- workbooks -----------------------------------------------------------------------------------


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


def referral_template() -> Workbook:
    """The referral sheet: ID column as text, date column as dates, drop-down lists for channel and result."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "岗位推荐"
    for column, header in enumerate(TEMPLATE_HEADERS, start=1):
        cell = sheet.cell(row=1, column=column, value=header)
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
        cell.alignment = Alignment(horizontal="center")
        sheet.column_dimensions[get_column_letter(column)].width = COLUMN_WIDTHS.get(header, 14)
    letter = {header: get_column_letter(position) for position, header in enumerate(TEMPLATE_HEADERS, start=1)}
    sheet[f"{letter['身份证号码']}1"].comment = Comment("必填：18 位身份证号码（文本格式）", "系统")
    sheet[f"{letter['用人单位']}1"].comment = Comment("必填：与单位名录名称一致时自动关联", "系统")
    sheet[f"{letter['推荐日期']}1"].comment = Comment("必填：日期，不能晚于今天", "系统")
    last = TEMPLATE_ROWS + 1
    for row in range(2, last + 1):
        sheet[f"{letter['身份证号码']}{row}"].number_format = "@"

    add_referral_inputs(sheet, letters=letter, first=2, last=last)
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 120
    for row, text in enumerate(INSTRUCTIONS, start=1):
        cell = notes.cell(row=row, column=1, value=text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if row == 1:
            cell.font = Font(bold=True, size=14)
    return workbook


def add_referral_inputs(sheet, *, letters: dict[str, str], first: int, last: int) -> None:
    """Drop-down lists for 推荐渠道 and 推荐结果 and a date check for 推荐日期, on rows `first`..`last` of
    the columns `letters` names (header → column letter): the template's and the worklist export's."""

    def drop_down(header: str, values: list[str]) -> None:
        validation = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
        validation.showErrorMessage = True
        validation.errorTitle = "输入有误"
        validation.error = "请从下拉列表中选择。"
        validation.promptTitle = header
        validation.prompt = "请从下拉列表选择"
        validation.showInputMessage = True
        sheet.add_data_validation(validation)
        validation.add(f"{letters[header]}{first}:{letters[header]}{last}")

    drop_down("推荐渠道", list(CHANNELS))
    drop_down("推荐结果", list(RESULTS))
    dates = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True)  # 2000-01-01
    dates.showErrorMessage = True
    dates.errorTitle = "日期有误"
    dates.error = "请填写日期，如 2025-03-18。"
    sheet.add_data_validation(dates)
    dates.add(f"{letters['推荐日期']}{first}:{letters['推荐日期']}{last}")
    for row in range(first, last + 1):
        sheet[f"{letters['推荐日期']}{row}"].number_format = "yyyy-mm-dd"


def referral_error_workbook(sheet: ReferralSheet, report: dict) -> Workbook:
    """The file's title rows, header and every data row as read, with a column saying what the check found.

    The messages are the preview's (`report`), so the workbook tells what the page told. Every row keeps
    its row number (blank rows stay blank), so "第 N 行" in a message is row N of this workbook too; the
    header stays as the clerk wrote it, so the corrected file can be uploaded again as it is."""
    messages: dict[int, list[str]] = {}
    for error in report.get("errors", []):
        messages.setdefault(error["row"], []).append(f"[{error['column']}] {error['message']}")
    repeats = {item["row"]: item["first"] for item in report.get("duplicates", [])}
    recorded = set(report.get("existing_rows", []))

    workbook = Workbook(write_only=True)
    out = workbook.create_sheet("检查结果")
    width = len(sheet.headers)
    for position, header in enumerate(sheet.headers, start=1):
        out.column_dimensions[get_column_letter(position)].width = COLUMN_WIDTHS.get(normalise_header(header), 14)
    out.column_dimensions[get_column_letter(width + 1)].width = 80

    def header_cell(value):
        cell = WriteOnlyCell(out, value=safe_cell(value))
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
        return cell

    for values in sheet.above_header:
        out.append([safe_cell(value) if value != "" else None for value in values])
    out.append([header_cell(h) for h in sheet.headers] + [header_cell("错误说明（系统生成，重新上传时自动忽略）")])
    written = sheet.header_row
    for row in sheet.rows:
        for _blank in range(written + 1, row.row):
            out.append([])
        written = row.row
        fill = None
        notes = messages.get(row.row, [])
        if notes:
            fill = ERROR_FILL
        elif row.row in repeats:
            notes = [f"与第 {repeats[row.row]} 行是同一次推荐（同一人、单位、岗位、日期），本行不重复导入。"]
            fill = DUPLICATE_FILL
        elif row.row in recorded:
            notes = ["系统中已登记过这次推荐，本行不重复导入。"]
        raw = list(row.raw or ())[:width]
        raw += [None] * (width - len(raw))
        cells = []
        # One sentence per finding: "…请核对；推荐结果…" rather than "…请核对。；推荐结果…".
        explanation = "；".join(note.removesuffix("。") for note in notes) + "。" if notes else None
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
