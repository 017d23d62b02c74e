"""Every write of the training app: batches, results and certificates, and roster imports."""

import datetime
import logging
import operator
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import reduce

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.audit import AuditEntry, audit_people, audit_record, may_reveal_id_numbers
from accounts.scoping import require_area, scope_for, trainees_visible
from brands.models import Area, Occupation, Organisation
from core.masking import mask_id_number

from . import bulk, tallies
from .models import Enrolment, PriorityCategory, RosterImport, Trainee, TrainingBatch
from .roster import (
    EDUCATION_CHOICES,
    Roster,
    RosterFileError,
    RosterRow,
    RowError,
    RowRules,
    estimate_rows,
    read_roster,
    repeated_rows,
)
from .selectors import batch_find

logger = logging.getLogger(__name__)

CHUNK = 2000
PREVIEW_CHANGES_LIMIT = 1000
REPORT_ERRORS_LIMIT = 20000
EDUCATION_LABELS = {code: label for label, code in EDUCATION_CHOICES.items()}
FIELD_LABELS = {
    "name": "姓名",
    "phone": "联系电话",
    "education": "文化程度",
    "household_address": "户籍地址",
    "note": "备注",
    "categories": "人员类别",
}


# --- batches -------------------------------------------------------------------------------------


BATCH_WORK = "开设和管理培训班期"


def _check_area(user, area: Area) -> None:
    """Only the roster-import call sites still use this (the pipeline part moves them to require_area)."""
    require_area(user, area, action=BATCH_WORK)


@transaction.atomic
def batch_create(
    *,
    user,
    area: Area,
    occupation: Occupation,
    start_date: datetime.date,
    end_date: datetime.date,
    provider: Organisation | None = None,
    mode: str = TrainingBatch.Mode.REGULAR,
    name: str = "",
    capacity: int | None = None,
    status: str = TrainingBatch.Status.PLANNED,
) -> TrainingBatch:
    require_area(user, area, action=BATCH_WORK)
    batch = TrainingBatch(
        area=area,
        occupation=occupation,
        provider=provider,
        start_date=start_date,
        end_date=end_date,
        mode=mode,
        name=name,
        capacity=capacity,
        status=status,
        created_by=user,
    )
    batch.full_clean()
    batch.save()
    return batch


@transaction.atomic
def batch_get_or_create(
    *,
    area: Area,
    occupation: Occupation,
    start_date: datetime.date,
    end_date: datetime.date,
    provider: Organisation | None = None,
    user=None,
) -> tuple[TrainingBatch, bool]:
    """The batch identified by (area, occupation, provider, start, end), created when missing."""
    require_area(user, area, action=BATCH_WORK)
    existing = batch_find(area=area, occupation=occupation, provider=provider, start_date=start_date, end_date=end_date)
    if existing is not None:
        return existing, False
    today = timezone.localdate()
    status = (
        TrainingBatch.Status.COMPLETED
        if end_date < today
        else TrainingBatch.Status.RUNNING
        if start_date <= today
        else TrainingBatch.Status.PLANNED
    )
    batch = batch_create(
        user=user,
        area=area,
        occupation=occupation,
        provider=provider,
        start_date=start_date,
        end_date=end_date,
        status=status,
    )
    return batch, True


BATCH_EDITABLE_FIELDS = ("occupation", "provider", "name", "start_date", "end_date", "mode", "status", "capacity")


@transaction.atomic
def batch_update(*, batch: TrainingBatch, user, **changes) -> TrainingBatch:
    require_area(user, batch.area, action=BATCH_WORK)
    unknown = set(changes) - set(BATCH_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"batch_update cannot change {sorted(unknown)}")
    reopening = batch.status == TrainingBatch.Status.COMPLETED and changes.get("status", batch.status) != batch.status
    if reopening and batch.enrolments.filter(completed=True).exists():
        raise ValidationError("已有学员结业的班期不能改回未结业状态。")
    moves_counts = any(
        name in changes and changes[name] != getattr(batch, name) for name in ("occupation", "start_date", "end_date")
    )
    counted_before = tallies.batch_keys([batch.pk]) if moves_counts else set()
    for name, value in changes.items():
        setattr(batch, name, value)
    try:
        batch.full_clean()
    except ValidationError:
        batch.refresh_from_db()  # the caller keeps the batch as it is stored, not the refused values
        raise
    batch.save(update_fields=list(changes) or None)
    if moves_counts:
        tallies.training_changed(batch_ids=[batch.pk], old_keys=counted_before)
    return batch


