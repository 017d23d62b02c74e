"""The kinds of supporting documents the city's rules ask for; the city administrator may add more."""

from django.db import migrations

# (code, name): keyed by code, the name is what clerks see.
KINDS = [
    ("id-document", "身份证明"),
    ("certificate", "培训合格证书或职业技能等级证书"),
    ("category-proof", "人员类别证明（脱贫人口、农村低收入人口等）"),
    ("labour-contract", "劳动合同或用工证明"),
    ("social-insurance", "社会保险缴费凭证"),
    ("business-licence", "营业执照"),
    ("export-roster", "有组织劳务输出人员名单"),
    ("recognition-document", "认定文件"),
    ("bank-account", "银行账户信息"),
]


def load(apps, schema_editor):
    EvidenceKind = apps.get_model("subsidies", "EvidenceKind")
    for order, (code, name) in enumerate(KINDS, start=1):
        EvidenceKind.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0004_rule_eligibility_and_evidence")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
