import datetime
from decimal import Decimal

import factory

from brands.models import Area

from ..models import Beneficiary, Budget, SubsidyKind, SubsidyRule


class SubsidyRuleFactory(factory.django.DjangoModelFactory):
    """A per-person training subsidy with a cap; the amount is a test value, not an official one."""

    class Meta:
        model = SubsidyRule

    kind = SubsidyKind.TRAINING
    name = factory.Sequence(lambda n: f"测试补贴规则{n}")
    beneficiary = factory.LazyAttribute(
        lambda o: (
            Beneficiary.ORGANISATION
            if o.kind in ("training_base", "expert_studio", "leading_enterprise", "export_service")
            else Beneficiary.PERSON
        )
    )
    amount_type = SubsidyRule.AmountType.CAP
    amount = Decimal("1500.00")
    effective_from = datetime.date(2022, 7, 13)
    legal_basis = "测试依据"


class BudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Budget

    year = factory.LazyFunction(lambda: datetime.date.today().year)
    area = factory.LazyFunction(lambda: Area.objects.get(code="450702"))
    amount = Decimal("1000000.00")
