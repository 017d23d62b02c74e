"""Vacancies in bulk from an employer's sheet: a spec on the core import pipeline (core/imports).

A row is one vacancy: the employer (its name in the organisation directory, or its 统一社会信用代码), the
occupation (from the catalogue), the title, the work area or a destination outside Qinzhou, openings, wage
and age ranges, certificate, kind, validity and source. The vacancies are registered for the importing
area. Re-importing the same sheet adds nothing: a vacancy with the same employer, title and start of
validity is counted as already registered."""

from dataclasses import dataclass, field
from functools import partial

from accounts.scoping import scope_queryset
from brands.models import Area, Occupation, Organisation
from core.credit_code import normalise_uscc
from core.imports.cells import cell_text, cell_text_as_typed, compact, date_cell, is_blank
from core.imports.reading import repeated_rows
from core.imports.report import RowError
from core.imports.spec import columns_from
from core.imports.workbooks import drop_down, template_workbook
from training.models import Enrolment

from .area_imports import AreaImportSpec, AreaUploadForm
from .vacancy_models import Vacancy, VacancyImport

MAX_ROWS = 5_000
TEMPLATE_ROWS = 300
HEADER_SYNONYMS = {
    "employer": ("用人单位", "招聘单位", "单位名称"),
    "occupation": ("职业（工种）", "工种", "职业"),
    "title": ("岗位名称", "招聘岗位", "岗位"),
    "work_area": ("工作地区", "工作县区"),
    "address": ("工作地址",),
    "destination": ("市外输出目的地", "输出目的地"),
    "openings": ("招聘人数", "人数"),
    "wage_min": ("月薪下限", "最低月薪"),
    "wage_max": ("月薪上限", "最高月薪"),
    "certificate": ("证书要求",),
    "age_min": ("最低年龄",),
    "age_max": ("最高年龄",),
    "kind": ("用工形式",),
    "valid_from": ("有效期起", "开始日期"),
    "valid_to": ("有效期止", "截止日期"),
    "source": ("岗位来源",),
    "note": ("备注",),
}
WIDTHS = {"用人单位": 32, "职业（工种）": 16, "岗位名称": 20, "工作地址": 24, "市外输出目的地": 18, "备注": 24}
KINDS = {str(label): value for value, label in Vacancy.Kind.choices} | {"全日制": "full_time", "临时工": "gig"}
SOURCES = {str(label): value for value, label in Vacancy.Source.choices} | {"招聘会": "job_fair", "单位": "employer"}
CERTIFICATES = {"不要求": "", "无": ""}
for value, label in Enrolment.Certificate.choices:
    if value and value != "entrepreneurship":
        inside = str(label).partition("（")[2].rstrip("）")
        CERTIFICATES.update(dict.fromkeys([str(label), inside, *inside.split("/")] if inside else [str(label)], value))
CERTIFICATES = {compact(text): value for text, value in CERTIFICATES.items()}
# The columns read as one of a list: field, {text (compacted): value}, the value of a blank cell, the list a
# message offers.
CHOICE_COLUMNS = (
    ("certificate", CERTIFICATES, "", "不要求、五级、四级、三级、二级、一级、专项职业能力证书"),
    ("kind", {compact(text): value for text, value in KINDS.items()}, "full_time", "、".join(KINDS)),
    ("source", {compact(text): value for text, value in SOURCES.items()}, "employer", "、".join(SOURCES)),
)
INSTRUCTIONS = [
    "填写说明",
    "1. 每行填写一个招聘岗位；表头（第 1 行）请勿修改。",
    "2. 用人单位须是“单位名录”中已登记的单位：填写名录中的名称或统一社会信用代码；名录中没有的单位请先登记。",
    "3. 职业（工种）填写培训目录中的工种名称，如 母婴护理员、砌筑工；工种决定岗位所属的劳务品牌。",
    "4. 工作地区填写钦州市内的县区（钦南区、钦北区、灵山县、浦北县、自贸区钦州港片区）；输出到钦州市外的岗位不填工作地区，填写市外输出目的地。",
    "5. 招聘人数、有效期起、有效期止必填；月薪、年龄、证书要求可不填（不填即不限）。",
    "6. 同一用人单位、同一岗位名称、同一有效期起视为同一个岗位：重复导入不会重复登记。",
]


@dataclass
class VacancyRow:
    row: int
    employer: str = ""
    occupation: str = ""
    work_area: str = ""
    values: dict = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    raw: tuple | None = None

    def key(self) -> tuple:
        return (compact(self.employer), compact(self.values.get("title", "")), self.values.get("valid_from"))


