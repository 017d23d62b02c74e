import pytest
from django.utils import timezone

from brands.models import PlanPeriod
from brands.selectors import period_containing


@pytest.fixture(autouse=True)
def next_period(db):
    """An annual plan belongs to the plan period of its year: this year's (十五五 after the seeded 十四五)."""
    year = timezone.localdate().year
    return period_containing(year) or PlanPeriod.objects.create(
        code=f"{year}-{year + 4}", name="十五五", year_from=year, year_to=year + 4
    )
