"""The summary rows the dashboard reads equal the counting rules after every kind of change.

Each test makes a change through the services a clerk's page uses, then compares every summary row
with the counting rules computed from the records (`training.counting`, `employment.counting`,
`referral_summary`, `priority_group_counts`), for every area and year, and checks the figure a user would see."""

import datetime

import pytest
from django.test import override_settings

from brands.models import Area, BrandLine, Occupation
from dashboard.selectors import progress_summary
from employment import tallies
from employment.counting import STARTUP_EMPLOYEES, counted_outcomes
from employment.models import JobTally, ReferralTally
from employment.selectors import job_tallies, priority_group_tallies, referral_tally
from employment.services import outcome_create, referral_create
from employment.tests.factories import EmploymentOutcomeFactory
from employment.tests.oracle import counts_per_key, priority_group_counts, referral_summary
from employment.tests.referral_sheets import referral_process
from training.counting import completed_trainings
from training.models import Enrolment, PriorityCategory, TrainingTally
from training.selectors import training_tally
from training.services import ResultEntry, batch_update, enrolments_record_results
from training.tests.factories import EnrolmentFactory, TraineeFactory, TrainingBatchFactory
from training.tests.rosters import chinese_name, make_roster, person_ids, roster_import_from_file, valid_row

pytestmark = pytest.mark.django_db

D = datetime.date
YEARS = range(2021, 2027)


def assert_tallies_match_the_counting_rules():
    # The rows against the rule worked out from the records (jobs: not from the batch stored on them).
    assert +training_tally() == +counts_per_key(completed_trainings())
    assert +job_tallies()[0] == +counts_per_key(counted_outcomes(stored=False))
    assert +job_tallies()[1] == +counts_per_key(counted_outcomes(stored=False), STARTUP_EMPLOYEES)
    for area in [None, *Area.objects.exclude(kind=Area.Kind.CITY)]:
        for year in [None, *YEARS]:
            assert referral_tally(year=year, area=area) == referral_summary(year=year, area=area), (area, year)
            assert priority_group_tallies(year=year, area=area)[None] == priority_group_counts(year=year, area=area)


def employed(user, trainee, start, area=None):
    return outcome_create(
        user=user, trainee=trainee, kind="employed", start_date=start, employer_name="某公司", area=area
    )


def start_up(user, trainee, start, employs, area=None):
    return outcome_create(
        user=user,
        trainee=trainee,
        kind="entrepreneurship",
        start_date=start,
        business_name="某米粉店",
        jobs_created=employs,
        area=area,
    )


def refer(user, trainee, times, area=None):
    for n in range(times):
        referral_create(
            user=user,
            trainee=trainee,
            employer_name="某公司",
            position=f"岗位{n}",
            referred_on=D(2024, 6, 1),
            channel="job_fair",
            area=area,
        )


@pytest.fixture
def batch(area):
    return TrainingBatchFactory(area=area, start_date=D(2024, 3, 1), end_date=D(2024, 3, 20))


def complete(batch, user, *trainees, completed=True):
    enrolments = Enrolment.objects.filter(batch=batch, trainee__in=trainees)
    enrolments_record_results(
        batch=batch, user=user, entries=[ResultEntry(enrolment_id=e.pk, completed=completed) for e in enrolments]
    )


def test_a_completed_roster_import_counts_its_trainings_and_people(batch, clerk):
    numbers = person_ids(3, start=500)
    content = make_roster([valid_row(n, name=chinese_name(i)) for i, n in enumerate(numbers)])
    roster_import_from_file(
        batch=batch,
        user=clerk,
        file_name="r.xlsx",
        content=content,
        dry_run=False,
        skip_invalid=False,
        mark_completed=True,
    )
    assert_tallies_match_the_counting_rules()
    summary = progress_summary()
    assert summary["city"]["trainings"] == 3
    assert summary["referrals"] == {"trainees": 3, "with_3_or_more": 0, "rate": 0.0}
    assert summary["priority_groups"]["脱贫人口"]["trainings"] == 3


def test_an_ordinary_roster_import_counts_nothing_until_completion(batch, clerk):
    content = make_roster([valid_row(n) for n in person_ids(2, start=600)])
    roster_import_from_file(
        batch=batch,
        user=clerk,
        file_name="r.xlsx",
        content=content,
        dry_run=False,
        skip_invalid=False,
        mark_completed=False,
    )
    assert not TrainingTally.objects.exists()
    people = [e.trainee for e in Enrolment.objects.filter(batch=batch)]
    complete(batch, clerk, *people)
    assert progress_summary()["city"]["trainings"] == 2
    assert_tallies_match_the_counting_rules()
    complete(batch, clerk, people[0], completed=False)
    assert progress_summary()["city"]["trainings"] == 1
    assert_tallies_match_the_counting_rules()


