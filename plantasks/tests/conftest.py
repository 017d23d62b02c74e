import datetime

import pytest

from accounts.roles import Role
from accounts.services import staff_upsert
from brands.models import Department, PlanPeriod
from plantasks.models import PlanTask

PASSWORD = "Bagui@test2025"


@pytest.fixture
def make_reporter(db):
    def make(code: str, username: str | None = None):
        user, _ = staff_upsert(
            username=username or f"dept_{code}",
            role=Role.DEPARTMENT_REPORTER,
            area=None,
            password=PASSWORD,
            department=Department.objects.get(code=code),
        )
        return user

    return make


@pytest.fixture
def fgw(make_reporter):
    return make_reporter("fgw")


@pytest.fixture
def fourteenth(db):
    return PlanPeriod.objects.get(code="2021-2025")


@pytest.fixture
def reporting_task(fourteenth):
    """二（一） with reporting from 2024 Q3, so that quarters of 2024–2025 are owed."""
    task = PlanTask.objects.get(period=fourteenth, section="二（一）")
    task.reporting_from = datetime.date(2024, 7, 1)
    task.save(update_fields=["reporting_from"])
    return task
