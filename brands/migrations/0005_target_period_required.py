"""Every target belongs to a plan period (in its own migration: PostgreSQL refuses to alter a table with
the seed's pending foreign-key checks in the same transaction)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("brands", "0004_seed_fourteenth_five_year_period")]

    operations = [
        migrations.AlterField(
            model_name="target",
            name="period",
            field=models.ForeignKey(
                blank=True,
                help_text="留空：按起止年度自动归入所在规划期。",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="targets",
                to="brands.planperiod",
                verbose_name="规划期",
            ),
        ),
    ]
