import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_progress_report_json_carries_the_plan_targets():
    report = json.loads(run("progress_report", "--json"))
    assert report["year"] is None
    assert report["city"] == {
        "trainings": 0,
        "trainings_target": 12000,
        "jobs": 0,
        "jobs_target": 10000,
        "jobs_created_by_startups": 0,
    }
    assert [brand["code"] for brand in report["brands"]] == [
        "housekeeping",
        "construction",
        "rice-noodle",
        "local-specialty",
    ]
    assert report["brands"][0] == {
        "code": "housekeeping",
        "name": "八桂家政",
        "trainings": 0,
        "trainings_target": 3000,
        "jobs": 0,
        "jobs_target": 2400,
        "jobs_created_by_startups": 0,
    }
    assert [area["code"] for area in report["areas"]] == ["450702", "450703", "450721", "450722", "QZFTZ"]
    assert report["areas"][0] == {
        "code": "450702",
        "name": "钦南区",
        "trainings": 0,
        "trainings_target": None,
        "jobs": 0,
        "jobs_target": None,
        "jobs_created_by_startups": 0,
    }


def test_progress_report_for_one_year_has_no_period_targets():
    report = json.loads(run("progress_report", "--year", "2024", "--json"))
    assert report["year"] == 2024
    assert report["city"]["trainings_target"] is None


def test_progress_report_text():
    text = run("progress_report")
    assert "全市" in text
    assert "12,000" in text
    assert "灵山县（重点帮扶县）" in text
    assert "创业带动就业" in text and "未计入就业创业人次" in text


@pytest.mark.parametrize(("value", "message"), [("abc", "年度“abc”无效"), ("1999", "超出范围")])
def test_progress_report_bad_year_is_a_chinese_error(value, message):
    with pytest.raises(CommandError, match=message):
        run("progress_report", "--year", value)


def test_progress_report_counts_completed_enrolments_by_the_counting_rules(area, other_area, recount_tallies):
    import datetime

    from brands.models import Occupation
    from training.tests.factories import EnrolmentFactory, TraineeFactory, TrainingBatchFactory

    housekeeping = TrainingBatchFactory(area=area, end_date=datetime.date(2024, 3, 20))
    rice = TrainingBatchFactory(
        area=other_area,
        occupation=Occupation.objects.get(name="灵山刮粉制作工"),
        start_date=datetime.date(2023, 12, 1),
        end_date=datetime.date(2023, 12, 20),
    )
    person = TraineeFactory()
    EnrolmentFactory(trainee=person, batch=housekeeping, completed=True)
    EnrolmentFactory(trainee=person, batch=rice, completed=True)  # the same person twice counts twice
    EnrolmentFactory(batch=housekeeping, completed=False)  # not completed: not a training
    recount_tallies()

    report = json.loads(run("progress_report", "--json"))
    assert report["city"]["trainings"] == 2
    brands = {brand["code"]: brand["trainings"] for brand in report["brands"]}
    assert brands == {"housekeeping": 1, "construction": 0, "rice-noodle": 1, "local-specialty": 0}
    areas = {row["code"]: row["trainings"] for row in report["areas"]}
    # Attributed to the area that ran the batch, whatever the person's household registration.
    assert areas["450702"] == 1
    assert areas["450703"] == 1
    assert json.loads(run("progress_report", "--year", "2024", "--json"))["city"]["trainings"] == 1
    assert json.loads(run("progress_report", "--year", "2023", "--json"))["city"]["trainings"] == 1
    assert json.loads(run("progress_report", "--year", "2022", "--json"))["city"]["trainings"] == 0


def test_progress_report_carries_subsidies_and_recognitions():
    from brands.models import Recognition
    from brands.tests.factories import RecognitionFactory

    RecognitionFactory(kind=Recognition.Kind.TRAINING_BASE, level=Recognition.Level.REGION, year=2023)
    report = json.loads(run("progress_report", "--json"))
    assert report["subsidies"]["budget_amount"] == 0
    assert report["subsidies"]["approved_amount"] == 0
    assert {row["kind"] for row in report["subsidies"]["by_kind"]} >= {"training_base", "leading_enterprise"}
    assert report["recognitions"]["training_base"] == {"region": 1, "city": 0, "region_target": 1}
    assert report["recognitions"]["expert_studio"] == {"region": 0, "city": 0, "region_target": 1}
    assert (
        json.loads(run("progress_report", "--year", "2022", "--json"))["recognitions"]["training_base"]["region"] == 0
    )
