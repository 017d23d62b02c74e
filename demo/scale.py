"""Scale demo data for demos and the dashboard benchmark (`load_demo --scale N`).

N enrolments with their trainees, batches, job referrals, outcomes, a few hundred wage cases and a
handful of subsidy applications per area, spread over the five county-level areas, the four brand
lines and 2021–2025. Written in bulk: COPY on PostgreSQL, `bulk_create` elsewhere, a chunk at a time
so that memory stays bounded whatever N is.

Scale data is recognisable, so that each load replaces the previous one and touches nothing else:
its batches are run by the provider 演示规模数据培训中心 of their area, its trainees carry the note
演示规模数据 and its wage cases name an employer ending in （演示规模数据）. ID numbers take the sequence
codes 00–09 and 99 (positions 15–16), which the normal demo never draws, and skip any number that is
already registered.

Everything happens in one transaction. On PostgreSQL the foreign keys that point at the bulk tables, and
the bulk tables' plain indexes, are set aside for it; at the end the indexes are built again and the keys
checked again, table by table; until the load commits, requests that read the training, employment and
subsidy tables wait (areas, users and the catalogue stay available). The keys from the bulk tables to
that reference data stay; when the database user may, the load skips their row-by-row checks
(`session_replication_role`), then locks and checks the few rows referred to in one pass per key
(`_check_references`): those checks were half of PostgreSQL's work.

The load bypasses the services, so it recounts the summary rows itself (`after_bulk_load()`), before the
indexes and foreign keys are back: the rows the recount writes are then checked with the rest."""

import bisect
import datetime
import heapq
import itertools
import random
import time
from collections import Counter
from concurrent import futures
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import SET_NULL, Q
from django.db.models.functions import Substr
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from brands.models import CITY_AREA_CODE, Area, Occupation, Organisation
from brands.services import organisation_upsert
from core.db import copy_in, is_postgresql, next_ids
from core.identity import check_character
from demo import scale_jobs
from demo.employment import CHANNELS, EMPLOYERS, POSITIONS
from demo.training import GIVEN, SURNAMES
from employment.models import EmploymentOutcome, JobReferral, WageCase
from employment.tallies import rebuild
from subsidies.models import ApplicationTransition, Budget, SubsidyApplication
from subsidies.services import training_rules_in_force
from training.models import Enrolment, PriorityCategory, Trainee, TrainingBatch

MARKER = "演示规模数据"
PROVIDER_NAME = "演示规模数据培训中心"
WAGE_CASE_SUFFIX = "（演示规模数据）"
DEFAULT_SEED = 2025
MAX_ENROLMENTS = 5_000_000
CHUNK = 50_000  # enrolments generated and written per round
ORM_BATCH_SIZE = 2_000
ID_BLOCK = 10_000
COPY_READ_SIZE = 4 * 1024 * 1024

PERIOD_START = datetime.date(2021, 1, 1)
# Batches per start year: the programme grows, and a few run into 2026 (first half only).
YEAR_WEIGHTS = {2021: 12, 2022: 17, 2023: 22, 2024: 24, 2025: 23.5, 2026: 1.5}
AREA_WEIGHTS = {"450702": 22, "450703": 20, "450721": 28, "450722": 20, "QZFTZ": 10}
BRAND_WEIGHTS = {"housekeeping": 30, "construction": 25, "rice-noodle": 20, "local-specialty": 25}
FEMALE_SHARE = {"housekeeping": 0.88, "construction": 0.12}
MODES = {"regular": 70, "apprenticeship": 8, "school_enterprise": 8, "on_the_job": 9, "entrepreneurship": 5}
EDUCATION = {"primary": 10, "junior": 40, "senior": 30, "college": 12, "bachelor": 7, "postgraduate": 1}
# Of those who complete a batch: no certificate, or one of these.
CERTIFICATES = {"": 45, "level5": 30, "level4": 8, "level3": 2, "special": 15}
REFERRALS_PER_PERSON = {0: 5, 1: 4, 2: 8, 3: 45, 4: 23, 5: 15}  # most get the three the plan asks for
REFERRAL_RESULTS = {"pending": 35, "hired": 15, "declined": 40, "no_show": 10}
OUTCOME_KINDS = {"employed": 60, "flexible": 25, "entrepreneurship": 15}
WORK_KINDS = {
    "housekeeping": ("网约家政服务", "钟点工", "社区居家照护"),
    "construction": ("零工", "建筑散工", "装修零活"),
    "rice-noodle": ("摆摊经营", "零工", "外卖档口帮工"),
    "local-specialty": ("直播带货", "网约配送", "零工"),
}
VILLAGES = "平山大垌新华长滩那丽丰塘旧州三隆文利六峰"
COMPLETION_RATE = 0.90  # in a completed batch
SECOND_BATCH_SHARE = 0.15  # of trainees, who come back for another batch in the same area
CATEGORY_COUNTS = {0: 70, 1: 20, 2: 10}
OUTCOME_SHARE = 0.70
BEFORE_TRAINING_SHARE = 0.02  # people who had a job before training: the outcome must not count
WAGE_CASE_CLOSED = 0.985
# The tables written and emptied in bulk (the priority-category links go with the trainees).
BULK_MODELS = (Trainee, TrainingBatch, Enrolment, JobReferral, EmploymentOutcome)
REMOVED_NAMES = {
    Trainee: "trainees",
    Trainee.categories.through: "category_links",
    TrainingBatch: "batches",
    Enrolment: "enrolments",
    JobReferral: "referrals",
    EmploymentOutcome: "outcomes",
    WageCase: "wage_cases",
    SubsidyApplication: "applications",
}

