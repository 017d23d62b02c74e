"""Change history (django-simple-history): every change of a rule, budget or application is kept with
the user who made it, whether through a request (the admin) or a service."""

from decimal import Decimal

import pytest
from django.urls import reverse

from .. import services
from ..models import SubsidyApplication, SubsidyRule

pytestmark = pytest.mark.django_db
Status = SubsidyApplication.Status


def test_changing_a_rules_amount_in_the_admin_records_the_user(client, city_admin):
    rule = SubsidyRule.objects.get(kind="expert_studio")
    before = rule.history.count()
    client.force_login(city_admin)
    url = reverse("admin:subsidies_subsidyrule_change", args=[rule.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        amount="80000.00",
        effective_from=rule.effective_from.isoformat(),
        active="on",
        **{"_save": "保存"},
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert rule.history.count() == before + 1
    latest = rule.history.first()
    assert latest.amount == Decimal("80000.00")
    assert latest.history_type == "~"
    assert latest.history_user == city_admin
    assert latest.prev_record.amount == Decimal("100000.00")
    assert client.get(reverse("admin:subsidies_subsidyrule_history", args=[rule.pk])).status_code == 200


def test_each_transition_of_an_application_is_a_version_with_its_actor(
    base_application, advance, budget, clerk, reviewer, city_admin
):
    application = base_application()
    advance(application, Status.PAID)
    versions = list(application.history.order_by("history_date", "history_id"))
    assert [(v.status, v.history_user) for v in versions] == [
        (Status.DRAFT, clerk),
        (Status.SUBMITTED, clerk),
        (Status.REVIEWED, reviewer),
        (Status.APPROVED, city_admin),
        (Status.PAID, city_admin),
    ]
    assert versions[0].history_type == "+"
    assert versions[-1].voucher_number == "记-001"
    assert versions[3].budget_id == budget.pk


def test_a_rejection_keeps_the_reason_in_the_history(base_application, clerk):
    application = services.application_reject(application=base_application(), user=clerk, reason="材料不全")
    latest = application.history.first()
    assert (latest.status, latest.reason, latest.history_user) == (Status.REJECTED, "材料不全", clerk)


def test_bulk_training_applications_have_history(clerk, training_rule, make_enrolment):
    enrolment = make_enrolment()
    created, _ineligible = services.training_subsidies_for_batch(user=clerk, batch=enrolment.batch, rule=training_rule)
    assert len(created) == 1
    assert [(v.status, v.history_user) for v in created[0].history.all()] == [(Status.DRAFT, clerk)]


def test_a_budget_change_is_kept(budget):
    budget.amount = Decimal("1200000.00")
    budget.save()
    assert [v.amount for v in budget.history.all()] == [Decimal("1200000.00"), Decimal("1000000.00")]


def test_history_of_another_areas_application_is_404_and_it_cannot_be_reverted(
    client, base_application, clerk, other_clerk, city_admin
):
    application = base_application()
    services.application_submit(application=application, user=clerk)
    history_url = reverse("admin:subsidies_subsidyapplication_history", args=[application.pk])
    first = application.history.order_by("history_date", "history_id").first()
    version_url = reverse("admin:subsidies_subsidyapplication_simple_history", args=[application.pk, first.pk])
    client.force_login(other_clerk)
    assert client.get(history_url).status_code == 404
    assert client.get(version_url).status_code == 404
    client.force_login(city_admin)
    assert client.get(history_url).status_code == 200
    # Restoring the draft version would skip the services: refused, and nothing changes.
    assert client.post(version_url, {"_save": "1"}).status_code == 403
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_a_clerk_cannot_revert_a_rule(client, clerk):
    rule = SubsidyRule.objects.get(kind="expert_studio")
    version = rule.history.get()  # the first version, made when history was switched on
    assert version.history_change_reason == "启用变更记录时的初始版本"
    url = reverse("admin:subsidies_subsidyrule_simple_history", args=[rule.pk, version.pk])
    client.force_login(clerk)
    assert client.post(url, {"amount": "1.00"}).status_code == 403
    rule.refresh_from_db()
    assert rule.amount == Decimal("100000.00")
