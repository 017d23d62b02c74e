"""`load_demo`: idempotent, the demo accounts and their passwords, every record kind loaded once and counted."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


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
    # 十五五 (containing today) is the default period, with its targets; 十四五 is closed with its report.
    current = json.loads(run("progress_report", "--json"))
    assert (current["period"]["code"], current["period"]["status"]) == ("2026-2030", "active")
    assert (current["city"]["trainings_target"], current["city"]["jobs_target"]) == (15000, 12000)
    report = json.loads(run("progress_report", "--json", "--period", "2021-2025"))
    assert report["period"]["status"] == "closed"
    assert report["city"]["trainings"] > 0
    assert report["city"]["jobs"] > 0
    from brands.models import PlanPeriod

    snapshot = PlanPeriod.objects.get(code="2021-2025").snapshot
    assert snapshot["summary"]["city"] == report["city"]  # nothing corrected since it was closed
    assert 0 < report["referrals"]["with_3_or_more"] < report["referrals"]["trainees"]
    assert report["wage_cases"]["closed"] < report["wage_cases"]["total"]


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


def test_load_demo_has_annual_plans_in_every_state_and_a_locked_month():
    from accounts.models import MonthLock
    from plans.models import AnnualPlan, MonthlyReport, Status

    run("load_demo", "--password", "Demo-password-2025")
    counts = (AnnualPlan.objects.count(), MonthlyReport.objects.count())
    output = run("load_demo", "--password", "Demo-password-2025")
    assert (AnnualPlan.objects.count(), MonthlyReport.objects.count()) == counts
    assert f"年度计划 {counts[0]} 份" in output
    assert set(AnnualPlan.objects.values_list("status", flat=True)) == set(Status.values)
    assert set(MonthlyReport.objects.values_list("status", flat=True)) == set(Status.values)
    locked = MonthLock.objects.filter(locked=True)
    assert locked.exists()
    assert all(MonthlyReport.objects.filter(area=lock.area, month=lock.month, status="accepted") for lock in locked)


def test_the_summary_counts_what_the_registry_holds_at_the_end():
    """Job fairs turn intentions into referrals and a follow-up opens a wage case after the employment demo ran:
    the summary line counts them too."""
    from employment.models import JobReferral, WageCase

    out = StringIO()
    call_command("load_demo", stdout=out)
    summary = out.getvalue().splitlines()[0]
    assert f"岗位推荐 {JobReferral.objects.count()} 条" in summary
    assert f"欠薪案件 {WageCase.objects.count()} 件" in summary
