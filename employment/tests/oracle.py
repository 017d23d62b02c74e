"""The counting rules worked out from the records (`training.counting`, `employment.counting`), as the
tests compare the summary rows with them: the same named querysets the rows are recounted from, but
jobs attributed from the records rather than read from the batch the services stored."""

import datetime
from collections import Counter

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from employment.counting import (
    REFERRALS_REQUIRED,
    STARTUP_EMPLOYEES,
    counted_outcomes,
    counted_referrals,
    referral_participations,
)
from employment.models import EmploymentOutcome, JobReferral
from employment.selectors import _groups, _referral_rate
from training.counting import KEY_FIELDS, completed_trainings, of_key, per_key
from training.models import Enrolment, PriorityCategory, Trainee


def counts_per_key(records: QuerySet, measure=None) -> Counter:
    """The number of keyed records (or `measure`, an aggregate of them) per key, {(area id, brand id,
    year): n}: the rule as the tests' oracle reads it, to compare with the summary rows."""
    rows = per_key(records, **({"measure": measure} if measure is not None else {}))
    field = "n" if measure is None else "measure"
    return Counter({tuple(row[name] for name in KEY_FIELDS): row[field] for row in rows})


def referral_summary(*, year: int | None = None, area=None, on: datetime.date | None = None) -> dict:
    """The three-referral rule over the people who took part in brand training by `on` (in a batch
    starting in `year`; of `area` when given), with the referrals that count from every area."""
    enrolments = referral_participations(on=on).filter(of_key(area=area, year=year))
    referral_count = (
        counted_referrals(JobReferral.objects.filter(trainee_id=OuterRef("pk")))
        .values("trainee_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    trainees = Trainee.objects.filter(pk__in=enrolments.values("trainee_id")).annotate(
        referral_total=Coalesce(Subquery(referral_count, output_field=IntegerField()), Value(0))
    )
    totals = trainees.aggregate(
        trainees=Count("id"), with_3_or_more=Count("id", filter=Q(referral_total__gte=REFERRALS_REQUIRED))
    )
    return _referral_rate(totals["trainees"], totals["with_3_or_more"])


def priority_group_counts(*, year: int | None = None, area=None) -> dict:
    """Trainings, jobs and the people their start-ups employ, of the people in each priority category (a
    person in two categories counts in both); only those counted for `area` when given."""
    in_groups = Q(trainee__categories__isnull=False)
    trainings = completed_trainings(Enrolment.objects.filter(in_groups)).filter(of_key(area=area, year=year))
    jobs = counted_outcomes(EmploymentOutcome.objects.filter(in_groups), stored=False).filter(
        of_key(area=area, year=year)
    )
    training_rows = dict(
        trainings.values("trainee__categories").annotate(n=Count("id")).values_list("trainee__categories", "n")
    )
    job_rows = jobs.values("trainee__categories").annotate(n=Count("id"), employees=STARTUP_EMPLOYEES)
    return _groups(
        PriorityCategory.objects.all(),
        training_rows,
        {row["trainee__categories"]: row["n"] for row in job_rows},
        {row["trainee__categories"]: row["employees"] for row in job_rows},
    )
