"""The roster's columns and row check (no database access).

The workbook is opened and checked by core/spreadsheets.py; the import pipeline (core/imports) finds the
header and hands each row to `check_row`; roster_import.py compares the rows with the registry and writes them."""

import datetime
import functools
import re
from dataclasses import dataclass, field

from django.conf import settings

from core.identity import IdNumber, IdNumberError, parse_id_number
from core.imports.cells import WHITESPACE, cell_text
from core.imports.report import RowError

from .validators import name_problem, normalise_phone, phone_problem

# Field → the headers a roster may use for it (after normalisation).
HEADER_SYNONYMS = {
    "name": ("姓名", "学员姓名"),
    "id_number": ("身份证号码", "身份证号", "公民身份号码", "证件号码"),
    "phone": ("联系电话", "手机号码", "电话"),
    "sex": ("性别",),
    "education": ("文化程度",),
    "categories": ("人员类别",),
    "household_address": ("户籍地址",),
    "note": ("备注",),
}
TEMPLATE_HEADERS = ["姓名", "身份证号码", "性别", "联系电话", "文化程度", "人员类别", "户籍地址", "备注"]

EDUCATION_CHOICES = {
    "小学及以下": "primary",
    "初中": "junior",
    "高中/中专/技校": "senior",
    "大专": "college",
    "本科": "bachelor",
    "研究生及以上": "postgraduate",
}
EDUCATION_SYNONYMS = {
    **EDUCATION_CHOICES,
    **dict.fromkeys(("小学", "文盲", "半文盲", "无"), "primary"),
    **dict.fromkeys(("高中", "中专", "中职", "技校", "职高", "高中及中专"), "senior"),
    **dict.fromkeys(("大学专科", "专科", "高职"), "college"),
    **dict.fromkeys(("大学本科", "本科及以上"), "bachelor"),
    **dict.fromkeys(("研究生", "硕士", "博士"), "postgraduate"),
}
# 人员类别 as seeded (training/migrations/0002): code → the name the plan uses. Rows are keyed by code, so a
# category the city renames keeps working; the names below (and the synonyms) stay accepted after a rename,
# beside the current names the services pass in `RowRules.categories`.
CATEGORIES = {
    "poverty-alleviated": "脱贫人口",
    "rural-low-income": "农村低收入人口",
    "relapse-monitoring": "防止返贫监测对象",
    "relocated": "易地搬迁安置人员",
    "migrant-worker": "农民工",
    "graduate": "高校毕业生",
    "employment-difficulty": "就业困难人员",
}
CATEGORY_NAMES = list(CATEGORIES.values())
CATEGORY_SYNONYMS = {name: code for code, name in CATEGORIES.items()} | {
    **dict.fromkeys(("脱贫户", "脱贫劳动力"), "poverty-alleviated"),
    "监测对象": "relapse-monitoring",
    **dict.fromkeys(("易地扶贫搬迁人员", "搬迁安置人员"), "relocated"),
    "应届高校毕业生": "graduate",
}
CATEGORY_SEPARATORS = re.compile(r"[、,，/／;；]")
SEX_VALUES = {"男": "M", "女": "F", "男性": "M", "女性": "F"}


@dataclass(slots=True)
class RosterRow:
    """One non-blank data row, checked; `errors` empty means it may be imported. (Slots: a roster holds
    up to 100,000 of them.)"""

    row: int
    name: str = ""
    identity: IdNumber | None = None
    sex: str = ""
    phone: str = ""
    education: str = ""
    categories: tuple[str, ...] = ()  # codes
    household_address: str = ""
    note: str = ""
    errors: list[RowError] = field(default_factory=list)
    raw: tuple | None = None


