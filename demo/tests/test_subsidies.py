"""The demo data shows this part of the path: the city clerk's account, an application returned for
correction with its reason, and a city-level organisation's award waiting for the city administrator."""

import pytest
from django.core.management import call_command

from accounts.roles import Role
from accounts.scoping import scope_for
from demo import subsidies as subsidies_demo
from subsidies.models import SubsidyApplication

pytestmark = pytest.mark.django_db
Status = SubsidyApplication.Status


def test_the_demo_has_a_city_clerk_a_returned_and_a_city_level_application(django_user_model, capsys):
    call_command("load_demo", "--password", "Demo-password-2025")
    city_clerk = django_user_model.objects.get(username="city_clerk")
    assert scope_for(city_clerk).role == Role.CITY_CLERK
    assert "city_clerk" in capsys.readouterr().out
    returned = SubsidyApplication.objects.filter(status=Status.RETURNED)
    assert returned.exists() and all(application.reason for application in returned)
    city_level = SubsidyApplication.objects.get(area__code="450700")
    assert (city_level.status, city_level.submitted_by, city_level.amount) == (Status.SUBMITTED, city_clerk, 300000)
    assert city_level.organisation.name == "钦州市坭兴陶艺有限公司"
    count = SubsidyApplication.objects.count()
    subsidies_demo.load(
        clerks={}, reviewers={}, city_admin=django_user_model.objects.get(username="city_admin"), city_clerk=city_clerk
    )
    assert SubsidyApplication.objects.count() == count
