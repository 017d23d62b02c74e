"""The path draft → submitted → reviewed → approved → paid, with rejection and return (退回修改, then
corrected and resubmitted): every allowed and every refused step, who may take it, and the budget it draws on."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.roles import Role
from brands.models import Area

from .. import services
from ..models import SubsidyApplication
from ..selectors import budget_summary
from .factories import BudgetFactory

pytestmark = pytest.mark.django_db
Status = SubsidyApplication.Status
TODAY = datetime.date.today()


@pytest.fixture
def actions(clerk, reviewer, city_admin):
    """Each step with the person whose step it is at that status."""
    return {
        "submit": lambda a: services.application_submit(application=a, user=clerk),
        "review": lambda a: services.application_review(application=a, user=reviewer),
        "approve": lambda a: services.application_approve(application=a, user=city_admin),
        "mark_paid": lambda a: services.application_mark_paid(
            application=a, user=city_admin, paid_on=TODAY, voucher_number="记-002"
        ),
        "reject": lambda a: services.application_reject(
            application=a,
            user={Status.DRAFT: clerk, Status.RETURNED: clerk, Status.SUBMITTED: reviewer}.get(a.status, city_admin),
            reason="不符合条件",
        ),
        "return": lambda a: services.application_return(
            application=a, user={Status.SUBMITTED: reviewer}.get(a.status, city_admin), reason="请补充材料"
        ),
    }


ALLOWED = {
    ("submit", Status.DRAFT): Status.SUBMITTED,
    ("submit", Status.RETURNED): Status.SUBMITTED,
    ("review", Status.SUBMITTED): Status.REVIEWED,
    ("approve", Status.REVIEWED): Status.APPROVED,
    ("mark_paid", Status.APPROVED): Status.PAID,
    ("reject", Status.DRAFT): Status.REJECTED,
    ("reject", Status.RETURNED): Status.REJECTED,
    ("reject", Status.SUBMITTED): Status.REJECTED,
    ("reject", Status.REVIEWED): Status.REJECTED,
    ("reject", Status.APPROVED): Status.REJECTED,
    ("return", Status.SUBMITTED): Status.RETURNED,
    ("return", Status.REVIEWED): Status.RETURNED,
    ("return", Status.APPROVED): Status.RETURNED,
}
VERBS = {
    "submit": "提交",
    "review": "审核",
    "approve": "审批",
    "mark_paid": "登记拨付",
    "reject": "驳回",
    "return": "退回修改",
}
CASES = [(action, status) for action in VERBS for status in Status.values]


@pytest.mark.parametrize(("action", "status"), CASES)
def test_every_step_from_every_status(action, status, actions, base_application, advance, budget):
    application = advance(base_application(), status)
    before = application.transitions.count()
    if (action, status) in ALLOWED:
        actions[action](application)
        application.refresh_from_db()
        assert application.status == ALLOWED[action, status]
        last = application.transitions.order_by("-id").first()
        assert (last.from_status, last.to_status) == (status, application.status)
        assert application.transitions.count() == before + 1
    else:
        label = Status(status).label
        with pytest.raises(ValidationError, match=f"申请当前状态为“{label}”，不能{VERBS[action]}"):
            actions[action](application)
        application.refresh_from_db()
        assert application.status == status
        assert application.transitions.count() == before


def test_the_whole_path_is_kept_step_by_step(base_application, advance, budget, clerk, reviewer, city_admin):
    application = advance(base_application(), Status.PAID)
    steps = list(application.transitions.values_list("from_status", "to_status", "by"))
    assert steps == [
        ("", "draft", clerk.pk),
        ("draft", "submitted", clerk.pk),
        ("submitted", "reviewed", reviewer.pk),
        ("reviewed", "approved", city_admin.pk),
        ("approved", "paid", city_admin.pk),
    ]
    application.refresh_from_db()
    assert (application.paid_on, application.voucher_number, application.budget) == (TODAY, "记-001", budget)


# --- who -----------------------------------------------------------------------------------------


def test_only_the_clerk_of_the_area_submits(base_application, other_clerk, reviewer, city_admin):
    application = base_application()
    with pytest.raises(PermissionDenied, match="只能在本辖区（钦北区）办理补贴申请"):
        services.application_submit(application=application, user=other_clerk)
    for user in (reviewer, city_admin):
        with pytest.raises(PermissionDenied, match="只有本县区经办员可以提交补贴申请"):
            services.application_submit(application=application, user=user)


def test_only_a_reviewer_of_the_same_area_reviews(base_application, advance, make_staff, other_area, clerk, city_admin):
    application = advance(base_application(), Status.SUBMITTED)
    with pytest.raises(PermissionDenied, match="只能在本辖区（钦北区）办理补贴申请"):
        services.application_review(application=application, user=make_staff(Role.COUNTY_REVIEWER, other_area))
    for user in (clerk, city_admin):
        with pytest.raises(PermissionDenied, match="只有本县区审核员可以审核补贴申请"):
            services.application_review(application=application, user=user)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_nobody_reviews_what_they_submitted(base_application, advance, reviewer):
    application = advance(base_application(), Status.SUBMITTED)
    SubsidyApplication.objects.filter(pk=application.pk).update(submitted_by=reviewer)
    with pytest.raises(PermissionDenied, match="不能审核自己登记或提交的补贴申请"):
        services.application_review(application=application, user=reviewer)


def test_only_the_city_administrator_approves_and_pays(base_application, advance, budget, reviewer, clerk, city_viewer):
    application = advance(base_application(), Status.REVIEWED)
    for user in (reviewer, clerk, city_viewer):
        with pytest.raises(PermissionDenied, match="只有市人社局管理员可以审批补贴申请"):
            services.application_approve(application=application, user=user)
    advance(application, Status.APPROVED)
    with pytest.raises(PermissionDenied, match="只有市人社局管理员可以登记拨付"):
        services.application_mark_paid(application=application, user=reviewer, paid_on=TODAY, voucher_number="x")


def test_the_city_administrator_cannot_approve_what_they_created(base_application, advance, budget, city_admin):
    application = advance(base_application(user=city_admin), Status.REVIEWED)
    with pytest.raises(PermissionDenied, match="不能审批自己登记、提交或审核的补贴申请"):
        services.application_approve(application=application, user=city_admin)
    application.refresh_from_db()
    assert application.status == Status.REVIEWED


def test_reject_and_return_need_a_reason_and_the_holder_of_the_step(base_application, advance, clerk, reviewer):
    application = advance(base_application(), Status.SUBMITTED)
    with pytest.raises(ValidationError, match="驳回须填写原因"):
        services.application_reject(application=application, user=reviewer, reason="  ")
    with pytest.raises(ValidationError, match="退回修改须填写原因"):
        services.application_return(application=application, user=reviewer, reason="")
    with pytest.raises(PermissionDenied, match="只有本县区审核员可以处理已提交的申请"):
        services.application_reject(application=application, user=clerk, reason="撤回")
    services.application_return(application=application, user=reviewer, reason="缺少认定文件")
    application.refresh_from_db()
    assert (application.status, application.reason, application.submitted_by) == (Status.RETURNED, "缺少认定文件", None)
    assert application.transitions.order_by("-id").first().comment == "缺少认定文件"


def test_paying_needs_a_date_and_a_voucher(base_application, advance, budget, city_admin):
    application = advance(base_application(), Status.APPROVED)
    with pytest.raises(ValidationError, match="登记拨付须填写拨付日期和凭证号"):
        services.application_mark_paid(application=application, user=city_admin, paid_on=TODAY, voucher_number=" ")
    with pytest.raises(ValidationError, match="拨付日期不能晚于今天"):
        services.application_mark_paid(
            application=application, user=city_admin, paid_on=TODAY + datetime.timedelta(days=1), voucher_number="记-1"
        )


def test_a_stale_copy_cannot_step_twice(base_application, advance, reviewer):
    application = advance(base_application(), Status.SUBMITTED)
    stale = SubsidyApplication.objects.get(pk=application.pk)
    services.application_review(application=application, user=reviewer)
    with pytest.raises(ValidationError, match="申请当前状态为“已审核”，不能审核"):
        services.application_review(application=stale, user=reviewer)


# --- budgets -------------------------------------------------------------------------------------


def test_approval_is_refused_when_the_budget_would_go_below_zero(base_application, advance, area, city_admin):
    BudgetFactory(area=area, amount=Decimal("500000"))
    first = advance(base_application(Decimal("300000")), Status.APPROVED)
    from brands.tests.factories import OrganisationFactory, RecognitionFactory

    other = RecognitionFactory(organisation=OrganisationFactory(area=area))
    second = services.application_create(
        user=first.created_by,
        rule=first.rule,
        amount=Decimal("200000.01"),
        organisation=other.organisation,
        recognition=other,
    )
    advance(second, Status.REVIEWED)
    with pytest.raises(ValidationError, match="就业补助资金余额不足：剩余 200000.00 元，本申请 200000.01 元"):
        services.application_approve(application=second, user=city_admin)
    assert budget_summary(year=TODAY.year, area=area) == {
        "allocated": Decimal("500000.00"),
        "committed": Decimal("300000.00"),
        "paid": Decimal("0"),
        "remaining": Decimal("200000.00"),
    }
    # Returning the first releases its money.
    services.application_return(application=first, user=city_admin, reason="金额有误")
    advance(second, Status.APPROVED)
    advance(second, Status.PAID)
    assert budget_summary(year=TODAY.year, area=area)["paid"] == Decimal("200000.01")


def test_an_area_without_its_own_budget_draws_on_the_city(base_application, advance, city_admin):
    application = advance(base_application(), Status.REVIEWED)
    with pytest.raises(ValidationError, match=f"均未下达 {TODAY.year} 年度就业补助资金预算"):
        services.application_approve(application=application, user=city_admin)
    city = Area.objects.get(code="450700")
    BudgetFactory(area=city, amount=Decimal("400000"))
    advance(application, Status.APPROVED)
    assert application.budget.area == city
    assert budget_summary(year=TODAY.year, area=city)["remaining"] == Decimal("0")


def test_a_returned_draft_is_corrected_and_goes_through_every_step_again(
    base_application, advance, budget, clerk, other_clerk, reviewer, city_admin
):
    application = advance(base_application(Decimal("400000")), Status.REVIEWED)
    services.application_return(application=application, user=city_admin, reason="金额超出实际投入")
    with pytest.raises(PermissionDenied, match="只能在本辖区（钦北区）办理补贴申请"):
        services.application_update(application=application, user=other_clerk, amount=Decimal("1"))
    with pytest.raises(ValidationError, match="超过该补贴的最高限额"):
        services.application_update(application=application, user=clerk, amount=Decimal("600000"))
    services.application_update(application=application, user=clerk, amount=Decimal("350000"))
    assert application.transitions.order_by("-id").first().comment == "申请金额 400000.00 → 350000 元"
    advance(application, Status.PAID)
    application.refresh_from_db()
    assert application.amount == Decimal("350000.00")
    assert list(application.transitions.values_list("to_status", flat=True)) == [
        "draft",
        "submitted",
        "reviewed",
        "returned",
        "returned",
        "submitted",
        "reviewed",
        "approved",
        "paid",
    ]


def test_only_a_draft_can_be_corrected(base_application, advance, clerk):
    application = advance(base_application(), Status.SUBMITTED)
    with pytest.raises(ValidationError, match="申请当前状态为“已提交”，不能修改"):
        services.application_update(application=application, user=clerk, amount=Decimal("1000"))
