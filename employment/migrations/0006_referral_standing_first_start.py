# The three-referral rule now counts everyone who took part in brand training (enrolled in a batch that
# has started), with the referrals dated on or after the start of their first batch (issue #14).

import datetime

from django.db import migrations, models


def forget_old_standings(apps, schema_editor):
    """The rows counted people who completed training, with every referral: a rule that no longer holds,
    and they hold no dates to convert. `manage.py recount_tallies` rebuilds them under the new rule from
    the records after this migration (README, Commands)."""
    apps.get_model("employment", "ReferralTally").objects.all().delete()
    apps.get_model("employment", "ReferralStanding").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("brands", "0002_reference_data"),
        ("employment", "0005_jobtally_startup_employees"),
    ]

    operations = [
        migrations.RunPython(forget_old_standings, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="referraltally",
            name="referral_tally_once",
        ),
        migrations.AddField(
            model_name="referralstanding",
            name="first_start",
            field=models.DateField(null=True, verbose_name="首次参训开班日期"),
        ),
        migrations.AddField(
            model_name="referraltally",
            name="counted_from",
            # The table is empty here: the default only satisfies the schema change.
            field=models.DateField(default=datetime.date(2021, 1, 1), verbose_name="计入日期"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="referraltally",
            name="trainees",
            field=models.IntegerField(default=0, verbose_name="参训人数"),
        ),
        migrations.AddConstraint(
            model_name="referraltally",
            constraint=models.UniqueConstraint(fields=("area", "year", "counted_from"), name="referral_tally_once"),
        ),
    ]
