"""A job fair's sign-in sheet (签到表): a spec on the core import pipeline (core/imports).

A row is a person who signed in (full ID number and name; for a county clerk, someone who trained in the
fair's area) and, when filled in, the vacancy they reached an intention for (达成意向: its title, and the
employer when two of the fair's vacancies share a title). Re-importing the sheet adds nothing."""

from dataclasses import dataclass, field

from django.urls import reverse

from accounts.scoping import require_area, trainees_visible
from core.identity import IdNumber, IdNumberError, parse_id_number
from core.imports.cells import WHITESPACE, cell_text_as_typed, compact
from core.imports.reading import repeated_rows
from core.imports.report import RowError
from core.imports.spec import columns_from
from core.imports.views import ImportUploadForm
from core.imports.workbooks import template_workbook
from training.models import Trainee

from . import vacancy_selectors
from .area_imports import AreaRecordsSpec
from .services import RECORD_WORK
from .vacancy_models import FairAttendance, FairIntention, FairSignInImport, JobFair

MAX_ROWS = 5_000
HEADER_SYNONYMS = {
    "id_number": ("身份证号码", "身份证号", "公民身份号码"),
    "name": ("姓名",),
    "employer": ("意向单位", "用人单位"),
    "title": ("意向岗位", "岗位名称"),
}
WIDTHS = {"身份证号码": 24, "姓名": 12, "意向单位": 32, "意向岗位": 24}
INSTRUCTIONS = [
    "填写说明",
    "1. 每行一名签到人员：身份证号码（文本格式，18 位）和姓名必填，姓名须与登记的一致；人员须是已登记参训的学员。",
    "2. 达成意向的，填写意向岗位（本场招聘会的岗位名称）；两个单位有同名岗位时再填写意向单位。没有意向的留空。",
    "3. 同一人同一岗位只登记一次：重复的行和已登记的签到、意向不会重复计数。",
]


@dataclass
class SignInRow:
    row: int
    identity: IdNumber | None = None
    name: str = ""
    employer: str = ""
    title: str = ""
    trainee_id: int | None = None
    vacancy_id: int | None = None
    errors: list[RowError] = field(default_factory=list)
    raw: tuple | None = None

    def key(self) -> tuple:
        return (self.identity.number if self.identity else None, compact(self.employer), compact(self.title))


def _error(row: SignInRow, header: dict, name: str, message: str) -> None:
    row.errors.append(RowError(row=row.row, column=header.get(name, HEADER_SYNONYMS[name][0]), message=message))


def check_row(cells: dict, *, excel_row: int, header: dict, rules) -> SignInRow:
    row = SignInRow(row=excel_row)
    try:
        row.identity = parse_id_number(cells.get("id_number"))
    except IdNumberError as problem:
        _error(row, header, "id_number", str(problem))
    row.name = WHITESPACE.sub("", cell_text_as_typed(cells.get("name")))
    if not row.name:
        _error(row, header, "name", "姓名未填写。")
    row.employer = cell_text_as_typed(cells.get("employer"))[:100]
    row.title = cell_text_as_typed(cells.get("title"))[:100]
    if row.employer and not row.title:
        _error(row, header, "title", "填写了意向单位，但没有意向岗位。")
    return row


@dataclass
class SignInPlan:
    valid: list[SignInRow] = field(default_factory=list)
    duplicates: dict[int, int] = field(default_factory=dict)
    new_attendance: list[int] = field(default_factory=list)  # trainee ids
    new_intentions: list[tuple[int, int]] = field(default_factory=list)  # (trainee id, vacancy id)
    existing_rows: list[int] = field(default_factory=list)