@dataclass(frozen=True)
class ResultEntry:
    enrolment_id: int
    completed: bool
    assessment: str = ""
    certificate: str = ""
    certificate_number: str = ""
    certificate_date: datetime.date | None = None


@transaction.atomic
def enrolments_record_results(*, batch: TrainingBatch, user, entries: Iterable[ResultEntry]) -> int:
    """Completion, assessment and certificates for many trainees of one batch at once; returns how many changed."""
    require_area(user, batch.area, action=BATCH_WORK)
    entries = list(entries)
    enrolments = {
        e.pk: e
        for e in batch.enrolments.select_related("trainee")
        .select_for_update(of=("self",))
        .filter(pk__in=[x.enrolment_id for x in entries])
    }
    was_completed = {pk: enrolment.completed for pk, enrolment in enrolments.items()}
    changed = []
    problems = []
    seen = set()
    certificates: dict[tuple[str, str], str] = {}  # (type, number) → the trainee it is entered for here
    for entry in entries:
        enrolment = enrolments.get(entry.enrolment_id)
        if enrolment is None:
            raise ValidationError("参训记录不属于本班期。")
        if entry.enrolment_id in seen:
            problems.append(f"{enrolment.trainee.name}：同一参训记录提交了两次，请只保留一次。")
            continue
        seen.add(entry.enrolment_id)
        if entry.certificate and not entry.completed:
            problems.append(f"{enrolment.trainee.name}：未结业的学员不能登记证书。")
            continue
        if entry.certificate and not (entry.certificate_number or "").strip():
            problems.append(f"{enrolment.trainee.name}：登记证书时请填写证书编号。")
            continue
        if entry.certificate_date and entry.certificate_date < batch.start_date:
            problems.append(f"{enrolment.trainee.name}：发证日期不能早于开班日期。")
            continue
        if (
            entry.certificate == Enrolment.Certificate.ENTREPRENEURSHIP
            and batch.mode != TrainingBatch.Mode.ENTREPRENEURSHIP
        ):
            problems.append(f"{enrolment.trainee.name}：创业培训合格证书只能登记在培训方式为“创业培训”的班期。")
            continue
        number = normalise_certificate_number(entry.certificate_number) if entry.certificate else ""
        if entry.certificate:
            first = certificates.setdefault((entry.certificate, number), enrolment.trainee.name)
            if first != enrolment.trainee.name:
                problems.append(
                    f"{enrolment.trainee.name}：证书编号“{number}”与{first}的相同，同一类证书的编号不能重复。"
                )
                continue
        values = {
            "completed": entry.completed,
            "assessment": entry.assessment,
            "certificate": entry.certificate,
            "certificate_number": number,
            "certificate_date": entry.certificate_date if entry.certificate else None,
        }
        if any(getattr(enrolment, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(enrolment, name, value)
            changed.append(enrolment)
    problems += _certificates_taken(certificates, enrolments, entries)
    if problems:
        raise ValidationError(problems)
    try:
        with transaction.atomic():
            Enrolment.objects.bulk_update(
                changed, ["completed", "assessment", "certificate", "certificate_number", "certificate_date"]
            )
    except IntegrityError:
        # Two clerks entering the same number at the same moment: the constraint decides, the message is the same.
        raise ValidationError(
            "证书编号与刚登记的另一张证书重复，同一类证书的编号不能重复，请核对后重新保存。"
        ) from None
    newly_counted = [e.trainee_id for e in changed if e.completed != was_completed[e.pk]]
    if newly_counted:
        tallies.training_changed(batch_ids=[batch.pk], trainee_ids=newly_counted)
    return len(changed)


@transaction.atomic
def batch_complete_all(*, batch: TrainingBatch, user, expected: int) -> int:
    """Mark every enrolment of the batch not yet completed as completed (the whole batch, not a page);
    `expected` is the number the clerk confirmed: if the roster changed since, nothing is done."""
    require_area(user, batch.area, action=BATCH_WORK)
    TrainingBatch.objects.select_for_update().filter(pk=batch.pk).first()
    pending = list(batch.enrolments.filter(completed=False).values_list("trainee_id", flat=True))
    if len(pending) != expected:
        raise ValidationError(
            f"班期的花名册刚有变动：现有 {len(pending)} 名学员尚未结业（确认时为 {expected} 名），请重新确认。"
        )
    if not pending:
        return 0
    batch.enrolments.filter(completed=False).update(completed=True)
    tallies.training_changed(batch_ids=[batch.pk], trainee_ids=pending)
    return len(pending)


@transaction.atomic
def batch_finish(*, batch: TrainingBatch, user) -> TrainingBatch:
    """Set the batch to 已结业 once every enrolment has its result (completed, or an assessment recorded)."""
    require_area(user, batch.area, action=BATCH_WORK)
    if batch.status == TrainingBatch.Status.COMPLETED:
        raise ValidationError("本班期已经是“已结业”状态。")
    if not batch.enrolments.exists():
        raise ValidationError("本班期还没有学员，不能设为已结业。")
    without_result = batch.enrolments.filter(completed=False, assessment="").count()
    if without_result:
        raise ValidationError(f"还有 {without_result} 名学员没有登记结业或考核结果，登记完后才能将班期设为已结业。")
    return batch_update(batch=batch, user=user, status=TrainingBatch.Status.COMPLETED)


def normalise_certificate_number(text: str) -> str:
    """A certificate number as typed or pasted: full-width characters folded, spaces dropped, letters upper-case."""
    return "".join(unicodedata.normalize("NFKC", text or "").split()).upper()


def _certificates_taken(
    certificates: dict[tuple[str, str], str], enrolments: dict[int, Enrolment], entries: list[ResultEntry]
) -> list[str]:
    """The numbers entered here that another enrolment (of any batch or area) already holds for the same
    certificate type. The holder is not named: they may have trained in another area."""
    if not certificates:
        return []
    here = [entry.enrolment_id for entry in entries if entry.enrolment_id in enrolments]
    taken = set(
        Enrolment.objects.filter(
            reduce(operator.or_, (Q(certificate=kind, certificate_number=number) for kind, number in certificates))
        )
        .exclude(pk__in=here)
        .values_list("certificate", "certificate_number")
    )
    labels = dict(Enrolment.Certificate.choices)
    return [
        f"{name}：{labels[kind]}编号“{number}”已登记给另一名学员，同一类证书的编号不能重复，请核对。"
        for (kind, number), name in certificates.items()
        if (kind, number) in taken
    ]


# --- roster import -------------------------------------------------------------------------------


@dataclass
class ImportPlan:
    """What committing a checked roster into a batch would do."""

    rows: list[RosterRow]
    valid: list[RosterRow] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    error_row_numbers: set[int] = field(default_factory=set)
    duplicate_rows: list[int] = field(default_factory=list)
    duplicate_of: dict[int, int] = field(default_factory=dict)  # a duplicate row → the row it repeats
    new: list[RosterRow] = field(default_factory=list)
    updates: list[tuple[bulk.RegisteredTrainee, dict, RosterRow]] = field(default_factory=list)
    existing: dict[str, bulk.RegisteredTrainee] = field(default_factory=dict)
    existing_categories: dict[int, set[int]] = field(default_factory=dict)
    already_enrolled: set[int] = field(default_factory=set)  # trainee ids
    to_enrol: list[RosterRow] = field(default_factory=list)
    # Registered people who never trained in the batch's area: enrolled, but the registry is neither shown
    # nor changed; what the roster says about them stays with the enrolment.
    elsewhere: list[tuple[bulk.RegisteredTrainee, RosterRow]] = field(default_factory=list)

    def report(self, *, ignored_columns: list[str], header_row: int, committed: bool) -> dict:
        changes = []
        for trainee, diff, row in self.updates[:PREVIEW_CHANGES_LIMIT]:
            changes.append(
                {
                    "row": row.row,
                    "name": trainee.name,
                    "id_number": mask_id_number(trainee.id_number),
                    "fields": [{"field": FIELD_LABELS[k], "old": old, "new": new} for k, (old, new) in diff.items()],
                }
            )
        return {
            "rows": len(self.rows),
            "valid": len(self.valid),
            "created": len(self.new),
            "updated": len(self.updates),
            "enrolled": len(self.to_enrol),
            "duplicate_rows": self.duplicate_rows,
            "errors": self.errors[:REPORT_ERRORS_LIMIT],
            "ignored_columns": ignored_columns,
            "committed": committed,
            # Preview details beyond the command-line contract:
            "header_row": header_row,
            "error_rows": len(self.error_row_numbers),
            "error_count": len(self.errors),
            "existing": len(self.existing),
            "already_enrolled": len(self.already_enrolled),
            "changes": changes,
            "duplicates": [
                {"row": row, "first_row": self.duplicate_of[row]} for row in self.duplicate_rows[:REPORT_ERRORS_LIMIT]
            ],
            # Only what the file itself says (row, name, masked number): nothing the registry holds.
            "registered_elsewhere": len(self.elsewhere),
            "elsewhere": [
                {"row": row.row, "name": row.name, "id_number": mask_id_number(row.identity.number)}
                for _trainee, row in self.elsewhere[:PREVIEW_CHANGES_LIMIT]
            ],
        }


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _category_ids() -> dict[str, int]:
    """{code: pk} of the 人员类别: rows name categories by code, so a renamed category breaks nothing."""
    return dict(PriorityCategory.objects.values_list("code", "pk"))


def roster_rules(start_date: datetime.date) -> RowRules:
    """The row rules of a roster for a batch starting on `start_date`, with the registry's current 人员类别."""
    return RowRules.for_batch(start_date, categories=PriorityCategory.objects.values_list("code", "name"))


NAME_MISMATCH = "身份证号码已登记，但姓名与登记信息不一致，请核对。"


def plan_import(rows: list[RosterRow], *, batch: TrainingBatch, name_header: str = "姓名") -> ImportPlan:
    """Sort checked rows into errors, duplicates, new people, changed people and enrolments.

    A person registered through another area (no batch of theirs in this batch's area) may be enrolled,
    since people train where they live now; but the roster learns nothing the registry holds about them
    and changes none of it: a name that differs from the registered one is a row error that repeats only
    the file's own name (an ID number alone must not open the registry)."""
    plan = ImportPlan(rows=rows)
    plan.existing = bulk.existing_trainees([row.identity.number for row in rows if not row.errors])
    existing_ids = [trainee.pk for trainee in plan.existing.values()]
    known = bulk.known_in_area(batch.area_id, existing_ids) if existing_ids else set()
    for row in rows:
        if row.errors:
            continue
        trainee = plan.existing.get(row.identity.number)
        if trainee is not None and trainee.pk not in known and row.name != trainee.name:
            row.errors.append(RowError(row=row.row, column=name_header, message=NAME_MISMATCH))

    plan.duplicate_of = repeated_rows(rows)
    for row in rows:
        if row.errors:
            plan.errors.extend(error.as_dict() for error in row.errors)
            plan.error_row_numbers.add(row.row)
        elif row.row in plan.duplicate_of:
            plan.duplicate_rows.append(row.row)
        else:
            plan.valid.append(row)

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
        new = getattr(row, name)
        old = getattr(trainee, name)
        if new and new != old:
            diff[name] = (old, new)
    if row.education and row.education != trainee.education:
        diff["education"] = (EDUCATION_LABELS.get(trainee.education, ""), EDUCATION_LABELS[row.education])
    added = [category_ids[code] for code in row.categories if category_ids[code] not in current]
    if added:
        order = list(category_names)  # the categories' own order (sort_order)
        diff["categories"] = (
            "、".join(category_names[pk] for pk in sorted(current, key=order.index)),
            "增加 " + "、".join(category_names[pk] for pk in added),
        )
    return diff


def _area_ids_by_code() -> dict[str, int]:
    return dict(Area.objects.values_list("code", "pk"))


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
    area_ids = _area_ids_by_code()
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


def _progress_key(roster_import_id: int) -> str:
    return f"roster-import:{roster_import_id}:progress"


def import_progress(roster_import: RosterImport) -> dict:
    """Progress of a running import, kept in the cache so another process can read it mid-transaction."""
    state = cache.get(_progress_key(roster_import.pk)) or {}
    return {
        "status": roster_import.status,
        "status_label": roster_import.get_status_display(),
        "phase": state.get("phase", ""),
        "done": state.get("done", 0),
        "total": state.get("total", 0),
        "percent": int(100 * state["done"] / state["total"]) if state.get("total") else 0,
    }


def _progress_writer(roster_import_id: int, phase: str):
    def write(done: int, total: int) -> None:
        cache.set(_progress_key(roster_import_id), {"phase": phase, "done": done, "total": total}, 3600)

    return write


def roster_check_file(*, content: bytes, file_name: str = "") -> int:
    """Refuse an unusable file (RosterFileError with a Chinese message); return the data row estimate."""
    return estimate_rows(content, file_name=file_name)


@transaction.atomic
def roster_upload(
    *, batch: TrainingBatch, user, file_name: str, content: bytes, mark_completed: bool = False
) -> RosterImport:
    """Keep an uploaded roster and check it: here when small, on a Celery worker (after this transaction
    commits, so the worker sees the record) when large.

    An unusable file raises RosterFileError and nothing is stored."""
    _check_area(user, batch.area)
    estimate = roster_check_file(content=content, file_name=file_name)
    roster_import = RosterImport.objects.create(
        batch=batch,
        uploaded_by=user,
        committed_by=user,
        file_name=file_name[:200],
        file_size=len(content),
        content=content,
        mark_completed=mark_completed,
        status=RosterImport.Status.ANALYSING,
        report={"estimate": estimate},
    )
    if estimate > settings.ROSTER_INLINE_MAX_ROWS:
        from .tasks import roster_import_analyse

        transaction.on_commit(lambda: roster_import_analyse.delay(roster_import.pk))
    else:
        roster_analyse(roster_import_id=roster_import.pk)
        roster_import.refresh_from_db()
    return roster_import


def _load_for_work(roster_import_id: int, expected: set[str]) -> RosterImport | None:
    roster_import = RosterImport.objects.select_related("batch").filter(pk=roster_import_id).first()
    if roster_import is None or roster_import.status not in expected:
        return None  # already done, cancelled or deleted: a redelivered task does nothing
    return roster_import


def _finish(roster_import: RosterImport, *, status: str, report: dict | None = None, message: str = "") -> None:
    fields = ["status", "message", "finished_at"]
    roster_import.status = status
    roster_import.message = message[:500]
    roster_import.finished_at = timezone.now() if status != RosterImport.Status.PREVIEW else None
    if report is not None:
        roster_import.report = report
        roster_import.rows = report["rows"]
        roster_import.valid_rows = report["valid"]
        roster_import.error_rows = report["error_rows"]
        roster_import.duplicate_rows = len(report["duplicate_rows"])
        roster_import.created_count = report["created"] if report["committed"] else 0
        roster_import.updated_count = report["updated"] if report["committed"] else 0
        roster_import.enrolled_count = report["enrolled"] if report["committed"] else 0
        fields += [
            "report",
            "rows",
            "valid_rows",
            "error_rows",
            "duplicate_rows",
            "created_count",
            "updated_count",
            "enrolled_count",
        ]
    roster_import.save(update_fields=fields)


def roster_analyse(*, roster_import_id: int) -> RosterImport | None:
    """Check the whole file against the registry and keep the preview."""
    roster_import = _load_for_work(roster_import_id, {RosterImport.Status.ANALYSING})
    if roster_import is None:
        return None
    progress = _progress_writer(roster_import.pk, "正在检查")
    batch = roster_import.batch
    try:
        roster = read_roster(
            bytes(roster_import.content),
            rules=roster_rules(batch.start_date),
            progress=lambda n: progress(n, max(n, roster_import.report.get("estimate", n))),
        )
    except RosterFileError as problem:
        _finish(roster_import, status=RosterImport.Status.FAILED, message=str(problem))
        return roster_import
    with transaction.atomic():
        plan = plan_import(roster.rows, batch=batch, name_header=roster.header_of("name"))
        report = plan.report(ignored_columns=roster.ignored_columns, header_row=roster.header_row, committed=False)
        _audit_elsewhere(plan, batch=batch, user=roster_import.uploaded_by, roster_import=roster_import, stage="检查")
        _finish(roster_import, status=RosterImport.Status.PREVIEW, report=report)
    return roster_import


@transaction.atomic
def roster_request_commit(*, roster_import: RosterImport, user, skip_invalid: bool) -> RosterImport:
    """The clerk confirmed the preview: commit all rows (only when there are no errors) or the valid ones."""
    locked = RosterImport.objects.select_for_update().select_related("batch").get(pk=roster_import.pk)
    _check_area(user, locked.batch.area)
    if locked.status != RosterImport.Status.PREVIEW:
        raise ValidationError(f"该导入当前状态为“{locked.get_status_display()}”，不能再提交。")
    if locked.error_rows and not skip_invalid:
        raise ValidationError("花名册有错误行，不能全部导入：请修改后重新上传，或选择“仅导入有效行”。")
    if not locked.valid_rows:
        raise ValidationError("花名册没有可导入的有效行。")
    locked.status = RosterImport.Status.COMMITTING
    locked.skip_invalid = skip_invalid
    locked.committed_by = user
    locked.save(update_fields=["status", "skip_invalid", "committed_by"])
    if locked.rows > settings.ROSTER_INLINE_MAX_ROWS:
        from .tasks import roster_import_commit

        transaction.on_commit(lambda: roster_import_commit.delay(locked.pk))
    else:
        roster_commit(roster_import_id=locked.pk)
        locked.refresh_from_db()
    return locked


def roster_commit(*, roster_import_id: int) -> RosterImport | None:
    """Re-check the kept file against the registry as it is now and write it in one transaction."""
    roster_import = _load_for_work(roster_import_id, {RosterImport.Status.COMMITTING})
    if roster_import is None:
        return None
    try:
        report = roster_process(
            content=bytes(roster_import.content),
            batch=roster_import.batch,
            commit=True,
            skip_invalid=roster_import.skip_invalid,
            mark_completed=roster_import.mark_completed,
            roster_import=roster_import,
            progress=_progress_writer(roster_import.pk, "正在写入"),
        )
    except RosterFileError as problem:
        _finish(roster_import, status=RosterImport.Status.FAILED, message=str(problem))
        return roster_import
    except (IntegrityError, DatabaseError):
        # The transaction has rolled back: nothing of this roster is in the database.
        logger.exception("roster import %s failed while writing", roster_import_id)
        _finish(
            roster_import,
            status=RosterImport.Status.FAILED,
            message="写入数据库时出错，本次导入已整体撤销，没有写入任何记录。请稍后重新上传。",
        )
        return roster_import
    if report["committed"]:
        _finish(roster_import, status=RosterImport.Status.COMMITTED, report=report)
    else:
        _finish(
            roster_import,
            status=RosterImport.Status.FAILED,
            report=report,
            message="复核时发现错误行，未写入任何记录。请查看错误并重新上传。",
        )
    return roster_import


@transaction.atomic
def roster_cancel(*, roster_import: RosterImport, user) -> RosterImport:
    locked = RosterImport.objects.select_for_update().select_related("batch").get(pk=roster_import.pk)
    _check_area(user, locked.batch.area)
    if locked.status not in {RosterImport.Status.PREVIEW, RosterImport.Status.FAILED}:
        raise ValidationError(f"该导入当前状态为“{locked.get_status_display()}”，不能取消。")
    _finish(locked, status=RosterImport.Status.CANCELLED, message="经办员取消了本次导入，没有写入任何记录。")
    return locked


def roster_process(
    *,
    content: bytes,
    batch: TrainingBatch,
    commit: bool,
    skip_invalid: bool,
    mark_completed: bool,
    roster_import: RosterImport | None = None,
    progress: Callable[[int, int], None] | None = None,
    user=None,
) -> dict:
    """Check a roster and, when asked and allowed, write it; returns the report (the CLI's JSON).

    Without `skip_invalid` any row error commits nothing. The write is one transaction holding a
    lock on the batch, so two imports into one batch run one after the other. `user` is who asked
    (the import's committer when there is an import record; None on the command line)."""
    roster = read_roster(content, rules=roster_rules(batch.start_date))
    with transaction.atomic():
        locked_batch = TrainingBatch.objects.select_for_update().get(pk=batch.pk) if batch.pk else batch
        plan = plan_import(roster.rows, batch=locked_batch, name_header=roster.header_of("name"))
        allowed = commit and bool(batch.pk) and bool(plan.valid) and (skip_invalid or not plan.errors)
        if allowed:
            _write(
                plan, batch=locked_batch, roster_import=roster_import, mark_completed=mark_completed, progress=progress
            )
        report = plan.report(ignored_columns=roster.ignored_columns, header_row=roster.header_row, committed=allowed)
        if allowed and report["updated"]:
            _audit_registry_changes(roster_import, batch=locked_batch, updated=report["updated"])
        if user is None and roster_import is not None:
            user = roster_import.committed_by or roster_import.uploaded_by
        _audit_elsewhere(
            plan, batch=locked_batch, user=user, roster_import=roster_import, stage="导入" if allowed else "检查"
        )
    return report


def _audit_registry_changes(roster_import: RosterImport | None, *, batch: TrainingBatch, updated: int) -> None:
    """A roster that changed registered people's records (name, phone, address, education, categories)
    leaves one audit entry, in the transaction of the change: whichever path committed it (the page,
    a Celery worker, the command line, the API)."""
    user = roster_import and (roster_import.committed_by or roster_import.uploaded_by)
    audit_record(
        user=user,
        action=AuditEntry.Action.CHANGE,
        subject=f"班期 #{batch.pk} 花名册导入" + (f" #{roster_import.pk}" if roster_import else ""),
        area=batch.area,
        detail=f"花名册导入更新了 {updated} 名已登记学员的个人信息",
    )


def roster_rows_checked(*, roster_import: RosterImport) -> Roster:
    """A kept roster's rows as read (for the error workbook), with the errors the registry adds (a name
    that differs from a person's registered one) as well as the rows' own. RosterFileError when unusable."""
    roster = read_roster(
        bytes(roster_import.content), rules=roster_rules(roster_import.batch.start_date), keep_raw=True
    )
    plan_import(roster.rows, batch=roster_import.batch, name_header=roster.header_of("name"))
    return roster


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


def roster_import_from_file(
    *,
    batch: TrainingBatch,
    user,
    file_name: str,
    content: bytes,
    dry_run: bool,
    skip_invalid: bool,
    mark_completed: bool,
    via: str = "命令行导入",
) -> tuple[RosterImport | None, dict]:
    """The import of the command line and the API, checked and written in this process; `via` says which
    in the import history.

    A real run is kept in the same history as uploads from the UI; a dry run stores nothing, and its
    batch may be unsaved (a batch the real run would create). An unusable file raises RosterFileError;
    a user (the API's; the command line has none) outside the batch's area PermissionDenied."""
    _check_area(user, batch.area)
    if dry_run:
        return None, roster_process(
            content=content,
            batch=batch,
            commit=False,
            skip_invalid=skip_invalid,
            mark_completed=mark_completed,
            user=user,
        )
    roster_check_file(content=content, file_name=file_name)
    roster_import = RosterImport.objects.create(
        batch=batch,
        uploaded_by=user,
        committed_by=user,
        file_name=file_name[:200],
        file_size=len(content),
        content=content,
        mark_completed=mark_completed,
        skip_invalid=skip_invalid,
        status=RosterImport.Status.COMMITTING,
    )
    try:
        report = roster_process(
            content=content,
            batch=batch,
            commit=True,
            skip_invalid=skip_invalid,
            mark_completed=mark_completed,
            roster_import=roster_import,
        )
    except (RosterFileError, DatabaseError) as problem:
        # The write has rolled back; the history must not show this import as running for ever.
        message = str(problem) if isinstance(problem, RosterFileError) else f"{via}：写入数据库时出错，已整体撤销。"
        _finish(roster_import, status=RosterImport.Status.FAILED, message=message)
        raise
    if report["committed"]:
        _finish(roster_import, status=RosterImport.Status.COMMITTED, report=report, message=f"{via}。")
    else:
        _finish(roster_import, status=RosterImport.Status.FAILED, report=report, message=f"{via}：有错误行，未写入。")
    return roster_import, report


# --- personal data --------------------------------------------------------------------------------


@transaction.atomic
def trainee_reveal_id(*, user, trainee: Trainee, request=None) -> str:
    """The person's full ID number, for a role that needs it (accounts/roles.py: ID_REVEAL_ROLES) and a
    person who trained in the user's area; each reveal is an audit entry (who, when, whose).

    PermissionDenied otherwise. The caller has already found the trainee through `trainee_get`, so a
    person outside the user's scope is a 404 before this is reached; the check here is the service's own."""
    if not may_reveal_id_numbers(user):
        raise PermissionDenied("您的角色只能查看脱敏的身份证号码。")
    if not trainees_visible(Trainee.objects.filter(pk=trainee.pk), user).exists():
        raise PermissionDenied("该学员没有在您所在地区参加培训。")
    audit_record(
        user=user,
        action=AuditEntry.Action.REVEAL,
        person=trainee,
        area=scope_for(user).area,
        detail="在学员页面查看完整身份证号码",
        request=request,
    )
    return trainee.id_number
