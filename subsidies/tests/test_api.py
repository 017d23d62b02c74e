"""Subsidy applications through the API: created and moved along their path by the same services as the
pages, with the same refusals (role, area, state, own work, budget) as 403/400 with Chinese messages."""

import datetime
from decimal import Decimal

import pytest

from qinzhou_brands.tests.apiclient import api, url
from subsidies.models import SubsidyApplication

from .. import services

pytestmark = pytest.mark.django_db
Status = SubsidyApplication.Status
ACTIONS = ["submit", "review", "approve", "pay", "reject", "return"]


@pytest.fixture
def enrolment(make_enrolment):
    return make_enrolment()


@pytest.fixture
def draft(clerk, training_rule, enrolment):
    return services.application_create(user=clerk, rule=training_rule, amount=Decimal("1200.00"), enrolment=enrolment)


def test_a_clerk_creates_a_training_subsidy_draft(clerk, training_rule, enrolment):
    payload = {"rule": training_rule.pk, "amount": "1500.00", "enrolment": enrolment.pk, "comment": "四级证书"}
    response = api(clerk).post(url("application-list"), payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    application = SubsidyApplication.objects.get()
    assert (body["id"], body["status"], body["kind"], body["area"], body["amount"]) == (
        application.pk,
        "draft",
        "training",
        "450702",
        "1500.00",
    )
    assert body["trainee_id_number"] == enrolment.trainee.masked_id_number
    assert enrolment.trainee.id_number not in response.content.decode()
    assert application.created_by == clerk


def test_an_amount_above_the_cap_is_refused_with_the_services_message(clerk, training_rule, enrolment):
    payload = {"rule": training_rule.pk, "amount": "1500.01", "enrolment": enrolment.pk}
    response = api(clerk).post(url("application-list"), payload, format="json")
    assert response.status_code == 409
    assert response.json()["detail"] == "申请金额超过该补贴的最高限额 1500.00 元。"


def test_the_same_enrolment_twice_is_refused(clerk, training_rule, enrolment, draft):
    payload = {"rule": training_rule.pk, "amount": "1000.00", "enrolment": enrolment.pk}
    response = api(clerk).post(url("application-list"), payload, format="json")
    assert response.status_code == 409
    assert "该参训记录已申请过职业培训补贴" in response.json()["detail"]


def test_another_areas_enrolment_cannot_be_chosen(clerk, training_rule, make_enrolment, other_area):
    stranger = make_enrolment(area=other_area)
    payload = {"rule": training_rule.pk, "amount": "1000.00", "enrolment": stranger.pk}
    response = api(clerk).post(url("application-list"), payload, format="json")
    assert response.status_code == 409
    assert "enrolment" in response.json()["errors"]


@pytest.mark.parametrize("role", ["reviewer", "city_viewer"])
def test_read_only_roles_cannot_create(request, role, training_rule, enrolment):
    payload = {"rule": training_rule.pk, "amount": "1000.00", "enrolment": enrolment.pk}
    assert api(request.getfixturevalue(role)).post(url("application-list"), payload, format="json").status_code == 403


def test_the_whole_path_through_the_api(clerk, reviewer, city_admin, draft, budget):
    steps = [
        (clerk, "submit", {"comment": "材料齐全"}, "submitted"),
        (reviewer, "review", {}, "reviewed"),
        (city_admin, "approve", {"comment": "同意"}, "approved"),
        (city_admin, "pay", {"paid_on": datetime.date.today().isoformat(), "voucher_number": "记-001"}, "paid"),
    ]
    for user, action, data, status in steps:
        response = api(user).post(url(f"application-{action}", draft.pk), data, format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == status
    draft.refresh_from_db()
    assert (draft.budget, draft.voucher_number, draft.approved_by) == (budget, "记-001", city_admin)
    history = api(clerk).get(url("application-transitions", draft.pk)).json()
    assert [(step["from_status"], step["to_status"], step["by"]) for step in history] == [
        ("", "draft", clerk.username),
        ("draft", "submitted", clerk.username),
        ("submitted", "reviewed", reviewer.username),
        ("reviewed", "approved", city_admin.username),
        ("approved", "paid", city_admin.username),
    ]


def test_a_clerk_cannot_review(clerk, draft):
    client = api(clerk)
    assert client.post(url("application-submit", draft.pk), {}, format="json").status_code == 200
    response = client.post(url("application-review", draft.pk), {}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "只有本县区审核员可以审核补贴申请。"}


def test_a_step_from_the_wrong_state_is_a_409_conflict(city_admin, draft):
    response = api(city_admin).post(url("application-approve", draft.pk), {}, format="json")
    assert response.status_code == 409
    assert response.json()["detail"] == "申请当前状态为“草稿”，不能审批。"


def test_approval_without_a_budget_is_refused(clerk, reviewer, city_admin, draft, advance):
    advance(draft, Status.REVIEWED)
    response = api(city_admin).post(url("application-approve", draft.pk), {}, format="json")
    assert response.status_code == 409
    assert "就业补助资金预算" in response.json()["detail"]


def test_rejecting_needs_a_reason_and_returning_sends_back_for_correction(clerk, reviewer, draft, advance):
    advance(draft, Status.SUBMITTED)
    client = api(reviewer)
    response = client.post(url("application-reject", draft.pk), {}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"reason": ["请填写原因。"]}
    response = client.post(url("application-return", draft.pk), {"reason": "缺少证书复印件"}, format="json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["reason"]) == ("returned", "缺少证书复印件")


def test_a_clerk_corrects_a_draft(clerk, draft):
    response = api(clerk).patch(url("application-detail", draft.pk), {"amount": "1300.00"}, format="json")
    assert response.status_code == 200
    assert response.json()["amount"] == "1300.00"
    draft.refresh_from_db()
    assert draft.amount == Decimal("1300.00")


@pytest.mark.parametrize(
    ("method", "name"),
    [("get", "application-detail"), ("patch", "application-detail"), ("get", "application-transitions")]
    + [("post", f"application-{action}") for action in ACTIONS],
)
def test_another_areas_application_is_not_found(other_clerk, draft, method, name):
    response = getattr(api(other_clerk), method)(url(name, draft.pk), {"reason": "x"}, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。"}


def test_applications_are_listed_in_scope_and_filtered(clerk, other_clerk, city_viewer, draft):
    assert api(clerk).get(url("application-list")).json()["count"] == 1
    assert api(other_clerk).get(url("application-list")).json()["count"] == 0
    client = api(city_viewer)
    assert (
        client.get(url("application-list"), {"status": "draft", "kind": "training", "area": "450702"}).json()["count"]
        == 1
    )
    assert client.get(url("application-list"), {"status": "paid"}).json()["count"] == 0
    assert client.get(url("application-list"), {"status": "nonsense"}).status_code == 400


@pytest.mark.parametrize("rows", [1, 20])
def test_the_application_list_query_count_does_not_grow(
    clerk, training_rule, make_enrolment, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        services.application_create(
            user=clerk, rule=training_rule, amount=Decimal("100.00"), enrolment=make_enrolment()
        )
    client = api(clerk)
    with django_assert_max_num_queries(8):  # with the audit entry of the read
        response = client.get(url("application-list"))
    assert response.json()["count"] == rows
