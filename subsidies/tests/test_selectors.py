"""What each user sees of applications and budgets, the totals, and the progress-report additions."""

import datetime
from decimal import Decimal

import pytest
from django.http import Http404

from brands.models import Area, Recognition
from brands.tests.factories import OrganisationFactory, RecognitionFactory

from .. import selectors, services
from ..models import SubsidyApplication, SubsidyKind
from .factories import BudgetFactory

pytestmark = pytest.mark.django_db
Status = SubsidyApplication.Status
YEAR = datetime.date.today().year


def test_another_areas_applications_are_absent_and_404(base_application, other_clerk, clerk, reviewer, city_viewer):
    application = base_application()
    assert list(selectors.application_list(user=other_clerk)) == []
    with pytest.raises(Http404):
        selectors.application_get(user=other_clerk, pk=application.pk)
    for user in (clerk, reviewer, city_viewer):
        assert selectors.application_get(user=user, pk=application.pk) == application
        assert list(selectors.application_list(user=user)) == [application]


def test_the_list_reads_a_constant_number_of_queries(clerk, base_rule, area, django_assert_max_num_queries):
    for _ in range(5):
        recognition = RecognitionFactory(organisation=OrganisationFactory(area=area))
        services.application_create(
            user=clerk,
            rule=base_rule,
            amount=Decimal("1000"),
            organisation=recognition.organisation,
            recognition=recognition,
        )
    with django_assert_max_num_queries(4):
        rows = [(a.rule.name, a.area.short_name, a.beneficiary_label) for a in selectors.application_list(user=clerk)]
    assert len(rows) == 5


def test_budget_figures(base_application, advance, area, clerk):
    BudgetFactory(area=area, amount=Decimal("1000000"))
    advance(base_application(Decimal("400000")), Status.PAID)
    recognition = RecognitionFactory(organisation=OrganisationFactory(area=area), kind=Recognition.Kind.EXPERT_STUDIO)
    studio = services.application_create(
        user=clerk,
        rule=recognition_rule("expert_studio"),
        amount=Decimal("100000"),
        organisation=recognition.organisation,
        recognition=recognition,
    )
    advance(studio, Status.APPROVED)
    expected = {
        "allocated": Decimal("1000000.00"),
        "committed": Decimal("100000.00"),
        "paid": Decimal("400000.00"),
        "remaining": Decimal("500000.00"),
    }
    assert selectors.budget_summary(year=YEAR, area=area) == expected
    (row,) = selectors.budget_list(user=clerk, year=YEAR)
    assert {k: row[k] for k in expected} == expected
    assert selectors.budget_summary(year=YEAR - 1, area=area)["allocated"] == 0


def recognition_rule(kind):
    from ..models import SubsidyRule

    return SubsidyRule.objects.get(kind=kind, level="city")


def test_totals_by_area_kind_status_and_brand(base_application, advance, budget, clerk, other_clerk):
    advance(base_application(Decimal("400000")), Status.APPROVED)
    by_kind = selectors.application_totals(user=clerk, by="kind")
    assert by_kind == [
        {"key": "training_base", "label": "劳务品牌培训示范基地奖补", "count": 1, "amount": Decimal("400000.00")}
    ]
    assert [(r["label"], r["count"]) for r in selectors.application_totals(user=clerk, by="status")] == [("已审批", 1)]
    assert [r["label"] for r in selectors.application_totals(user=clerk, by="area")] == ["钦南区"]
    assert [r["label"] for r in selectors.application_totals(user=clerk, by="brand")] == ["未关联品牌"]
    assert selectors.application_totals(user=other_clerk, by="kind") == []


def test_progress_summary_additions(base_application, advance, area, clerk):
    BudgetFactory(area=area, amount=Decimal("700000"))
    BudgetFactory(area=Area.objects.get(code="450700"), amount=Decimal("300000.40"))
    advance(base_application(Decimal("400000")), Status.PAID)
    leading = RecognitionFactory(
        organisation=OrganisationFactory(area=area), kind=Recognition.Kind.LEADING_ENTERPRISE, level="region", year=YEAR
    )
    from ..models import SubsidyRule

    leading_application = services.application_create(
        user=clerk,
        rule=SubsidyRule.objects.get(kind="leading_enterprise", level="region"),
        amount=Decimal("300000"),
        organisation=leading.organisation,
        recognition=leading,
    )
    advance(leading_application, Status.APPROVED)
    result = selectors.progress_summary_additions(YEAR)
    assert set(result) == {"subsidies", "recognitions"}
    subsidies = result["subsidies"]
    assert (subsidies["budget_amount"], subsidies["approved_amount"], subsidies["paid_amount"]) == (
        1000000,
        700000,
        400000,
    )
    by_kind = {row["kind"]: row for row in subsidies["by_kind"]}
    assert [row["kind"] for row in subsidies["by_kind"]] == SubsidyKind.values
    assert by_kind["training_base"] == {"kind": "training_base", "approved_amount": 400000, "paid_amount": 400000}
    assert by_kind["leading_enterprise"] == {"kind": "leading_enterprise", "approved_amount": 300000, "paid_amount": 0}
    assert all(isinstance(v, int) for row in subsidies["by_kind"] for k, v in row.items() if k != "kind")
    recognitions = result["recognitions"]
    assert set(recognitions) == {"training_base", "expert_studio", "leading_enterprise"}
    assert recognitions["leading_enterprise"]["region"] == 1
    assert recognitions["expert_studio"] == {"region": 0, "city": 0, "region_target": 1}
    # Approved money of another year's budget is not this year's.
    assert selectors.progress_summary_additions(YEAR - 1)["subsidies"]["approved_amount"] == 0


def test_recognitions_count_within_the_target_period(db):
    RecognitionFactory(kind=Recognition.Kind.TRAINING_BASE, level="region", year=2023)
    RecognitionFactory(kind=Recognition.Kind.TRAINING_BASE, level="city", year=2024)
    RecognitionFactory(kind=Recognition.Kind.TRAINING_BASE, level="city", year=2025)
    counted = selectors.progress_summary_additions(2024)["recognitions"]["training_base"]
    assert counted == {"region": 1, "city": 1, "region_target": 1}


def test_the_progress_additions_read_a_constant_number_of_queries(
    base_application, advance, budget, django_assert_max_num_queries
):
    advance(base_application(), Status.PAID)
    with django_assert_max_num_queries(4):
        selectors.progress_summary_additions(YEAR)
