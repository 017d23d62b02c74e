"""The counting rules for jobs and the three-referral rule (DESIGN.md "Counting rules"), written once.

The summary rows (`tallies`), their rebuild (whose SQL is compiled from these querysets), the dashboard's
drill-down and the tests' oracle all take the records and their key from here, keyed as training's are
(`training.counting`: `counted_area_id`, `counted_brand_id`, `counted_year`)."""

import datetime

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from training.models import Enrolment

from .models import EmploymentOutcome, JobReferral

REFERRALS_REQUIRED = 3

# --- jobs (带动就业创业人次) ---------------------------------------------------------------------------


def attributed_enrolments() -> QuerySet:
    """For an outcome (OuterRef), the completed enrolment it is attributed to: the person's most
    recent completed training whose batch started on or before the outcome's start date. An outcome
    before any training is no result of the programme and is not counted."""
    return Enrolment.objects.filter(
        trainee_id=OuterRef("trainee_id"), completed=True, batch__start_date__lte=OuterRef("start_date")
    ).order_by("-batch__start_date", "-batch__end_date", "-id")


def job_attribution(*, stored: bool = True) -> dict:
    """Where an outcome counts: the area that ran the batch it is attributed to, the brand of that batch's
    occupation, the year of the outcome's start date (all None for an outcome that does not count).

    `stored`: read the batch the services stored on the outcome (`counted_batch`); otherwise work it out
    from the records (`attributed_enrolments`), as the tests' oracle does to check what was stored."""
    if stored:
        area, brand = F("counted_batch__area_id"), F("counted_batch__occupation__brand_id")
    else:
        latest = attributed_enrolments()
        area = Subquery(latest.values("batch__area_id")[:1])
        brand = Subquery(latest.values("batch__occupation__brand_id")[:1])
    return {"counted_area_id": area, "counted_brand_id": brand, "counted_year": ExtractYear("start_date")}


def counted_outcomes(outcomes: QuerySet | None = None, *, stored: bool = True) -> QuerySet:
    """The outcomes (of `outcomes`, all by default) that count as 带动就业创业人次, with their key."""
    outcomes = EmploymentOutcome.objects.all() if outcomes is None else outcomes
    if stored:
        # Filtered first: the joins to the batch and its occupation are then inner joins.
        return outcomes.filter(counted_batch__isnull=False).annotate(**job_attribution())
    return outcomes.annotate(**job_attribution(stored=False)).filter(counted_area_id__isnull=False)


# 带动就业 by start-ups: the people an entrepreneurship outcome employs (`jobs_created`, the founder not
# included), counted where and when the outcome counts: an aggregate over `counted_outcomes`.
STARTUP_EMPLOYEES = Sum("jobs_created", filter=Q(kind=EmploymentOutcome.Kind.ENTREPRENEURSHIP), default=0)


# --- the three-referral rule (三（二）1: 为参加劳务品牌培训的人员每人推荐就业岗位不少于3次) ---------------


def counts_toward_three() -> Exists:
    """For a referral (OuterRef), whether it counts toward the three: dated on or after the start of the
    person's first brand batch, i.e. some batch of theirs had started by the referral's date. A referral
    before any training is kept but not counted (the person's page says 不计入)."""
    return Exists(
        Enrolment.objects.filter(trainee_id=OuterRef("trainee_id"), batch__start_date__lte=OuterRef("referred_on"))
    )


def counted_referrals(referrals: QuerySet | None = None) -> QuerySet:
    """The referrals (of `referrals`, all by default) that count toward the three."""
    referrals = JobReferral.objects.all() if referrals is None else referrals
    return referrals.filter(counts_toward_three())


def took_part(*, on: datetime.date | None = None, through: str = "") -> Q:
    """The condition on an enrolment (reached `through` a relation, e.g. "enrolments__") that makes its
    person one who took part in brand training on `on` (today by default): its batch has started,
    completed or not."""
    return Q(**{f"{through}batch__start_date__lte": on or timezone.localdate()})


def referral_attribution() -> dict:
    """Where an enrolment makes its person count for the three-referral rule: the area that runs the
    batch, the year it starts, from its first day (`counted_from`)."""
    return {
        "counted_area_id": F("batch__area_id"),
        "counted_year": ExtractYear("batch__start_date"),
        "counted_from": F("batch__start_date"),
    }


def referral_participations(*, on: datetime.date | None = None) -> QuerySet:
    """The enrolments that make their people count for the three-referral rule on `on` (`took_part`),
    with where they count (`referral_attribution`)."""
    return Enrolment.objects.filter(took_part(on=on)).annotate(**referral_attribution())
