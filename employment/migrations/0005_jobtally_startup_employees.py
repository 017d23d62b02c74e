from django.db import migrations, models
from django.db.models import Sum
from django.db.models.functions import ExtractYear


def fill_startup_employees(apps, schema_editor):
    """Give the existing job rows the people their counted start-ups employ, as `employment.tallies`
    recounts them from now on (a row exists for every key that has a counted outcome)."""
    JobTally = apps.get_model("employment", "JobTally")
    EmploymentOutcome = apps.get_model("employment", "EmploymentOutcome")
    startups = (
        EmploymentOutcome.objects.filter(counted_batch__isnull=False, kind="entrepreneurship", jobs_created__gt=0)
        .annotate(
            tally_area=models.F("counted_batch__area_id"),
            tally_brand=models.F("counted_batch__occupation__brand_id"),
            tally_year=ExtractYear("start_date"),
        )
        .order_by()
    )
    keys = ("tally_area", "tally_brand", "tally_year")
    for row in startups.values(*keys).annotate(n=Sum("jobs_created")):
        JobTally.objects.filter(
            area_id=row["tally_area"], brand_id=row["tally_brand"], year=row["tally_year"], category__isnull=True
        ).update(startup_employees=row["n"])
    for row in (
        startups.filter(trainee__categories__isnull=False)
        .values(*keys, "trainee__categories")
        .annotate(n=Sum("jobs_created"))
    ):
        JobTally.objects.filter(
            area_id=row["tally_area"],
            brand_id=row["tally_brand"],
            year=row["tally_year"],
            category_id=row["trainee__categories"],
        ).update(startup_employees=row["n"])


class Migration(migrations.Migration):
    dependencies = [
        ("employment", "0004_referral_date_order"),
    ]

    operations = [
        migrations.AddField(
            model_name="jobtally",
            name="startup_employees",
            field=models.PositiveIntegerField(default=0, verbose_name="创业带动就业人数"),
        ),
        migrations.RunPython(fill_startup_employees, migrations.RunPython.noop, elidable=True),
    ]
