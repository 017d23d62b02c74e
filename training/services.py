"""Every write of the training app: batches, results and certificates (roster imports: roster_import.py)."""

import datetime
import operator
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.audit import AuditEntry, audit_record, may_reveal_id_numbers
from accounts.scoping import require_area, require_open_month, scope_for, trainees_visible
from brands.models import Area, Occupation, Organisation

from . import class_services, tallies
from .models import Enrolment, Trainee, TrainingBatch
from .selectors import batch_find

# --- batches -------------------------------------------------------------------------------------


BATCH_WORK = "开设和管理培训班期"


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
    historic = status == TrainingBatch.Status.COMPLETED and end_date < timezone.localdate()
    if status != TrainingBatch.Status.PLANNED and not historic:
        raise ValidationError("新班期须先通过开班审批才能开班：请以“计划中”状态开设，填报开班申请。")
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
    if historic:  # recorded after it ended (a historical roster): approved with a note saying so
        class_services.record_historic(batch=batch)
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
    status = TrainingBatch.Status.on(start_date, end_date, timezone.localdate())
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
    # A batch's records are dated by its end date (the month its trainings count in): a batch ending in a
    # locked month, or moved into one, is not changed by county users.
    require_open_month(user, batch.area, batch.end_date, changes.get("end_date"))
    if unknown := set(changes) - set(BATCH_EDITABLE_FIELDS):
        raise ValueError(f"batch_update cannot change {sorted(unknown)}")
    reopening = batch.status == TrainingBatch.Status.COMPLETED and changes.get("status", batch.status) != batch.status
    if reopening and batch.enrolments.filter(completed=True).exists():
        raise ValidationError("已有学员结业的班期不能改回未结业状态。")
    if changes.get("status", batch.status) != batch.status and changes["status"] != TrainingBatch.Status.PLANNED:
        class_services.require_approved(batch, action=f"设为“{TrainingBatch.Status(changes['status']).label}”")
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
    require_open_month(user, batch.area, batch.end_date)
    entries = list(entries)
    enrolments = {
        e.pk: e
        for e in batch.enrolments.select_related("trainee")
        .select_for_update(of=("self",))
        .filter(pk__in=[x.enrolment_id for x in entries])
    }
    was_completed = {pk: enrolment.completed for pk, enrolment in enrolments.items()}
    problems, unique = [], {}
    for entry in entries:
        enrolment = enrolments.get(entry.enrolment_id)
        if enrolment is None:
            raise ValidationError("参训记录不属于本班期。")
        if entry.enrolment_id in unique:
            problems.append(f"{enrolment.trainee.name}：同一参训记录提交了两次，请只保留一次。")
        unique.setdefault(entry.enrolment_id, entry)
    names = {pk: enrolment.trainee.name for pk, enrolment in enrolments.items()}
    found = results_problems(batch=batch, entries=list(unique.values()), names=names)
    problems += [f"{names[pk]}：{message}" for pk, (_field, message) in found.items()]
    completing = [e.enrolment_id for e in unique.values() if e.completed and not was_completed[e.enrolment_id]]
    problems += class_services.completion_refusals(batch=batch, enrolment_ids=completing, names=names)
    if problems:
        raise ValidationError(problems)
    changed = []
    for entry in unique.values():
        enrolment, values = enrolments[entry.enrolment_id], result_values(entry)
        if any(getattr(enrolment, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(enrolment, name, value)
            changed.append(enrolment)
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
    if newly_counted := [e.trainee_id for e in changed if e.completed != was_completed[e.pk]]:
        tallies.training_changed(batch_ids=[batch.pk], trainee_ids=newly_counted)
    return len(changed)


@transaction.atomic
def batch_complete_all(*, batch: TrainingBatch, user, expected: int) -> int:
    """Mark every enrolment of the batch not yet completed as completed (the whole batch, not a page);
    `expected` is the number the clerk confirmed: if the roster changed since, nothing is done."""
    require_area(user, batch.area, action=BATCH_WORK)
    require_open_month(user, batch.area, batch.end_date)
    TrainingBatch.objects.select_for_update().filter(pk=batch.pk).first()
    pending = list(batch.enrolments.filter(completed=False).values_list("trainee_id", flat=True))
    if len(pending) != expected:
        raise ValidationError(
            f"班期的花名册刚有变动：现有 {len(pending)} 名学员尚未结业（确认时为 {expected} 名），请重新确认。"
        )
    if not pending:
        return 0
    pending_ids = batch.enrolments.filter(completed=False).values_list("pk", flat=True)
    if problems := class_services.completion_refusals(batch=batch, enrolment_ids=pending_ids):
        raise ValidationError(problems)
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
    if without_result := batch.enrolments.filter(completed=False, assessment="").count():
        raise ValidationError(f"还有 {without_result} 名学员没有登记结业或考核结果，登记完后才能将班期设为已结业。")
    return batch_update(batch=batch, user=user, status=TrainingBatch.Status.COMPLETED)


def normalise_certificate_number(text: str) -> str:
    """A certificate number as typed or pasted: full-width characters folded, spaces dropped, letters upper-case."""
    return "".join(unicodedata.normalize("NFKC", text or "").split()).upper()


def result_values(entry: ResultEntry) -> dict:
    """What an entry stores on its enrolment: the number as normalised, no number or date without a certificate."""
    return {
        "completed": entry.completed,
        "assessment": entry.assessment,
        "certificate": entry.certificate,
        "certificate_number": normalise_certificate_number(entry.certificate_number) if entry.certificate else "",
        "certificate_date": entry.certificate_date if entry.certificate else None,
    }


def result_problem(entry: ResultEntry, *, batch: TrainingBatch) -> tuple[str, str] | None:
    """The first rule of one entry it breaks, as (field, message), or None: the one home of these rules,
    for this service and for the results sheet's row check (training/results_import.py)."""
    if entry.certificate and not entry.completed:
        return "certificate", "未结业的学员不能登记证书。"
    if entry.certificate and not (entry.certificate_number or "").strip():
        return "certificate_number", "登记证书时请填写证书编号。"
    if entry.certificate_date and entry.certificate_date < batch.start_date:
        return "certificate_date", "发证日期不能早于开班日期。"
    if (
        entry.certificate == Enrolment.Certificate.ENTREPRENEURSHIP
        and batch.mode != TrainingBatch.Mode.ENTREPRENEURSHIP
    ):
        return "certificate", "创业培训合格证书只能登记在培训方式为“创业培训”的班期。"
    return None


def results_problems(*, batch: TrainingBatch, entries: list[ResultEntry], names: dict[int, str]) -> dict:
    """{enrolment id: (field, message)}: the first rule each entry breaks, for this service and for the
    results sheet's check (training/results_import.py). Its own rules (`result_problem`), a certificate
    number entered twice at once (`names` names the first entry: a trainee, a sheet's row), a number that
    an enrolment of any batch or area holds. One entry per enrolment."""
    problems, certificates = {}, {}  # (type, number) → the enrolment first entered with it
    for entry in entries:
        if problem := result_problem(entry, batch=batch):
            problems[entry.enrolment_id] = problem
        elif entry.certificate:
            number = result_values(entry)["certificate_number"]
            first = certificates.setdefault((entry.certificate, number), entry.enrolment_id)
            if first != entry.enrolment_id:
                problems[entry.enrolment_id] = ("certificate_number", certificate_repeated(number, names[first]))
    taken = certificates_taken(certificates, exclude=[entry.enrolment_id for entry in entries])
    for (kind, number), pk in certificates.items():
        if (kind, number) in taken:
            problems.setdefault(pk, ("certificate_number", certificate_taken_message(kind, number)))
    return problems


def certificate_repeated(number: str, first: str) -> str:
    """A number entered twice at once; `first` names where first (a trainee's name, a sheet's row)."""
    return f"证书编号“{number}”与{first}的相同，同一类证书的编号不能重复。"


def certificates_taken(pairs: Iterable[tuple[str, str]], *, exclude: list[int]) -> set[tuple[str, str]]:
    """The (type, number) pairs that an enrolment of any batch or area, other than those in `exclude`,
    already holds."""
    pairs = list(pairs)
    if not pairs:
        return set()
    return set(
        Enrolment.objects.filter(
            reduce(operator.or_, (Q(certificate=kind, certificate_number=number) for kind, number in pairs))
        )
        .exclude(pk__in=exclude)
        .values_list("certificate", "certificate_number")
    )


def certificate_taken_message(kind: str, number: str) -> str:
    """The holder is not named: they may have trained in another area."""
    return f"{Enrolment.Certificate(kind).label}编号“{number}”已登记给另一名学员，同一类证书的编号不能重复，请核对。"


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
