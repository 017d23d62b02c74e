import pytest
from django.urls import reverse

from accounts.scoping import scope_for
from accounts.selectors import organisation_list
from brands.tests.factories import OrganisationFactory, RecognitionFactory

pytestmark = pytest.mark.django_db


def test_county_user_sees_only_their_area(clerk, city_viewer, area, other_area):
    mine = OrganisationFactory(area=area)
    theirs = OrganisationFactory(area=other_area)
    assert list(organisation_list(user=clerk)) == [mine]
    assert set(organisation_list(user=city_viewer)) == {mine, theirs}
    assert scope_for(clerk).area == area
    assert scope_for(city_viewer).sees_all_areas


def test_user_without_role_sees_nothing(django_user_model, area):
    OrganisationFactory(area=area)
    nobody = django_user_model.objects.create_user("nobody", password="x")
    assert list(organisation_list(user=nobody)) == []


def test_organisation_page_of_another_area_is_404(clerk_client, area, other_area):
    mine = OrganisationFactory(area=area, name="钦南测试机构")
    theirs = OrganisationFactory(area=other_area, name="钦北测试机构")
    assert clerk_client.get(reverse("organisation_detail", args=[mine.pk])).status_code == 200
    response = clerk_client.get(reverse("organisation_detail", args=[theirs.pk]))
    assert response.status_code == 404
    assert "不在您的管辖范围内" in response.content.decode()
    listing = clerk_client.get(reverse("organisation_list")).content.decode()
    assert "钦南测试机构" in listing
    assert "钦北测试机构" not in listing


def test_organisation_of_another_area_is_404_in_the_admin(clerk_client, area, other_area):
    mine = OrganisationFactory(area=area)
    theirs = OrganisationFactory(area=other_area)
    recognition = RecognitionFactory(organisation=theirs)
    assert clerk_client.get(reverse("admin:brands_organisation_change", args=[mine.pk])).status_code == 200
    assert clerk_client.get(reverse("admin:brands_organisation_change", args=[theirs.pk])).status_code == 404
    assert clerk_client.get(reverse("admin:brands_organisation_delete", args=[theirs.pk])).status_code == 404
    assert clerk_client.get(reverse("admin:brands_organisation_history", args=[theirs.pk])).status_code == 404
    assert clerk_client.get(reverse("admin:brands_recognition_change", args=[recognition.pk])).status_code == 404
    changelist = clerk_client.get(reverse("admin:brands_organisation_changelist")).content.decode()
    assert mine.name in changelist
    assert theirs.name not in changelist


def test_clerk_cannot_create_an_organisation_in_another_area(clerk_client, other_area):
    response = clerk_client.post(
        reverse("admin:brands_organisation_add"),
        {
            "name": "越权单位",
            "kind": "enterprise",
            "area": other_area.pk,
            "is_active": "on",
            "recognitions-TOTAL_FORMS": "0",
            "recognitions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()


def test_city_admin_sees_every_area_in_the_admin(admin_client_city, area, other_area):
    theirs = OrganisationFactory(area=other_area)
    assert admin_client_city.get(reverse("admin:brands_organisation_change", args=[theirs.pk])).status_code == 200


def test_invalid_uscc_is_refused_in_the_admin_with_a_chinese_message(admin_client_city, area):
    response = admin_client_city.post(
        reverse("admin:brands_organisation_add"),
        {
            "name": "校验测试单位",
            "uscc": "91330100799655058C",
            "kind": "enterprise",
            "area": area.pk,
            "recognitions-TOTAL_FORMS": "0",
            "recognitions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "统一社会信用代码校验位不正确" in response.content.decode()


def test_organisation_list_query_count_does_not_grow(clerk_client, area, django_assert_max_num_queries):
    OrganisationFactory.create_batch(3, area=area)
    with django_assert_max_num_queries(12):
        clerk_client.get(reverse("organisation_list"))
    OrganisationFactory.create_batch(30, area=area)
    with django_assert_max_num_queries(12):
        response = clerk_client.get(reverse("organisation_list"))
    assert response.content.decode().count("/accounts/organisations/") >= 33


def test_county_clerk_cannot_write_training_records_through_the_admin(clerk_client, other_area):
    """Raw-id fields would accept another area's trainee or batch: county users record through the pages."""
    from training.tests.factories import EnrolmentFactory, TrainingBatchFactory

    theirs = TrainingBatchFactory(area=other_area)
    enrolment = EnrolmentFactory(batch=TrainingBatchFactory())
    assert clerk_client.get(reverse("admin:training_enrolment_add")).status_code == 403
    response = clerk_client.post(
        reverse("admin:training_enrolment_add"), {"trainee": enrolment.trainee_id, "batch": theirs.pk}
    )
    assert response.status_code == 403
    assert not theirs.enrolments.exists()
    assert clerk_client.get(reverse("admin:employment_employmentoutcome_add")).status_code == 403
    page = clerk_client.get(reverse("admin:training_enrolment_change", args=[enrolment.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()


def test_county_clerk_cannot_record_a_recognition_for_another_area(clerk_client, other_area):
    theirs = OrganisationFactory(area=other_area)
    response = clerk_client.post(
        reverse("admin:brands_recognition_add"),
        {"organisation": theirs.pk, "kind": "training_base", "level": "city", "year": 2024},
    )
    assert response.status_code == 403  # recognitions are the city's to record
    assert not theirs.recognitions.exists()