def _whole(text: str, label: str, low: int, high: int, problem) -> int | None:
    """The whole number in `text` between `low` and `high`; None, and `problem(message)`, otherwise."""
    if not text:
        return None
    try:
        number = int(float(text.replace(",", "")))
    except ValueError:
        problem(f"{label}“{text}”不是数字。")
        return None
    if not low <= number <= high:
        problem(f"{label} {number} 不合理，应在 {low}–{high} 之间。")
        return None
    return number


def _error(row: VacancyRow, header: dict, name: str, message: str) -> None:
    row.errors.append(RowError(row=row.row, column=header.get(name, HEADER_SYNONYMS[name][0]), message=message))


def check_row(cells: dict, *, excel_row: int, header: dict, rules) -> VacancyRow:
    row = VacancyRow(row=excel_row)

    def error(name: str, message: str) -> None:
        _error(row, header, name, message)

    def text(name: str, limit: int, *, required: bool = False) -> str:
        value = cell_text_as_typed(cells.get(name))
        if required and not value:
            error(name, f"{HEADER_SYNONYMS[name][0]}未填写。")
        if len(value) > limit:
            error(name, f"{HEADER_SYNONYMS[name][0]}过长（{len(value)} 个字），最多 {limit} 个字。")
        return value[:limit]

    row.employer = text("employer", 100, required=True)
    row.occupation = cell_text(cells.get("occupation"))
    if not row.occupation:
        error("occupation", "职业（工种）未填写。")
    values = row.values
    values["title"] = text("title", 100, required=True)
    row.work_area = cell_text(cells.get("work_area"))
    values["address"] = text("address", 200)
    values["destination"] = text("destination", 100)
    if not row.work_area and not values["destination"]:
        error("work_area", "请填写工作地区，或填写市外输出目的地。")
    for name, low, high, required in (
        ("openings", 1, 100000, True),
        ("wage_min", 0, 1000000, False),
        ("wage_max", 0, 1000000, False),
        ("age_min", 16, 80, False),
        ("age_max", 16, 80, False),
    ):
        raw = cell_text(cells.get(name))
        if required and not raw:
            error(name, f"{HEADER_SYNONYMS[name][0]}未填写。")
        values[name] = _whole(raw, HEADER_SYNONYMS[name][0], low, high, partial(error, name))
    for low, high, message in (
        ("wage_min", "wage_max", "月薪上限不能低于下限。"),
        ("age_min", "age_max", "最高年龄不能低于最低年龄。"),
    ):
        if values[low] is not None and values[high] is not None and values[high] < values[low]:
            error(high, message)
    for name, lookup, default, options in CHOICE_COLUMNS:
        raw = cell_text(cells.get(name))
        values[name] = lookup.get(compact(raw), None) if raw else default
        if values[name] is None:
            error(name, f"{HEADER_SYNONYMS[name][0]}“{raw}”无法识别，请填：{options}。")
            values[name] = default
    for name in ("valid_from", "valid_to"):
        raw = cells.get(name)
        values[name] = None
        if is_blank([raw]):
            error(name, f"{HEADER_SYNONYMS[name][0]}未填写。")
        else:
            day, problem = date_cell(raw)
            if problem:
                error(name, f"{HEADER_SYNONYMS[name][0]}{problem}")
            values[name] = day
    if values["valid_from"] and values["valid_to"] and values["valid_to"] < values["valid_from"]:
        error("valid_to", "有效期止不能早于有效期起。")
    values["note"] = text("note", 200)
    return row


@dataclass
class VacancyPlan:
    valid: list[VacancyRow] = field(default_factory=list)
    duplicates: dict[int, int] = field(default_factory=dict)
    existing_rows: list[int] = field(default_factory=list)
    new: list[VacancyRow] = field(default_factory=list)
    resolved: dict[int, tuple[int, int, int | None]] = field(default_factory=dict)  # row → employer, occupation, area