def plan_sign_in(sheet, *, fair: JobFair, user) -> SignInPlan:
    plan = SignInPlan()
    people = Trainee.objects.all() if user is None else trainees_visible(Trainee.objects.all(), user)
    numbers = {row.identity.number for row in sheet.rows if row.identity}
    found = {
        number: (pk, name)
        for pk, name, number in people.filter(id_number__in=numbers).values_list("pk", "name", "id_number")
    }
    vacancies: dict[str, list[tuple[int, str]]] = {}
    for vacancy in vacancy_selectors.fair_vacancy_choices(fair=fair):
        vacancies.setdefault(compact(vacancy.title), []).append((vacancy.pk, compact(vacancy.employer.name)))
    header = sheet.header
    for row in sheet.rows:
        if row.identity is not None:
            person = found.get(row.identity.number)
            if person is None:
                _error(row, header, "id_number", "该身份证号码不是本县区已登记参训的学员，请核对。")
            elif row.name and row.name != person[1]:
                _error(row, header, "name", f"姓名与登记的“{person[1]}”不一致，请核对姓名或身份证号码。")
            else:
                row.trainee_id = person[0]
        if row.title:
            candidates = vacancies.get(compact(row.title), [])
            if row.employer:
                candidates = [c for c in candidates if c[1] == compact(row.employer)]
            if not candidates:
                _error(row, header, "title", f"本场招聘会没有“{row.title}”这个岗位，请核对岗位名称（及意向单位）。")
            elif len(candidates) > 1:
                _error(row, header, "employer", f"本场招聘会有不止一个“{row.title}”岗位：请填写意向单位。")
            else:
                row.vacancy_id = candidates[0][0]
    plan.duplicates = repeated_rows(sheet.rows, key=SignInRow.key)
    plan.valid = [row for row in sheet.rows if not row.errors and row.row not in plan.duplicates]
    attended = set(FairAttendance.objects.filter(fair=fair).values_list("trainee_id", flat=True))
    intended = set(FairIntention.objects.filter(fair=fair).values_list("trainee_id", "vacancy_id"))
    for row in plan.valid:
        new = False
        if row.trainee_id not in attended:
            attended.add(row.trainee_id)
            plan.new_attendance.append(row.trainee_id)
            new = True
        if row.vacancy_id and (row.trainee_id, row.vacancy_id) not in intended:
            intended.add((row.trainee_id, row.vacancy_id))
            plan.new_intentions.append((row.trainee_id, row.vacancy_id))
            new = True
        if not new:
            plan.existing_rows.append(row.row)
    return plan


class FairSignInSpec(AreaRecordsSpec):
    model = FairSignInImport
    scope_field = "fair"
    scope_noun = "本场招聘会"
    noun = "签到表"
    title = "招聘会签到表导入"
    columns = columns_from(HEADER_SYNONYMS, WIDTHS)
    required = (("id_number",), ("name",))
    max_rows = MAX_ROWS
    template_name = "招聘会签到表模板.xlsx"
    upload_form_class = ImportUploadForm
    file_label = "签到表"
    file_headers = "“身份证号码”“姓名”"
    url_namespace = "employment"
    url_prefix = "fair_signin_"
    template_url_name = "fair_signin_template"
    permission_add = "employment.add_fairattendance"
    permission_view = "employment.view_fairattendance"
    upload_template = "employment/fair_signin_upload.html"
    area_field = "fair__area"
    existing_note = "已登记过这次签到和意向，本行不重复导入。"

    check_row = staticmethod(check_row)

    def plan(self, sheet, *, scope, user, options) -> SignInPlan:
        return plan_sign_in(sheet, fair=scope, user=user)

    def counts(self, plan: SignInPlan) -> dict:
        return {"created": len(plan.new_attendance) + len(plan.new_intentions)}

    def sections(self, plan: SignInPlan) -> dict:
        return {
            "attendance": len(plan.new_attendance),
            "intentions": len(plan.new_intentions),
        } | super().sections(plan)

    def lock(self, fair):
        return JobFair.objects.select_for_update().get(pk=fair.pk)

    def write(self, plan, *, scope, record, user, options, progress) -> None:
        FairAttendance.objects.bulk_create([FairAttendance(fair=scope, trainee_id=pk) for pk in plan.new_attendance])
        FairIntention.objects.bulk_create(
            [FairIntention(fair=scope, trainee_id=t, vacancy_id=v) for t, v in plan.new_intentions]
        )

    def check_scope(self, user, fair) -> None:
        require_area(user, fair.area, action=RECORD_WORK)

    def upload_scope(self, user, pk):
        return vacancy_selectors.fair_get(user=user, pk=pk)

    def upload_context(self, user, scope) -> dict:
        return {"fair": scope}

    def after_cancel_url(self, record) -> str:
        return reverse("employment:fair_detail", args=[record.fair_id])

    def area_of(self, record):
        return record.fair.area

    def template_workbook(self):
        workbook, _letters = template_workbook(
            self,
            title="签到表",
            rows=500,
            instructions=INSTRUCTIONS,
            comments={"身份证号码": "必填：18 位身份证号码（文本格式）"},
            text_columns=("身份证号码",),
        )
        return workbook


SIGN_IN = FairSignInSpec()
