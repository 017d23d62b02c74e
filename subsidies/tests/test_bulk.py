"""Submitting, reviewing and approving many applications at once: the list offers only what the user may
do, one confirmation states the count and the total, each application goes through the single step's
service (the same rules, its own savepoint) and the result lists those done and those refused with why.
Another area's application can be neither listed nor slipped into the POST."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from training.models import Enrolment, TrainingBatch
from training.tests.factories import EnrolmentFactory, TrainingBatchFactory

from .. import services
from ..models import SubsidyApplication
from .factories import BudgetFactory

pytestmark = pytest.mark.django_db
Status = SubsidyApplication.Status


def _batch_drafts(area, clerk, rule, people=5):
    batch = TrainingBatchFactory(
        area=area,
        status=TrainingBatch.Status.COMPLETED,
        start_date=datetime.date(2025, 3, 1),
        end_date=datetime.date(2025, 3, 20),
    )
    for _ in range(people):
        EnrolmentFactory(batch=batch, completed=True, certificate=Enrolment.Certificate.LEVEL_4)
    created, ineligible = services.training_subsidies_for_batch(user=clerk, batch=batch, rule=rule)
    assert len(created) == people and not ineligible
    return sorted(created, key=lambda application: application.pk)


@pytest.fixture
def drafts(area, clerk, training_rule):
    return _batch_drafts(area, clerk, training_rule)


@pytest.fixture
def theirs(other_area, other_clerk, training_rule):
    return _batch_drafts(other_area, other_clerk, training_rule, people=1)[0]


def _url(name, action):
    return reverse(f"subsidies:{name}", args=[action])


def test_the_list_offers_only_what_the_user_may_do(client, clerk, reviewer, drafts, theirs):
    services.application_submit(application=drafts[0], user=clerk)
    client.force_login(clerk)
    page = client.get(_url("bulk_list", "submit"))
    assert page.status_code == 200
    assert {a.pk for a in page.context["page"]} == {a.pk for a in drafts[1:]}
    assert f'value="{theirs.pk}"' not in page.content.decode()
    assert client.get(_url("bulk_list", "approve")).status_code == 403  # not the clerk's step anywhere
    assert client.get(_url("bulk_list", "pay")).status_code == 404  # paid one by one
    client.force_login(reviewer)
    assert [a.pk for a in client.get(_url("bulk_list", "review")).context["page"]] == [drafts[0].pk]


def test_the_confirmation_states_the_count_and_the_total(client, clerk, drafts, theirs):
    client.force_login(clerk)
    response = client.post(_url("bulk_confirm", "submit"), {"ids": [a.pk for a in drafts] + [theirs.pk]})
    assert response.status_code == 200
    summary = response.content.decode()
    assert "将对以下 <strong>5</strong> 份申请逐份提交，申请金额合计 <strong>7,500.00</strong> 元" in summary
    assert "另有 1 份所选申请不存在或不在您的管辖范围内" in summary
    assert theirs.trainee.name not in summary
    assert all(a.status == Status.DRAFT for a in SubsidyApplication.objects.filter(pk__in=[a.pk for a in drafts]))


def test_each_application_goes_through_the_service_and_refusals_are_listed(client, clerk, drafts, theirs):
    services.application_submit(application=drafts[0], user=clerk)  # meanwhile, submitted one by one
    client.force_login(clerk)
    ids = [a.pk for a in drafts] + [theirs.pk]
    response = client.post(_url("bulk_run", "submit"), {"ids": ids, "comment": "批量提交"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "已提交 4 份（合计 6,000.00 元）；未办理 2 份。" in content
    assert "申请当前状态为“已提交”，不能提交。" in content
    assert f"编号 {theirs.pk}" in content and "申请不存在，或不在您的管辖范围内。" in content
    assert theirs.trainee.name not in content
    statuses = dict(SubsidyApplication.objects.values_list("pk", "status"))
    assert [statuses[a.pk] for a in drafts] == [Status.SUBMITTED] * 5
    assert statuses[theirs.pk] == Status.DRAFT
    assert SubsidyApplication.objects.get(pk=drafts[1].pk).transitions.last().comment == "批量提交"
    assert not SubsidyApplication.objects.get(pk=theirs.pk).transitions.exclude(to_status="draft").exists()


def test_another_areas_clerk_cannot_include_an_application_in_any_bulk_step(
    client, other_clerk, reviewer, drafts, make_staff, other_area
):
    from accounts.roles import Role

    client.force_login(other_clerk)
    client.post(_url("bulk_run", "submit"), {"ids": [drafts[0].pk]})
    client.force_login(make_staff(Role.COUNTY_REVIEWER, other_area))
    services.application_submit(application=drafts[1], user=drafts[1].created_by)
    client.post(_url("bulk_run", "review"), {"ids": [drafts[1].pk]})
    statuses = dict(SubsidyApplication.objects.values_list("pk", "status"))
    assert (statuses[drafts[0].pk], statuses[drafts[1].pk]) == (Status.DRAFT, Status.SUBMITTED)


def test_approving_many_keeps_the_budget_rule_for_each(client, clerk, reviewer, city_admin, drafts, area):
    BudgetFactory(area=area, amount=Decimal("4500.00"))  # three of the five
    for application in drafts:
        services.application_submit(application=application, user=clerk)
        services.application_review(application=application, user=reviewer)
    client.force_login(city_admin)
    listed = client.get(_url("bulk_list", "approve"))
    assert len(listed.context["page"]) == 5
    response = client.post(_url("bulk_run", "approve"), {"ids": [a.pk for a in drafts]})
    content = response.content.decode()
    assert "已审批 3 份（合计 4,500.00 元）；未办理 2 份。" in content
    assert content.count("就业补助资金余额不足：剩余 0.00 元，本申请 1500.00 元。") == 2
    assert SubsidyApplication.objects.filter(status=Status.APPROVED).count() == 3


def test_a_reviewer_cannot_pass_their_own_in_bulk(client, clerk, reviewer, drafts):
    for application in drafts[:2]:
        services.application_submit(application=application, user=clerk)
    SubsidyApplication.objects.filter(pk=drafts[0].pk).update(submitted_by=reviewer)
    client.force_login(reviewer)
    assert [a.pk for a in client.get(_url("bulk_list", "review")).context["page"]] == [drafts[1].pk]
    content = client.post(_url("bulk_run", "review"), {"ids": [drafts[0].pk, drafts[1].pk]}).content.decode()
    assert "已审核 1 份" in content and "不能审核自己登记或提交的补贴申请。" in content


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        ([], "请至少勾选一份申请。"),
        (["abc"], "所选申请编号无效，请重新勾选。"),
        (["9" * 40], "所选申请编号无效，请重新勾选。"),
    ],
)
def test_bad_selections_are_refused_in_chinese(client, clerk, ids, message):
    client.force_login(clerk)
    for name in ("bulk_confirm", "bulk_run"):
        response = client.post(_url(name, "submit"), {"ids": ids}, follow=True)
        assert response.status_code == 200
        assert message in [str(m) for m in response.context["messages"]]


def test_too_many_at_once_are_refused(client, clerk, settings):
    client.force_login(clerk)
    response = client.post(_url("bulk_confirm", "submit"), {"ids": list(range(1, 202))}, follow=True)
    assert "一次最多批量办理 200 份申请，请分批办理。" in [str(m) for m in response.context["messages"]]


def test_the_bulk_list_reads_a_fixed_number_of_queries(
    client, clerk, area, training_rule, django_assert_max_num_queries
):
    _batch_drafts(area, clerk, training_rule, people=2)
    client.force_login(clerk)
    with django_assert_max_num_queries(12) as few:
        client.get(_url("bulk_list", "submit"))
    _batch_drafts(area, clerk, training_rule, people=8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(_url("bulk_list", "submit"))


def test_the_api_steps_many_at_once_and_lists_the_actions_of_each(clerk, drafts, theirs):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(clerk)
    detail = api.get(f"/api/v1/applications/{drafts[0].pk}/").json()
    assert detail["status"] == "draft" and detail["actions"] == ["update", "submit", "reject"]
    assert api.get(f"/api/v1/applications/{theirs.pk}/").status_code == 404
    response = api.post(
        "/api/v1/applications/bulk/submit/", {"ids": [drafts[0].pk, drafts[1].pk, theirs.pk]}, format="json"
    )
    assert response.status_code == 200
    assert response.json() == {
        "done": [drafts[0].pk, drafts[1].pk],
        "refused": [{"id": theirs.pk, "reason": "申请不存在，或不在您的管辖范围内。"}],
    }
    assert SubsidyApplication.objects.get(pk=theirs.pk).status == Status.DRAFT
    assert api.get(f"/api/v1/applications/{drafts[0].pk}/").json()["actions"] == []
    refused = api.post("/api/v1/applications/bulk/approve/", {"ids": [drafts[0].pk]}, format="json")
    assert refused.status_code == 403 and refused.json()["detail"] == "您的角色不能审批补贴申请。"
    empty = api.post("/api/v1/applications/bulk/submit/", {"ids": []}, format="json")
    assert empty.status_code == 400 and empty.json()["errors"] == {"ids": ["请至少选择一份申请。"]}
