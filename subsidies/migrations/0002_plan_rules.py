"""The three subsidy rules whose amounts 钦政办〔2022〕22号 fixes; every other rule is set by the city."""

import datetime

from django.db import migrations

PLAN_DATE = datetime.date(2022, 7, 13)  # the day 钦政办〔2022〕22号 was issued
BASIS_BASE_STUDIO = (
    "钦政办〔2022〕22号 三（一）1：参照自治区认定钦州市市级劳务品牌培训示范基地、专家工作室等，"
    "分别给予不超过 50 万元、10 万元的奖补资金支持。"
)
BASIS_LEADING = (
    "钦政办〔2022〕22号 三（三）1：对经认定的自治区级劳务品牌龙头企业，给予一次性奖补资金 30 万元；"
    "参照自治区认定标准认定钦州市劳务品牌龙头企业，给予 30 万元的奖补资金支持。"
)

# (kind, name, amount type, amount, level, basis)
RULES = [
    ("training_base", "市级劳务品牌培训示范基地奖补", "cap", "500000.00", "city", BASIS_BASE_STUDIO),
    ("expert_studio", "市级劳务品牌专家工作室奖补", "cap", "100000.00", "city", BASIS_BASE_STUDIO),
    ("leading_enterprise", "自治区级劳务品牌龙头企业一次性奖补", "fixed", "300000.00", "region", BASIS_LEADING),
    ("leading_enterprise", "市级劳务品牌龙头企业奖补", "fixed", "300000.00", "city", BASIS_LEADING),
]


def load(apps, schema_editor):
    SubsidyRule = apps.get_model("subsidies", "SubsidyRule")
    for kind, name, amount_type, amount, level, basis in RULES:
        SubsidyRule.objects.update_or_create(
            kind=kind,
            level=level,
            effective_from=PLAN_DATE,
            defaults={
                "name": name,
                "beneficiary": "organisation",
                "amount_type": amount_type,
                "amount": amount,
                "legal_basis": basis,
                "active": True,
            },
        )


def unload(apps, schema_editor):
    SubsidyRule = apps.get_model("subsidies", "SubsidyRule")
    for kind, _name, _type, _amount, level, _basis in RULES:
        SubsidyRule.objects.filter(kind=kind, level=level, effective_from=PLAN_DATE, applications__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
