"""Matching people and vacancies: one scoring function with named weights, explainable rank by rank.

A vacancy's score for a person adds the weights of the criteria it meets, in the issue's order of
importance: the occupation of a completed training, else its brand line; then the certificate level
the vacancy asks for; then the work area (where the person trained); then the age range. Each weight is
larger than all later ones together, so the ranking is that order, criterion by criterion.

`score` (Python) explains a pair; `vacancy_score_for` (SQL) ranks a person's vacancies in the database
and `person_score_for` ranks a vacancy's people. Both are built from `WEIGHTS`, and the tests check
that they agree."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Max, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from brands.models import Occupation
from training.models import Enrolment

OCCUPATION, BRAND, CERTIFICATE, AREA, AGE = "occupation", "brand", "certificate", "area", "age"
WEIGHTS = {OCCUPATION: 100, BRAND: 40, CERTIFICATE: 20, AREA: 10, AGE: 5}

Certificate = Enrolment.Certificate
# How a certificate ranks against a vacancy's requirement: a higher level meets a lower requirement.
CERTIFICATE_RANK = {
    Certificate.SPECIAL: 1,
    Certificate.LEVEL_5: 1,
    Certificate.LEVEL_4: 2,
    Certificate.LEVEL_3: 3,
    Certificate.LEVEL_2: 4,
    Certificate.LEVEL_1: 5,
}


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


@dataclass
class Profile:
    """What matching knows of a person: their completed trainings' occupations and brand lines, the
    highest certificate rank they hold, the areas they trained in, their age."""

    occupation_ids: set[int] = field(default_factory=set)
    brand_ids: set[int] = field(default_factory=set)
    certificate_rank: int = 0
    area_ids: set[int] = field(default_factory=set)
    age: int | None = None


def profiles_of(trainee_ids, *, on: datetime.date) -> dict[int, Profile]:
    """The profiles of the people named, from their completed enrolments, in one query."""
    profiles: dict[int, Profile] = {}
    rows = Enrolment.objects.filter(trainee_id__in=list(trainee_ids), completed=True).values_list(
        "trainee_id",
        "trainee__birth_date",
        "batch__occupation_id",
        "batch__occupation__brand_id",
        "batch__area_id",
        "certificate",
    )
    for trainee_id, birth, occupation_id, brand_id, area_id, certificate in rows:
        profile = profiles.setdefault(trainee_id, Profile(age=age_on(birth, on)))
        profile.occupation_ids.add(occupation_id)
        profile.brand_ids.add(brand_id)
        profile.area_ids.add(area_id)
        profile.certificate_rank = max(profile.certificate_rank, CERTIFICATE_RANK.get(certificate, 0))
    return profiles


@dataclass(frozen=True)
class Match:
    score: int
    reasons: tuple[str, ...]  # what counted, and what did not, in the order of the weights


def score(profile: Profile, vacancy) -> Match:
    """The score of `vacancy` for a person and the reason of each part (the page shows them)."""
    total, reasons = 0, []
    if vacancy.occupation_id in profile.occupation_ids:
        total += WEIGHTS[OCCUPATION]
        reasons.append(f"工种对口（+{WEIGHTS[OCCUPATION]}）")
    elif vacancy.occupation.brand_id in profile.brand_ids:
        total += WEIGHTS[BRAND]
        reasons.append(f"同一劳务品牌（+{WEIGHTS[BRAND]}）")
    else:
        reasons.append("工种、品牌均不对口")
    required = CERTIFICATE_RANK.get(vacancy.certificate, 0)
    if profile.certificate_rank >= required:
        total += WEIGHTS[CERTIFICATE]
        reasons.append(f"{'证书符合要求' if required else '无证书要求'}（+{WEIGHTS[CERTIFICATE]}）")
    else:
        reasons.append(f"未取得{vacancy.get_certificate_display()}")
    if vacancy.work_area_id is not None and vacancy.work_area_id in profile.area_ids:
        total += WEIGHTS[AREA]
        reasons.append(f"在工作地区参加过培训（+{WEIGHTS[AREA]}）")
    elif vacancy.work_area_id is None:
        reasons.append("市外输出岗位")
    else:
        reasons.append("工作地区不是培训地区")
    if _age_fits(profile.age, vacancy.age_min, vacancy.age_max):
        total += WEIGHTS[AGE]
        reasons.append(
            f"年龄符合（+{WEIGHTS[AGE]}）" if vacancy.age_min or vacancy.age_max else f"不限年龄（+{WEIGHTS[AGE]}）"
        )
    else:
        reasons.append(f"年龄不符（要求 {vacancy.age_label}）")
    return Match(total, tuple(reasons))


def _age_fits(age: int | None, low: int | None, high: int | None) -> bool:
    if age is None:
        return not (low or high)
    return (low is None or age >= low) and (high is None or age <= high)


def _points(*cases: tuple[Q, str]) -> Case:
    """The weight of the criterion of the first of `cases` (condition, criterion) that holds, else 0."""
    whens = (When(condition, then=Value(WEIGHTS[criterion])) for condition, criterion in cases)
    return Case(*whens, default=Value(0), output_field=IntegerField())


def vacancy_score_for(profile: Profile) -> Case:
    """`score` of each Vacancy row for one person, as a database expression (to rank in SQL)."""
    age = profile.age
    age_ok = Q(age_min__isnull=True, age_max__isnull=True)
    if age is not None:
        age_ok = (Q(age_min__isnull=True) | Q(age_min__lte=age)) & (Q(age_max__isnull=True) | Q(age_max__gte=age))
    brand = _points(
        (Q(occupation_id__in=profile.occupation_ids or [0]), OCCUPATION),
        (Q(occupation__brand_id__in=profile.brand_ids or [0]), BRAND),
    )
    certificate = _points((Q(certificate="") | Q(certificate__in=_codes_up_to(profile.certificate_rank)), CERTIFICATE))
    return brand + certificate + _points((Q(work_area_id__in=profile.area_ids or [0]), AREA)) + _points((age_ok, AGE))


def _codes_up_to(rank: int) -> list[str]:
    return [code for code, needed in CERTIFICATE_RANK.items() if needed <= rank] or [""]


def person_score_for(vacancy, *, on: datetime.date):
    """`score` of each Trainee row for one vacancy, as a database expression; the people ranked are
    who took part in training in its occupation; as in `score`, only completed trainings earn points.

    The training points come from one correlated subquery per person, grouped over their completed
    enrolments (a few rows, found by the (trainee, batch) index): the best of occupation/brand, whether
    any certificate meets the requirement, whether any was in the work area. The database evaluates it
    only for the people left after the exclusions, not for every completed enrolment of the occupation,
    brand or area (the hashed EXISTS of the first version: hundreds of thousands of rows at a million)."""
    required = CERTIFICATE_RANK.get(vacancy.certificate, 0)
    holds = [code for code, rank in CERTIFICATE_RANK.items() if rank >= required]
    # The brand's occupations (a handful, hashed once), not a join to each batch's occupation.
    brand_occupations = Occupation.objects.filter(brand_id=vacancy.occupation.brand_id).values("pk")
    points = Max(
        _points(
            (Q(batch__occupation_id=vacancy.occupation_id), OCCUPATION),
            (Q(batch__occupation_id__in=brand_occupations), BRAND),
        )
    )
    if required:
        points = points + Max(_points((Q(certificate__in=holds), CERTIFICATE)))
    if vacancy.work_area_id:
        points = points + Max(_points((Q(batch__area_id=vacancy.work_area_id), AREA)))
    training = Subquery(
        Enrolment.objects.filter(trainee_id=OuterRef("pk"), completed=True)
        .order_by()
        .values("trainee_id")
        .annotate(points=points)
        .values("points")[:1],
        output_field=IntegerField(),
    )
    age = Q()
    if vacancy.age_min:  # born on or before the day that makes them age_min today
        age &= Q(birth_date__lte=_years_before(on, vacancy.age_min))
    if vacancy.age_max:  # not yet age_max + 1
        age &= Q(birth_date__gt=_years_before(on, vacancy.age_max + 1))
    age_points = _points((age, AGE)) if age else Value(WEIGHTS[AGE])
    certificate = Value(0 if required else WEIGHTS[CERTIFICATE])  # no requirement: everyone meets it
    return Coalesce(training, Value(0)) + certificate + age_points


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
