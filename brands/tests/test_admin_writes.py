"""Reference data has no services: the city administrator edits it in the admin, and every save there
passes the model's validation (field validators, uniqueness, constraints) with its Chinese message, and
saves nothing when it fails (#14). One test per model; each starts from the record's own change page as
the browser posts it and changes the one value that breaks a rule."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from brands.models import Area, BrandLine, Occupation, Organisation, Recognition, Target
from brands.tests.factories import OrganisationFactory, RecognitionFactory
from subsidies.models import Budget, SubsidyRule
from subsidies.tests.factories import BudgetFactory
from training.models import PriorityCategory

pytestmark = pytest.mark.django_db


def _url(obj, name="change"):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{name}", args=[obj.pk])


def _as_posted(client, url, **changes) -> dict:
    """The change form's current values as a browser posts them, inline management forms included."""
    response = client.get(url)
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        if isinstance(value, datetime.date):
            value = value.isoformat()
        data[name] = "" if value is None else value
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def _refused(client, obj, message, **changes):
    response = client.post(_url(obj), _as_posted(client, _url(obj), **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    # The same page posted without the change saves: the refusal is the change's.
    assert client.post(_url(obj), _as_posted(client, _url(obj))).status_code == 302


def test_a_brand_line_name_stays_plain_text(admin_client_city):
    brand = BrandLine.objects.get(code="housekeeping")
    _refused(admin_client_city, brand, "名称不能包含尖括号", name="八桂家政<b>")
    brand.refresh_from_db()
    assert brand.name == "八桂家政"


def test_an_area_name_stays_plain_text(admin_client_city):
    area = Area.objects.get(code="450721")
    _refused(admin_client_city, area, "名称不能包含尖括号", short_name="灵山\u200b县")
    area.refresh_from_db()
    assert area.short_name == "灵山县"


def test_an_occupation_leaves_the_catalogue_after_it_entered(admin_client_city):
    occupation = Occupation.objects.get(name="母婴护理员")
    _refused(
        admin_client_city,
        occupation,
        "移出清单日期不能早于纳入清单日期。",
        published_from="2024-01-01",
        published_to="2023-01-01",
    )
    occupation.refresh_from_db()
    assert occupation.published_to is None


def test_a_target_is_set_once_per_area_brand_period_and_metric(admin_client_city):
    target = Target.objects.filter(brand__isnull=False).first()
    twin = Target.objects.create(
        area=target.area, brand=target.brand, year_from=2024, year_to=2024, metric=target.metric, value=1
    )
    _refused(
        admin_client_city,
        twin,
        "该地区、品牌、期间和指标的目标已经存在。",
        year_from=target.year_from,
        year_to=target.year_to,
    )
    _refused(admin_client_city, twin, "截止年度不能早于起始年度。", year_from=2024, year_to=2023)
    # A target's years lie inside its plan period (十四五: 2021–2025).
    _refused(admin_client_city, twin, "目标年度 2024–2027 超出规划期", year_from=2024, year_to=2027)
    twin.refresh_from_db()
    assert (twin.year_from, twin.year_to) == (2024, 2024)


def test_a_priority_category_name_stays_plain_text(admin_client_city):
    category = PriorityCategory.objects.first()
    _refused(admin_client_city, category, "名称不能包含尖括号", name="<i>脱贫人口</i>")
    assert PriorityCategory.objects.get(pk=category.pk).name == category.name


def test_an_organisations_credit_code_is_checked(admin_client_city, area):
    organisation = OrganisationFactory(area=area)
    _refused(admin_client_city, organisation, "统一社会信用代码应为 18 位，当前为 16 位。", uscc="not-a-valid-code")
    assert Organisation.objects.get(pk=organisation.pk).uscc == organisation.uscc


def test_a_recognition_is_given_once_per_kind_and_level(admin_client_city, area):
    first = RecognitionFactory(organisation=OrganisationFactory(area=area), kind="training_base", level="city")
    second = RecognitionFactory(organisation=first.organisation, kind="training_base", level="region")
    _refused(admin_client_city, second, "该单位已有同类型、同级别的认定。", level="city")
    assert Recognition.objects.get(pk=second.pk).level == "region"


def test_a_subsidy_rule_ends_after_it_starts(admin_client_city):
    rule = SubsidyRule.objects.first()
    _refused(admin_client_city, rule, "失效日期不能早于生效日期。", effective_to="2000-01-01")
    assert SubsidyRule.objects.get(pk=rule.pk).effective_to == rule.effective_to


def test_a_budget_is_never_negative_nor_set_twice(admin_client_city, area):
    budget = BudgetFactory(area=area, year=2024, amount=Decimal("100000.00"))
    BudgetFactory(area=area, year=2025)
    _refused(admin_client_city, budget, "预算金额不能为负数。", amount="-1")
    _refused(admin_client_city, budget, "该地区该年度的预算已经存在。", year="2025")
    budget.refresh_from_db()
    assert (budget.year, budget.amount) == (2024, Decimal("100000.00"))
    assert Budget.objects.count() == 2
