"""Summary rows for jobs (`JobTally`) and the three-referral rule (`ReferralTally`), kept exact in the
transaction of every change, so the dashboard reads a few hundred rows at any number of records.

- Each outcome stores the batch it counts for (`counted_batch`), recomputed for a person whenever their
  outcomes or completed training change; the job rows of the keys that batch had before and has now are
  then recounted from the outcomes (a recount, not an increment: a row cannot drift), with the people the
  counted start-ups employ (`STARTUP_EMPLOYEES`) in the same statement.
- The referral rule counts distinct people, which does not add up across areas and years, so each person's
  contribution (the scopes they count in, from which day, and whether they have three referrals that
  count) is kept in `ReferralStanding`; a change takes the old contribution off and puts the new one on.
  A person counts from the day their batch starts: the rows carry that day (`ReferralTally.counted_from`)
  and readers add up those whose day has come, so no scheduled job has to write anything on the day.

Training changes reach here through `training.signals.progress_inputs_changed` (connected in
`EmploymentConfig.ready`); employment's own services call `trainees_changed` directly."""

import datetime
from collections import Counter
from collections.abc import Iterable

from django.db import connection
from django.db.models import Count, F, Min, Q, QuerySet, Subquery

from brands.selectors import city_area
from core.db import id_chunks, ids_in, lock_in_id_order
from training.counting import KEY_FIELDS, Key, any_of, counted_in
from training.models import Enrolment, Trainee
from training.tallies import FULL_RECOUNT_KEYS, rewrite_rows, tally_rows
from training.tallies import recount as recount_trainings

from .counting import (
    REFERRALS_REQUIRED,
    STARTUP_EMPLOYEES,
    attributed_enrolments,
    counted_outcomes,
    counted_referrals,
    job_attribution,
    referral_attribution,
)
from .models import EmploymentOutcome, JobReferral, JobTally, OutcomeDayTally, ReferralStanding, ReferralTally

ALL_YEARS = 0
Day = tuple[int, str, datetime.date]  # area id, kind, start date: an `OutcomeDayTally` row's key


def job_keys(outcomes) -> set[Key]:
    """The keys `outcomes` count in, as stored now."""
    return set(counted_outcomes(outcomes).values_list(*KEY_FIELDS).distinct())


def recount_jobs(keys: Iterable[Key] | None = None, *, pairs: Iterable[tuple[int, int]] = ()) -> None:
    """Rewrite the job rows of `keys` and of every year of `pairs` (all rows when keys is None)."""
    keys = None if keys is None else set(keys)
    pairs = set(pairs)
    if keys is not None and not keys and not pairs:
        return
    rows = JobTally.objects.all()
    outcomes = counted_outcomes()
    if keys is not None and len(keys) + len(pairs) <= FULL_RECOUNT_KEYS:
        rows = rows.filter(tally_rows(keys) | any_of(Q(area_id=a, brand_id=b) for a, b in pairs))
        outcomes = outcomes.filter(
            counted_in(keys) | any_of(Q(counted_area_id=a, counted_brand_id=b) for a, b in pairs)
        )
    rewrite_rows(JobTally, rows, outcomes, count_field="jobs", sums={"startup_employees": STARTUP_EMPLOYEES})


def outcome_days(outcomes) -> set[Day]:
    """The day rows `outcomes` count in, as stored now."""
    return set(outcomes.order_by().values_list("area_id", "kind", "start_date").distinct())


def _keys_and_days(outcomes) -> tuple[set[Key], set[Day]]:
    """`job_keys` and `outcome_days` of `outcomes` in one query (a roster's people are asked for both, per chunk)."""
    rows = (
        outcomes.order_by()
        .annotate(**job_attribution())
        .values_list("counted_batch_id", *KEY_FIELDS, "area_id", "kind", "start_date")
        .distinct()
    )
    keys: set[Key] = set()
    days: set[Day] = set()
    for batch_id, area_id, brand_id, year, *day in rows:
        if batch_id is not None:
            keys.add((area_id, brand_id, year))
        days.add(tuple(day))
    return keys, days


