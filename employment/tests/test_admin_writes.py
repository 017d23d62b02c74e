"""The admin writes referrals, outcomes and wage cases through the services the 就业服务 pages use (#14),
and refuses what no service does: a refusal is the service's Chinese message on the form, nothing saved."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboard.selectors import progress_summary
from employment.models import EmploymentOutcome, JobReferral, LabourExport, WageCase
from employment.tests.factories import (
    EmploymentOutcomeFactory,
    JobReferralFactory,
    LabourExportFactory,
    WageCaseFactory,
)
from training.tests.factories import EnrolmentFactory, TrainingBatchFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def _tomorrow() -> str:
    return (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


@pytest.fixture
def trained(area):
    """A person who completed a batch of the area in 2024."""
    batch = TrainingBatchFactory(area=area, start_date=D(2024, 3, 1), end_date=D(2024, 3, 20))
    return EnrolmentFactory(batch=batch, completed=True).trainee


def _referral_data(trainee, area, **changes):
    data = {
        "trainee": trainee.pk,
        "area": area.pk,
        "employer_name": "钦州某家政公司",
        "position": "育婴员",
        "referred_on": "2024-04-01",
        "channel": JobReferral.Channel.JOB_FAIR,
        "result": JobReferral.Result.PENDING,
        "note": "",
    }
    return {**data, **changes}


def test_a_referral_added_in_the_admin_is_checked_and_attributed(admin_client_city, city_admin, area, trained):
    url = reverse("admin:employment_jobreferral_add")
    response = admin_client_city.post(url, _referral_data(trained, area, referred_on=_tomorrow()))
    assert response.status_code == 200
    assert "推荐日期不能晚于今天。" in response.content.decode()
    assert not JobReferral.objects.exists()

    response = admin_client_city.post(url, _referral_data(trained, area))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert JobReferral.objects.get().created_by == city_admin


def test_a_referral_changed_in_the_admin_changes_its_result_only(admin_client_city, area, trained):
    referral = JobReferralFactory(trainee=trained, area=area, referred_on=D(2024, 4, 1))
    url = reverse("admin:employment_jobreferral_change", args=[referral.pk])
    response = admin_client_city.post(
        url, _referral_data(trained, area, referred_on="2019-01-01", result=JobReferral.Result.HIRED, note="已录用")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    referral.refresh_from_db()
    assert (referral.referred_on, referral.result, referral.note) == (D(2024, 4, 1), "hired", "已录用")


def _outcome_data(trainee, area, **changes):
    data = {
        "trainee": trainee.pk,
        "area": area.pk,
        "kind": EmploymentOutcome.Kind.EMPLOYED,
        "start_date": "2024-05-01",
        "employer_name": "钦州某家政公司",
        "business_name": "某某米粉店",  # not an entrepreneurship: the service keeps only the employed fields
        "jobs_created": "3",
    }
    return {**data, **changes}


def test_an_outcome_added_in_the_admin_is_checked_and_counted(admin_client_city, area, trained):
    url = reverse("admin:employment_employmentoutcome_add")
    response = admin_client_city.post(url, _outcome_data(trained, area, start_date=_tomorrow()))
    assert response.status_code == 200
    assert "开始日期不能晚于今天。" in response.content.decode()
    assert not EmploymentOutcome.objects.exists()

    response = admin_client_city.post(url, _outcome_data(trained, area))
    assert response.status_code == 302, response.content.decode()[:3000]
    outcome = EmploymentOutcome.objects.get()
    assert (outcome.business_name, outcome.jobs_created) == ("", 0)
    assert progress_summary(year=2024)["city"]["jobs"] == 1


def test_an_outcome_is_not_changed_in_the_admin(admin_client_city, area, trained):
    outcome = EmploymentOutcomeFactory(trainee=trained, area=area)
    url = reverse("admin:employment_employmentoutcome_change", args=[outcome.pk])
    page = admin_client_city.get(url).content.decode()
    assert "登记错误的结果请删除后重新登记" in page
    assert 'name="_save"' not in page
    response = admin_client_city.post(url, _outcome_data(trained, area, start_date="2019-01-01"))
    assert response.status_code == 403
    outcome.refresh_from_db()
    assert outcome.start_date == D(2024, 5, 1)


def test_a_labour_export_group_is_only_read_in_the_admin(admin_client_city, area):
    group = LabourExportFactory(area=area)
    change = reverse("admin:employment_labourexport_change", args=[group.pk])
    assert "有组织劳务输出”页面登记" in admin_client_city.get(change).content.decode()
    assert admin_client_city.post(change, {"destination": "别处"}).status_code == 403
    assert admin_client_city.get(reverse("admin:employment_labourexport_add")).status_code == 403
    delete = reverse("admin:employment_labourexport_delete", args=[group.pk])
    assert admin_client_city.post(delete, {"post": "yes"}).status_code == 403
    assert LabourExport.objects.get().destination == group.destination


def _case_data(area, **changes):
    data = {
        "area": area.pk,
        "received_on": "2024-06-01",
        "employer_name": "某建筑公司",
        "workers": "12",
        "amount_owed": "86000.00",
    }
    return {**data, **changes}


def test_a_wage_case_added_in_the_admin_is_checked_and_attributed(admin_client_city, city_admin, area):
    url = reverse("admin:employment_wagecase_add")
    response = admin_client_city.post(url, _case_data(area, received_on=_tomorrow()))
    assert response.status_code == 200
    assert "受理日期不能晚于今天。" in response.content.decode()
    assert not WageCase.objects.exists()
    assert admin_client_city.post(url, _case_data(area)).status_code == 302
    assert WageCase.objects.get().created_by == city_admin


def test_a_closed_wage_case_stays_closed_and_is_never_deleted(admin_client_city, area):
    case = WageCaseFactory(area=area, received_on=D(2024, 6, 1))
    url = reverse("admin:employment_wagecase_change", args=[case.pk])
    closing = {"status": WageCase.Status.CLOSED, "closed_on": "2024-07-01", "resolution": "已足额支付"}
    assert admin_client_city.post(url, closing).status_code == 302
    response = admin_client_city.post(url, {**closing, "status": WageCase.Status.INVESTIGATING, "closed_on": ""})
    assert response.status_code == 200
    assert "该案件已结案，不能再修改状态。" in response.content.decode()
    case.refresh_from_db()
    assert case.status == WageCase.Status.CLOSED
    delete = reverse("admin:employment_wagecase_delete", args=[case.pk])
    assert admin_client_city.post(delete, {"post": "yes"}).status_code == 403
    assert WageCase.objects.filter(pk=case.pk).exists()


def test_deletes_in_the_admin_keep_the_dashboards_rows_exact(admin_client_city, area, trained, recount_tallies):
    """Deleting has no service: the admin recounts what the deleted records counted for, in the same transaction."""
    from employment.tests.test_tallies import assert_tallies_match_the_counting_rules

    referral = JobReferralFactory(trainee=trained, area=area, referred_on=D(2024, 4, 1))
    other = EnrolmentFactory(batch=TrainingBatchFactory(area=area, end_date=D(2024, 3, 20)), completed=True)
    recount_tallies()
    assert progress_summary(year=2024)["city"]["trainings"] == 2
    for obj in (referral, other, other.batch):
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_delete", args=[obj.pk])
        assert admin_client_city.post(url, {"post": "yes"}).status_code == 302, obj
    assert progress_summary(year=2024)["city"]["trainings"] == 1
    assert_tallies_match_the_counting_rules()  # the referral standings included