# ID numbers: positions 15–16 from these codes only (the normal demo draws 10–98), the 17th by sex.
ORDER_CODES = ("00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "99")
SEX_DIGITS = {"M": "13579", "F": "02468"}
SLOTS = len(ORDER_CODES) * 5  # numbers per (area prefix, birth date, sex)
# Ages at batch start, in days, with margins that hold whatever the leap years: 18 ≤ age at the
# first batch < 55, and age < 60 at a second one.
AGE_MIN_DAYS = 18 * 366
AGE_MAX_FIRST_DAYS = 55 * 365
AGE_MAX_DAYS = 60 * 365


def after_bulk_load() -> None:
    """Recount the dashboard's summary rows (trainings, jobs, the referral rule) from the records the
    load wrote behind the services' back; inside the load's transaction, so the page never sees a
    half-counted load. `load_scale` calls it; running it again changes nothing."""
    rebuild()


def load_scale(*, enrolments: int, seed: int = DEFAULT_SEED, stdout=None) -> dict:
    """Replace the scale demo data with `enrolments` fresh enrolments and everything that goes with them,
    and bring the summary rows up to date (`after_bulk_load()`).

    Returns the counts of what was created (and, under `removed_*`, of what the previous load left).
    Deterministic for a seed and a database."""
    if not 1 <= enrolments <= MAX_ENROLMENTS:
        raise ValueError(f"规模数据的参训记录数须在 1 到 {MAX_ENROLMENTS:,} 之间。")
    return _Loader(enrolments=enrolments, seed=seed, stdout=stdout).run()


# --- writing -----------------------------------------------------------------------------------------


class _Table:
    """Rows collected for one table until a `_Writer` writes them.

    `columns` are attribute names, in the order of each row's values; `constants` are the same for
    every row. For COPY each value is written as `str()` gives it, which PostgreSQL reads back for every
    type used here (True/False, ISO dates, aware datetimes), with the text None standing for NULL: no
    generated text is "None" or holds a tab, a newline or a backslash."""

    def __init__(self, model, columns: tuple[str, ...], **constants):
        self.model = model
        self.columns = columns
        self.constants = constants
        self.rows: list[tuple] = []
        self.written = 0
        names = [model._meta.get_field(name).column for name in (*columns, *constants)]
        self.copy_sql = f"COPY {model._meta.db_table} ({', '.join(names)}) FROM STDIN WITH (NULL 'None')"
        self.suffix = "".join(f"\t{value}" for value in constants.values()) + "\n"

    def copy_text(self) -> str:
        join, suffix = "\t".join, self.suffix
        return "".join([join(map(str, row)) + suffix for row in self.rows])

    def bulk_create(self) -> None:
        model, columns, constants = self.model, self.columns, self.constants
        model.objects.bulk_create(
            [model(**dict(zip(columns, row, strict=True)), **constants) for row in self.rows],
            batch_size=ORM_BATCH_SIZE,
        )


class _Writer:
    """Writes what tables collected, a round at a time, in the order given (foreign keys first).

    On PostgreSQL a round is COPY'd by a second thread on the same connection, so in the same
    transaction, while the next round is generated: the server's work overlaps Python's. A round waits
    for the one before, so at most two are held in memory. Elsewhere `bulk_create`, at once."""

    def __init__(self):
        self.background = (
            futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="scale-copy") if is_postgresql() else None
        )
        self.pending: list[futures.Future] = []

    def write(self, *tables: _Table) -> None:
        self.wait()
        for table in tables:
            if not table.rows:
                continue
            if self.background is None:
                table.bulk_create()
            else:
                connection.ensure_connection()
                job = self.background.submit(_copy, connection.connection, table.copy_sql, table.copy_text())
                self.pending.append(job)
            table.written += len(table.rows)
            table.rows.clear()  # in place: the generator holds `rows.append`

    def wait(self) -> None:
        """Until every round given so far is in the database (and raise what went wrong with one)."""
        pending, self.pending = self.pending, []
        futures.wait(pending)  # all of them, even when one failed: none may still be using the connection
        for job in pending:
            job.result()

    def close(self) -> None:
        try:
            self.wait()
        finally:
            if self.background is not None:
                self.background.shutdown(wait=True)


def _copy(raw_connection, sql: str, text: str) -> None:
    # psycopg2 sends the data without holding the GIL, but reads it from the file with it: a few large
    # reads, so that the generator running meanwhile does not hold up each one.
    with raw_connection.cursor() as cursor:
        copy_in(cursor, sql, text, read_size=COPY_READ_SIZE)


