"""An application returned for correction is 退回修改, not a plain 草稿: its own state with the reason at the
top of its page, its own filter on the list, a count on the clerk's home page; the clerk corrects and
resubmits it. Existing returned drafts become 退回修改 by the migration."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse

from brands.tests.factories import OrganisationFactory, RecognitionFactory

from .. import services
from ..models import ApplicationTransition, SubsidyApplication

pytestmark = pytest.mark.django_db
Status = SubsidyApplication.Status
REASON = "请补充认定文件复印件"


@pytest.fixture
def another(area, clerk, base_rule):
    """A further draft, for an organisation of its own."""

    def make():
        recognition = RecognitionFactory(organisation=OrganisationFactory(area=area), kind="training_base")
        return services.application_create(
            user=clerk,
            rule=base_rule,
            amount=Decimal("400000.00"),
            organisation=recognition.organisation,
            recognition=recognition,
        )

    return make


@pytest.fixture
def returned(base_application, clerk, reviewer):
    application = base_application()
    services.application_submit(application=application, user=clerk)
    services.application_return(application=application, user=reviewer, reason=REASON)
    return application


def test_a_returned_application_shows_its_state_and_reason_at_the_top(client, returned, clerk):
    assert returned.status == Status.RETURNED
    client.force_login(clerk)
    page = client.get(reverse("subsidies:application_detail", args=[returned.pk])).content.decode()
    assert "退回修改" in page
    reason_at = page.index("退回修改原因：")
    assert REASON in page[reason_at : reason_at + 200]
    assert reason_at < page.index("办理记录")  # above the application's details
    assert "提交审核" in page and "修改申请" in page


def test_the_list_filters_returned_applications(client, returned, another, clerk):
    draft = another()
    client.force_login(clerk)
    listed = client.get(reverse("subsidies:application_list"), {"status": "returned"})
    assert list(listed.context["page"]) == [returned]
    assert '<option value="returned" selected>退回修改</option>' in listed.content.decode()
    drafts = client.get(reverse("subsidies:application_list"), {"status": "draft"})
    assert list(drafts.context["page"]) == [draft]


def test_the_clerks_home_page_counts_returned_applications(client, returned, another, clerk, other_clerk):
    another()  # a plain draft: counted apart
    client.force_login(clerk)
    home = client.get(reverse("home"))
    counts = {item["key"]: item["count"] for item in home.context["worklist"]}
    assert counts == {"returned": 1, "draft": 1}
    content = home.content.decode()
    assert 'href="/subsidies/?status=returned"' in content.replace("&amp;", "&")
    assert "退回修改" in content
    # Another area's clerk has nothing waiting.
    client.force_login(other_clerk)
    assert {item["key"]: item["count"] for item in client.get(reverse("home")).context["worklist"]} == {
        "returned": 0,
        "draft": 0,
    }


def test_the_clerk_corrects_and_resubmits_a_returned_application(client, returned, clerk, other_clerk):
    client.force_login(other_clerk)
    url = reverse("subsidies:application_action", args=[returned.pk, "update"])
    assert client.post(url, {"update-amount": "1.00"}).status_code == 404
    client.force_login(clerk)
    response = client.post(url, {"update-amount": "350000.00", "update-comment": "已补充"})
    assert response.status_code == 302
    returned.refresh_from_db()
    assert (returned.status, returned.amount) == (Status.RETURNED, Decimal("350000.00"))
    client.post(reverse("subsidies:application_action", args=[returned.pk, "submit"]))
    returned.refresh_from_db()
    assert (returned.status, returned.reason) == (Status.SUBMITTED, "")
    assert list(returned.transitions.values_list("from_status", "to_status")) == [
        ("", "draft"),
        ("draft", "submitted"),
        ("submitted", "returned"),
        ("returned", "returned"),
        ("returned", "submitted"),
    ]


def test_the_migration_makes_returned_drafts_returned(base_application, another, advance, clerk, reviewer):
    """What the old code left: returned applications as drafts with a submitted → draft step."""
    migration = importlib.import_module("subsidies.migrations.0006_returned_status")
    never_submitted = another()
    corrected = advance(base_application(), Status.SUBMITTED)
    services.application_return(application=corrected, user=reviewer, reason="金额有误")
    services.application_update(application=corrected, user=clerk, amount=Decimal("350000"))
    resubmitted = advance(another(), Status.SUBMITTED)
    services.application_return(application=resubmitted, user=reviewer, reason="缺材料")
    services.application_submit(application=resubmitted, user=clerk)
    # As the old code stored them.
    SubsidyApplication.objects.filter(status=Status.RETURNED).update(status=Status.DRAFT)
    ApplicationTransition.objects.filter(to_status=Status.RETURNED).update(to_status=Status.DRAFT)
    ApplicationTransition.objects.filter(from_status=Status.RETURNED).update(from_status=Status.DRAFT)

    migration.returned_drafts_become_returned(apps, None)

    statuses = dict(SubsidyApplication.objects.values_list("pk", "status"))
    assert statuses == {
        never_submitted.pk: Status.DRAFT,
        corrected.pk: Status.RETURNED,
        resubmitted.pk: Status.SUBMITTED,
    }
    assert list(corrected.transitions.values_list("from_status", "to_status")) == [
        ("", "draft"),
        ("draft", "submitted"),
        ("submitted", "returned"),
        ("returned", "returned"),
    ]
    migration.returned_become_drafts(apps, None)
    assert SubsidyApplication.objects.get(pk=corrected.pk).status == Status.DRAFT
