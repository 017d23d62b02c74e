"""`migrate` gives every role its permissions, including those of a model the deployment just added."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management.sql import emit_post_migrate_signal

from accounts.roles import GROUP_NAMES, Role


@pytest.mark.django_db
def test_migrate_creates_the_role_groups_with_the_permissions_of_every_app():
    Group.objects.all().delete()  # a fresh database: nothing but what migrate writes
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    clerk = Group.objects.get(name=GROUP_NAMES[Role.COUNTY_CLERK])
    granted = set(clerk.permissions.values_list("content_type__app_label", "codename"))
    # the newest imports (results sheet) and the oldest records alike
    assert ("training", "add_resultsimport") in granted
    assert ("training", "add_rosterimport") in granted
    assert ("employment", "add_referralimport") in granted
    viewer = Group.objects.get(name=GROUP_NAMES[Role.CITY_VIEWER])
    assert not viewer.permissions.filter(codename__startswith="add_").exists()
    assert Permission.objects.filter(codename="add_resultsimport").exists()
