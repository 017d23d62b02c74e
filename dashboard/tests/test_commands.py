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


def test_load_demo_is_idempotent(django_user_model):
    run("load_demo", "--password", "Demo-password-2025")
    first = (django_user_model.objects.count(), sorted(django_user_model.objects.values_list("username", flat=True)))
    output = run("load_demo", "--password", "Demo-password-2025")
    assert (
        django_user_model.objects.count(),
        sorted(django_user_model.objects.values_list("username", flat=True)),
    ) == first
    assert "clerk_450702" in first[1]
    assert "reviewer_QZFTZ" in first[1]
    assert "city_admin" in first[1]
    assert "city_viewer" in first[1]
    assert "新建账号 0 个" in output


def test_demo_accounts_get_the_demo_password_and_keep_a_changed_one(django_user_model):
    run("load_demo", "--password", "Demo-password-2025")
    for username in ("city_admin", "clerk_450702", "reviewer_QZFTZ"):
        assert django_user_model.objects.get(username=username).check_password("Demo-password-2025"), username
    clerk = django_user_model.objects.get(username="clerk_450702")
    clerk.set_password("Changed-by-the-clerk-1")
    clerk.save()
    run("load_demo", "--password", "Demo-password-2025")
    assert django_user_model.objects.get(username="clerk_450702").check_password("Changed-by-the-clerk-1")
    run("load_demo", "--password", "Demo-password-2025", "--reset-passwords")
    assert django_user_model.objects.get(username="clerk_450702").check_password("Demo-password-2025")


def test_load_demo_records_are_loaded_once():
    from employment.models import EmploymentOutcome, JobReferral, LabourExport, WageCase
    from training.models import Enrolment, RosterImport, TrainingBatch

    models = (TrainingBatch, Enrolment, RosterImport, JobReferral, EmploymentOutcome, LabourExport, WageCase)
    run("load_demo", "--password", "Demo-password-2025")
    first = [model.objects.count() for model in models]
    assert all(first), dict(zip([m.__name__ for m in models], first, strict=True))
    run("load_demo", "--password", "Demo-password-2025")
    assert [model.objects.count() for model in models] == first
    report = json.loads(run("progress_report", "--json"))
    assert report["city"]["trainings"] > 0
    assert report["city"]["jobs"] > 0
    assert 0 < report["referrals"]["with_3_or_more"] < report["referrals"]["trainees"]
    assert report["wage_cases"]["closed"] < report["wage_cases"]["total"]


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


def test_load_demo_subsidies_are_loaded_once_and_reported():
    from subsidies.models import Budget, SubsidyApplication, SubsidyRule

    run("load_demo", "--password", "Demo-password-2025")
    counts = (SubsidyApplication.objects.count(), Budget.objects.count(), SubsidyRule.objects.count())
    output = run("load_demo", "--password", "Demo-password-2025")
    assert (SubsidyApplication.objects.count(), Budget.objects.count(), SubsidyRule.objects.count()) == counts
    assert f"补贴申请 {counts[0]} 件" in output
    statuses = set(SubsidyApplication.objects.values_list("status", flat=True))
    assert statuses == set(SubsidyApplication.Status.values)
    assert all(
        "演示数据" in basis
        for basis in SubsidyRule.objects.filter(kind="training").values_list("legal_basis", flat=True)
    )
    report = json.loads(run("progress_report", "--json"))["subsidies"]
    assert report["budget_amount"] > 0
    assert report["approved_amount"] >= report["paid_amount"] > 0