def recount_days(days: Iterable[Day] | None = None) -> None:
    """Rewrite the `OutcomeDayTally` rows of `days` (all rows when None) from the outcomes: a recount, not an
    increment, so a row cannot drift."""
    rows = OutcomeDayTally.objects.all()
    outcomes = EmploymentOutcome.objects.order_by()
    if days is not None:
        by_kind: dict[tuple[int, str], set[datetime.date]] = {}
        for area_id, kind, day in days:
            by_kind.setdefault((area_id, kind), set()).add(day)
        if not by_kind:
            return
        which = any_of(Q(area_id=a, kind=k, start_date__in=sorted(d)) for (a, k), d in by_kind.items())
        rows, outcomes = rows.filter(which), outcomes.filter(which)
    rows.delete()
    counts = outcomes.values("area_id", "kind", "start_date").annotate(n=Count("id"))
    OutcomeDayTally.objects.bulk_create(
        [
            OutcomeDayTally(area_id=c["area_id"], kind=c["kind"], start_date=c["start_date"], outcomes=c["n"])
            for c in counts.iterator(chunk_size=2000)
        ],
        batch_size=2000,
    )


def _attribute(outcomes) -> None:
    """Store on each outcome the batch it counts for under the counting rule."""
    outcomes.update(counted_batch=Subquery(attributed_enrolments().values("batch_id")[:1]))


def _participation_parts(enrolments) -> QuerySet:
    """(trainee id, area id, start year, first start) of `enrolments`, one per person, area and year."""
    return (
        enrolments.annotate(**referral_attribution())
        .values("trainee_id", "counted_area_id", "counted_year")
        .annotate(since=Min("counted_from"))
        .values_list("trainee_id", "counted_area_id", "counted_year", "since")
        .order_by()
    )


# Each person's [area id, year, counted-from] scopes as one JSON array, sorted by aggregating rows that come
# sorted: an ORDER BY inside the aggregate sorted each person's handful of rows again (and SQLite has none
# before 3.44).
SCOPES_AS_JSON = {
    "postgresql": "jsonb_agg(jsonb_build_array(area_id, year, since))",
    "sqlite": "json_group_array(json_array(area_id, year, since))",
}


def _write_standings(city_id: int, enrolments: QuerySet, referrals: QuerySet) -> list[tuple]:
    """The standings of the people of `enrolments` (whose old ones are gone), worked out in the database from
    the selectors' queries, compiled, so the rule is written once: a few statements for any number of people.
    Returns what they add to the referral rows: (area id, year, counted from, people, people with three)."""
    parts, part_params = _participation_parts(enrolments).query.sql_with_params()
    counted, referral_params = (
        counted_referrals(referrals).values("trainee_id").annotate(n=Count("id")).values_list("trainee_id", "n")
    ).query.sql_with_params()
    with connection.cursor() as cursor:
        # (person, area id, year, counted from) for every scope a person counts in (the area and the city, that
        # year and all years, each from the first day that counts), with their referrals that count.
        cursor.execute(
            f"""CREATE TEMPORARY TABLE referral_scopes AS
            WITH parts (trainee_id, area_id, year, since) AS ({parts}),
            scopes AS (
                SELECT trainee_id, area_id, year, MIN(since) AS since FROM (
                    SELECT trainee_id, area_id, CAST(year AS INTEGER) AS year, since FROM parts
                    UNION ALL SELECT trainee_id, area_id, {ALL_YEARS}, MIN(since) FROM parts
                        GROUP BY trainee_id, area_id
                    UNION ALL SELECT trainee_id, %s, CAST(year AS INTEGER), MIN(since) FROM parts
                        GROUP BY trainee_id, year
                    UNION ALL SELECT trainee_id, %s, {ALL_YEARS}, MIN(since) FROM parts GROUP BY trainee_id
                ) AS every_scope
                GROUP BY trainee_id, area_id, year
            ),
            referrals (trainee_id, n) AS ({counted})
            SELECT scopes.trainee_id, scopes.area_id, scopes.year, scopes.since, COALESCE(referrals.n, 0) AS referrals
            FROM scopes LEFT JOIN referrals ON referrals.trainee_id = scopes.trainee_id""",
            (*part_params, city_id, city_id, *referral_params),
        )
        cursor.execute(
            f"""INSERT INTO {ReferralStanding._meta.db_table} (trainee_id, referrals, first_start, scopes)
            SELECT trainee_id, MAX(referrals), MIN(since), {SCOPES_AS_JSON[connection.vendor]}
            FROM (SELECT * FROM referral_scopes ORDER BY trainee_id, area_id, year) AS sorted
            GROUP BY trainee_id"""
        )
        cursor.execute(
            """SELECT area_id, year, since, COUNT(*), SUM(CASE WHEN referrals >= %s THEN 1 ELSE 0 END)
            FROM referral_scopes GROUP BY area_id, year, since""",
            [REFERRALS_REQUIRED],
        )
        added = [(area_id, year, str(since), people, met) for area_id, year, since, people, met in cursor.fetchall()]
        cursor.execute("DROP TABLE referral_scopes")
    return added


