"""The roster import: a spec on the core import pipeline (core/imports).

Its columns and row check are in roster.py; here is what it does with the database: the plan (new people,
changed people, people registered through another area, enrolments), the write, and its audit entries."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.audit import AuditEntry, audit_people, audit_record
from brands.models import Area
from brands.selectors import id_number_area_codes
from core.imports.reading import repeated_rows
from core.imports.report import ImportReport, RowError
from core.imports.spec import columns_from
from core.imports.views import ImportUploadForm
from core.imports.workbooks import drop_down, template_workbook
from core.masking import mask_id_number
from core.spreadsheets import MAX_ROWS

from . import bulk, class_services, selectors, tallies
from .batch_imports import BatchImportSpec, person_change
from .models import Enrolment, PriorityCategory, RosterImport, Trainee, TrainingBatch
from .roster import EDUCATION_CHOICES, HEADER_SYNONYMS, TEMPLATE_HEADERS, RosterRow, RowRules, check_row

PREVIEW_CHANGES_LIMIT = 1000
EDUCATION_LABELS = {code: label for label, code in EDUCATION_CHOICES.items()}
FIELD_LABELS = {
    "name": "姓名",
    "phone": "联系电话",
    "education": "文化程度",
    "household_address": "户籍地址",
    "note": "备注",
    "categories": "人员类别",
}
COLUMN_WIDTHS = {
    "姓名": 12,
    "身份证号码": 24,
    "性别": 8,
    "联系电话": 16,
    "文化程度": 16,
    "人员类别": 28,
    "户籍地址": 36,
    "备注": 24,
}
TEMPLATE_ROWS = 2000
INSTRUCTIONS = [
    "填写说明",
    "1. 每行填写一名学员；表头（第 1 行）请勿修改。标题行可以保留在表头上方，系统会自动识别前 10 行中的表头。",
    "2. 姓名、身份证号码必填。身份证号码列已设为“文本”格式，请直接输入 18 位号码；从其他表格粘贴时请用“选择性粘贴 → 数值”，不要让 Excel 把号码变成数字（会丢失末几位）。",
    "3. 性别可不填，系统按身份证号码判断；填写时必须与身份证号码一致。",
    "4. 联系电话填写 11 位手机号码，或带区号的固定电话（如 0777-2812345）。",
    "5. 文化程度从下拉列表中选择：" + "、".join(EDUCATION_CHOICES) + "。",
    "6. 人员类别可填多个，用顿号“、”分隔：{categories}。不属于任何类别可不填。",
    "7. 学员年龄按开班日期计算，须在 16 至 75 岁之间。",
    "8. 上传后系统会先检查整份文件并显示预览，确认后才写入；有错误的行可下载“错误清单”修改后重新上传。",
]


@dataclass
class ImportPlan:
    """What committing a checked roster into a batch would do."""

    valid: list[RosterRow] = field(default_factory=list)
    duplicates: dict[int, int] = field(default_factory=dict)  # a duplicate row → the row it repeats
    new: list[RosterRow] = field(default_factory=list)
    updates: list[tuple[bulk.RegisteredTrainee, dict, RosterRow]] = field(default_factory=list)
    existing: dict[str, bulk.RegisteredTrainee] = field(default_factory=dict)
    existing_categories: dict[int, set[int]] = field(default_factory=dict)
    already_enrolled: set[int] = field(default_factory=set)  # trainee ids
    to_enrol: list[RosterRow] = field(default_factory=list)
    # Registered people who never trained in the batch's area: enrolled, but the registry is neither shown
    # nor changed; what the roster says about them stays with the enrolment.
    elsewhere: list[tuple[bulk.RegisteredTrainee, RosterRow]] = field(default_factory=list)


def _category_ids() -> dict[str, int]:
    """{code: pk} of the 人员类别: rows name categories by code, so a renamed category breaks nothing."""
    return dict(PriorityCategory.objects.values_list("code", "pk"))


NAME_MISMATCH = "身份证号码已登记，但姓名与登记信息不一致，请核对。"


def plan_import(rows: list[RosterRow], *, batch: TrainingBatch, name_header: str = "姓名") -> ImportPlan:
    """Sort checked rows into errors, duplicates, new people, changed people and enrolments.

    A person registered through another area (no batch of theirs in this batch's area) may be enrolled,
    since people train where they live now; but the roster learns nothing the registry holds about them
    and changes none of it: a name that differs from the registered one is a row error that repeats only
    the file's own name (an ID number alone must not open the registry)."""
    plan = ImportPlan()
    plan.existing = bulk.existing_trainees([row.identity.number for row in rows if not row.errors])
    existing_ids = [trainee.pk for trainee in plan.existing.values()]
    known = bulk.known_in_area(batch.area_id, existing_ids) if existing_ids else set()
    for row in rows:
        if row.errors:
            continue
        trainee = plan.existing.get(row.identity.number)
        if trainee is not None and trainee.pk not in known and row.name != trainee.name:
            row.errors.append(RowError(row=row.row, column=name_header, message=NAME_MISMATCH))

    plan.duplicates = repeated_rows(rows, key=lambda row: row.identity.number)
    plan.valid = [row for row in rows if not row.errors and row.row not in plan.duplicates]

    plan.existing_categories = bulk.category_links(list(known))
    if batch.pk:
        plan.already_enrolled = bulk.enrolled_in(batch.pk, list(known))
    category_ids = _category_ids()
    category_names = dict(PriorityCategory.objects.values_list("pk", "name"))
    for row in plan.valid:
        trainee = plan.existing.get(row.identity.number)
        if trainee is None:
            plan.new.append(row)
            plan.to_enrol.append(row)
            continue
        if trainee.pk not in known:
            plan.elsewhere.append((trainee, row))
            plan.to_enrol.append(row)
            continue
        diff = _changes(trainee, row, plan.existing_categories.get(trainee.pk, set()), category_ids, category_names)
        if diff:
            plan.updates.append((trainee, diff, row))
        if trainee.pk not in plan.already_enrolled:
            plan.to_enrol.append(row)
    return plan


def _changes(trainee: bulk.RegisteredTrainee, row: RosterRow, current: set[int], category_ids, category_names) -> dict:
    """What the roster would change on a registered person. A blank cell never erases what is known,
    and categories are only ever added (a person keeps a category another roster recorded)."""
    diff = {}
    for name in ("name", "phone", "household_address", "note"):
        new, old = getattr(row, name), getattr(trainee, name)
        if new and new != old:
            diff[name] = (old, new)
    if row.education and row.education != trainee.education:
        diff["education"] = (EDUCATION_LABELS.get(trainee.education, ""), EDUCATION_LABELS[row.education])
    if added := [category_ids[code] for code in row.categories if category_ids[code] not in current]:
        order = list(category_names)  # the categories' own order (sort_order)
        diff["categories"] = (
            "、".join(category_names[pk] for pk in sorted(current, key=order.index)),
            "增加 " + "、".join(category_names[pk] for pk in added),
        )
    return diff


def _write(
    plan: ImportPlan,
    *,
    batch: TrainingBatch,
    roster_import: RosterImport | None,
    mark_completed: bool,
    progress: Callable[[int, int], None] | None,
) -> None:
    """Write a plan; the caller holds the transaction, so a failure anywhere leaves nothing behind."""
    now = timezone.now()
    category_ids = _category_ids()
    area_ids = dict(Area.objects.values_list("code", "pk"))
    total = len(plan.new) + len(plan.updates) + len(plan.to_enrol)
    done = 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if progress:
            progress(done, total)

    created = bulk.insert_trainees(
        [
            bulk.NewTrainee(
                id_number=row.identity.number,
                name=row.name,
                sex=row.sex,
                birth_date=row.identity.birth_date,
                phone=row.phone,
                education=row.education,
                household_address=row.household_address,
                household_area_id=area_ids.get(row.identity.number[:6]),
                note=row.note,
            )
            for row in plan.new
        ],
        now=now,
        progress=advance,
    )

    changes = []
    for trainee, diff, row in plan.updates:
        values = {name: getattr(trainee, name) for name in bulk.UPDATABLE}
        values.update((name, getattr(row, name)) for name in diff if name in bulk.UPDATABLE)
        changes.append((trainee.pk, values))
    bulk.update_trainees(changes, now=now, progress=advance)

    def trainee_id(row: RosterRow) -> int:
        number = row.identity.number
        return created[number] if number in created else plan.existing[number].pk

    elsewhere = {trainee.pk for trainee, _row in plan.elsewhere}
    new_links, links = [], []
    for row in plan.valid:
        if row.categories:
            pk = trainee_id(row)
            if row.identity.number in created:
                new_links.extend((pk, category_ids[code]) for code in row.categories)
            elif pk not in elsewhere:
                current = plan.existing_categories.get(pk, set())
                links.extend((pk, category_ids[code]) for code in row.categories if category_ids[code] not in current)
    bulk.link_categories(new_links, new_people=True)
    bulk.link_categories(links)

    enrolled = [trainee_id(row) for row in plan.to_enrol]
    bulk.enrol(
        enrolled,
        batch_id=batch.pk,
        completed=mark_completed,
        roster_import_id=roster_import.pk if roster_import else None,
        now=now,
        progress=advance,
    )
    _keep_with_enrolments(plan.elsewhere, batch=batch)
    # Everyone enrolled takes part in brand training from the batch's start (the three-referral rule's
    # people, employment's standings); trainings change only when the roster marks people completed.
    recategorised = {pk for pk, _category in links}
    if enrolled or recategorised:
        tallies.training_changed(
            batch_ids=[batch.pk] if mark_completed else [], trainee_ids=recategorised.union(enrolled)
        )


def _unknown_area_codes(rows: list[RosterRow]) -> dict:
    """The rows whose ID number starts with the city's prefix but names none of its areas (450799): the check
    digit is right, so a typing slip is unlikely; the preview asks the clerk to check the card. A warning only:
    the rows are imported (numbers from elsewhere, and old codes such as 4528xx, are not judged)."""
    prefix, codes = id_number_area_codes()
    unknown = [
        row
        for row in rows
        if prefix and row.identity.number.startswith(prefix) and row.identity.number[:6] not in codes
    ]
    return {
        "unknown_area_code_count": len(unknown),
        "unknown_area_codes": [
            {"row": row.row, "name": row.name, "id_number": mask_id_number(row.identity.number)}
            for row in unknown[:PREVIEW_CHANGES_LIMIT]
        ],
        "city_area_codes": "、".join(f"{code} {name}" for code, name in codes.items()) if unknown else "",
    }


def _keep_with_enrolments(people: list[tuple[bulk.RegisteredTrainee, RosterRow]], *, batch: TrainingBatch) -> None:
    """What the roster said about people registered elsewhere goes on their enrolment in this batch."""
    details = {}
    for trainee, row in people:
        said = {name: getattr(row, name) for name in ("phone", "education", "household_address", "note")}
        said = {name: value for name, value in said.items() if value}
        if row.categories:
            said["categories"] = list(row.categories)
        if said:
            details[trainee.pk] = said
    if not details:
        return
    enrolments = [
        Enrolment(pk=pk, roster_details=details[trainee_id])
        for trainee_id, pk in Enrolment.objects.filter(batch=batch, trainee_id__in=list(details)).values_list(
            "trainee_id", "pk"
        )
    ]
    Enrolment.objects.bulk_update(enrolments, ["roster_details"], batch_size=500)


def _audit_elsewhere(
    plan: ImportPlan, *, batch: TrainingBatch, user, roster_import: RosterImport | None, stage: str
) -> None:
    """Every match of a person registered through another area is an audit entry naming the person
    (an ID number list is how one would probe the registry), and the upload gets one summary entry,
    flagged for the audit view from `ROSTER_ELSEWHERE_ALERT` matches up."""
    if not plan.elsewhere:
        return
    source = f"班期 #{batch.pk} 花名册{stage}" if batch.pk else f"新班期花名册{stage}（试运行）"
    if roster_import is not None:
        source += f"（导入 #{roster_import.pk}）"
    audit_people(
        user=user,
        action=AuditEntry.Action.MATCH,
        people=[(trainee.pk, trainee.name, trainee.id_number) for trainee, _row in plan.elsewhere],
        area=batch.area,
        detail=f"{source}：身份证号码匹配到在其他县区登记的人员"
        + ("，已登记参加本班期（登记信息未显示、未修改）" if stage == "导入" else "（登记信息未显示）"),
    )
    count = len(plan.elsewhere)
    audit_record(
        user=user,
        action=AuditEntry.Action.MATCH,
        subject=source,
        area=batch.area,
        detail=f"本次匹配到 {count} 名在其他县区登记的人员",
        flagged=count >= settings.ROSTER_ELSEWHERE_ALERT,
    )


class RosterUploadForm(ImportUploadForm):
    mark_completed = forms.BooleanField(
        label="导入的学员同时标记为“已结业”", required=False, help_text="仅用于已结束课程的历史花名册。"
    )


class RosterImportSpec(BatchImportSpec, pages="import"):
    """A batch's roster: people into the registry, enrolments into the batch."""

    model = RosterImport
    upload_form_class = RosterUploadForm
    file_label, file_headers = "花名册文件", "“姓名”“身份证号码”"
    noun = "花名册"
    title = "花名册导入"
    columns = columns_from(HEADER_SYNONYMS, COLUMN_WIDTHS)
    required = (("id_number",), ("name",))
    max_rows = MAX_ROWS
    template_name = "学员花名册模板.xlsx"
    template_headers = tuple(TEMPLATE_HEADERS)
    url_prefix = "import_"
    template_url_name = "roster_template"

    def rules(self, batch: TrainingBatch) -> RowRules:
        """The row rules of a roster for `batch`, with the registry's current 人员类别."""
        return RowRules.for_batch(batch.start_date, categories=PriorityCategory.objects.values_list("code", "name"))

    check_row = staticmethod(check_row)

    def duplicate_message(self, first_row: int) -> str:
        return f"与第 {first_row} 行是同一人（身份证号码相同），本行不重复导入。"

    def plan(self, sheet, *, scope, user, options) -> ImportPlan:
        return plan_import(sheet.rows, batch=scope, name_header=sheet.header_of("name") or "姓名")

    def counts(self, plan: ImportPlan) -> dict:
        return {"created": len(plan.new), "updated": len(plan.updates)}

    def sections(self, plan: ImportPlan) -> dict:
        changes = [
            person_change(row.row, trainee, [(FIELD_LABELS[k], old, new) for k, (old, new) in diff.items()])
            for trainee, diff, row in plan.updates[:PREVIEW_CHANGES_LIMIT]
        ]
        return {
            "enrolled": len(plan.to_enrol),
            "existing": len(plan.existing),
            "already_enrolled": len(plan.already_enrolled),
            "changes": changes,
            # The people the roster adds to the registry, as the file gives them (the number masked).
            "new_people": [
                {
                    "row": row.row,
                    "name": row.name,
                    "id_number": mask_id_number(row.identity.number),
                    "sex": str(Trainee.Sex(row.sex or row.identity.sex).label),
                }
                for row in plan.new[:PREVIEW_CHANGES_LIMIT]
            ],
            "new_people_hidden": max(0, len(plan.new) - PREVIEW_CHANGES_LIMIT),
            # Only what the file itself says (row, name, masked number): nothing the registry holds.
            "registered_elsewhere": len(plan.elsewhere),
            **_unknown_area_codes(plan.valid),
            "elsewhere": [
                {"row": row.row, "name": row.name, "id_number": mask_id_number(row.identity.number)}
                for _trainee, row in plan.elsewhere[:PREVIEW_CHANGES_LIMIT]
            ],
        }

    def may_write(self, batch) -> bool:
        return bool(batch.pk)  # a dry run of the command line checks against a batch not yet created

    def write(self, plan, *, scope, record, user, options, progress) -> None:
        class_services.require_approved(scope, action="导入花名册")
        if options.get("mark_completed") and class_services.minimum_rate_for(scope.end_date.year):
            # Completion then needs attendance, which a roster does not carry.
            raise ValidationError(
                "该年度已设置结业最低出勤率：导入花名册时不能直接标记结业，请先登记考勤，再登记结业。"
            )
        _write(
            plan,
            batch=scope,
            roster_import=record,
            mark_completed=options.get("mark_completed", False),
            progress=progress,
        )

    def record_counts(self, report: ImportReport) -> dict:
        return {"enrolled_count": report.extra.get("enrolled", 0) if report.committed else 0}

    def options_of(self, record) -> dict:
        return {"mark_completed": record.mark_completed}

    def audit(self, stage: str, *, plan, scope, record, user, committed: bool) -> None:
        if committed and plan.updates:
            # The registered people's records (name, phone, address, education, categories) changed.
            self.audit_changes(
                batch=scope,
                record=record,
                user=record and (record.committed_by or record.uploaded_by),
                detail=f"花名册导入更新了 {len(plan.updates)} 名已登记学员的个人信息",
            )
        _audit_elsewhere(plan, batch=scope, user=user, roster_import=record, stage=stage)

    def template_workbook(self):
        """The roster template: ID and phone columns formatted as text, drop-down lists for 性别, 文化程度,
        人员类别 (the registry's current names, so a category the city renamed is offered by its new name)."""
        categories = selectors.category_names()
        workbook, letters = template_workbook(
            self,
            title="花名册",
            rows=TEMPLATE_ROWS,
            instructions=[text.replace("{categories}", "、".join(categories)) for text in INSTRUCTIONS],
            comments={"姓名": "必填：2 至 20 个字", "身份证号码": "必填：18 位身份证号码（文本格式）"},
            text_columns=("身份证号码", "联系电话"),
        )
        sheet = workbook.active
        last = TEMPLATE_ROWS + 1
        drop_down(sheet, "性别", letters["性别"], ["男", "女"], first=2, last=last)
        drop_down(sheet, "文化程度", letters["文化程度"], list(EDUCATION_CHOICES), first=2, last=last)
        # Several categories may be typed separated by 、, so a typed value outside the list is allowed.
        drop_down(
            sheet,
            "人员类别",
            letters["人员类别"],
            categories,
            first=2,
            last=last,
            strict=False,
            prompt="可从下拉列表选择；多个类别请用顿号“、”分隔后直接输入",
        )
        return workbook


ROSTER = RosterImportSpec()
