"""Counting and attribution of jobs, the three-referral rule and wage cases, on hand-made data."""

import datetime
import json
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from brands.models import BrandLine, Occupation
from employment.counting import counted_outcomes
from employment.models import EmploymentOutcome, WageCase
from employment.selectors import referral_worklist, wage_case_summary
from employment.services import outcome_create, referral_create, wage_case_create, wage_case_progress
from employment.tests.oracle import counts_per_key, referral_summary
from training.models import PriorityCategory
from training.services import ResultEntry, enrolments_record_results
from training.tests.factories import EnrolmentFactory, TraineeFactory, TrainingBatchFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def housekeeping_batch(area):
    return TrainingBatchFactory(area=area, start_date=D(2023, 3, 1), end_date=D(2023, 3, 20))


@pytest.fixture
def rice_batch(other_area):
    return TrainingBatchFactory(
        area=other_area,
        occupation=Occupation.objects.get(name="灵山刮粉制作工"),
        start_date=D(2024, 5, 1),
        end_date=D(2024, 5, 20),
    )


def employed(user, trainee, start, area=None):
    return outcome_create(
        user=user, trainee=trainee, kind="employed", start_date=start, employer_name="钦州某公司", area=area
    )


def job_counts() -> dict:
    """带动就业创业人次 per (area id, brand id, year) under the counting rule, worked out from the records."""
    return dict(+counts_per_key(counted_outcomes(stored=False)))


