"""十四五 (2021–2025, 钦政办〔2022〕22号) becomes a record, runs every brand line and occupation, and every
existing target belongs to it (or to no period at all: none exists outside 2021–2025 before this)."""

from django.db import migrations

TITLE = "钦州市推进“八桂系列”劳务品牌建设促进就业行动实施方案"


def seed(apps, schema_editor):
    PlanPeriod = apps.get_model("brands", "PlanPeriod")
    Target = apps.get_model("brands", "Target")
    period, _ = PlanPeriod.objects.update_or_create(
        code="2021-2025",
        defaults={
            "name": "十四五",
            "year_from": 2021,
            "year_to": 2025,
            "document_title": TITLE,
            "document_number": "钦政办〔2022〕22号",
        },
    )
    period.brand_lines.set(apps.get_model("brands", "BrandLine").objects.all())
    period.occupations.set(apps.get_model("brands", "Occupation").objects.all())
    outside = Target.objects.exclude(year_from__gte=2021, year_to__lte=2025)
    if outside.exists():
        raise RuntimeError(
            "目标中有不在 2021–2025 年内的记录：请先建立其规划期或删除这些目标，再迁移。"
            f"（{list(outside.values_list('pk', 'year_from', 'year_to'))}）"
        )
    Target.objects.update(period=period)


class Migration(migrations.Migration):
    dependencies = [("brands", "0003_plan_periods")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