class _Ids:
    """Primary keys handed out before the rows are written, so that other rows can refer to them.

    Only while no COPY runs in the background (`_Writer.wait()`): psycopg2 lets another statement in
    between the pieces of a COPY, which breaks it. `reserve` ahead at a round's start; `take` waits for
    the writer itself should it ever run out."""

    def __init__(self, model, writer: "_Writer"):
        self.model = model
        self.table = model._meta.db_table
        self.writer = writer
        self.block: list[int] = []  # reversed: the next key last
        self.next_key: int | None = None  # databases without sequences

    def take(self) -> int:
        if not self.block:
            self.writer.wait()
            self.reserve(ID_BLOCK)
        return self.block.pop()

    def reserve(self, count: int) -> None:
        """At least `count` keys in hand."""
        missing = count - len(self.block)
        if missing > 0:
            self.block[:0] = self._next(missing)[::-1]

    def _next(self, count: int) -> list[int]:
        with connection.cursor() as cursor:
            if is_postgresql():
                return next_ids(self.model, count)
            if self.next_key is None:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {self.table}")
                highest = cursor.fetchone()[0]
                if connection.vendor == "sqlite":  # AUTOINCREMENT never hands out a number twice
                    cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = %s", [self.table])
                    highest = max(highest, cursor.fetchone()[0])
                self.next_key = highest + 1
        start, self.next_key = self.next_key, self.next_key + count
        return list(range(start, start + count))


def _delete(cursor, model, where: str, params: list, removed: Counter, depth: int = 0) -> None:
    """DELETE the rows of `model` that match `where`, after what refers to them: references that Django
    would set to NULL are cleared, every other referring row (cascaded, protected, history) is deleted
    the same way first. One statement per table over the whole set, never one per row; found from the
    models' relations, so a model added later that refers to trainees or batches is handled too."""
    if depth > 8:
        raise RuntimeError(f"删除规模演示数据时关联层级过深：{model._meta.label}")
    table = model._meta.db_table
    for relation in model._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one)):
            continue
        related = relation.related_model._meta
        if related.proxy or not related.managed:
            continue
        column, target = relation.field.column, relation.field.target_field.column
        condition = f"{column} IN (SELECT {target} FROM {table} WHERE {where})"
        if relation.on_delete is SET_NULL:
            cursor.execute(f"UPDATE {related.db_table} SET {column} = NULL WHERE {condition}", params)
        else:
            _delete(cursor, relation.related_model, condition, params, removed, depth + 1)
    cursor.execute(f"DELETE FROM {table} WHERE {where}", params)
    removed[model] += max(cursor.rowcount, 0)


