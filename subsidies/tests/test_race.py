"""Two approvals racing for the last money of a budget: exactly one wins (PostgreSQL row lock; on SQLite the
write lock taken when a transaction begins)."""

import threading
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection

from accounts.roles import Role
from brands.models import Recognition
from brands.tests.factories import OrganisationFactory, RecognitionFactory
from conftest import require_service, uses_postgresql

from .. import services
from ..models import SubsidyApplication, SubsidyRule
from .factories import BudgetFactory, SubsidyRuleFactory

Status = SubsidyApplication.Status


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_approvals_racing_for_the_last_money_exactly_one_wins(make_staff, area):
    require_service("PostgreSQL", uses_postgresql(), "the race needs row locks")
    clerk = make_staff(Role.COUNTY_CLERK, area)
    reviewer = make_staff(Role.COUNTY_REVIEWER, area)
    approvers = [make_staff(Role.CITY_ADMIN, username=f"city_admin_{n}") for n in range(2)]
    # Transactional tests get areas back but not the seeded rules: make the rule here.
    rule = SubsidyRule.objects.filter(kind="training_base", level="city").first() or SubsidyRuleFactory(
        kind="training_base", level="city", amount=Decimal("500000")
    )
    budget = BudgetFactory(area=area, amount=Decimal("500000"))
    applications = []
    for _ in range(2):
        recognition = RecognitionFactory(
            organisation=OrganisationFactory(area=area), kind=Recognition.Kind.TRAINING_BASE, level="city"
        )
        application = services.application_create(
            user=clerk,
            rule=rule,
            amount=Decimal("300000"),
            organisation=recognition.organisation,
            recognition=recognition,
        )
        services.application_submit(application=application, user=clerk)
        services.application_review(application=application, user=reviewer)
        applications.append(application)

    barrier = threading.Barrier(2)
    outcomes = []

    def approve(application, user):
        try:
            barrier.wait(timeout=10)
            services.application_approve(application=application, user=user)
            outcomes.append("approved")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=pair) for pair in zip(applications, approvers, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(outcomes) == 2
    assert outcomes.count("approved") == 1
    refusal = next(o for o in outcomes if o != "approved")
    assert "就业补助资金余额不足：剩余 200000.00 元，本申请 300000.00 元" in refusal
    statuses = sorted(
        SubsidyApplication.objects.filter(pk__in=[a.pk for a in applications]).values_list("status", flat=True)
    )
    assert statuses == [Status.APPROVED, Status.REVIEWED]
    assert budget.applications.filter(status=Status.APPROVED).count() == 1


def test_on_sqlite_a_second_transaction_waits_for_the_first_instead_of_failing(tmp_path, django_db_blocker):
    """The same race on SQLite, where nothing is row-locked: with the project's connection options a
    transaction takes the write lock when it begins, so the second approval waits, then reads the first's
    result and is refused with the budget's message. With deferred transactions both read first, and the
    second to write failed at once with "database is locked".

    The test database is in memory with a shared cache, whose locks do not wait; so this runs two
    connections with the project's options on a file, reading and writing as the approval does."""
    default = settings.DATABASES["default"]
    if not default["ENGINE"].endswith("sqlite3"):
        pytest.skip("SQLite only: PostgreSQL is covered by the test above")
    from django.db.backends.sqlite3.base import DatabaseWrapper

    name = str(tmp_path / "race.sqlite3")
    django_db_blocker.unblock()  # connections of its own to a file of its own, not the test database
    setup = DatabaseWrapper({**default, "NAME": name}, alias="race_setup")
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE budget (id INTEGER PRIMARY KEY, remaining INTEGER)")
        cursor.execute("INSERT INTO budget VALUES (1, 500000)")
    setup.close()

    first_has_read = threading.Event()
    second_has_read = threading.Event()
    outcomes = {}

    def approve(label: str, after: threading.Event | None, before_write: threading.Event | None):
        wrapper = DatabaseWrapper({**default, "NAME": name}, alias=f"race_{label}")
        try:
            if after is not None:
                after.wait(timeout=10)
            wrapper.ensure_connection()
            wrapper._start_transaction_under_autocommit()  # what transaction.atomic() does on SQLite
            with wrapper.cursor() as cursor:
                cursor.execute("SELECT remaining FROM budget WHERE id = 1")
                (remaining,) = cursor.fetchone()
                (first_has_read if label == "first" else second_has_read).set()
                if before_write is not None:
                    # Give the other approval its chance to read too (it cannot, when the lock is taken at
                    # BEGIN); no outcome depends on how long this lasts.
                    before_write.wait(timeout=1)
                if remaining < 300000:
                    outcomes[label] = f"余额不足：剩余 {remaining} 元"
                else:
                    cursor.execute("UPDATE budget SET remaining = remaining - 300000 WHERE id = 1")
                    outcomes[label] = "approved"
            wrapper.commit()
        except OperationalError as error:
            outcomes[label] = f"OperationalError: {error}"
        finally:
            wrapper.close()

    threads = [
        threading.Thread(target=approve, args=("first", None, second_has_read)),
        threading.Thread(target=approve, args=("second", first_has_read, None)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    django_db_blocker.restore()

    assert outcomes == {"first": "approved", "second": "余额不足：剩余 200000 元"}
