"""Pace, behind-pace, target allocation and scoping of the progress summary, on a fixed date."""

import datetime

import pytest

from brands.models import BrandLine, Target
from dashboard.selectors import elapsed_fraction, pace_matrix, progress_summary
from training.tests.factories import EnrolmentFactory, TrainingBatchFactory

pytestmark = pytest.mark.django_db

D = datetime.date
TRAININGS = Target.Metric.TRAININGS


def cell(summary, area_code, brand_code):
    return next(c for c in summary["matrix"] if c["area"] == area_code and c["brand"] == brand_code)


def test_elapsed_fraction_of_the_plan_period():
    assert elapsed_fraction(2021, 2025, D(2020, 12, 31)) == 0
    assert elapsed_fraction(2021, 2025, D(2021, 1, 1)) == 1 / 1826
    assert elapsed_fraction(2021, 2025, D(2023, 7, 2)) == pytest.approx(913 / 1826)
    assert elapsed_fraction(2021, 2025, D(2025, 12, 31)) == 1
    assert elapsed_fraction(2024, 2024, D(2024, 7, 1)) == 183 / 366


def test_city_pace_is_linear_over_the_plan_without_yearly_targets():
    summary = progress_summary(on=D(2023, 7, 2))
    assert summary["pace"]["plan_elapsed"] == 0.5
    assert summary["pace"]["trainings_expected"] == 6000  # half of 12,000
    assert summary["pace"]["jobs_expected"] == 5000
    assert summary["pace"]["trainings_behind_pace"] is True
    housekeeping = next(b for b in summary["pace"]["brands"] if b["code"] == "housekeeping")
    assert (housekeeping["trainings_expected"], housekeeping["jobs_expected"]) == (1500, 1200)
    # After 2025 the whole target is due.
    assert progress_summary(on=D(2026, 11, 27))["pace"]["trainings_expected"] == 12000


@pytest.fixture
def paced_area(area, recount_tallies):
    """Yearly 八桂家政 training targets for `area` (4 in 2024, 10 in 2025) and 3 people trained in March 2024."""
    housekeeping = BrandLine.objects.get(code="housekeeping")
    for year, value in [(2024, 4), (2025, 10)]:
        Target.objects.create(
            area=area, brand=housekeeping, year_from=year, year_to=year, metric=TRAININGS, value=value
        )
    batch = TrainingBatchFactory(area=area, start_date=D(2024, 3, 1), end_date=D(2024, 3, 20))
    EnrolmentFactory.create_batch(3, batch=batch, completed=True)
    recount_tallies()
    return area


def test_yearly_targets_set_the_pace_of_an_area_and_brand(paced_area):
    area = paced_area

    mid_2024 = progress_summary(on=D(2024, 7, 1))
    hk = cell(mid_2024, area.code, "housekeeping")
    assert (hk["trainings"], hk["trainings_target"], hk["trainings_expected"]) == (3, 14, 2)  # 4 × 183/366
    assert hk["trainings_behind_pace"] is False
    assert hk["jobs_expected"] is None and hk["jobs_behind_pace"] is None  # no jobs target
    assert hk["behind_pace"] is False
    assert cell(mid_2024, area.code, "construction")["behind_pace"] is None  # nothing allocated

    end_2025 = cell(progress_summary(on=D(2025, 12, 31)), area.code, "housekeeping")
    assert (end_2025["trainings_expected"], end_2025["behind_pace"]) == (14, True)
    # The area's own figure adds up its brands' targets.
    area_row = next(a for a in mid_2024["areas"] if a["code"] == area.code)
    assert area_row["trainings_target"] == 14
    one_year = progress_summary(year=2024, on=D(2024, 7, 1))
    assert cell(one_year, area.code, "housekeeping")["trainings_target"] == 4


def test_the_pace_matrix_alone_is_the_summarys_matrix(paced_area, other_area, clerk):
    """The inbox reads `pace_matrix` instead of the whole summary: the same cells, for the city and for a county."""
    area = paced_area
    for on in (D(2024, 7, 1), D(2025, 12, 31)):
        assert pace_matrix(on=on) == progress_summary(on=on)["matrix"]
        assert pace_matrix(user=clerk, on=on) == progress_summary(user=clerk, on=on)["matrix"]
    assert [c["area"] for c in pace_matrix(on=D(2025, 12, 31)) if c["behind_pace"]] == [area.code]


