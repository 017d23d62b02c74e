"""Vacancies for `load_demo --scale N` (one hook in demo/scale.py): N / 50 vacancies over the five areas and
the catalogue's occupations, about a third open today, so that matching is measured (`make bench`) against a
register of the size the city would hold. Marked like the rest of the scale data (note 演示规模数据): each
load replaces the previous ones and touches nothing else."""

import datetime
import random
from collections import Counter

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from brands.models import Area, Occupation, Organisation
from brands.services import organisation_upsert
from employment.vacancy_models import Vacancy

MARKER = "演示规模数据"
EMPLOYER_NAME = "演示规模数据用人单位"
ENROLMENTS_PER_VACANCY = 50
CHUNK = 5_000
CERTIFICATES = ["", "", "", "", "level5", "level4", "level3", "special"]
TITLES = ("岗位", "技术员", "师傅", "学徒", "普工")


def load(*, enrolments: int, seed: int) -> int:
    """Replace the scale vacancies with enrolments / 50 new ones; returns how many."""
    from demo.scale import _delete  # demo.scale calls this module: imported at call time

    with connection.cursor() as cursor:
        _delete(cursor, Vacancy, "note = %s", [MARKER], Counter())
    rng = random.Random(seed + 18)
    today = timezone.localdate()
    areas = list(Area.objects.exclude(kind=Area.Kind.CITY).order_by("sort_order", "code"))
    employers = [
        organisation_upsert(name=EMPLOYER_NAME, kind=Organisation.Kind.ENTERPRISE, area=area, address=MARKER)[0]
        for area in areas
    ]
    occupations = list(
        Occupation.objects.filter(Q(published_to__isnull=True) | Q(published_to__gte=today)).values_list("pk", "name")
    )
    total = max(1, enrolments // ENROLMENTS_PER_VACANCY)
    rows = []
    for number in range(total):
        where = rng.randrange(len(areas))
        occupation_id, occupation_name = rng.choice(occupations)
        start = today - datetime.timedelta(days=rng.randrange(0, 900))
        status = rng.choices([Vacancy.Status.OPEN, Vacancy.Status.FILLED, Vacancy.Status.CLOSED], weights=[35, 40, 25])[
            0
        ]
        ends = start + datetime.timedelta(days=rng.choice((90, 180, 365)))
        if status == Vacancy.Status.OPEN and ends < today:
            ends = today + datetime.timedelta(days=rng.randrange(10, 180))
        low = rng.randrange(3000, 7000, 100)
        age_max = rng.choice((None, 40, 45, 50, 55))
        rows.append(
            Vacancy(
                area=areas[where],
                employer=employers[where],
                occupation_id=occupation_id,
                title=f"{occupation_name}{rng.choice(TITLES)}{number + 1}",
                work_area=None if number % 10 == 0 else areas[rng.randrange(len(areas))],
                destination="广东省深圳市" if number % 10 == 0 else "",
                openings=rng.randint(1, 30),
                wage_min=low,
                wage_max=low + rng.randrange(500, 4000, 100),
                certificate=rng.choice(CERTIFICATES),
                age_min=18,
                age_max=age_max,
                kind=rng.choices(["full_time", "seasonal", "gig"], weights=[70, 15, 15])[0],
                valid_from=start,
                valid_to=ends,
                source=rng.choices(["employer", "job_fair", "labour_cooperation"], weights=[70, 15, 15])[0],
                status=status,
                note=MARKER,
            )
        )
        if len(rows) == CHUNK:
            Vacancy.objects.bulk_create(rows)
            rows = []
    Vacancy.objects.bulk_create(rows)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Vacancy._meta.db_table}")
    return total
