"""The admin writes batches and results through the services the pages use (#14): the city administrator's
admin save is checked, attributed and counted as the page's would be, and a refusal is the service's
Chinese message on the form, with nothing saved."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from brands.models import Occupation
from brands.tests.factories import OrganisationFactory
from dashboard.selectors import progress_summary
from training.models import Enrolment, Trainee, TrainingBatch
from training.tests.factories import EnrolmentFactory, TraineeFactory, TrainingBatchFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def _batch_data(batch, **changes):
    data = {
        "occupation": batch.occupation_id,
        "provider": batch.provider_id or "",
        "name": batch.name,
        "start_date": batch.start_date.isoformat(),
        "end_date": batch.end_date.isoformat(),
        "mode": batch.mode,
        "status": batch.status,
        "capacity": batch.capacity or "",
    }
    return {**data, **changes}


def _results_data(enrolment, **changes):
    data = {
        "completed": "on" if enrolment.completed else "",
        "assessment": enrolment.assessment,
        "certificate": enrolment.certificate,
        "certificate_number": enrolment.certificate_number,
        "certificate_date": enrolment.certificate_date.isoformat() if enrolment.certificate_date else "",
    }
    return {key: value for key, value in {**data, **changes}.items() if value != ""}


def test_a_batch_opened_in_the_admin_is_the_services_batch(admin_client_city, city_admin, area):
    provider = OrganisationFactory(area=area)
    occupation = Occupation.objects.get(name="母婴护理员")
    response = admin_client_city.post(
        reverse("admin:training_trainingbatch_add"),
        {
            "area": area.pk,
            "occupation": occupation.pk,
            "provider": provider.pk,
            "name": "后台开设的班期",
            "start_date": "2024-03-01",
            "end_date": "2024-03-20",
            "mode": TrainingBatch.Mode.REGULAR,
            "status": TrainingBatch.Status.PLANNED,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    batch = TrainingBatch.objects.get(name="后台开设的班期")
    assert batch.created_by == city_admin  # batch_create records who opened it


def test_a_completed_batch_with_completed_trainees_is_not_reopened_in_the_admin(admin_client_city, area):
    batch = TrainingBatchFactory(area=area, status=TrainingBatch.Status.COMPLETED)
    EnrolmentFactory(batch=batch, completed=True)
    url = reverse("admin:training_trainingbatch_change", args=[batch.pk])
    response = admin_client_city.post(url, _batch_data(batch, status=TrainingBatch.Status.RUNNING))
    assert response.status_code == 200
    assert "已有学员结业的班期不能改回未结业状态。" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == TrainingBatch.Status.COMPLETED


def test_moving_a_batchs_end_date_in_the_admin_moves_its_trainings(admin_client_city, area, recount_tallies):
    batch = TrainingBatchFactory(area=area, start_date=D(2024, 12, 1), end_date=D(2024, 12, 20))
    EnrolmentFactory(batch=batch, completed=True)
    recount_tallies()
    assert progress_summary(year=2024)["city"]["trainings"] == 1
    url = reverse("admin:training_trainingbatch_change", args=[batch.pk])
    response = admin_client_city.post(url, _batch_data(batch, end_date="2025-01-10"))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert progress_summary(year=2024)["city"]["trainings"] == 0
    assert progress_summary(year=2025)["city"]["trainings"] == 1


def test_a_batchs_area_is_not_changed_in_the_admin(admin_client_city, area, other_area):
    batch = TrainingBatchFactory(area=area)
    url = reverse("admin:training_trainingbatch_change", args=[batch.pk])
    assert 'name="area"' not in admin_client_city.get(url).content.decode()
    admin_client_city.post(url, _batch_data(batch, area=other_area.pk))
    batch.refresh_from_db()
    assert batch.area == area


def test_results_entered_in_the_admin_follow_the_results_pages_rules(admin_client_city, area):
    batch = TrainingBatchFactory(area=area, start_date=D(2024, 3, 1), end_date=D(2024, 3, 20))
    enrolment = EnrolmentFactory(batch=batch)
    url = reverse("admin:training_enrolment_change", args=[enrolment.pk])
    response = admin_client_city.post(
        url,
        _results_data(
            enrolment,
            completed="on",
            assessment="passed",
            certificate="level5",
            certificate_number="GX2024-0001",
            certificate_date="2024-02-01",
        ),
    )
    assert response.status_code == 200
    assert "发证日期不能早于开班日期。" in response.content.decode()
    enrolment.refresh_from_db()
    assert (enrolment.completed, enrolment.certificate) == (False, "")

    response = admin_client_city.post(
        url, _results_data(enrolment, completed="on", assessment="passed", certificate="level5")
    )
    assert "登记证书时请填写证书编号。" in response.content.decode()

    response = admin_client_city.post(url, _results_data(enrolment, completed="on", assessment="passed"))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert progress_summary(year=2024)["city"]["trainings"] == 1


def test_an_enrolments_person_and_batch_are_not_changed_in_the_admin(admin_client_city, area):
    enrolment = EnrolmentFactory(batch=TrainingBatchFactory(area=area))
    elsewhere = TrainingBatchFactory(area=area)
    url = reverse("admin:training_enrolment_change", args=[enrolment.pk])
    admin_client_city.post(url, {**_results_data(enrolment), "batch": elsewhere.pk})
    enrolment.refresh_from_db()
    assert enrolment.batch_id != elsewhere.pk
    # People are enrolled by rosters only.
    assert admin_client_city.get(reverse("admin:training_enrolment_add")).status_code == 403
    assert Enrolment.objects.count() == 1


def test_removing_a_person_from_the_registry_in_the_admin_is_an_audit_entry(admin_client_city, city_admin):
    person = TraineeFactory(name="黄秀英")  # registered, never enrolled: nothing protects the record
    url = reverse("admin:training_trainee_delete", args=[person.pk])
    assert admin_client_city.post(url, {"post": "yes"}).status_code == 302
    assert not Trainee.objects.filter(pk=person.pk).exists()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CHANGE)
    assert (entry.user, entry.person_id, entry.person_name, entry.detail) == (
        city_admin,
        person.pk,
        "黄秀英",
        "在后台删除",
    )
