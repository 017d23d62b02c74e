"""The full ID number: shown on request to the roles that need it, logged, never in a URL or a cache."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import AuditEntry
from accounts.roles import Role
from training import services

from .factories import EnrolmentFactory, TraineeFactory, TrainingBatchFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("training:trainee_list")


def login(client, user):
    client.force_login(user)
    return client


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def trainee(area):
    person = TraineeFactory(name="黄秀英")
    EnrolmentFactory(trainee=person, batch=TrainingBatchFactory(area=area))
    return person


def reveal(client, trainee):
    return client.post(reverse("training:trainee_reveal_id", args=[trainee.pk]))


# --- reveal ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["clerk", "city_admin"])
def test_an_allowed_role_sees_the_number_and_the_reveal_is_logged(client, request, trainee, role):
    user = request.getfixturevalue(role)
    login(client, user)
    page = html(client.get(reverse("training:trainee_detail", args=[trainee.pk])))
    assert trainee.id_number not in page
    assert "显示完整号码" in page and reverse("training:trainee_reveal_id", args=[trainee.pk]) in page

    response = reveal(client, trainee)
    assert response.status_code == 200
    assert trainee.id_number in html(response)
    assert "no-store" in response["Cache-Control"]
    (entry,) = AuditEntry.objects.all()
    assert entry.action == AuditEntry.Action.REVEAL
    assert (entry.user, entry.person_id, entry.person_name) == (user, trainee.pk, "黄秀英")
    assert entry.person_masked_id == trainee.masked_id_number
    assert entry.at is not None

    # Another look is another entry; the plain page is masked again.
    reveal(client, trainee)
    assert AuditEntry.objects.count() == 2
    assert trainee.id_number not in html(client.get(reverse("training:trainee_detail", args=[trainee.pk])))


def test_a_clerk_of_another_area_gets_404_and_nothing_is_logged(client, other_clerk, trainee):
    assert reveal(login(client, other_clerk), trainee).status_code == 404
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("role", ["city_viewer", "reviewer"])
def test_a_role_that_works_with_masked_numbers_gets_403(client, request, trainee, role):
    login(client, request.getfixturevalue(role))
    page = html(client.get(reverse("training:trainee_detail", args=[trainee.pk])))
    assert "显示完整号码" not in page
    response = reveal(client, trainee)
    assert response.status_code == 403
    assert trainee.id_number not in html(response)
    assert not AuditEntry.objects.exists()


def test_the_reveal_is_a_post_and_needs_a_login(client, clerk, trainee):
    url = reverse("training:trainee_reveal_id", args=[trainee.pk])
    assert client.post(url).status_code == 302  # to the login page
    assert login(client, clerk).get(url).status_code == 405
    assert not AuditEntry.objects.exists()


def test_the_reveal_needs_the_csrf_token(clerk, trainee):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(clerk)
    assert reveal(client, trainee).status_code == 403
    assert not AuditEntry.objects.exists()


def test_the_service_checks_role_and_scope_itself(make_staff, clerk, other_clerk, trainee):
    assert services.trainee_reveal_id(user=clerk, trainee=trainee) == trainee.id_number
    with pytest.raises(PermissionDenied):
        services.trainee_reveal_id(user=other_clerk, trainee=trainee)
    with pytest.raises(PermissionDenied):
        services.trainee_reveal_id(user=make_staff(Role.CITY_VIEWER), trainee=trainee)
    assert AuditEntry.objects.count() == 1


# --- the search never puts an ID number in a URL ----------------------------------------------------------


def test_a_search_by_full_number_posts_and_redirects_to_a_token(client, clerk, area, trainee):
    other = TraineeFactory(name="陈大明")
    EnrolmentFactory(trainee=other, batch=TrainingBatchFactory(area=area))
    login(client, clerk)
    response = client.post(LIST_URL, {"q": trainee.id_number})
    assert response.status_code == 302
    location = response["Location"]
    assert trainee.id_number not in location and trainee.id_number[-6:] not in location
    page = client.get(location)
    text = html(page)
    assert "黄秀英" in text and "陈大明" not in text
    assert trainee.id_number not in text
    assert trainee.masked_id_number in text  # what was searched, shown masked
    assert "no-store" in page["Cache-Control"]
    assert trainee.id_number not in str(dict(client.session))  # the session keeps who was found, not the number


def test_the_number_is_not_kept_in_the_session_either(client, clerk, trainee):
    login(client, clerk).post(LIST_URL, {"q": trainee.id_number})
    assert trainee.id_number not in str(client.session.get("trainee_searches"))


def test_a_name_search_posts_too_and_pages_keep_only_the_token(client, clerk, area):
    batch = TrainingBatchFactory(area=area)
    people = [TraineeFactory(name=f"王{number:02d}") for number in range(55)]
    for person in people:
        EnrolmentFactory(trainee=person, batch=batch)
    login(client, clerk)
    location = client.post(LIST_URL, {"q": "王"})["Location"]
    first = html(client.get(location))
    assert "第 1 / 2 页" in first
    assert 'value="王"' in first  # the name stays in the box
    second = html(client.get(location + "&page=2"))
    assert "王54" in second
    for person in people:
        assert person.id_number not in first + second


def test_an_old_style_address_with_a_number_is_moved_out_of_the_address_bar(client, clerk, trainee):
    response = login(client, clerk).get(LIST_URL, {"q": trainee.id_number})
    assert response.status_code == 302
    assert trainee.id_number not in response["Location"]
    assert "黄秀英" in html(client.get(response["Location"]))


def test_no_result_for_a_number_echoes_it_masked(client, clerk, trainee):
    unknown = trainee.id_number[:-4] + ("0000" if trainee.id_number[-4:] != "0000" else "0001")
    login(client, clerk)
    page = html(client.get(client.post(LIST_URL, {"q": unknown})["Location"]))
    assert unknown not in page
    assert "没有找到" in page


def test_an_expired_search_token_says_so(client, clerk, trainee):
    page = html(login(client, clerk).get(LIST_URL, {"s": "gone"}, follow=True))
    assert "查询条件已过期" in page


def test_a_search_of_another_areas_person_finds_nothing(client, other_clerk, trainee):
    login(client, other_clerk)
    page = html(client.get(client.post(LIST_URL, {"q": trainee.id_number})["Location"]))
    assert "黄秀英" not in page


@pytest.mark.parametrize(
    "changelist",
    [
        "admin:training_trainee_changelist",
        "admin:training_enrolment_changelist",
        "admin:employment_jobreferral_changelist",
        "admin:employment_employmentoutcome_changelist",
    ],
)
def test_the_admin_does_not_search_by_id_number(client, city_admin, trainee, changelist):
    """An admin search travels in the address (?q=): it takes names, and says where to search by number."""
    login(client, city_admin)
    by_number = html(client.get(reverse(changelist), {"q": trainee.id_number}))
    assert "学员查询" in by_number  # the help text under the search box
    if changelist == "admin:training_trainee_changelist":
        assert 'id="result_list"' not in by_number  # nothing found by the number
        by_name = html(client.get(reverse(changelist), {"q": "黄秀英"}))
        assert 'id="result_list"' in by_name and "黄秀英" in by_name
