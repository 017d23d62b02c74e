"""The three-referral rule (三（二）1: 为参加劳务品牌培训的人员每人推荐就业岗位不少于3次) on hand-made data.

Who counts: everyone who took part in brand training, i.e. enrolled in a batch that has started, completed
or not, from the day the batch starts; for the area that runs the batch and the year it starts. Which
referrals count: those dated on or after the start of the person's first brand batch, from every area.
The summary rows the dashboard reads are compared with the rule (`referral_summary`) on several days, and
the page, the worklist, the dashboard, its xlsx, the API and `progress_report --json` show the same."""

import datetime
import io
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from brands.models import Area
from dashboard.selectors import progress_summary
from employment import tallies
from employment.models import ReferralStanding, ReferralTally
from employment.selectors import referral_tally, referral_worklist
from employment.services import referral_create
from employment.tests.oracle import referral_summary
from training.models import Enrolment
from training.services import batch_update
from training.tests.factories import EnrolmentFactory, TraineeFactory, TrainingBatchFactory
from training.tests.rosters import make_roster, person_ids, roster_import_from_file, valid_row

pytestmark = pytest.mark.django_db

D = datetime.date
DAY = datetime.timedelta(days=1)


def refer(user, trainee, day, times=1, area=None):
    for n in range(times):
        referral_create(
            user=user,
            trainee=trainee,
            employer_name="钦州某公司",
            position=f"家政服务员{n}",
            referred_on=day,
            channel="job_fair",
            area=area,
        )


