"""The minimum attendance rate moves from its own year-range rule to the plan period it belongs to
(`brands.PlanPeriod.min_attendance_rate`): each rule's rate goes to the periods its years overlap."""

from django.db import migrations


def rules_to_periods(apps, schema_editor):
    AttendanceRule = apps.get_model("training", "AttendanceRule")
    PlanPeriod = apps.get_model("brands", "PlanPeriod")
    for rule in AttendanceRule.objects.order_by("first_year"):
        PlanPeriod.objects.filter(
            year_from__lte=rule.last_year, year_to__gte=rule.first_year, min_attendance_rate__isnull=True
        ).update(min_attendance_rate=rule.minimum_rate)


def periods_to_rules(apps, schema_editor):
    AttendanceRule = apps.get_model("training", "AttendanceRule")
    PlanPeriod = apps.get_model("brands", "PlanPeriod")
    for period in PlanPeriod.objects.filter(min_attendance_rate__isnull=False):
        AttendanceRule.objects.create(
            first_year=period.year_from, last_year=period.year_to, minimum_rate=period.min_attendance_rate
        )


class Migration(migrations.Migration):
    dependencies = [
        ("brands", "0006_period_min_attendance_rate"),
        ("training", "0017_matching_indexes"),
    ]

    operations = [
        migrations.RunPython(rules_to_periods, periods_to_rules),
        migrations.DeleteModel(name="AttendanceRule"),
    ]