def test_jobs_follow_completion_and_the_outcome_date(batch, clerk, area):
    person = TraineeFactory(categories=[PriorityCategory.objects.get(name="脱贫人口")])
    EnrolmentFactory(trainee=person, batch=batch)
    employed(clerk, person, D(2024, 5, 1))
    assert progress_summary()["city"]["jobs"] == 0  # not completed: no result of the programme yet
    complete(batch, clerk, person)
    summary = progress_summary()
    assert summary["city"]["jobs"] == 1
    assert summary["priority_groups"]["脱贫人口"]["jobs"] == 1
    assert_tallies_match_the_counting_rules()
    employed(clerk, person, D(2023, 5, 1))  # before the training: not counted
    assert progress_summary()["city"]["jobs"] == 1
    assert_tallies_match_the_counting_rules()


def test_a_later_training_takes_over_the_attribution(batch, clerk, city_admin, other_area):
    person = TraineeFactory()
    EnrolmentFactory(trainee=person, batch=batch)
    complete(batch, clerk, person)
    employed(clerk, person, D(2025, 2, 1))
    rice = TrainingBatchFactory(
        area=other_area,
        occupation=Occupation.objects.get(name="灵山刮粉制作工"),
        start_date=D(2024, 9, 1),
        end_date=D(2024, 9, 20),
    )
    EnrolmentFactory(trainee=person, batch=rice)
    complete(rice, city_admin, person)
    rice_line = BrandLine.objects.get(code="rice-noodle")
    assert dict(+job_tallies()[0]) == {(other_area.pk, rice_line.pk, 2025): 1}
    assert_tallies_match_the_counting_rules()


def test_changing_a_batch_moves_its_counts(batch, clerk, area):
    person = TraineeFactory()
    EnrolmentFactory(trainee=person, batch=batch)
    complete(batch, clerk, person)
    employed(clerk, person, D(2024, 6, 1))
    construction = Occupation.objects.get(name="砌筑工")
    batch_update(batch=batch, user=clerk, occupation=construction, end_date=D(2025, 1, 10), start_date=D(2024, 12, 20))
    summary = progress_summary()
    brands = {b["code"]: b for b in summary["brands"]}
    assert brands["housekeeping"]["trainings"] == 0
    assert brands["construction"]["trainings"] == 1
    # The batch now starts after the job began: the job is no longer a result of it.
    assert summary["city"]["jobs"] == 0
    assert_tallies_match_the_counting_rules()


def test_the_referral_rule_counts_people_once_per_scope(batch, clerk, other_clerk, other_area):
    person, other = TraineeFactory(), TraineeFactory()
    for p in (person, other):
        EnrolmentFactory(trainee=p, batch=batch)
    complete(batch, clerk, person, other)
    refer(clerk, person, 2)
    assert progress_summary()["referrals"]["with_3_or_more"] == 0
    refer(other_clerk, person, 1)  # referrals from every area count
    assert progress_summary()["referrals"] == {"trainees": 2, "with_3_or_more": 1, "rate": 0.5}
    assert_tallies_match_the_counting_rules()
    second = TrainingBatchFactory(area=other_area, start_date=D(2025, 3, 1), end_date=D(2025, 3, 20))
    EnrolmentFactory(trainee=person, batch=second)
    complete(second, other_clerk, person)
    assert progress_summary()["referrals"]["trainees"] == 2  # the same person, trained twice
    assert referral_tally(area=other_area) == {"trainees": 1, "with_3_or_more": 1, "rate": 1.0}
    assert_tallies_match_the_counting_rules()


def test_a_referral_sheet_updates_the_rule(batch, clerk, area):
    people = [TraineeFactory() for _ in range(2)]
    for p in people:
        EnrolmentFactory(trainee=p, batch=batch)
    complete(batch, clerk, *people)
    rows = [
        [p.name, p.id_number, "某公司", "保洁员", f"2024-06-0{n + 1}", "招聘会", "", ""]
        for p in people
        for n in range(3)
    ]
    content = make_roster(
        rows, headers=["姓名", "身份证号码", "用人单位", "推荐岗位", "推荐日期", "推荐渠道", "推荐结果", "备注"]
    )
    report = referral_process(content=content, area=area, user=clerk, commit=True, skip_invalid=False)
    assert report["committed"], report["errors"]
    assert progress_summary()["referrals"] == {"trainees": 2, "with_3_or_more": 2, "rate": 1.0}
    assert_tallies_match_the_counting_rules()