def report(*args) -> dict:
    out = StringIO()
    call_command("progress_report", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_a_job_counts_for_the_batch_the_person_trained_in(city_admin, area, housekeeping_batch):
    person = TraineeFactory()
    EnrolmentFactory(trainee=person, batch=housekeeping_batch, completed=True)
    employed(city_admin, person, D(2023, 6, 1), area=area)
    housekeeping = BrandLine.objects.get(code="housekeeping")
    assert job_counts() == {(area.pk, housekeeping.pk, 2023): 1}


def test_a_person_trained_twice_is_attributed_to_the_latest_training_before_the_outcome(
    city_admin, area, other_area, housekeeping_batch, rice_batch
):
    person = TraineeFactory()
    EnrolmentFactory(trainee=person, batch=housekeeping_batch, completed=True)
    EnrolmentFactory(trainee=person, batch=rice_batch, completed=True)
    employed(city_admin, person, D(2023, 9, 1), area=area)  # between the two trainings
    employed(city_admin, person, D(2024, 7, 1), area=area)  # after the second
    housekeeping = BrandLine.objects.get(code="housekeeping")
    rice = BrandLine.objects.get(code="rice-noodle")
    # Area is the area that ran the batch, not the area that recorded the outcome.
    assert job_counts() == {(area.pk, housekeeping.pk, 2023): 1, (other_area.pk, rice.pk, 2024): 1}
    data = report()
    assert data["city"]["jobs"] == 2
    assert {b["code"]: b["jobs"] for b in data["brands"]} == {
        "housekeeping": 1,
        "construction": 0,
        "rice-noodle": 1,
        "local-specialty": 0,
    }
    assert {a["code"]: a["jobs"] for a in data["areas"]}["450703"] == 1
    assert report("--year", "2024")["city"]["jobs"] == 1


def test_an_outcome_before_any_training_does_not_count(city_admin, area, housekeeping_batch):
    person = TraineeFactory()
    EnrolmentFactory(trainee=person, batch=housekeeping_batch, completed=True)
    employed(city_admin, person, D(2022, 12, 1), area=area)
    assert job_counts() == {}
    assert report()["city"]["jobs"] == 0


def test_an_outcome_of_someone_who_did_not_complete_does_not_count(city_admin, area, housekeeping_batch):
    person = TraineeFactory()
    EnrolmentFactory(trainee=person, batch=housekeeping_batch, completed=False)
    employed(city_admin, person, D(2023, 6, 1), area=area)
    assert job_counts() == {}


def test_every_kind_of_outcome_counts_once(city_admin, area, housekeeping_batch):
    person = TraineeFactory()
    EnrolmentFactory(trainee=person, batch=housekeeping_batch, completed=True)
    employed(city_admin, person, D(2023, 4, 1), area=area)
    outcome_create(
        user=city_admin,
        trainee=person,
        kind="entrepreneurship",
        start_date=D(2023, 8, 1),
        business_name="阿姐家政",
        jobs_created=3,
        area=area,
    )
    outcome_create(
        user=city_admin, trainee=person, kind="flexible", start_date=D(2024, 1, 5), work_kind="网约家政", area=area
    )
    assert sum(job_counts().values()) == 3


def test_outcome_kind_needs_its_fields(clerk):
    person = TraineeFactory()
    with pytest.raises(ValidationError) as error:
        outcome_create(user=clerk, trainee=person, kind="entrepreneurship", start_date=D(2024, 1, 1))
    assert "创业结果请填写创办实体名称" in str(error.value)
    with pytest.raises(ValidationError) as error:
        outcome_create(user=clerk, trainee=person, kind="employed", start_date=D(2024, 1, 1))
    assert "就业结果请选择或填写用人单位" in str(error.value)
    with pytest.raises(ValidationError) as error:
        outcome_create(
            user=clerk,
            trainee=person,
            kind="flexible",
            start_date=datetime.date.today() + datetime.timedelta(days=3),
            work_kind="外卖",
        )
    assert "开始日期不能晚于今天" in str(error.value)


def test_the_three_referral_rule(clerk, area, housekeeping_batch, recount_tallies):
    full, short, not_completed = TraineeFactory(), TraineeFactory(), TraineeFactory()
    EnrolmentFactory(trainee=full, batch=housekeeping_batch, completed=True)
    EnrolmentFactory(trainee=short, batch=housekeeping_batch, completed=True)
    # Took part without completing: the plan asks three referrals for them too.
    EnrolmentFactory(trainee=not_completed, batch=housekeeping_batch, completed=False)
    recount_tallies()  # the factories went behind the services' back
    for day in (1, 2, 3):
        referral_create(
            user=clerk,
            trainee=full,
            employer_name="钦州某公司",
            position="家政服务员",
            referred_on=D(2023, 4, day),
            channel="job_fair",
        )
    referral_create(
        user=clerk,
        trainee=short,
        employer_name="钦州某公司",
        position="育婴员",
        referred_on=D(2023, 4, 1),
        channel="online",
    )
    assert referral_summary() == {"trainees": 3, "with_3_or_more": 1, "rate": 0.3333}
    assert report()["referrals"] == {"trainees": 3, "with_3_or_more": 1, "rate": 0.3333}
    assert sorted(t.name for t in referral_worklist(user=clerk)) == sorted([short.name, not_completed.name])


def test_worklist_puts_priority_groups_first_then_the_longest_waiting(clerk, area, recount_tallies):
    early = TrainingBatchFactory(area=area, start_date=D(2022, 1, 1), end_date=D(2022, 1, 20))
    late = TrainingBatchFactory(area=area, start_date=D(2024, 1, 1), end_date=D(2024, 1, 20))
    plain_early = TraineeFactory(name="甲早")
    plain_late = TraineeFactory(name="乙晚")
    priority_late = TraineeFactory(name="丙优先", categories=[PriorityCategory.objects.get(name="脱贫人口")])
    EnrolmentFactory(trainee=plain_early, batch=early, completed=True)
    EnrolmentFactory(trainee=plain_late, batch=late, completed=True)
    EnrolmentFactory(trainee=priority_late, batch=late, completed=True)
    recount_tallies()  # the factories went behind the services' back
    assert [t.name for t in referral_worklist(user=clerk)] == ["丙优先", "甲早", "乙晚"]


def test_the_worklist_follows_completions_and_referrals_recorded_through_the_services(clerk, housekeeping_batch):
    """The worklist reads the referral standings the services keep: no recount in between."""
    enrolment = EnrolmentFactory(batch=housekeeping_batch, completed=False)
    assert list(referral_worklist(user=clerk)) == []
    enrolments_record_results(
        batch=housekeeping_batch, user=clerk, entries=[ResultEntry(enrolment_id=enrolment.pk, completed=True)]
    )
    assert [(t.pk, t.referral_total) for t in referral_worklist(user=clerk)] == [(enrolment.trainee_id, 0)]
    for day in (1, 2):
        referral_create(
            user=clerk,
            trainee=enrolment.trainee,
            employer_name="钦州某公司",
            position="家政服务员",
            referred_on=D(2023, 4, day),
            channel="job_fair",
        )
    assert [(t.pk, t.referral_total) for t in referral_worklist(user=clerk)] == [(enrolment.trainee_id, 2)]
    referral_create(
        user=clerk,
        trainee=enrolment.trainee,
        employer_name="钦州某公司",
        position="家政服务员",
        referred_on=D(2023, 4, 3),
        channel="job_fair",
    )
    assert list(referral_worklist(user=clerk)) == []


def test_worklist_of_another_area_is_empty(other_clerk, housekeeping_batch):
    EnrolmentFactory(batch=housekeeping_batch, completed=True)
    assert list(referral_worklist(user=other_clerk)) == []


def test_county_users_record_only_for_their_own_area(clerk, other_area):
    with pytest.raises(PermissionDenied):
        wage_case_create(
            user=clerk, received_on=D(2024, 1, 1), workers=3, amount_owed=1000, employer_name="某公司", area=other_area
        )


def test_wage_case_closure_rate(clerk, city_admin, area, other_area):
    cases = [
        wage_case_create(user=clerk, received_on=D(2024, 1, n), workers=2, amount_owed=5000, employer_name="某建筑公司")
        for n in (1, 2, 3, 4)
    ]
    wage_case_create(
        user=city_admin, received_on=D(2023, 5, 1), workers=1, amount_owed=800, employer_name="某店", area=other_area
    )
    for case in cases[:3]:
        wage_case_progress(case=case, user=clerk, status="closed", closed_on=D(2024, 2, 1), resolution="已足额支付")
    assert wage_case_summary() == {"total": 5, "closed": 3, "closure_rate": 0.6, "target": 0.98}
    assert wage_case_summary(year=2024) == {"total": 4, "closed": 3, "closure_rate": 0.75, "target": 0.98}
    assert report("--year", "2024")["wage_cases"]["closure_rate"] == 0.75
    with pytest.raises(ValidationError) as error:
        wage_case_progress(case=cases[3], user=clerk, status="closed", closed_on=D(2024, 2, 1), resolution="")
    assert "结案必须填写结案日期和处理结果" in str(error.value)
    assert WageCase.objects.get(pk=cases[3].pk).status == "received"


def test_priority_groups_count_trainings_and_jobs(city_admin, area, housekeeping_batch, recount_tallies):
    poor = PriorityCategory.objects.get(name="脱贫人口")
    migrant = PriorityCategory.objects.get(name="农民工")
    both = TraineeFactory(categories=[poor, migrant])
    neither = TraineeFactory()
    EnrolmentFactory(trainee=both, batch=housekeeping_batch, completed=True)
    EnrolmentFactory(trainee=neither, batch=housekeeping_batch, completed=True)
    employed(city_admin, both, D(2023, 5, 1), area=area)
    recount_tallies()
    groups = report()["priority_groups"]
    assert groups["脱贫人口"] == {"trainings": 1, "jobs": 1, "jobs_created_by_startups": 0}
    assert groups["农民工"] == {"trainings": 1, "jobs": 1, "jobs_created_by_startups": 0}
    assert groups["高校毕业生"] == {"trainings": 0, "jobs": 0, "jobs_created_by_startups": 0}
    assert EmploymentOutcome.objects.count() == 1


def test_recount_tallies_brings_records_written_behind_the_services_back_into_the_worklist(clerk, housekeeping_batch):
    EnrolmentFactory(batch=housekeeping_batch, completed=True)  # a factory: no standing, no summary row
    assert list(referral_worklist(user=clerk)) == []
    out = StringIO()
    call_command("recount_tallies", stdout=out)
    assert "推荐达标情况 1 人" in out.getvalue()
    assert len(referral_worklist(user=clerk)) == 1
    assert referral_summary() == {"trainees": 1, "with_3_or_more": 0, "rate": 0.0}
