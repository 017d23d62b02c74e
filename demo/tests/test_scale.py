from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from brands.models import Area, BrandLine
from conftest import uses_postgresql
from core.identity import parse_id_number
from dashboard.selectors import progress_summary
from demo import scale
from employment.counting import counted_outcomes
from employment.models import EmploymentOutcome, JobReferral, WageCase
from subsidies.models import SubsidyApplication
from training.counting import completed_trainings
from training.models import Enrolment, Trainee, TrainingBatch

pytestmark = pytest.mark.django_db

N = 400


def load(enrolments: int = N, **options) -> dict:
    """As `load_demo --scale` does it: the load, then the hook."""
    counts = scale.load_scale(enrolments=enrolments, stdout=StringIO(), **options)
    scale.after_bulk_load()
    return counts


def scale_enrolments():
    return Enrolment.objects.filter(batch__provider__name=scale.PROVIDER_NAME)


def test_scale_data_has_the_asked_number_of_enrolments_and_everything_around_them():
    counts = load()
    assert Enrolment.objects.count() == scale_enrolments().count() == counts["enrolments"] == N
    assert counts["trainees"] == Trainee.objects.count()
    # A second batch for some: fewer people than enrolments, about 0.87 N.
    assert 0.8 * N < counts["trainees"] < N
    assert TrainingBatch.objects.count() == counts["batches"] == N // 40
    sizes = Counter(scale_enrolments().values_list("batch_id", flat=True))
    assert all(15 <= size <= 65 for size in sizes.values())  # 20–60, scaled to add up to N
    for batch_id, capacity in TrainingBatch.objects.values_list("pk", "capacity"):
        assert sizes[batch_id] <= capacity < sizes[batch_id] + 5
    assert JobReferral.objects.count() == counts["referrals"] > counts["trainees"]
    assert EmploymentOutcome.objects.count() == counts["outcomes"] > 0
    assert WageCase.objects.count() == counts["wage_cases"] > 0
    assert WageCase.objects.filter(status=WageCase.Status.CLOSED).count() > 0.9 * counts["wage_cases"]
    assert 0.8 * N < Enrolment.objects.filter(completed=True).count() < 0.97 * N
    assert Trainee.categories.through.objects.exists()


def test_every_id_number_is_valid_and_matches_the_person():
    load()
    for number, birth_date, sex in Trainee.objects.values_list("id_number", "birth_date", "sex"):
        parsed = parse_id_number(number)
        assert (parsed.number, parsed.birth_date, parsed.sex) == (number, birth_date, sex)
        assert number.startswith("4507")
    for enrolment in scale_enrolments().select_related("trainee", "batch"):
        age = parse_id_number(enrolment.trainee.id_number).age_on(enrolment.batch.start_date)
        assert 18 <= age <= 60


def test_every_county_area_and_brand_line_is_represented_in_the_plan_period():
    load()
    batches = TrainingBatch.objects.all()
    counties = set(Area.objects.exclude(kind=Area.Kind.CITY).values_list("pk", flat=True))
    assert set(batches.values_list("area_id", flat=True)) == counties
    assert set(batches.values_list("occupation__brand_id", flat=True)) == set(
        BrandLine.objects.values_list("pk", flat=True)
    )
    assert all(2021 <= day.year <= 2026 for day in batches.values_list("start_date", flat=True))
    for start, end in batches.values_list("start_date", "end_date"):
        assert 7 <= (end - start).days <= 42 + 7  # a week to six, moved a few days at most to stay unique


def test_results_follow_the_training():
    load()
    first_end, first_start = {}, {}
    for trainee_id, end in scale_enrolments().filter(completed=True).values_list("trainee_id", "batch__end_date"):
        first_end[trainee_id] = min(end, first_end.get(trainee_id, end))
    for trainee_id, start in scale_enrolments().values_list("trainee_id", "batch__start_date"):
        first_start[trainee_id] = min(start, first_start.get(trainee_id, start))
    for trainee_id, day in JobReferral.objects.values_list("trainee_id", "referred_on"):
        assert day > first_end[trainee_id]
    for trainee_id, day in EmploymentOutcome.objects.values_list("trainee_id", "start_date"):
        assert trainee_id not in first_end or day > first_end[trainee_id] or day < first_start[trainee_id]