def _set_aside_foreign_keys() -> list[tuple[str, str, str]]:
    """PostgreSQL: drop the foreign keys that refer to the bulk tables, so that neither the removal nor
    the load checks them row by row; `_restore_foreign_keys` adds them back and PostgreSQL then checks
    each in one pass over its table (the manual's advice for populating a database). Both happen in the
    load's transaction: should anything fail, the constraints are as they were. The keys from the bulk
    tables to reference data (areas, users, organisations, …) stay: dropping one would lock that table
    against every request, where this locks only the training and employment tables, for the load."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND confrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
            [[model._meta.db_table for model in BULK_MODELS]],
        )
        keys = cursor.fetchall()
        for table, name, _definition in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    return keys


def _restore_foreign_keys(keys: list[tuple[str, str, str]]) -> None:
    with connection.cursor() as cursor:
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}")


def _set_aside_indexes() -> list[str]:
    """PostgreSQL: drop the plain indexes of the bulk tables (after the removal, which uses them), whose
    upkeep row by row was a third of PostgreSQL's work in the load and most of the recount's update of every
    outcome; `_restore_indexes` builds each again from its definition in one pass. Unique indexes stay:
    they are checks. Returns the definitions."""
    tables = [model._meta.db_table for model in (*BULK_MODELS, Trainee.categories.through)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = ANY(%s::regclass[]) AND NOT indisunique AND NOT indisexclusion ORDER BY 1",
            [tables],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    return [definition for _name, definition in indexes]


def _restore_indexes(definitions: list[str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")  # each index sorted in memory
        for definition in definitions:
            cursor.execute(definition)


def _skip_reference_checks() -> bool:
    """PostgreSQL: stop checking, row by row, the foreign keys from the rows written next to the reference
    data (areas, users, the catalogue), when the database user may (`session_replication_role` needs a
    superuser, or from PostgreSQL 15 a grant); `_check_references` then makes those checks in bulk.
    Nothing is locked by it, unlike dropping the keys, which would lock the referenced tables."""
    allowed = "current_setting('is_superuser') = 'on'"
    if connection.pg_version >= 150000:
        allowed += " OR has_parameter_privilege('session_replication_role', 'SET')"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {allowed}")
        if not cursor.fetchone()[0]:
            return False
        cursor.execute("SET LOCAL session_replication_role = replica")
    return True


def _check_references() -> None:
    """Turn the checks skipped by `_skip_reference_checks` back on and do what they would have done, in one
    pass per foreign key from the bulk tables to the reference data: lock the rows referred to against
    deletion until the load commits (FOR KEY SHARE, as each check does) and fail, as a check would, when
    one is missing."""
    models = (*BULK_MODELS, Trainee.categories.through)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        for model in models:
            for fk in model._meta.concrete_fields:
                if not fk.is_relation or not fk.db_constraint or fk.related_model in models:
                    continue
                table, column = quote(model._meta.db_table), quote(fk.column)
                target, key = quote(fk.related_model._meta.db_table), quote(fk.target_field.column)
                cursor.execute(f"SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL")
                used = [row[0] for row in cursor.fetchall()]
                if not used:
                    continue
                cursor.execute(f"SELECT {key} FROM {target} WHERE {key} = ANY(%s) FOR KEY SHARE", [used])
                if missing := set(used) - {row[0] for row in cursor.fetchall()}:
                    raise IntegrityError(
                        f"{model._meta.db_table}.{fk.column} 引用了不存在的 {fk.related_model._meta.db_table}：{sorted(missing)}"
                    )


# --- identity numbers --------------------------------------------------------------------------------


class _IdNumbers:
    """Valid 18-character numbers, each from the next free slot of its (area prefix, birth date, sex)."""

    def __init__(self, taken: set[str]):
        self.taken = taken
        self.used: dict[tuple[str, int, str], int] = {}
        self.days: dict[int, str] = {}

    def issue(self, prefix: str, birth: int, sex: str, low: int, high: int) -> tuple[str, int, str]:
        """(number, birth date ordinal, sex): the wanted birth date and sex when a slot is free, else
        the other sex, else the nearest day within [low, high]."""
        other = "F" if sex == "M" else "M"
        for day in self._around(birth, low, high):
            text = self.days.get(day)
            if text is None:
                text = self.days[day] = datetime.date.fromordinal(day).strftime("%Y%m%d")
            for each in (sex, other):
                key = (prefix, day, each)
                used = self.used.get(key, 0)
                while used < SLOTS:
                    first17 = f"{prefix}{text}{ORDER_CODES[used // 5]}{SEX_DIGITS[each][used % 5]}"
                    used += 1
                    number = first17 + check_character(first17)
                    if number not in self.taken:
                        self.used[key] = used
                        return number, day, each
                self.used[key] = used
        raise RuntimeError("身份证号码已用尽：请减小 --scale。")

    @staticmethod
    def _around(day: int, low: int, high: int):
        yield day
        for step in range(1, high - low + 1):
            if day + step <= high:
                yield day + step
            if day - step >= low:
                yield day - step


# --- generation ----------------------------------------------------------------------------------------


class _Weighted:
    """Weighted choice by bisection over cumulative weights (random.choices' work, without its overhead)."""

    def __init__(self, weights: dict):
        self.values = list(weights)
        self.totals = list(itertools.accumulate(weights.values()))
        self.total = self.totals[-1]

    def pick(self, rng: random.Random):
        return self.values[bisect.bisect_right(self.totals, rng.random() * self.total)]


@dataclass(eq=False)  # compared and hashed by identity
class _Area:
    id: int
    code: str
    name: str
    prefix: str
    clerk_id: int | None
    provider_id: int
    returning: list = field(default_factory=list)  # heap of (ready ordinal, serial, _Person)


@dataclass(slots=True)
class _Batch:
    id: int
    area: _Area
    occupation_id: int
    occupation: str
    brand: str
    start: datetime.date
    end: datetime.date
    size: int
    status: str


@dataclass(slots=True)
class _Person:
    id: int
    birth: int
    has_results: bool


class _Loader:
    def __init__(self, *, enrolments: int, seed: int, stdout):
        self.target = enrolments
        self.seed = seed
        self.rng = random.Random(seed)
        self.stdout = stdout
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.started = time.monotonic()
        self.counts: dict[str, int] = {}

    def say(self, text: str) -> None:
        if self.stdout is not None:
            self.stdout.write(text + "\n")

    def elapsed(self) -> str:
        return f"{time.monotonic() - self.started:.1f} 秒"

    @transaction.atomic
    def run(self) -> dict:
        keys = []
        if is_postgresql():
            with connection.cursor() as cursor:
                # Checks of the remaining foreign keys at the end of each statement rather than at commit:
                # the queue of pending checks stays one chunk long (and none is left pending for the DDL).
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                # The recount's sorts in memory, and no JIT compilation: the recount's statements are
                # estimated costly enough to compile, which took longer than running them at every size tried.
                cursor.execute("SET LOCAL work_mem = '64MB'")
                cursor.execute("SET LOCAL jit = off")
            keys = _set_aside_foreign_keys()
        self.say(f"正在删除上次生成的规模演示数据……（本次生成参训记录 {self.target:,} 条）")
        removed = self.remove_previous()
        indexes = _set_aside_indexes() if is_postgresql() else []
        self.say(
            f"已删除上次的规模演示数据：培训班期 {removed['removed_batches']:,} 个，学员 {removed['removed_trainees']:,} 人，"
            f"参训记录 {removed['removed_enrolments']:,} 条（{self.elapsed()}）"
        )
        self.prepare()
        checks_skipped = is_postgresql() and _skip_reference_checks()
        writer = _Writer()
        try:
            batches = self.plan_batches(writer)
            self.fill(batches, writer)
        finally:
            writer.close()
        if checks_skipped:
            _check_references()
        self.counts["wage_cases"] = self.wage_cases()
        self.counts["applications"] = self.applications(batches)
        self.counts["vacancies"] = scale_jobs.load(enrolments=self.target, seed=self.seed)
        if is_postgresql():
            with connection.cursor() as cursor:
                # Fresh statistics: the recount, the checks below and the first dashboard queries are planned
                # for the new size.
                tables = [model._meta.db_table for model in (*BULK_MODELS, Trainee.categories.through, WageCase)]
                cursor.execute(f"ANALYZE {', '.join(tables)}")
        self.say(f"正在重新统计汇总数据……（{self.elapsed()}）")
        after_bulk_load()
        if is_postgresql():
            self.say(f"正在重建索引、恢复并校验外键约束……（{self.elapsed()}）")
            _restore_indexes(indexes)
            _restore_foreign_keys(keys)
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        self.counts["seconds"] = round(time.monotonic() - self.started, 1)
        self.say(f"规模演示数据写入完成（{self.elapsed()}）")
        return {**self.counts, **removed}

    # --- removal ---

    def remove_previous(self) -> dict[str, int]:
        """The previous scale data, found by its markers, with whatever refers to it."""
        removed: Counter = Counter()
        organisations = Organisation._meta.db_table
        with connection.cursor() as cursor:
            _delete(cursor, Trainee, "note = %s", [MARKER], removed)
            _delete(
                cursor,
                TrainingBatch,
                f"provider_id IN (SELECT id FROM {organisations} WHERE name = %s)",
                [PROVIDER_NAME],
                removed,
            )
            _delete(cursor, WageCase, "employer_name LIKE %s", ["%" + WAGE_CASE_SUFFIX], removed)
        counts = {f"removed_{name}": 0 for name in REMOVED_NAMES.values()}
        for model, n in removed.items():
            counts[f"removed_{REMOVED_NAMES.get(model, model._meta.model_name)}"] = n
        return counts

    # --- reference data ---

    def prepare(self) -> None:
        users = get_user_model().objects
        clerks = dict(users.filter(username__startswith="clerk_").values_list("username", "id"))
        self.areas = []
        for area in Area.objects.exclude(kind=Area.Kind.CITY).order_by("sort_order", "code"):
            provider, _created = organisation_upsert(
                name=PROVIDER_NAME,
                kind=Organisation.Kind.TRAINING_PROVIDER,
                area=area,
                address=f"广西钦州市{area.short_name}（{MARKER}，可随时删除重建）",
            )
            self.areas.append(
                _Area(
                    id=area.pk,
                    code=area.code,
                    name=area.short_name,
                    prefix=area.code if area.code.isdigit() else CITY_AREA_CODE,
                    clerk_id=clerks.get(f"clerk_{area.code}"),
                    provider_id=provider.pk,
                )
            )
        self.area_choice = _Weighted({area: AREA_WEIGHTS.get(area.code, 10) for area in self.areas})
        self.category_ids = list(PriorityCategory.objects.order_by("sort_order", "id").values_list("id", flat=True))
        # Occupations still in the catalogue in the plan period, per brand, with the areas the plan names.
        occupations = (
            Occupation.objects.filter(Q(published_to__isnull=True) | Q(published_to__gte=PERIOD_START))
            .select_related("brand")
            .prefetch_related("areas")
            .order_by("brand__sort_order", "sort_order", "name")
        )
        self.occupations: dict[str, list] = {}
        for occupation in occupations:
            self.occupations.setdefault(occupation.brand.code, []).append(
                (occupation.pk, occupation.name, occupation.published_to, {a.pk for a in occupation.areas.all()})
            )
        self.brand_choice = _Weighted({code: BRAND_WEIGHTS.get(code, 20) for code in self.occupations})
        rng = random.Random(self.seed + 1)
        self.names = [rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2, 2)))) for _ in range(4000)]
        # Numbers already registered (other than by a previous scale load, removed above) with our codes.
        taken = (
            Trainee.objects.annotate(order=Substr("id_number", 15, 2))
            .filter(order__in=ORDER_CODES)
            .values_list("id_number", flat=True)
        )
        self.id_numbers = _IdNumbers(set(taken))

    def occupation_for(self, area: _Area, brand: str, start: datetime.date) -> tuple[int, str]:
        """An occupation of the brand the plan develops in this area (named there: three times as likely),
        or of the whole city; otherwise any of the brand's."""
        listed = [o for o in self.occupations[brand] if o[2] is None or o[2] >= start]
        listed = listed or self.occupations[brand]
        local = [o for o in listed if not o[3] or area.id in o[3]] or listed
        weights = [3 if area.id in o[3] else 1 for o in local]
        occupation_id, name, _to, _areas = self.rng.choices(local, weights)[0]
        return occupation_id, name

    # --- batches ---

    def plan_batches(self, writer: _Writer) -> list[_Batch]:
        rng = self.rng
        count = max(1, round(self.target / 40))
        # 20–60 a batch, scaled so that the sizes add up to exactly the target.
        weights = [rng.randint(20, 60) for _ in range(count)]
        total = sum(weights)
        sizes = [self.target * w // total for w in weights]
        for index in rng.sample(range(count), self.target - sum(sizes)):
            sizes[index] += 1
        years = _Weighted(YEAR_WEIGHTS)
        modes = _Weighted(MODES)
        ids = _Ids(TrainingBatch, writer)
        seen: set[tuple] = set()
        batches = []
        for number, size in enumerate(sizes):
            # Every area and every brand line is represented, however small the load.
            area = self.areas[number] if number < len(self.areas) else self.area_choice.pick(rng)
            brands = self.brand_choice.values
            brand = brands[number] if number < len(brands) else self.brand_choice.pick(rng)
            year = years.pick(rng)
            first = datetime.date(year, 1, 1).toordinal()
            days = 181 if year > 2025 else (datetime.date(year, 12, 31).toordinal() - first + 1)
            start = datetime.date.fromordinal(first + rng.randrange(days))
            occupation_id, occupation = self.occupation_for(area, brand, start)
            end = start + datetime.timedelta(days=rng.randint(7, 42))
            while (area.id, occupation_id, start, end) in seen:  # one batch per area, occupation and dates
                start += datetime.timedelta(days=1)
                end += datetime.timedelta(days=1)
            seen.add((area.id, occupation_id, start, end))
            status = TrainingBatch.Status.on(start, end, self.today)
            batches.append(_Batch(ids.take(), area, occupation_id, occupation, brand, start, end, size, status.value))
        table = _Table(
            TrainingBatch,
            ("id", "area_id", "occupation_id", "provider_id", "name", "start_date", "end_date", "mode", "status")
            + ("capacity", "created_by_id"),
            created_at=self.now,
        )
        for batch in batches:
            table.rows.append(
                (
                    batch.id,
                    batch.area.id,
                    batch.occupation_id,
                    batch.area.provider_id,
                    f"{batch.area.name}{batch.occupation}{batch.start:%Y%m%d}期",
                    batch.start,
                    batch.end,
                    modes.pick(rng),
                    batch.status,
                    -(-batch.size // 5) * 5,  # planned in fives
                    batch.area.clerk_id,
                )
            )
            if len(table.rows) >= CHUNK:
                writer.write(table)
        writer.write(table)
        self.counts["batches"] = table.written
        self.say(f"已生成培训班期 {table.written:,} 个（{self.elapsed()}）")
        batches.sort(key=lambda batch: (batch.start, batch.id))
        return batches

    # --- people, enrolments, referrals and outcomes ---

    def fill(self, batches: list[_Batch], writer: _Writer) -> None:
        """Seat by seat, batch by batch in date order: a person who comes back for a second batch takes a
        seat in a later batch of the same area. Referrals and an outcome follow a person's first
        completed batch. The tables are written every CHUNK enrolments."""
        now = self.now
        trainees = _Table(
            Trainee,
            ("id", "id_number", "name", "sex", "birth_date", "phone", "education", "household_address")
            + ("household_area_id",),
            note=MARKER,
            created_at=now,
            updated_at=now,
        )
        links = _Table(Trainee.categories.through, ("trainee_id", "prioritycategory_id"))
        enrolments = _Table(
            Enrolment,
            ("trainee_id", "batch_id", "completed", "assessment", "certificate", "certificate_number")
            + ("certificate_date",),
            roster_import_id=None,
            created_at=now,
        )
        referrals = _Table(
            JobReferral,
            ("trainee_id", "area_id", "employer_name", "position", "referred_on", "channel", "result")
            + ("created_by_id",),
            employer_id=None,
            note="",
            created_at=now,
        )
        outcomes = _Table(
            EmploymentOutcome,
            ("trainee_id", "area_id", "kind", "start_date", "employer_name", "contract_signed", "social_insurance")
            + ("business_name", "jobs_created", "work_kind", "created_by_id"),
            employer_id=None,
            business_uscc="",
            labour_export_id=None,
            note="",
            created_at=now,
        )
        tables = (trainees, links, enrolments, referrals, outcomes)
        add_trainee, add_link, add_enrolment = trainees.rows.append, links.rows.append, enrolments.rows.append
        add_referral, add_outcome = referrals.rows.append, outcomes.rows.append

        rng = self.rng
        rand = rng.random  # int(rand() * n) in the loop below: a fraction of randrange's cost
        triangular = rng.triangular
        trainee_ids = _Ids(Trainee, writer)
        writer.wait()  # the batches are in
        trainee_ids.reserve(CHUNK)
        new_id = trainee_ids.take
        issue = self.id_numbers.issue
        education = _Weighted(EDUCATION).pick
        certificate_of = _Weighted(CERTIFICATES).pick
        category_count = _Weighted(CATEGORY_COUNTS).pick
        referral_count = _Weighted(REFERRALS_PER_PERSON).pick
        referral_result = _Weighted(REFERRAL_RESULTS).pick
        outcome_kind = _Weighted(OUTCOME_KINDS).pick
        household_of = self.area_choice.pick
        categories = self.category_ids
        names, n_names = self.names, len(self.names)
        channels, n_channels = CHANNELS, len(CHANNELS)
        employers = [
            *EMPLOYERS,
            *(f"{area.name}某某{kind}有限公司" for area in self.areas for kind in ("劳务", "食品")),
        ]
        n_employers = len(employers)
        addresses = {area.id: f"广西钦州市{area.name}" for area in self.areas}
        today = self.today.toordinal()
        dates: dict[int, datetime.date] = {}  # ordinal -> date, for the few thousand days the load touches

        def day(ordinal: int) -> datetime.date:
            value = dates.get(ordinal)
            if value is None:
                value = dates[ordinal] = datetime.date.fromordinal(ordinal)
            return value

        serial = itertools.count()
        done = completed_count = certificate_count = people = before_training = 0
        for batch in batches:
            area, batch_id = batch.area, batch.id
            start, end = batch.start.toordinal(), batch.end.toordinal()
            finished = batch.status == TrainingBatch.Status.COMPLETED
            female = FEMALE_SHARE.get(batch.brand, 0.5)
            positions = POSITIONS.get(batch.brand) or POSITIONS["local-specialty"]
            work_kinds = WORK_KINDS.get(batch.brand) or WORK_KINDS["local-specialty"]
            business = batch.occupation[:2] + "工作室"
            number_prefix = f"S{batch.end:%Y}{batch_id:07d}"
            clerk = area.clerk_id
            returning = area.returning
            low, high = start - AGE_MAX_FIRST_DAYS, start - AGE_MIN_DAYS
            for seat in range(batch.size):
                person = None
                while returning and returning[0][0] < start:
                    candidate = heapq.heappop(returning)[2]
                    if candidate.birth > start - AGE_MAX_DAYS:  # still under 60
                        person = candidate
                        break
                if person is None:
                    # Someone new, most from the area that runs the batch.
                    household = area if rand() < 0.85 else household_of(rng)
                    birth = high - int((high - low) * triangular(0.0, 1.0, 0.4))
                    number, birth, sex = issue(household.prefix, birth, "F" if rand() < female else "M", low, high)
                    person = _Person(new_id(), birth, False)
                    people += 1
                    add_trainee(
                        (
                            person.id,
                            number,
                            names[int(rand() * n_names)],
                            sex,
                            day(birth),
                            f"1{'3578'[int(rand() * 4)]}{100_000_000 + int(rand() * 900_000_000)}",
                            education(rng),
                            f"{addresses[household.id]}{VILLAGES[int(rand() * len(VILLAGES))]}村{1 + int(rand() * 199)}号",
                            household.id,
                        )
                    )
                    if count := category_count(rng):
                        for category in rng.sample(categories, min(count, len(categories))):
                            add_link((person.id, category))
                    if rand() < BEFORE_TRAINING_SHARE:
                        before_training += 1
                        add_outcome(
                            (
                                person.id,
                                area.id,
                                "employed",
                                day(start - 30 - int(rand() * 690)),
                                employers[int(rand() * n_employers)],
                                True,
                                False,
                                "",
                                0,
                                "",
                                clerk,
                            )
                        )
                    if rand() < SECOND_BATCH_SHARE:
                        heapq.heappush(returning, (end + 30 + int(rand() * 510), next(serial), person))
                if finished and rand() < COMPLETION_RATE:
                    certificate = certificate_of(rng)
                    add_enrolment(
                        (
                            person.id,
                            batch_id,
                            True,
                            "passed",
                            certificate,
                            f"{number_prefix}{seat:03d}" if certificate else "",
                            batch.end if certificate else None,
                        )
                    )
                    completed_count += 1
                    certificate_count += certificate != ""
                    if not person.has_results:
                        person.has_results = True
                        referred = end
                        for _step in range(referral_count(rng)):
                            referred += 3 + int(rand() * 27)
                            if referred > today:
                                break
                            add_referral(
                                (
                                    person.id,
                                    area.id,
                                    employers[int(rand() * n_employers)],
                                    positions[int(rand() * len(positions))],
                                    day(referred),
                                    channels[int(rand() * n_channels)],
                                    referral_result(rng),
                                    clerk,
                                )
                            )
                        begins = end + 7 + int(rand() * 233)
                        if rand() < OUTCOME_SHARE and begins <= today:
                            kind = outcome_kind(rng)
                            if kind == "employed":
                                row = (employers[int(rand() * n_employers)], rand() < 0.8, rand() < 0.7, "", 0, "")
                            elif kind == "entrepreneurship":
                                row = ("", False, False, names[int(rand() * n_names)] + business, int(rand() * 6), "")
                            else:
                                row = ("", False, False, "", 0, work_kinds[int(rand() * len(work_kinds))])
                            add_outcome((person.id, area.id, kind, day(begins), *row, clerk))
                else:
                    assessment = ("absent" if rand() < 0.5 else "failed") if finished else ""
                    add_enrolment((person.id, batch_id, False, assessment, "", "", None))
                done += 1
                if len(enrolments.rows) >= CHUNK:
                    writer.wait()
                    trainee_ids.reserve(CHUNK)  # a round adds at most CHUNK people: no query while it is written
                    writer.write(*tables)
                    self.say(
                        f"  参训记录 {done:,} / {self.target:,}（{done * 100 // self.target}%），"
                        f"学员 {people:,} 人，岗位推荐 {referrals.written:,} 条，"
                        f"就业创业结果 {outcomes.written:,} 条（{self.elapsed()}）"
                    )
        writer.write(*tables)
        writer.wait()
        self.counts.update(
            trainees=trainees.written,
            category_links=links.written,
            enrolments=enrolments.written,
            completed_enrolments=completed_count,
            certificates=certificate_count,
            referrals=referrals.written,
            outcomes=outcomes.written,
            outcomes_before_training=before_training,
        )
        self.say(
            f"已写入学员 {trainees.written:,} 人、参训记录 {enrolments.written:,} 条、岗位推荐 {referrals.written:,} 条、"
            f"就业创业结果 {outcomes.written:,} 条（{self.elapsed()}）"
        )

    # --- wage cases and subsidy applications ---

    def wage_cases(self) -> int:
        """A few hundred, nearly all closed (the plan's closure target is 98%)."""
        rng = self.rng
        first, last = PERIOD_START.toordinal(), min(self.today, datetime.date(2025, 12, 31)).toordinal()
        cases = []
        for number in range(min(400, 100 + self.target // 5000)):
            area = self.area_choice.pick(rng)
            received = datetime.date.fromordinal(rng.randint(first, last))
            closed = rng.random() < WAGE_CASE_CLOSED
            cases.append(
                WageCase(
                    area_id=area.id,
                    received_on=received,
                    employer_name=f"{area.name}某建筑劳务有限公司{number + 1}{WAGE_CASE_SUFFIX}",
                    workers=rng.randint(1, 40),
                    amount_owed=Decimal(rng.randrange(3_000, 600_000)),
                    status=WageCase.Status.CLOSED if closed else rng.choice(("received", "investigating")),
                    closed_on=min(received + datetime.timedelta(days=rng.randint(5, 90)), self.today)
                    if closed
                    else None,
                    resolution="已督促用人单位足额支付" if closed else "",
                    created_by_id=area.clerk_id,
                )
            )
        WageCase.objects.bulk_create(cases, batch_size=ORM_BATCH_SIZE)
        return len(cases)

    def applications(self, batches: list[_Batch]) -> int:
        """Training-subsidy applications for certificates from recent completed batches, a handful per
        area in every state, each as the services would have left it (transitions and history included).

        Uses the city's training-subsidy rules as they stand (the normal demo sets some); none, none made."""
        Status = SubsidyApplication.Status
        rules = {
            rule.certificate: rule
            # The newest rule of a certificate wins.
            for rule in sorted(training_rules_in_force(self.today), key=lambda rule: (rule.effective_from, rule.pk))
            # Rules scoped to occupations or groups of people are the services' to match, person by person.
            if not rule.occupations.all() and not rule.eligible_categories.all()
        }
        if not rules:
            self.say("未设定职业培训补贴规则（金额），不生成补贴申请。")
            return 0
        since = min(rule.effective_from for rule in rules.values())
        users = get_user_model().objects
        staff = dict(
            users.filter(Q(username__startswith="reviewer_") | Q(username="city_admin")).values_list("username", "pk")
        )
        clerks = users.in_bulk([area.clerk_id for area in self.areas if area.clerk_id])
        budgets = {
            budget.area_id: budget for budget in Budget.objects.filter(year=self.today.year).select_related("area")
        }
        city_budget = next((b for b in budgets.values() if b.area.kind == Area.Kind.CITY), None)
        states = [Status.PAID, Status.APPROVED, Status.REVIEWED, Status.SUBMITTED, Status.DRAFT, Status.REJECTED]
        forward = [Status.DRAFT, Status.SUBMITTED, Status.REVIEWED, Status.APPROVED, Status.PAID]
        created = []
        steps = []
        voucher = 0
        certified = [certificate for certificate in rules if certificate] if "" not in rules else None
        for area in self.areas:
            recent = [
                batch.id
                for batch in batches
                if batch.area is area and batch.status == TrainingBatch.Status.COMPLETED and batch.end >= since
            ][-5:]
            enrolments = Enrolment.objects.filter(batch_id__in=recent, completed=True).exclude(certificate="")
            if certified is not None:  # no rule for any certificate: only those with a rule of their own
                enrolments = enrolments.filter(certificate__in=certified)
            chosen, people = [], set()
            for enrolment in enrolments.select_related("batch").order_by("id"):
                if enrolment.trainee_id not in people:  # one per person: no question of "already subsidised"
                    people.add(enrolment.trainee_id)
                    chosen.append(enrolment)
                if len(chosen) == len(states):
                    break
            clerk, reviewer = area.clerk_id, staff.get(f"reviewer_{area.code}")
            budget = budgets.get(area.id) or city_budget
            for enrolment, state in zip(chosen, states, strict=False):
                if state in (Status.APPROVED, Status.PAID) and budget is None:
                    state = Status.REVIEWED
                rule = rules.get(enrolment.certificate) or rules[""]
                # The steps that lead to the state: along the approval path, or rejected once submitted.
                path = forward[: forward.index(state) + 1] if state in forward else [*forward[:2], state]
                if state == Status.PAID:
                    voucher += 1
                application = SubsidyApplication(
                    rule=rule,
                    kind=rule.kind,
                    area_id=area.id,
                    trainee_id=enrolment.trainee_id,
                    enrolment=enrolment,
                    amount=rule.amount,
                    status=state,
                    comment=f"{MARKER}：按班期结业证书申请职业培训补贴",
                    reason="证书信息与花名册不一致，不予受理。" if state == Status.REJECTED else "",
                    budget=budget if state in (Status.APPROVED, Status.PAID) else None,
                    paid_on=self.today if state == Status.PAID else None,
                    voucher_number=f"规模演示-{self.today:%Y}-{voucher:04d}" if state == Status.PAID else "",
                    created_by_id=clerk,
                    submitted_by_id=clerk if Status.SUBMITTED in path else None,
                    reviewed_by_id=reviewer if Status.REVIEWED in path or state == Status.REJECTED else None,
                    approved_by_id=staff.get("city_admin") if Status.APPROVED in path else None,
                )
                application._history_user = clerks.get(clerk)  # the change history names the clerk
                created.append(application)
                steps.append(path)
        bulk_create_with_history(created, SubsidyApplication, batch_size=ORM_BATCH_SIZE)
        actors = {
            Status.DRAFT: "created_by_id",
            Status.SUBMITTED: "submitted_by_id",
            Status.REVIEWED: "reviewed_by_id",
            Status.REJECTED: "reviewed_by_id",
            Status.APPROVED: "approved_by_id",
            Status.PAID: "approved_by_id",
        }
        transitions = [
            ApplicationTransition(
                application=application,
                from_status=previous,
                to_status=status,
                by_id=getattr(application, actors[status]),
                comment=application.reason if status == Status.REJECTED else "",
            )
            for application, path in zip(created, steps, strict=True)
            for previous, status in zip(["", *path], path, strict=False)
        ]
        ApplicationTransition.objects.bulk_create(transitions, batch_size=ORM_BATCH_SIZE)
        return len(created)