def plan_vacancies(sheet, *, organisations) -> VacancyPlan:
    plan = VacancyPlan()
    occupations = {compact(name): pk for pk, name in Occupation.objects.values_list("pk", "name")}
    areas = {}
    for pk, name, short, code in Area.objects.exclude(kind=Area.Kind.CITY).values_list(
        "pk", "name", "short_name", "code"
    ):
        areas.update(dict.fromkeys([compact(name), compact(short), code], pk))
    names = {row.employer for row in sheet.rows if row.employer}
    by_name: dict[str, list[int]] = {}
    for pk, name, uscc in organisations.filter(is_active=True).values_list("pk", "name", "uscc"):
        if name in names:
            by_name.setdefault(name, []).append(pk)
        if uscc:
            by_name.setdefault(uscc, []).append(pk)
    for row in sheet.rows:
        found = by_name.get(row.employer) or by_name.get(
            normalise_uscc(row.employer) if len(row.employer) == 18 else ""
        )
        if row.employer and not found:
            _error(
                row,
                sheet.header,
                "employer",
                f"“{row.employer}”不在单位名录中：请填写名录中的名称或统一社会信用代码，或先在单位名录登记该单位。",
            )
        elif found and len(found) > 1:
            _error(row, sheet.header, "employer", f"单位名录中有不止一家“{row.employer}”：请改填统一社会信用代码。")
        occupation = occupations.get(compact(row.occupation))
        if row.occupation and occupation is None:
            _error(row, sheet.header, "occupation", f"工种“{row.occupation}”不在培训目录中，请核对名称。")
        area = areas.get(compact(row.work_area)) if row.work_area else None
        if row.work_area and area is None:
            _error(
                row,
                sheet.header,
                "work_area",
                f"工作地区“{row.work_area}”无法识别：请填钦州市内的县区；市外岗位请填写市外输出目的地。",
            )
        if not row.errors:
            plan.resolved[row.row] = (found[0], occupation, area)
    plan.duplicates = repeated_rows(sheet.rows, key=VacancyRow.key)
    plan.valid = [row for row in sheet.rows if not row.errors and row.row not in plan.duplicates]
    employer_ids = {plan.resolved[row.row][0] for row in plan.valid}
    recorded = set(
        Vacancy.objects.filter(employer_id__in=employer_ids).values_list("employer_id", "title", "valid_from")
    )
    for row in plan.valid:
        if (plan.resolved[row.row][0], row.values["title"], row.values["valid_from"]) in recorded:
            plan.existing_rows.append(row.row)
        else:
            plan.new.append(row)
    return plan


class VacancyUploadForm(AreaUploadForm):
    area_label = "登记地区"
    area_help = "导入的岗位记在该县区名下，由该县区维护。"


class VacancyImportSpec(AreaImportSpec):
    """An employer's sheet of vacancies, registered for one area."""

    model = VacancyImport
    noun = "岗位表"
    title = "岗位导入"
    columns = columns_from(HEADER_SYNONYMS, WIDTHS)
    required = (("employer",), ("title",), ("occupation",), ("openings",), ("valid_from",), ("valid_to",))
    max_rows = MAX_ROWS
    template_name = "岗位导入模板.xlsx"
    upload_form_class = VacancyUploadForm
    file_label = "岗位表"
    file_headers = "“用人单位”“岗位名称”“职业（工种）”“招聘人数”“有效期起”“有效期止”"
    url_namespace = "employment"
    url_prefix = "vacancy_import_"
    template_url_name = "vacancy_template"
    permission_add = "employment.add_vacancy"
    permission_view = "employment.view_vacancy"
    upload_template = "employment/vacancy_import_upload.html"
    existing_note = "系统中已登记过这个岗位，本行不重复导入。"

    check_row = staticmethod(check_row)

    def duplicate_message(self, first_row: int) -> str:
        return f"与第 {first_row} 行是同一个岗位（同一单位、岗位名称、有效期起），本行不重复导入。"

    def plan(self, sheet, *, scope, user, options) -> VacancyPlan:
        organisations = Organisation.objects.all()
        if user is not None:
            organisations = scope_queryset(organisations, user)
        return plan_vacancies(sheet, organisations=organisations)

    def write(self, plan, *, scope, record, user, options, progress) -> None:
        vacancies = []
        for row in plan.new:
            employer_id, occupation_id, area_id = plan.resolved[row.row]
            vacancy = Vacancy(
                area=scope,
                employer_id=employer_id,
                occupation_id=occupation_id,
                work_area_id=area_id,
                created_by=user,
                **{**row.values, "destination": "" if area_id else row.values["destination"]},
            )
            vacancies.append(vacancy)
        Vacancy.objects.bulk_create(vacancies)

    def check_export(self, user) -> None:
        return None  # the sheet names employers and jobs, no person

    def export_audit(self, **kwargs) -> None:
        return None

    def template_workbook(self):
        workbook, letters = template_workbook(
            self,
            title="招聘岗位",
            rows=TEMPLATE_ROWS,
            instructions=INSTRUCTIONS,
            comments={"用人单位": "必填：单位名录中的名称或统一社会信用代码"},
        )
        sheet = workbook.active
        areas = [area.short_name for area in Area.objects.exclude(kind=Area.Kind.CITY).order_by("sort_order")]
        for header, values in (
            ("工作地区", areas),
            ("用工形式", [str(label) for label in Vacancy.Kind.labels]),
            ("岗位来源", [str(label) for label in Vacancy.Source.labels]),
        ):
            drop_down(sheet, header, letters[header], values, first=2, last=TEMPLATE_ROWS + 1)
        return workbook


VACANCIES = VacancyImportSpec()