def test_the_counting_rules_count_the_scale_data():
    counts = load()
    completed = Enrolment.objects.filter(completed=True).count()
    assert completed_trainings().count() == completed == counts["completed_enrolments"]
    # Outcomes before any training are not results of the programme.
    assert 0 < counted_outcomes(stored=False).count() <= counts["outcomes"] - counts["outcomes_before_training"]


def test_progress_counts_the_scale_data_by_the_counting_rules():
    counts = load()
    report = progress_summary()
    completed = Enrolment.objects.filter(completed=True).count()
    assert report["city"]["trainings"] == completed == counts["completed_enrolments"]
    # Outcomes before any training are not results of the programme.
    assert 0 < report["city"]["jobs"] <= counts["outcomes"] - counts["outcomes_before_training"]
    assert all(brand["trainings"] > 0 for brand in report["brands"])
    assert all(area["trainings"] > 0 for area in report["areas"])
    assert report["referrals"]["with_3_or_more"] > 0
    assert report["wage_cases"]["total"] == counts["wage_cases"]


def test_the_foreign_keys_set_aside_for_the_load_are_back():
    if not uses_postgresql():
        pytest.skip("only PostgreSQL sets foreign keys aside during the load")

    def foreign_keys():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE contype = 'f' ORDER BY 1, 2"
            )
            return cursor.fetchall()

    before = foreign_keys()
    load()
    assert foreign_keys() == before


def test_the_same_seed_gives_the_same_people():
    load(seed=7)
    first = sorted(Trainee.objects.values_list("id_number", "name", "birth_date"))
    load(seed=7)
    assert sorted(Trainee.objects.values_list("id_number", "name", "birth_date")) == first


def test_load_demo_scale_replaces_the_scale_data_and_leaves_the_normal_demo_alone():
    out = StringIO()
    call_command("load_demo", "--password", "Demo-password-2025", "--scale", str(N), stdout=out)
    assert "规模演示数据已生成" in out.getvalue()
    assert f"参训记录 {N:,} 条" in out.getvalue()
    normal = Enrolment.objects.exclude(batch__provider__name=scale.PROVIDER_NAME)
    models = (TrainingBatch, Trainee, Enrolment, JobReferral, EmploymentOutcome, WageCase, SubsidyApplication)

    def snapshot():
        return (
            sorted(normal.values_list("pk", "trainee__id_number", "completed", "certificate")),
            {model.__name__: model.objects.count() for model in models},
        )

    before = snapshot()
    scale_applications = SubsidyApplication.objects.filter(enrolment__batch__provider__name=scale.PROVIDER_NAME)
    # Every state the generator writes (it sends nothing back for correction: 退回修改 is the demo's own).
    generated = set(SubsidyApplication.Status.values) - {SubsidyApplication.Status.RETURNED}
    assert set(scale_applications.values_list("status", flat=True)) == generated
    assert normal.exists()
    normal_numbers = set(normal.values_list("trainee__id_number", flat=True))

    counts = load()  # the second run: everything scale is replaced, nothing else is touched
    assert scale_enrolments().count() == N
    assert snapshot() == before
    assert counts["removed_enrolments"] == N
    assert counts["applications"] == scale_applications.count() > 0
    scale_numbers = set(scale_enrolments().values_list("trainee__id_number", flat=True))
    assert not scale_numbers & normal_numbers


@pytest.mark.parametrize("value", ["0", "-5", "5000001", "abc"])
def test_load_demo_refuses_a_bad_scale_in_chinese_before_loading_anything(value, django_user_model):
    with pytest.raises(CommandError, match="--scale 须"):
        call_command("load_demo", "--scale", value, stdout=StringIO())
    assert not django_user_model.objects.exists()
