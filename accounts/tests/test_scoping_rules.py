"""The two policies of accounts/scoping.py: the one write-scope check (`require_area`) and the one
trainee-visibility rule (`trainees_visible`), for every kind of user."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import StaffProfile
from accounts.roles import Role
from accounts.scoping import OutOfScope, require_area, trainees_visible
from brands.models import Area
from training.models import Trainee, TrainingBatch
from training.tests.factories import EnrolmentFactory, TraineeFactory, TrainingBatchFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(db):
    return Area.objects.get(kind=Area.Kind.CITY)


@pytest.fixture
def city_clerk(make_staff):
    return make_staff(Role.CITY_CLERK, username="city_clerk")


def test_a_county_user_acts_in_their_own_area_which_is_the_default(clerk, reviewer, area):
    assert require_area(clerk, area) == area
    assert require_area(clerk) == area
    assert require_area(reviewer, area, action="审核") == area


def test_a_county_user_is_refused_another_area_with_one_message(clerk, other_area):
    with pytest.raises(OutOfScope) as refused:
        require_area(clerk, other_area, action="开设和管理培训班期")
    assert str(refused.value) == "只能在本辖区（钦南区）开设和管理培训班期。"
    assert isinstance(refused.value, PermissionDenied)  # a 403 on the API, the form's error on a page


def test_a_county_user_without_an_area_is_told_why(make_staff, area, other_area):
    unbound = make_staff(Role.COUNTY_CLERK, other_area, username="unbound")
    StaffProfile.objects.filter(user=unbound).delete()  # a profile lost since: the account says so
    with pytest.raises(OutOfScope, match="您的账号没有绑定县区，不能登记"):
        require_area(unbound, area, action="登记")
    with pytest.raises(OutOfScope, match="没有绑定县区"):
        require_area(unbound)


def test_the_city_clerk_acts_in_the_city_area_only(city_clerk, city, area):
    assert require_area(city_clerk) == city
    assert require_area(city_clerk, city) == city
    with pytest.raises(OutOfScope, match="只能在本辖区（钦州市）办理补贴申请"):
        require_area(city_clerk, area, action="办理补贴申请")


def test_city_wide_users_and_the_command_line_act_anywhere_but_must_name_the_area(city_admin, area, other_area):
    assert require_area(city_admin, other_area) == other_area
    assert require_area(None, area) == area
    for user in (city_admin, None):
        with pytest.raises(ValidationError, match="请选择登记地区"):
            require_area(user)


def test_a_user_without_a_role_acts_nowhere(django_user_model, area):
    nobody = django_user_model.objects.create_user("nobody", password="x")
    with pytest.raises(OutOfScope):
        require_area(nobody, area)


def test_a_person_shows_to_every_area_where_they_enrolled_and_to_city_users(
    clerk, other_clerk, city_viewer, city_clerk, make_staff, area, other_area, city
):
    both = TraineeFactory(name="两地学员")
    ours = TraineeFactory(name="本地学员")
    theirs = TraineeFactory(name="外地学员")
    planned_here = TrainingBatchFactory(area=area, status=TrainingBatch.Status.PLANNED)
    EnrolmentFactory(trainee=both, batch=planned_here)  # a planned batch, nothing completed: still ours
    EnrolmentFactory(trainee=both, batch=TrainingBatchFactory(area=other_area))
    EnrolmentFactory(trainee=ours, batch=TrainingBatchFactory(area=area))
    EnrolmentFactory(trainee=ours, batch=TrainingBatchFactory(area=area))  # twice, listed once
    EnrolmentFactory(trainee=theirs, batch=TrainingBatchFactory(area=other_area))
    nobody_yet = TraineeFactory(name="未参训")

    def seen(user):
        return sorted(trainees_visible(Trainee.objects.all(), user).values_list("name", flat=True))

    assert seen(clerk) == ["两地学员", "本地学员"]
    assert seen(make_staff(Role.COUNTY_REVIEWER, area)) == ["两地学员", "本地学员"]
    assert seen(other_clerk) == ["两地学员", "外地学员"]
    assert seen(city_viewer) == sorted(["两地学员", "本地学员", "外地学员", nobody_yet.name])
    assert seen(city_clerk) == []  # nobody trained in a city-run batch
    EnrolmentFactory(trainee=theirs, batch=TrainingBatchFactory(area=city))
    assert seen(city_clerk) == ["外地学员"]


def test_the_rule_decides_the_pages_404(clerk_client, other_area):
    theirs = EnrolmentFactory(batch=TrainingBatchFactory(area=other_area)).trainee
    assert clerk_client.get(reverse("training:trainee_detail", args=[theirs.pk])).status_code == 404
    assert clerk_client.get(reverse("employment:trainee_employment", args=[theirs.pk])).status_code == 404
    assert clerk_client.get(reverse("admin:training_trainee_change", args=[theirs.pk])).status_code == 404