@dataclass(frozen=True)
class RowRules:
    start_date: datetime.date
    min_age: int
    max_age: int
    # "A birth date in the future" is judged against today's date, read once per roster, not per row.
    today: datetime.date = field(default_factory=datetime.date.today)
    # (code, current name) of every 人员类别 in the registry; the services read them from the database.
    categories: tuple[tuple[str, str], ...] = tuple(CATEGORIES.items())

    @classmethod
    def for_batch(cls, start_date: datetime.date, *, categories=None) -> "RowRules":
        return cls(
            start_date=start_date,
            min_age=settings.TRAINEE_MIN_AGE,
            max_age=settings.TRAINEE_MAX_AGE,
            **({"categories": tuple(categories)} if categories is not None else {}),
        )

    @functools.cached_property
    def category_lookup(self) -> dict[str, str]:
        """Text a 人员类别 cell may hold → category code: the current names, and the seeded names and their
        synonyms for the codes that still exist (a renamed category keeps its old name's rosters working)."""
        codes = {code for code, _name in self.categories}
        lookup = {text: code for text, code in CATEGORY_SYNONYMS.items() if code in codes}
        lookup.update((name, code) for code, name in self.categories)
        return lookup

    @functools.cached_property
    def _category_cells(self) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
        return {}

    def parse_categories(self, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(codes, unknown parts) of a 人员类别 cell; a roster repeats a few combinations, hence the cache."""
        parsed = self._category_cells.get(text)
        if parsed is None:
            codes, unknown = [], []
            for part in CATEGORY_SEPARATORS.split(text):
                part = part.strip()
                if not part:
                    continue
                code = self.category_lookup.get(part)
                if code is None:
                    unknown.append(part)
                elif code not in codes:
                    codes.append(code)
            parsed = self._category_cells[text] = (tuple(codes), tuple(unknown))
        return parsed


def check_row(cells: dict, *, excel_row: int, header: dict, rules: RowRules) -> RosterRow:
    """Check one data row given as {field: cell}; every problem becomes a RowError with its Excel row."""
    row = RosterRow(row=excel_row)
    get = cells.get

    def error(name: str, message: str) -> None:
        row.errors.append(RowError(row=excel_row, column=header.get(name, name), message=message))

    name = WHITESPACE.sub("", cell_text(get("name")))
    if problem := name_problem(name):
        error("name", problem)
    row.name = name

    try:
        identity = parse_id_number(get("id_number"), today=rules.today)
    except IdNumberError as problem:
        error("id_number", str(problem))
        identity = None
    if identity is not None:
        age = identity.age_on(rules.start_date)
        if not rules.min_age <= age <= rules.max_age:
            error(
                "id_number",
                f"按开班日期 {rules.start_date:%Y-%m-%d} 计算年龄为 {age} 岁，"
                f"不在 {rules.min_age} 至 {rules.max_age} 岁之间。",
            )
        row.identity = identity

    if sex_text := cell_text(get("sex")):
        sex = SEX_VALUES.get(sex_text)
        if sex is None:
            error("sex", f"性别“{sex_text}”无法识别，只能填“男”或“女”。")
        elif identity is not None and sex != identity.sex:
            actual = "男" if identity.sex == "M" else "女"
            error("sex", f"性别填写为“{sex_text}”，但身份证号码显示为{actual}性，请核对。")
        row.sex = sex or ""
    if identity is not None:
        row.sex = identity.sex

    if phone_text := cell_text(get("phone")):
        phone = normalise_phone(phone_text)
        if phone is None:
            error("phone", phone_problem(phone_text))
        row.phone = phone or ""

    if education_text := cell_text(get("education")):
        education = EDUCATION_SYNONYMS.get(education_text) or EDUCATION_SYNONYMS.get(WHITESPACE.sub("", education_text))
        if education is None:
            error("education", f"文化程度“{education_text}”无法识别，请填：{'、'.join(EDUCATION_CHOICES)}。")
        row.education = education or ""

    if categories_text := cell_text(get("categories")):
        codes, unknown = rules.parse_categories(categories_text)
        if unknown:
            known = "、".join(name for _code, name in rules.categories)
            error("categories", f"人员类别“{'、'.join(unknown)}”无法识别，可填：{known}（多个用顿号“、”分隔）。")
        row.categories = codes

    for name, label in (("household_address", "户籍地址"), ("note", "备注")):
        text = cell_text(get(name))
        if len(text) > 200:
            error(name, f"{label}过长（{len(text)} 个字），最多 200 个字。")
        setattr(row, name, text[:200])
    return row