def test_new_categories_from_a_roster_reach_the_priority_counts(batch, clerk):
    number = person_ids(1, start=700)[0]
    first = make_roster([valid_row(number, categories="")])
    roster_import_from_file(
        batch=batch,
        user=clerk,
        file_name="a.xlsx",
        content=first,
        dry_run=False,
        skip_invalid=False,
        mark_completed=True,
    )
    assert progress_summary()["priority_groups"]["易地搬迁安置人员"]["trainings"] == 0
    later = TrainingBatchFactory(area=batch.area, start_date=D(2025, 3, 1), end_date=D(2025, 3, 20))
    again = make_roster([valid_row(number, categories="易地搬迁安置人员")])
    roster_import_from_file(
        batch=later,
        user=clerk,
        file_name="b.xlsx",
        content=again,
        dry_run=False,
        skip_invalid=False,
        mark_completed=False,
    )
    # The person's earlier, completed training now counts for the category too.
    assert progress_summary()["priority_groups"]["易地搬迁安置人员"]["trainings"] == 1
    assert_tallies_match_the_counting_rules()


def test_a_full_rebuild_gives_the_same_rows(batch, clerk, other_clerk):
    people = [TraineeFactory() for _ in range(4)]
    for p in people:
        EnrolmentFactory(trainee=p, batch=batch)
    complete(batch, clerk, *people)
    employed(clerk, people[0], D(2024, 4, 1))
    refer(clerk, people[1], 3)

    def snapshot():
        return (
            sorted(TrainingTally.objects.values_list("area", "brand", "year", "category", "trainings")),
            sorted(JobTally.objects.values_list("area", "brand", "year", "category", "jobs")),
            sorted(
                ReferralTally.objects.filter(trainees__gt=0).values_list("area", "year", "trainees", "with_3_or_more")
            ),
        )

    before = snapshot()
    tallies.rebuild()
    assert snapshot() == before


def test_records_loaded_behind_the_services_back_count_after_a_rebuild(batch):
    EnrolmentFactory(batch=batch, completed=True)
    assert progress_summary()["city"]["trainings"] == 0
    tallies.rebuild()
    assert progress_summary()["city"]["trainings"] == 1
    assert_tallies_match_the_counting_rules()


