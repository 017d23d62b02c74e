"""An application's amount is the county's: its area's clerk sets and corrects it while it is a draft;
after submission it changes only by a return for correction, then again by that clerk. The city
administrator, who approves, never edits an amount (services, pages, API and admin alike)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from qinzhou_brands.tests.apiclient import api, url

from .. import services
from ..models import SubsidyApplication

pytestmark = pytest.mark.django_db
Status = SubsidyApplication.Status
REFUSED = "只有本县区经办员可以修改草稿"


def test_the_city_administrator_cannot_change_a_drafts_amount(base_application, city_admin):
    application = base_application()
    with pytest.raises(PermissionDenied, match=REFUSED):
        services.application_update(application=application, user=city_admin, amount=Decimal("450000"))
    application.refresh_from_db()
    assert application.amount == Decimal("400000.00")


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.REVIEWED, Status.APPROVED])
def test_nobody_changes_the_amount_after_submission_until_it_is_returned(
    base_application, advance, budget, clerk, reviewer, city_admin, status
):
    application = advance(base_application(), status)
    for user in (clerk, reviewer, city_admin):
        with pytest.raises((ValidationError, PermissionDenied), match="不能修改|只有本县区经办员"):
            services.application_update(application=application, user=user, amount=Decimal("300000"))
    application.refresh_from_db()
    assert application.amount == Decimal("400000.00")
    holder = reviewer if status == Status.SUBMITTED else city_admin
    services.application_return(application=application, user=holder, reason="金额有误")
    with pytest.raises(PermissionDenied, match=REFUSED):
        services.application_update(application=application, user=city_admin, amount=Decimal("300000"))
    services.application_update(application=application, user=clerk, amount=Decimal("300000"))
    application.refresh_from_db()
    assert (application.status, application.amount) == (Status.RETURNED, Decimal("300000.00"))


def test_the_page_offers_no_correction_to_the_city_administrator_and_refuses_one(client, base_application, city_admin):
    application = base_application()
    client.force_login(city_admin)
    assert "修改草稿" not in client.get(reverse("subsidies:application_detail", args=[application.pk])).content.decode()
    action = reverse("subsidies:application_action", args=[application.pk, "update"])
    response = client.post(action, {"update-amount": "450000.00", "update-comment": "改"})
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    application.refresh_from_db()
    assert application.amount == Decimal("400000.00")


def test_the_api_refuses_the_city_administrators_correction(base_application, city_admin):
    application = base_application()
    response = api(city_admin).patch(url("application-detail", application.pk), {"amount": "450000.00"}, format="json")
    assert response.status_code == 403
    assert REFUSED in response.json()["detail"]
    application.refresh_from_db()
    assert application.amount == Decimal("400000.00")


def test_the_admin_changes_no_application(client, base_application, city_admin, django_user_model):
    application = base_application()
    superuser = django_user_model.objects.create_superuser("root", "root@example.com", "Root-password-2025")
    for user in (city_admin, superuser):
        client.force_login(user)
        change = reverse("admin:subsidies_subsidyapplication_change", args=[application.pk])
        assert 'name="_save"' not in client.get(change).content.decode()
        assert client.post(change, {"amount": "450000.00", "_save": "1"}).status_code == 403
    application.refresh_from_db()
    assert application.amount == Decimal("400000.00")
