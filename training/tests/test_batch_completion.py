"""The end of a batch (issue #14): certificate numbers unique per type across the registry, the whole batch
marked completed after one confirmation that states the count, and the batch page leading on to closing
the batch and to its training subsidies."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from training import services
from training.models import Enrolment, TrainingBatch
from training.tests.factories import EnrolmentFactory, TraineeFactory, TrainingBatchFactory
from training.tests.test_views import html, login, results_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch(area):
    return TrainingBatchFactory(area=area, name="钦南母婴护理二期", status=TrainingBatch.Status.RUNNING)


def certified(number: str, certificate: str = "level5") -> dict:
    return {
        "completed": True,
        "assessment": "passed",
        "certificate": certificate,
        "certificate_number": number,
        "certificate_date": "2024-04-01",
    }


# --- certificate numbers ----------------------------------------------------------------------------


def test_the_same_certificate_number_twice_in_one_batch_is_refused(client, clerk, batch):
    first = EnrolmentFactory(batch=batch, trainee=TraineeFactory(name="甲学员"))
    second = EnrolmentFactory(batch=batch, trainee=TraineeFactory(name="乙学员"))
    response = login(client, clerk).post(
        reverse("training:batch_results", args=[batch.pk]),
        results_data((first, certified("S2024001")), (second, certified("s 2024 001"))),  # the same, typed loosely
    )
    page = html(response)
    assert (
        "乙学员：证书编号“S2024001”与甲学员的相同，同一类证书的编号不能重复。" in page
        or "甲学员：证书编号“S2024001”与乙学员的相同，同一类证书的编号不能重复。" in page
    )
    assert not Enrolment.objects.filter(certificate_number="S2024001").exists()


def test_a_number_held_by_a_person_of_another_area_is_refused_without_naming_them(clerk, batch, other_area):
    EnrolmentFactory(
        batch=TrainingBatchFactory(area=other_area),
        trainee=TraineeFactory(name="钦北持证人"),
        completed=True,
        certificate="level5",
        certificate_number="S2024001",
    )
    mine = EnrolmentFactory(batch=batch, trainee=TraineeFactory(name="甲学员"))
    entry = services.ResultEntry(enrolment_id=mine.pk, **{**certified("S2024001"), "certificate_date": None})
    with pytest.raises(ValidationError) as refused:
        services.enrolments_record_results(batch=batch, user=clerk, entries=[entry])
    (message,) = refused.value.messages
    assert (
        message
        == "甲学员：职业技能等级证书（五级/初级工）编号“S2024001”已登记给另一名学员，同一类证书的编号不能重复，请核对。"
    )
    assert "钦北持证人" not in message
    # Another certificate type may carry the same number.
    other_type = services.ResultEntry(
        enrolment_id=mine.pk, **{**certified("S2024001", "special"), "certificate_date": None}
    )
    assert services.enrolments_record_results(batch=batch, user=clerk, entries=[other_type]) == 1


def test_saving_a_row_again_with_its_own_number_is_not_a_duplicate(clerk, batch):
    mine = EnrolmentFactory(batch=batch, completed=True, certificate="level5", certificate_number="S1")
    entry = services.ResultEntry(enrolment_id=mine.pk, **{**certified("S1"), "certificate_date": None})
    services.enrolments_record_results(batch=batch, user=clerk, entries=[entry])
    mine.refresh_from_db()
    assert (mine.certificate_number, mine.assessment) == ("S1", "passed")


def test_the_database_refuses_a_duplicate_written_past_the_service(batch):
    EnrolmentFactory(batch=batch, completed=True, certificate="level4", certificate_number="Z9")
    duplicate = EnrolmentFactory.build(batch=batch, trainee=TraineeFactory(), completed=True, certificate="level4")
    duplicate.certificate_number = "Z9"
    with pytest.raises(ValidationError):
        duplicate.full_clean()  # what the admin's form runs


# --- the whole batch --------------------------------------------------------------------------------


def test_mark_the_whole_batch_completed_after_a_confirmation_that_states_the_count(client, clerk, batch):
    EnrolmentFactory.create_batch(105, batch=batch)  # more than the results page shows at once
    EnrolmentFactory(batch=batch, completed=True)
    login(client, clerk)
    results = html(client.get(reverse("training:batch_results", args=[batch.pk])))
    assert "全班还有 105 名学员尚未结业" in results
    confirm = html(client.get(reverse("training:batch_complete_all", args=[batch.pk])))
    assert "将把本班期 <strong>105</strong> 名尚未结业的学员全部标记为“已结业”" in confirm
    response = client.post(reverse("training:batch_complete_all", args=[batch.pk]), {"expected": "105"}, follow=True)
    assert "已将 105 名学员标记为已结业。" in html(response)
    assert batch.enrolments.filter(completed=False).count() == 0


def test_a_confirmation_that_no_longer_matches_the_roster_changes_nothing(client, clerk, batch):
    EnrolmentFactory.create_batch(3, batch=batch)
    login(client, clerk)
    response = client.post(reverse("training:batch_complete_all", args=[batch.pk]), {"expected": "2"}, follow=True)
    assert "现有 3 名学员尚未结业（确认时为 2 名）" in html(response)
    assert batch.enrolments.filter(completed=True).count() == 0
    response = client.post(reverse("training:batch_complete_all", args=[batch.pk]), {"expected": "abc"}, follow=True)
    assert response.status_code == 200 and batch.enrolments.filter(completed=True).count() == 0


def test_another_areas_clerk_cannot_complete_a_batch(client, other_clerk, batch):
    EnrolmentFactory(batch=batch)
    login(client, other_clerk)
    for name in ("training:batch_complete_all", "training:batch_finish"):
        assert client.post(reverse(name, args=[batch.pk]), {"expected": "1"}).status_code == 404
    assert client.get(reverse("training:batch_complete_all", args=[batch.pk])).status_code == 404
    batch.refresh_from_db()
    assert batch.status == TrainingBatch.Status.RUNNING and not batch.enrolments.filter(completed=True).exists()


def test_when_every_result_is_in_the_batch_page_offers_to_close_it_then_the_subsidies(client, clerk, batch):
    passed = EnrolmentFactory(batch=batch)
    failed = EnrolmentFactory(batch=batch)
    login(client, clerk)
    assert "设为已结业" not in html(client.get(reverse("training:batch_detail", args=[batch.pk])))
    client.post(
        reverse("training:batch_results", args=[batch.pk]),
        results_data((passed, certified("S77")), (failed, {"completed": False, "assessment": "failed"})),
    )
    page = html(client.get(reverse("training:batch_detail", args=[batch.pk])))
    assert "全部 2 名学员都已登记结业或考核结果（已结业 1 人）" in page
    response = client.post(reverse("training:batch_finish", args=[batch.pk]), follow=True)
    page = html(response)
    assert "班期已设为“已结业”。" in page
    assert "下一步：为符合条件的学员申请培训补贴" in page
    assert reverse("subsidies:batch_applications", args=[batch.pk]) in page
    batch.refresh_from_db()
    assert batch.status == TrainingBatch.Status.COMPLETED


def test_a_batch_cannot_be_closed_while_results_are_missing(clerk, batch):
    EnrolmentFactory(batch=batch, completed=True)
    EnrolmentFactory(batch=batch)
    with pytest.raises(ValidationError, match="还有 1 名学员没有登记结业或考核结果"):
        services.batch_finish(batch=batch, user=clerk)
    assert TrainingBatch.objects.get(pk=batch.pk).status == TrainingBatch.Status.RUNNING


def test_certificates_recorded_without_a_number_are_not_duplicates_of_each_other(batch):
    """Older records (the admin, imports) may hold a certificate with no number: the rule is about numbers."""
    EnrolmentFactory(batch=batch, completed=True, certificate="level4", certificate_number="")
    EnrolmentFactory(batch=batch, completed=True, certificate="level4", certificate_number="")
    assert Enrolment.objects.filter(certificate="level4", certificate_number="").count() == 2


def test_the_results_page_offers_the_entrepreneurship_certificate_only_in_entrepreneurship_batches(client, clerk, area):
    regular = TrainingBatchFactory(area=area, mode=TrainingBatch.Mode.REGULAR)
    startup = TrainingBatchFactory(area=area, mode=TrainingBatch.Mode.ENTREPRENEURSHIP)
    for batch in (regular, startup):
        EnrolmentFactory(batch=batch)
    login(client, clerk)
    assert "创业培训合格证书" not in html(client.get(reverse("training:batch_results", args=[regular.pk])))
    assert "创业培训合格证书" in html(client.get(reverse("training:batch_results", args=[startup.pk])))