def _refresh_standings(trainee_ids: list[int], city_id: int, trainees: Counter, met: Counter) -> None:
    """Take each person's old contribution to the referral rows off and put the current one on: their
    standings are rewritten, and what the rows must move by is added to `trainees` and `met` (people, and
    people with three referrals, per (area id, year, counted from)) for `_move_referral_rows`.

    A person counts from the start of their batch: the rows are keyed by that day and readers add up
    the rows whose day has come, so a batch starting next month is already here, waiting."""
    # Whoever changes these people's standings waits here for whoever is changing them now: the standings are
    # deleted and written anew, and a reader waiting on a standing row would skip it once deleted, never
    # subtracting its successor. NO KEY UPDATE: inserting records that refer to the people does not wait.
    ids = ids_in(trainee_ids)
    lock_in_id_order(Trainee.objects.filter(pk__in=ids), no_key=True)
    old = ReferralStanding.objects.filter(trainee_id__in=ids)
    for referrals, scopes in old.values_list("referrals", "scopes"):
        for area_id, year, since in scopes:
            trainees[(area_id, year, since)] -= 1
            met[(area_id, year, since)] -= referrals >= REFERRALS_REQUIRED
    old.delete()
    for area_id, year, since, people, with_three in _write_standings(
        city_id,
        Enrolment.objects.filter(trainee_id__in=ids),
        JobReferral.objects.filter(trainee_id__in=ids),
    ):
        trainees[(area_id, year, since)] += people
        met[(area_id, year, since)] += with_three


def _move_referral_rows(trainees: Counter, met: Counter) -> None:
    """Move each referral row by the change: the rows first (one statement; those that exist are left
    alone), then an increment in the database per row, so concurrent changes of other people add up."""
    changed = sorted(scope for scope in set(trainees) | set(met) if trainees[scope] or met[scope])
    ReferralTally.objects.bulk_create(
        [
            ReferralTally(area_id=area_id, year=year, counted_from=datetime.date.fromisoformat(since))
            for area_id, year, since in changed
        ],
        ignore_conflicts=True,
    )
    for area_id, year, since in changed:
        scope = (area_id, year, since)
        ReferralTally.objects.filter(area_id=area_id, year=year, counted_from=since).update(
            trainees=F("trainees") + trainees[scope], with_3_or_more=F("with_3_or_more") + met[scope]
        )


def trainees_changed(
    trainee_ids: Iterable[int],
    *,
    old_pairs: Iterable[tuple[int, int]] = (),
    old_keys: Iterable[Key] = (),
    old_days: Iterable[Day] = (),
) -> None:
    """Bring the job, referral and outcome-day rows up to date for these people (call inside the writing
    transaction).

    `old_pairs`: (area, brand) pairs of batches whose occupation changed, whose jobs are recounted too;
    `old_keys` and `old_days`: job keys and day rows of outcomes that were deleted or moved (from `job_keys`
    and `outcome_days` before the change)."""
    ids = set(trainee_ids)
    keys: set[Key] = set(old_keys)
    days: set[Day] = set(old_days)
    city_id = city_area().pk if ids else None
    trainees: Counter = Counter()
    met: Counter = Counter()
    for chunk in id_chunks(ids):
        outcomes = EmploymentOutcome.objects.filter(trainee_id__in=ids_in(chunk))
        stored_keys, stored_days = _keys_and_days(outcomes)
        if stored_days:  # the people have outcomes (a roster's new people have none)
            keys |= stored_keys
            days |= stored_days
            _attribute(outcomes)
            keys |= job_keys(outcomes)
        _refresh_standings(chunk, city_id, trainees, met)
    _move_referral_rows(trainees, met)
    recount_jobs(keys, pairs=old_pairs)
    recount_days(days)


def on_training_changed(sender, *, trainee_ids, old_pairs=(), **kwargs) -> None:
    trainees_changed(trainee_ids, old_pairs=old_pairs)


def rebuild() -> None:
    """Recount every summary row from the records: after a bulk load that bypassed the services
    (`load_demo --scale`), or to repair rows after a manual database change."""
    recount_trainings()
    _attribute(EmploymentOutcome.objects.all())
    recount_jobs()
    recount_days()
    ReferralStanding.objects.all().delete()
    ReferralTally.objects.all().delete()
    added = _write_standings(city_area().pk, Enrolment.objects.all(), JobReferral.objects.all())
    ReferralTally.objects.bulk_create(
        [
            ReferralTally(area_id=a, year=y, counted_from=since, trainees=people, with_3_or_more=with_three)
            for a, y, since, people, with_three in added
        ],
        batch_size=2000,
    )