def test_allocation_shows_what_the_areas_still_lack(area, other_area):
    housekeeping = BrandLine.objects.get(code="housekeeping")
    Target.objects.create(area=area, brand=housekeeping, year_from=2024, year_to=2024, metric=TRAININGS, value=1000)
    Target.objects.create(
        area=other_area, brand=housekeeping, year_from=2021, year_to=2025, metric=TRAININGS, value=1500
    )
    allocation = progress_summary()["allocation"]["trainings"]
    line = next(b for b in allocation["brands"] if b["code"] == "housekeeping")
    assert line == {"code": "housekeeping", "name": "八桂家政", "target": 3000, "allocated": 2500, "shortfall": 500}
    assert (allocation["target"], allocation["allocated"], allocation["shortfall"]) == (12000, 2500, 9500)


def test_a_county_user_gets_their_own_area(clerk, area, other_area, recount_tallies):
    EnrolmentFactory(batch=TrainingBatchFactory(area=area), completed=True)
    EnrolmentFactory.create_batch(2, batch=TrainingBatchFactory(area=other_area), completed=True)
    recount_tallies()
    mine = progress_summary(user=clerk)
    assert mine["scope"] == {"code": area.code, "name": area.short_name, "city": False}
    assert [a["code"] for a in mine["areas"]] == [area.code]
    assert mine["city"]["trainings"] == 1
    assert {c["area"] for c in mine["matrix"]} == {area.code}
    assert mine["allocation"] is None
    assert progress_summary()["city"]["trainings"] == 3


def test_the_number_of_queries_does_not_depend_on_the_data(area, recount_tallies):
    def queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as context:
            progress_summary()
        return len(context.captured_queries)

    empty = queries()
    for year in (2022, 2023, 2024):
        batch = TrainingBatchFactory(area=area, start_date=D(year, 3, 1), end_date=D(year, 3, 20))
        EnrolmentFactory.create_batch(5, batch=batch, completed=True)
    recount_tallies()
    assert queries() == empty


def test_the_key_assistance_counties_follow_the_flag_not_the_name(area, other_area, recount_tallies):
    from brands.models import Area
    from employment.tests.factories import EmploymentOutcomeFactory
    from training.models import PriorityCategory
    from training.tests.factories import TraineeFactory

    poor = PriorityCategory.objects.get(name="脱贫人口")
    lingshan = Area.objects.get(is_key_county=True)
    batch = TrainingBatchFactory(area=lingshan, start_date=D(2024, 3, 1), end_date=D(2024, 3, 20))
    people = [TraineeFactory(categories=[poor]), TraineeFactory(), TraineeFactory(), TraineeFactory()]
    for person in people:
        EnrolmentFactory(batch=batch, trainee=person, completed=True)
    EmploymentOutcomeFactory(trainee=people[0], start_date=D(2024, 6, 1))
    EmploymentOutcomeFactory(
        trainee=people[1], kind="entrepreneurship", start_date=D(2024, 6, 1), jobs_created=3, area=lingshan
    )
    EnrolmentFactory(batch=TrainingBatchFactory(area=area), completed=True)  # elsewhere: not in the section
    recount_tallies()

    [county] = progress_summary(on=D(2025, 12, 31))["key_assistance_counties"]
    assert (county["code"], county["name"]) == ("450721", "灵山县")
    assert (county["trainings"], county["jobs"], county["jobs_created_by_startups"]) == (4, 2, 3)
    assert (county["trainings_target"], county["jobs_target"]) == (None, None)  # nothing allocated to it yet
    assert county["priority_groups"]["脱贫人口"] == {"trainings": 1, "jobs": 1, "jobs_created_by_startups": 0}
    assert county["priority_groups"]["易地搬迁安置人员"] == {"trainings": 0, "jobs": 0, "jobs_created_by_startups": 0}
    assert progress_summary(year=2023)["key_assistance_counties"][0]["trainings"] == 0

    # The city moves the flag: the section follows it, whatever the area is called.
    Area.objects.filter(pk=lingshan.pk).update(is_key_county=False)
    Area.objects.filter(pk=area.pk).update(is_key_county=True)
    [county] = progress_summary()["key_assistance_counties"]
    assert (county["code"], county["trainings"], county["jobs"]) == (area.code, 1, 0)
    Area.objects.filter(pk=area.pk).update(is_key_county=False)
    assert progress_summary()["key_assistance_counties"] == []


def test_a_county_user_sees_the_key_county_section_only_for_their_own_area(make_staff, area, recount_tallies):
    from accounts.roles import Role
    from brands.models import Area

    lingshan = Area.objects.get(code="450721")
    EnrolmentFactory(batch=TrainingBatchFactory(area=lingshan), completed=True)
    recount_tallies()
    assert progress_summary(user=make_staff(Role.COUNTY_CLERK, area))["key_assistance_counties"] == []
    [own] = progress_summary(user=make_staff(Role.COUNTY_CLERK, lingshan))["key_assistance_counties"]
    assert (own["code"], own["trainings"]) == ("450721", 1)