def test_admin_edits_and_deletes_keep_the_rows_exact(batch, clerk, admin_client_city):
    person = TraineeFactory()
    enrolment = EnrolmentFactory(trainee=person, batch=batch)
    response = admin_client_city.post(
        f"/admin/training/enrolment/{enrolment.pk}/change/",
        {
            "trainee": person.pk,
            "batch": batch.pk,
            "completed": "on",
            "assessment": "passed",
            "certificate": "",
            "certificate_number": "",
            "certificate_date": "",
            "roster_import": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    outcome = employed(clerk, person, D(2024, 6, 1))
    assert (progress_summary()["city"]["trainings"], progress_summary()["city"]["jobs"]) == (1, 1)
    assert_tallies_match_the_counting_rules()
    response = admin_client_city.post(f"/admin/employment/employmentoutcome/{outcome.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert progress_summary()["city"]["jobs"] == 0
    assert_tallies_match_the_counting_rules()


def test_a_start_up_shows_the_people_it_employs_beside_the_jobs(batch, clerk, area):
    poor = PriorityCategory.objects.get(name="脱贫人口")
    founder = TraineeFactory(categories=[poor])
    EnrolmentFactory(trainee=founder, batch=batch)
    start_up(clerk, founder, D(2024, 5, 1), employs=4)
    assert progress_summary()["city"]["jobs_created_by_startups"] == 0  # not completed: not counted yet
    complete(batch, clerk, founder)
    start_up(clerk, founder, D(2023, 5, 1), employs=9)  # before the training: recorded, not counted
    summary = progress_summary()
    housekeeping = next(b for b in summary["brands"] if b["code"] == "housekeeping")
    own_area = next(a for a in summary["areas"] if a["code"] == area.code)
    in_2024 = next(y for y in summary["years"] if y["year"] == 2024)
    assert summary["jobs_count_startup_employees"] is False
    for row in (summary["city"], summary["pace"], housekeeping, own_area, in_2024):
        # the founder's own start-up is the one job; the four people employed are shown beside it
        assert (row["jobs"], row["jobs_created_by_startups"]) == (1, 4)
    assert next(y for y in summary["years"] if y["year"] == 2023)["jobs_created_by_startups"] == 0
    assert summary["priority_groups"]["脱贫人口"] == {"trainings": 1, "jobs": 1, "jobs_created_by_startups": 4}
    assert_tallies_match_the_counting_rules()


def test_employees_of_other_kinds_of_outcome_are_no_start_up_employment(batch, clerk, recount_tallies):
    person = TraineeFactory()
    EnrolmentFactory(trainee=person, batch=batch, completed=True)
    # Written behind the services' back (which keep jobs_created for start-ups only): still not counted.
    EmploymentOutcomeFactory(trainee=person, start_date=D(2024, 6, 1), jobs_created=5)
    recount_tallies()
    assert (progress_summary()["city"]["jobs"], progress_summary()["city"]["jobs_created_by_startups"]) == (1, 0)
    assert_tallies_match_the_counting_rules()


@override_settings(JOBS_COUNT_STARTUP_EMPLOYEES=True)
def test_when_the_city_decides_start_up_employees_count_in_the_jobs(batch, clerk, area):
    founder = TraineeFactory(categories=[PriorityCategory.objects.get(name="脱贫人口")])
    worker = TraineeFactory()
    for person in (founder, worker):
        EnrolmentFactory(trainee=person, batch=batch)
    complete(batch, clerk, founder, worker)
    start_up(clerk, founder, D(2024, 5, 1), employs=3)
    employed(clerk, worker, D(2024, 6, 1))
    summary = progress_summary(on=D(2025, 12, 31))
    assert summary["jobs_count_startup_employees"] is True
    cell = next(c for c in summary["matrix"] if c["area"] == area.code and c["brand"] == "housekeeping")
    for row in (summary["city"], summary["pace"], cell, summary["areas"][0], summary["years"][3]):
        assert (row["jobs"], row["jobs_created_by_startups"]) == (5, 3)
    assert summary["pace"]["jobs_target"] == 10000
    assert summary["priority_groups"]["脱贫人口"] == {"trainings": 1, "jobs": 4, "jobs_created_by_startups": 3}
    with override_settings(JOBS_COUNT_STARTUP_EMPLOYEES=False):
        assert progress_summary()["city"]["jobs"] == 2


def test_a_later_training_takes_the_start_up_employees_with_the_job(batch, clerk, city_admin, other_area):
    founder = TraineeFactory()
    EnrolmentFactory(trainee=founder, batch=batch)
    complete(batch, clerk, founder)
    start_up(clerk, founder, D(2025, 2, 1), employs=2)
    rice = TrainingBatchFactory(
        area=other_area,
        occupation=Occupation.objects.get(name="灵山刮粉制作工"),
        start_date=D(2024, 9, 1),
        end_date=D(2024, 9, 20),
    )
    EnrolmentFactory(trainee=founder, batch=rice)
    complete(rice, city_admin, founder)
    rice_line = BrandLine.objects.get(code="rice-noodle")
    assert dict(+job_tallies()[1]) == {(other_area.pk, rice_line.pk, 2025): 2}
    assert_tallies_match_the_counting_rules()


def test_deleting_a_start_up_in_the_admin_recounts_its_employees(batch, clerk, admin_client_city):
    """An outcome is not changed in the admin (deleted and recorded again): the delete recounts."""
    founder = TraineeFactory()
    EnrolmentFactory(trainee=founder, batch=batch)
    complete(batch, clerk, founder)
    outcome = start_up(clerk, founder, D(2024, 6, 1), employs=2)
    assert progress_summary()["city"]["jobs_created_by_startups"] == 2
    url = f"/admin/employment/employmentoutcome/{outcome.pk}/delete/"
    response = admin_client_city.post(url, {"post": "yes"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert progress_summary()["city"]["jobs_created_by_startups"] == 0
    assert_tallies_match_the_counting_rules()


def test_a_rebuild_gives_the_same_start_up_rows(batch, clerk):
    founder = TraineeFactory(categories=[PriorityCategory.objects.get(name="脱贫人口")])
    EnrolmentFactory(trainee=founder, batch=batch)
    complete(batch, clerk, founder)
    start_up(clerk, founder, D(2024, 6, 1), employs=6)

    def rows():
        fields = ("area", "brand", "year", "category", "jobs", "startup_employees")
        return sorted(JobTally.objects.values_list(*fields), key=lambda row: (row[3] is not None, row))

    before = rows()
    assert [row[-1] for row in before] == [6, 6]  # the total row and the category row
    tallies.rebuild()
    assert rows() == before


def test_deleting_a_person_takes_their_category_links_and_referral_standing_with_them():
    """Neither has a database constraint (Trainee.categories, ReferralStanding.trainee): Django removes them."""
    from employment import tallies
    from employment.models import ReferralStanding
    from training.models import PriorityCategory, Trainee
    from training.tests.factories import EnrolmentFactory

    person = EnrolmentFactory().trainee
    person.categories.add(*PriorityCategory.objects.all()[:2])
    tallies.trainees_changed([person.pk])
    assert ReferralStanding.objects.filter(trainee=person).exists()
    person.enrolments.all().delete()  # an enrolled person is protected (the standing stays: no service ran)
    Trainee.objects.filter(pk=person.pk).delete()
    assert not Trainee.categories.through.objects.filter(trainee_id=person.pk).exists()
    assert not ReferralStanding.objects.filter(trainee_id=person.pk).exists()