def report(*args) -> dict:
    out = StringIO()
    call_command("progress_report", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def assert_rows_match_the_rule(*days):
    """The summary rows equal the rule for every area and year, on each of `days` (and today)."""
    areas = [None, *Area.objects.exclude(kind=Area.Kind.CITY)]
    for on in [None, *days]:
        for area in areas:
            for year in [None, *range(2018, timezone.localdate().year + 2)]:
                expected = referral_summary(year=year, area=area, on=on)
                assert referral_tally(year=year, area=area, on=on) == expected, (on, area, year)


@pytest.fixture
def batch(area):
    return TrainingBatchFactory(area=area, start_date=D(2024, 3, 1), end_date=D(2024, 3, 20))


def test_a_referral_before_the_first_batch_is_recorded_but_not_counted(client, clerk, batch, recount_tallies):
    person = TraineeFactory(name="韦早推")
    EnrolmentFactory(trainee=person, batch=batch, completed=True)
    recount_tallies()
    refer(clerk, person, D(2019, 5, 20))  # years before the training: recorded, not counted
    refer(clerk, person, D(2024, 3, 1))  # the batch's first day counts
    refer(clerk, person, D(2024, 4, 2))
    assert referral_summary() == {"trainees": 1, "with_3_or_more": 0, "rate": 0.0}
    assert progress_summary()["referrals"] == {"trainees": 1, "with_3_or_more": 0, "rate": 0.0}
    assert [t.name for t in referral_worklist(user=clerk)] == ["韦早推"]
    assert [t.referral_total for t in referral_worklist(user=clerk)] == [2]
    assert_rows_match_the_rule()

    client.force_login(clerk)
    page = client.get(reverse("employment:trainee_employment", args=[person.pk])).content.decode()
    assert page.count("不计入：早于首次参训开班日期") == 1
    assert "2019-05-20" in page
    assert "已推荐 2 次，还差 1 次" in page
    assert "首次参训开班日期：2024-03-01" in page
    assert "另有 1 次推荐早于首次参训开班日期，不计入" in page

    refer(clerk, person, D(2024, 5, 6))
    assert progress_summary()["referrals"] == {"trainees": 1, "with_3_or_more": 1, "rate": 1.0}
    assert list(referral_worklist(user=clerk)) == []
    assert_rows_match_the_rule()


def test_another_areas_referral_before_the_training_shows_as_not_counted(client, clerk, other_clerk, batch, other_area):
    person = TraineeFactory()
    EnrolmentFactory(trainee=person, batch=batch, completed=True)
    EnrolmentFactory(trainee=person, batch=TrainingBatchFactory(area=other_area, start_date=D(2018, 1, 1)))
    refer(other_clerk, person, D(2017, 6, 1))  # before anything: not counted
    refer(other_clerk, person, D(2018, 6, 1))  # after the other area's batch began: counts
    client.force_login(clerk)
    page = client.get(reverse("employment:trainee_employment", args=[person.pk])).content.decode()
    assert "其他县区另有 2 次岗位推荐（其中 1 次计入，其余早于首次参训开班日期，不计入）" in page
    assert "已推荐 1 次，还差 2 次" in page


def test_a_person_in_a_started_batch_counts_before_completing(clerk, area, batch, recount_tallies):
    today = timezone.localdate()
    running = TrainingBatchFactory(area=area, start_date=today - 5 * DAY, end_date=today + 10 * DAY)
    finished_not_completed, in_class = TraineeFactory(name="甲未结业"), TraineeFactory(name="乙在训")
    EnrolmentFactory(trainee=finished_not_completed, batch=batch, completed=False)
    EnrolmentFactory(trainee=in_class, batch=running, completed=False)
    recount_tallies()
    assert referral_summary() == {"trainees": 2, "with_3_or_more": 0, "rate": 0.0}
    assert report()["referrals"] == {"trainees": 2, "with_3_or_more": 0, "rate": 0.0}
    # Longest-waiting first: by the start of their first batch.
    assert [t.name for t in referral_worklist(user=clerk)] == ["甲未结业", "乙在训"]
    refer(clerk, in_class, today, times=3)
    assert report()["referrals"] == {"trainees": 2, "with_3_or_more": 1, "rate": 0.5}
    assert [t.name for t in referral_worklist(user=clerk)] == ["甲未结业"]
    assert_rows_match_the_rule()


def test_a_person_of_a_batch_not_started_yet_counts_from_its_first_day(client, clerk, area, recount_tallies):
    today = timezone.localdate()
    starts = today + 10 * DAY
    upcoming = TrainingBatchFactory(area=area, start_date=starts, end_date=starts + 20 * DAY)
    person = TraineeFactory(name="丙待开班")
    EnrolmentFactory(trainee=person, batch=upcoming)
    recount_tallies()
    assert referral_summary() == {"trainees": 0, "with_3_or_more": 0, "rate": None}
    assert progress_summary()["referrals"] == {"trainees": 0, "with_3_or_more": 0, "rate": None}
    assert list(referral_worklist(user=clerk)) == []
    client.force_login(clerk)
    assert "丙待开班" not in client.get(reverse("employment:worklist")).content.decode()
    refer(clerk, person, today)  # may be recorded, but is before the training: not counted
    assert ReferralStanding.objects.get(trainee=person).referrals == 0

    # On the batch's first day the person counts and is on the worklist, with nothing written that day.
    on_the_day = {"trainees": 1, "with_3_or_more": 0, "rate": 0.0}
    assert referral_summary(on=starts) == on_the_day
    assert referral_tally(on=starts) == on_the_day
    assert progress_summary(on=starts)["referrals"] == on_the_day
    assert [t.name for t in referral_worklist(user=clerk, on=starts)] == ["丙待开班"]
    assert referral_tally(on=starts - DAY) == {"trainees": 0, "with_3_or_more": 0, "rate": None}
    assert_rows_match_the_rule(starts - DAY, starts, starts + 30 * DAY)


def test_a_person_counts_in_the_year_their_batch_starts(clerk, area, recount_tallies):
    across = TrainingBatchFactory(area=area, start_date=D(2024, 12, 20), end_date=D(2025, 1, 10))
    person = TraineeFactory()
    EnrolmentFactory(trainee=person, batch=across, completed=True)
    recount_tallies()
    assert report("--year", "2024")["referrals"] == {"trainees": 1, "with_3_or_more": 0, "rate": 0.0}
    assert report("--year", "2025")["referrals"] == {"trainees": 0, "with_3_or_more": 0, "rate": None}
    assert_rows_match_the_rule()


def test_moving_a_batch_start_moves_what_counts(clerk, area, batch, recount_tallies):
    person = TraineeFactory()
    EnrolmentFactory(trainee=person, batch=batch, completed=True)
    recount_tallies()
    refer(clerk, person, D(2024, 3, 5), times=3)
    assert progress_summary()["referrals"]["with_3_or_more"] == 1
    # The batch really began later: the referrals came before the training and stop counting.
    batch_update(batch=batch, user=clerk, start_date=D(2024, 3, 10), end_date=D(2024, 3, 30))
    assert progress_summary()["referrals"] == {"trainees": 1, "with_3_or_more": 0, "rate": 0.0}
    assert [t.referral_total for t in referral_worklist(user=clerk)] == [0]
    assert_rows_match_the_rule()


def snapshot():
    return (
        sorted(
            ReferralTally.objects.filter(trainees__gt=0).values_list(
                "area", "year", "counted_from", "trainees", "with_3_or_more"
            )
        ),
        sorted((s.trainee_id, s.referrals, s.first_start, s.scopes) for s in ReferralStanding.objects.all()),
    )


def test_the_rebuild_gives_the_rows_the_services_keep(clerk, other_clerk, area, other_area, batch, recount_tallies):
    today = timezone.localdate()
    upcoming = TrainingBatchFactory(area=other_area, start_date=today + 3 * DAY, end_date=today + 9 * DAY)
    people = [TraineeFactory() for _ in range(4)]
    EnrolmentFactory(trainee=people[0], batch=batch, completed=True)
    EnrolmentFactory(trainee=people[1], batch=batch, completed=False)
    EnrolmentFactory(trainee=people[1], batch=upcoming)
    EnrolmentFactory(trainee=people[2], batch=upcoming)
    EnrolmentFactory(trainee=people[3], batch=TrainingBatchFactory(area=other_area, start_date=D(2023, 1, 9)))
    EnrolmentFactory(trainee=people[3], batch=batch, completed=True)
    recount_tallies()
    refer(clerk, people[0], D(2019, 5, 20))
    refer(clerk, people[0], D(2024, 6, 1), times=3)
    refer(other_clerk, people[1], D(2024, 6, 1), times=2)
    refer(other_clerk, people[2], today)
    refer(clerk, people[3], D(2023, 2, 1), times=3)
    before = snapshot()
    tallies.rebuild()
    assert snapshot() == before
    assert_rows_match_the_rule(today + 3 * DAY)


def test_a_roster_into_a_running_batch_puts_its_people_on_the_worklist(clerk, area):
    today = timezone.localdate()
    running = TrainingBatchFactory(area=area, start_date=today - 2 * DAY, end_date=today + 20 * DAY)
    roster_import_from_file(
        batch=running,
        user=clerk,
        file_name="r.xlsx",
        content=make_roster([valid_row(n) for n in person_ids(2, start=900)]),
        dry_run=False,
        skip_invalid=False,
        mark_completed=False,
    )
    assert Enrolment.objects.filter(batch=running).count() == 2
    assert len(referral_worklist(user=clerk)) == 2
    assert progress_summary()["referrals"]["trainees"] == 2


def test_the_dashboard_its_xlsx_the_api_and_progress_report_agree(client, clerk, city_admin, area, batch):
    today = timezone.localdate()
    met, short, early, upcoming_person = (TraineeFactory() for _ in range(4))
    for person in (met, short, early):
        EnrolmentFactory(trainee=person, batch=batch, completed=person is met)
    upcoming = TrainingBatchFactory(area=area, start_date=today + 5 * DAY, end_date=today + 25 * DAY)
    EnrolmentFactory(trainee=upcoming_person, batch=upcoming)
    tallies.trainees_changed([upcoming_person.pk])
    refer(clerk, met, D(2024, 4, 1), times=3)
    refer(clerk, short, D(2024, 4, 1), times=2)
    refer(clerk, early, D(2019, 5, 20), times=3)  # all before the training: none counts
    expected = {"trainees": 3, "with_3_or_more": 1, "rate": 0.3333}

    assert progress_summary()["referrals"] == expected
    assert report()["referrals"] == expected
    assert report("--year", "2024")["referrals"] == expected
    client.force_login(city_admin)
    api = client.get("/api/v1/progress/")
    assert api.status_code == 200 and api.json()["referrals"] == expected
    page = client.get(reverse("dashboard:index")).content.decode()
    assert "参训学员（已开班）3 人，获得 3 次及以上推荐 1 人" in page
    workbook = load_workbook(io.BytesIO(client.get(reverse("dashboard:export")).content))
    row = next(r for r in workbook["其他指标"].iter_rows(values_only=True) if r[0] == "岗位推荐")
    assert row[2:] == (1, 3, 0.3333)
    assert_rows_match_the_rule(today + 5 * DAY)
