from django.db import migrations

# 人员类别 named by the plan (section 三（二）) and the roster template's drop-down list.
CATEGORIES = [
    ("poverty-alleviated", "脱贫人口"),
    ("rural-low-income", "农村低收入人口"),
    ("relapse-monitoring", "防止返贫监测对象"),
    ("relocated", "易地搬迁安置人员"),
    ("migrant-worker", "农民工"),
    ("graduate", "高校毕业生"),
    ("employment-difficulty", "就业困难人员"),
]


def load(apps, schema_editor):
    PriorityCategory = apps.get_model("training", "PriorityCategory")
    for order, (code, name) in enumerate(CATEGORIES, start=1):
        PriorityCategory.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
