from django.db import migrations, models
from django.db.models import Count


def refuse_duplicates(apps, schema_editor):
    """Name the duplicate certificate numbers already stored (which person keeps a number is for the
    areas to decide, not for a migration), instead of failing on the constraint with no explanation."""
    Enrolment = apps.get_model("training", "Enrolment")
    duplicates = list(
        Enrolment.objects.exclude(certificate="")
        .exclude(certificate_number="")
        .values("certificate", "certificate_number")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("certificate", "certificate_number", "n")[:20]
    )
    if duplicates:
        listed = "; ".join(f"{kind} {number} x{n}" for kind, number, n in duplicates)
        raise RuntimeError(
            "Certificate numbers must be unique per certificate type; correct these enrolments first "
            f"(certificate, number, count): {listed}"
        )


class Migration(migrations.Migration):
    dependencies = [("training", "0009_enrolment_roster_details")]

    operations = [
        migrations.RunPython(refuse_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="enrolment",
            constraint=models.UniqueConstraint(
                condition=models.Q(models.Q(("certificate", ""), _negated=True), models.Q(("certificate_number", ""), _negated=True)),
                fields=("certificate", "certificate_number"),
                name="enrolment_certificate_number_unique",
                violation_error_message="同一类证书的证书编号不能重复：该编号已登记给另一名学员。",
            ),
        ),
    ]
