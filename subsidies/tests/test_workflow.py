"""The subsidy workflow's table (subsidies/workflow.py), walked through the services and shown on the page.

EXPECTED is the path written out by hand, independently of the table: for each level and state, who may
take which action and where it leads. Every (state × role × action) is tried through the very service a
page or the API calls; what succeeds must be exactly what EXPECTED says, and the application's page must
offer exactly the table's actions to each user, in the table's words."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from accounts.roles import Role
from brands.models import Area, Recognition
from brands.tests.factories import OrganisationFactory, RecognitionFactory

from .. import services, workflow
from ..models import SubsidyApplication, SubsidyRule
from .factories import BudgetFactory

pytestmark = pytest.mark.django_db
Status = SubsidyApplication.Status
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
DRAFT, RETURNED, SUBMITTED, REVIEWED, APPROVED, PAID, REJECTED = (
    Status.DRAFT,
    Status.RETURNED,
    Status.SUBMITTED,
    Status.REVIEWED,
    Status.APPROVED,
    Status.PAID,
    Status.REJECTED,
)


def _with_the_clerk(clerk: str, state: str) -> dict:
    """What the clerk of the application (and the city administrator) may do while the clerk holds it."""
    return {
        clerk: {
            "update": state,
            "submit": SUBMITTED,
            "reject": REJECTED,
            "add_evidence": state,
            "remove_evidence": state,
        },
        "city_admin": {"add_evidence": state},
    }


HOLDER = {"reject": REJECTED, "return": RETURNED}
EXPECTED = {
    ("county", DRAFT): _with_the_clerk("clerk", DRAFT),
    ("county", RETURNED): _with_the_clerk("clerk", RETURNED),
    ("county", SUBMITTED): {
        "reviewer": {"review": REVIEWED, **HOLDER},
        "clerk": {"add_evidence": SUBMITTED},
        "city_admin": {"add_evidence": SUBMITTED},
    },
    ("county", REVIEWED): {"city_admin": {"approve": APPROVED, **HOLDER}},
    ("county", APPROVED): {"city_admin": {"pay": PAID, **HOLDER}},
    ("county", PAID): {},
    ("county", REJECTED): {},
    ("city", DRAFT): _with_the_clerk("city_clerk", DRAFT),
    ("city", RETURNED): _with_the_clerk("city_clerk", RETURNED),
    ("city", SUBMITTED): {
        "city_admin": {"approve": APPROVED, **HOLDER, "add_evidence": SUBMITTED},
        "city_clerk": {"add_evidence": SUBMITTED},
    },
    ("city", APPROVED): {"city_admin": {"pay": PAID, **HOLDER}},
    ("city", PAID): {},
    ("city", REJECTED): {},
}
ROLES = ("clerk", "reviewer", "city_admin", "city_clerk", "city_viewer", "other_clerk")

SERVICES = {
    "update": lambda a, user: services.application_update(application=a, user=user, comment="更正说明"),
    "submit": lambda a, user: services.application_submit(application=a, user=user),
    "review": lambda a, user: services.application_review(application=a, user=user),
    "approve": lambda a, user: services.application_approve(application=a, user=user),
    "pay": lambda a, user: services.application_mark_paid(
        application=a, user=user, paid_on=datetime.date.today(), voucher_number="记-001"
    ),
    "reject": lambda a, user: services.application_reject(application=a, user=user, reason="不符合条件"),
    "return": lambda a, user: services.application_return(application=a, user=user, reason="请补充材料"),
    "add_evidence": lambda a, user: services.evidence_add(
        application=a, user=user, file=SimpleUploadedFile("证明.pdf", PDF)
    ),
    "remove_evidence": lambda a, user: services.evidence_remove(evidence=a.evidence.get(), user=user),
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def city(db):
    return Area.objects.get(kind=Area.Kind.CITY)


@pytest.fixture
def users(clerk, reviewer, city_admin, city_viewer, other_clerk, make_staff):
    return {
        "clerk": clerk,
        "reviewer": reviewer,
        "city_admin": city_admin,
        "city_clerk": make_staff(Role.CITY_CLERK, username="city_clerk"),
        "city_viewer": city_viewer,
        "other_clerk": other_clerk,
    }


@pytest.fixture
def application_in(users, area, city):
    """An application of `level` walked to `state` by the right people, with one evidence file."""
    BudgetFactory(area=area)
    BudgetFactory(area=city)

    def make(level: str, state: str) -> SubsidyApplication:
        county = level == "county"
        clerk = users["clerk" if county else "city_clerk"]
        holder = users["reviewer" if county else "city_admin"]
        recognition = RecognitionFactory(
            organisation=OrganisationFactory(area=area if county else city),
            kind=Recognition.Kind.TRAINING_BASE if county else Recognition.Kind.LEADING_ENTERPRISE,
            level=Recognition.Level.CITY,
        )
        rule = SubsidyRule.objects.get(kind=recognition.kind, level="city")
        application = services.application_create(
            user=clerk,
            rule=rule,
            amount=min(rule.amount, Decimal("300000.00")),
            organisation=recognition.organisation,
            recognition=recognition,
        )
        services.evidence_add(application=application, user=clerk, file=SimpleUploadedFile("认定文件.pdf", PDF))
        if state == REJECTED:
            services.application_reject(application=application, user=clerk, reason="不再申请")
        if state in (RETURNED, SUBMITTED, REVIEWED, APPROVED, PAID):
            services.application_submit(application=application, user=clerk)
        if state == RETURNED:
            services.application_return(application=application, user=holder, reason="请补充材料")
        if county and state in (REVIEWED, APPROVED, PAID):
            services.application_review(application=application, user=holder)
        if state in (APPROVED, PAID):
            services.application_approve(application=application, user=users["city_admin"])
        if state == PAID:
            SERVICES["pay"](application, users["city_admin"])
        assert application.status == state
        return application

    return make


def _try(application: SubsidyApplication, user, action: str) -> str | None:
    """The state `action` leaves the application in, or None when refused; undone either way."""
    with transaction.atomic():
        fresh = SubsidyApplication.objects.select_related("area").get(pk=application.pk)
        try:
            SERVICES[action](fresh, user)
        except (ValidationError, PermissionDenied):
            result = None
        else:
            result = SubsidyApplication.objects.get(pk=application.pk).status
        transaction.set_rollback(True)
    return result


@pytest.mark.parametrize(("level", "state"), list(EXPECTED))
def test_every_state_role_and_action_through_the_services(application_in, users, level, state):
    application = application_in(level, state)
    done, offered = {}, {}
    for role in ROLES:
        for action in workflow.ACTIONS:
            result = _try(application, users[role], action)
            if result is not None:
                done.setdefault(role, {})[action] = result
            if workflow.may(application, users[role], action):
                offered.setdefault(role, {})[action] = workflow.TABLE[workflow.level_of(application), state, action].to
    assert done == EXPECTED[level, state]
    assert offered == EXPECTED[level, state]  # what the pages offer is what the services let through


def _buttons(page: str) -> list[tuple[str, str]]:
    """The (action, button label) of each action card on an application's page, in order."""
    return re.findall(r'id="action-(\w+)".*?type="submit">([^<]+)</button>', page, flags=re.DOTALL)


