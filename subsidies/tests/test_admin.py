"""The admin: rules and budgets are the city administrator's; applications are read-only and scoped."""

import pytest
from django.urls import reverse

from ..models import SubsidyRule

pytestmark = pytest.mark.django_db


def test_the_city_administrator_edits_rules_and_a_clerk_only_reads_them(client, city_admin, clerk):
    rule = SubsidyRule.objects.get(kind="expert_studio")
    change = reverse("admin:subsidies_subsidyrule_change", args=[rule.pk])
    client.force_login(city_admin)
    assert client.get(reverse("admin:subsidies_subsidyrule_add")).status_code == 200
    assert client.get(reverse("admin:subsidies_budget_add")).status_code == 200
    assert b'name="amount"' in client.get(change).content
    client.force_login(clerk)
    assert client.get(reverse("admin:subsidies_subsidyrule_add")).status_code == 403
    assert client.get(reverse("admin:subsidies_budget_add")).status_code == 403
    page = client.get(change)
    assert page.status_code == 200 and b'name="amount"' not in page.content


def test_applications_are_read_only_and_another_areas_are_404(client, base_application, clerk, other_clerk, city_admin):
    application = base_application()
    url = reverse("admin:subsidies_subsidyapplication_change", args=[application.pk])
    client.force_login(clerk)
    page = client.get(url)
    assert page.status_code == 200 and b'name="status"' not in page.content
    assert client.get(reverse("admin:subsidies_subsidyapplication_add")).status_code == 403
    client.force_login(city_admin)
    assert client.get(reverse("admin:subsidies_subsidyapplication_changelist")).status_code == 200
    client.force_login(other_clerk)
    assert client.get(url).status_code == 404
