"""The follow-up figures of the dashboard and progress_report on hand-made outcomes and follow-ups."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command

from employment.models import EmploymentOutcome
from employment.tests.factories import EmploymentOutcomeFactory
from training.tests.factories import TrainingBatchFactory

from .. import schedule
from ..models import FollowUp
from ..selectors import follow_up_summary
from .factories import FollowUpFactory

pytestmark = pytest.mark.django_db
ON = datetime.date(2025, 7, 1)
SAME, OTHER, NONE = FollowUp.Employment.SAME, FollowUp.Employment.OTHER, FollowUp.Employment.NONE


@pytest.fixture
def outcomes(area, other_area, settings):
    settings.FOLLOW_UP_MONTHS = [1, 3, 6, 12]
    settings.FOLLOW_UP_GRACE_DAYS = 30
    batch = TrainingBatchFactory(area=area)
    brand = batch.occupation.brand

    def outcome(start, where=area, **kwargs):
        made = EmploymentOutcomeFactory(area=where, start_date=start, **kwargs)
        EmploymentOutcome.objects.filter(pk=made.pk).update(counted_batch=batch)
        return made

    a = outcome(datetime.date(2024, 6, 1))  # 1, 3, 6, 12 all due by ON (12 on 1 Jun: within the grace)
    b = outcome(datetime.date(2024, 12, 15))  # 1, 3 due (overdue), 6 due 15 Jun: within grace
    c = outcome(datetime.date(2025, 6, 10), where=other_area)  # nothing due yet (1 month: 10 Jul)
    outcome(datetime.date(2024, 1, 1), kind=EmploymentOutcome.Kind.ENTREPRENEURSHIP)  # never followed
    # a: 1, 3 and 6 months recorded; b: 1 recorded.
    FollowUpFactory(outcome=a, months=1, employment=SAME, contract_signed=True, social_insurance=True)
    FollowUpFactory(outcome=a, months=3, employment=SAME, contract_signed=True, social_insurance=False)
    FollowUpFactory(outcome=a, months=6, employment=OTHER, contract_signed=False, social_insurance=False)
    FollowUpFactory(outcome=b, months=1, reached=False, employment="", contract_signed=None, social_insurance=None)
    return {"a": a, "b": b, "c": c, "brand": brand}


def test_due_done_overdue_and_rates_follow_the_written_rules(outcomes, area, other_area):
    summary = follow_up_summary(on=ON)

    # Open points: a@12; b@3, b@6. Overdue (due before 31 May): b@3 only (a@12 due 1 Jun, b@6 due 15 Jun).
    assert (summary["due"], summary["done"], summary["overdue"]) == (3, 4, 1)
    # 6 months: one reached follow-up, employed (another employer): retained.
    assert summary["retained_6_months_rate"] == 1.0
    assert summary["retained_12_months_rate"] is None
    # Reached and employed: a@1, a@3, a@6 → contracts 2 of 3, insurance 1 of 3; b@1 (not reached) is left out.
    assert summary["contract_rate"] == round(2 / 3, 4)
    assert summary["social_insurance_rate"] == round(1 / 3, 4)
    brand = next(row for row in summary["brands"] if row["code"] == outcomes["brand"].code)
    assert brand["contract_rate"] == round(2 / 3, 4) and brand["done"] == 4
    by_area = {row["code"]: row for row in summary["areas"]}
    assert by_area[area.code] == {"code": area.code, "name": area.short_name, "due": 3, "overdue": 1, "done": 4}
    assert by_area[other_area.code]["due"] == 0


def test_someone_out_of_work_at_6_months_lowers_retention(outcomes):
    FollowUpFactory(
        outcome=outcomes["b"],
        months=6,
        employment=NONE,
        contract_signed=None,
        social_insurance=None,
        followed_on=datetime.date(2025, 6, 20),
    )
    summary = follow_up_summary(on=ON)
    assert summary["retained_6_months_rate"] == 0.5
    assert summary["due"] == 2  # b@6 is done now


def test_an_areas_figures_count_its_own_outcomes(outcomes, other_area):
    summary = follow_up_summary(area=other_area, on=ON)
    assert (summary["due"], summary["done"], summary["overdue"]) == (0, 0, 0)
    assert summary["contract_rate"] is None


def test_progress_report_json_carries_the_follow_up_contract(outcomes):
    out = StringIO()
    call_command("progress_report", "--json", stdout=out)
    follow_up = json.loads(out.getvalue())["follow_up"]
    for key in ("due", "done", "overdue", "retained_6_months_rate", "contract_rate", "social_insurance_rate"):
        assert key in follow_up
    assert follow_up["done"] == 4


def test_the_summary_takes_a_fixed_number_of_queries(outcomes, django_assert_max_num_queries):
    for n in range(5):
        EmploymentOutcomeFactory(start_date=datetime.date(2024, 2, n + 1))
    with django_assert_max_num_queries(10):
        follow_up_summary(on=ON)


def test_the_dashboard_shows_follow_up_figures_per_brand_and_area(outcomes, admin_client_city, area):
    from django.urls import reverse

    page = admin_client_city.get(reverse("dashboard:index")).content.decode()
    assert "跟踪服务与权益保障" in page
    brands = page[page.index('id="follow-up-brands"') :]
    assert f'<td>{outcomes["brand"].name}</td><td class="text-end">4</td>' in brands
    areas = page[page.index('id="follow-up-areas"') :]
    assert f"<td>{area.short_name}</td>" in areas


def _counted_from_rows(on, area=None) -> tuple[int, int]:
    """The oracle: the open points counted row by row (`open_point_rows`, what the worklist pages)."""
    outcomes = EmploymentOutcome.objects.all() if area is None else EmploymentOutcome.objects.filter(area=area)
    return (
        schedule.open_point_rows(outcomes, on=on).count(),
        schedule.open_point_rows(outcomes, on=on, overdue_only=True).count(),
    )


def test_the_open_points_read_from_the_day_rows_match_the_points_counted_one_by_one(outcomes, area, other_area):
    for on in (ON, datetime.date(2024, 7, 1), datetime.date(2025, 2, 28), datetime.date(2026, 12, 31)):
        counts = schedule.open_point_counts(on=on)
        for where in (area, other_area):
            assert tuple(counts.get(where.pk, (0, 0))) == _counted_from_rows(on, where), (on, where.code)
        assert tuple(schedule.open_point_counts(on=on, area_id=area.pk).get(area.pk, (0, 0))) == _counted_from_rows(
            on, area
        )


def test_the_day_rows_follow_the_services_and_the_admin_and_a_rebuild_writes_the_same_rows(
    outcomes, area, clerk, admin_client_city
):
    from django.urls import reverse

    from employment import services, tallies
    from employment.models import OutcomeDayTally
    from training.tests.factories import TraineeFactory

    def rows():
        return set(OutcomeDayTally.objects.values_list("area_id", "kind", "start_date", "outcomes"))

    made = services.outcome_create(
        user=clerk,
        trainee=TraineeFactory(),
        kind=EmploymentOutcome.Kind.FLEXIBLE,
        start_date=datetime.date(2024, 6, 1),
        work_kind="网约配送",
    )
    assert (area.pk, "flexible", datetime.date(2024, 6, 1), 1) in rows()
    # Its 1, 3, 6 and 12 months are due, all but the 12 (due 1 June, within the grace) overdue.
    assert schedule.open_point_counts(on=ON)[area.pk] == (3 + 4, 1 + 3)
    url = reverse("admin:employment_employmentoutcome_delete", args=[made.pk])
    assert admin_client_city.post(url, {"post": "yes"}).status_code == 302
    assert not any(row[1] == "flexible" for row in rows())
    assert tuple(schedule.open_point_counts(on=ON)[area.pk]) == _counted_from_rows(ON, area) == (3, 1)
    before = rows()
    OutcomeDayTally.objects.all().delete()
    tallies.rebuild()
    assert rows() == before