@pytest.mark.parametrize(
    ("level", "state", "role", "buttons"),
    [
        ("county", DRAFT, "clerk", [("update", "修改申请"), ("submit", "提交审核"), ("reject", "作废草稿")]),
        ("county", RETURNED, "clerk", [("update", "修改申请"), ("submit", "提交审核"), ("reject", "撤回申请")]),
        ("county", DRAFT, "reviewer", []),
        ("county", DRAFT, "city_admin", []),
        ("county", SUBMITTED, "clerk", []),
        ("county", SUBMITTED, "reviewer", [("review", "审核通过"), ("reject", "驳回"), ("return", "退回修改")]),
        ("county", REVIEWED, "city_admin", [("approve", "审批通过"), ("reject", "驳回"), ("return", "退回修改")]),
        ("county", APPROVED, "city_admin", [("pay", "登记拨付"), ("reject", "驳回"), ("return", "退回修改")]),
        ("county", APPROVED, "city_viewer", []),
        ("county", PAID, "city_admin", []),
        ("city", DRAFT, "city_clerk", [("update", "修改申请"), ("submit", "提交审核"), ("reject", "作废草稿")]),
        ("city", SUBMITTED, "city_admin", [("approve", "审批通过"), ("reject", "驳回"), ("return", "退回修改")]),
    ],
)
def test_the_page_shows_exactly_the_tables_actions_for_the_user(
    client, application_in, users, level, state, role, buttons
):
    application = application_in(level, state)
    user = users[role]
    client.force_login(user)
    page = client.get(reverse("subsidies:application_detail", args=[application.pk])).content.decode()
    assert _buttons(page) == buttons
    assert _buttons(page) == [(a.name, a.label) for a in workflow.actions_for(application, user)]
    if role == "clerk" and state == DRAFT:
        assert "驳回" not in page  # the finding: a clerk's own draft offered 驳回


def test_a_clerk_voids_their_draft_and_withdraws_a_returned_one_in_those_words(client, application_in, clerk):
    client.force_login(clerk)
    for state, done, refused in ((DRAFT, "已作废。", "作废须填写原因。"), (RETURNED, "已撤回。", "撤回须填写原因。")):
        application = application_in("county", state)
        url = reverse("subsidies:application_action", args=[application.pk, "reject"])
        response = client.post(url, {"reject-reason": " "})
        assert "未能" in response.content.decode()
        page = client.post(url, {"reject-reason": "重复登记"}, follow=True).content.decode()
        assert done in page
        assert f"{done[1:3]}原因：</strong>重复登记" in page and f"本申请{done}" in page
        assert f'text-bg-danger">{done[:-1]}</span>' in page and "驳回原因" not in page
        application.refresh_from_db()
        assert application.status == REJECTED
        with pytest.raises(ValidationError, match=refused):
            other = application_in("county", state)
            services.application_reject(application=other, user=clerk, reason="")


def test_the_city_clerk_may_remove_evidence_from_their_draft_on_the_page(client, application_in, users):
    application = application_in("city", DRAFT)
    client.force_login(users["city_clerk"])
    page = client.get(reverse("subsidies:application_detail", args=[application.pk])).content.decode()
    assert "删除 认定文件.pdf" in page  # the service always let them; the page did not offer it
    client.force_login(users["city_admin"])
    page = client.get(reverse("subsidies:application_detail", args=[application.pk])).content.decode()
    assert "删除 认定文件.pdf" not in page
    assert "上传" in page  # the city administrator may still add evidence
