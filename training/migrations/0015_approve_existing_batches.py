"""Batches that had already started or finished when class approval was introduced are marked approved, with a
note saying so: their rosters, results and subsidies stay usable. Planned ones must file a plan like new ones."""

from django.db import migrations
from django.utils import timezone

NOTE = "启用开班审批前已开班或结业的班期，视为已审批（系统迁移）"


def approve_existing(apps, schema_editor):
    TrainingBatch = apps.get_model("training", "TrainingBatch")
    ClassPlan = apps.get_model("training", "ClassPlan")
    now = timezone.now()
    started = TrainingBatch.objects.exclude(status="planned").filter(class_plan__isnull=True)
    ClassPlan.objects.bulk_create(
        [
            ClassPlan(batch_id=pk, status="approved", planned_size=capacity, reviewed_at=now, review_note=NOTE)
            for pk, capacity in started.values_list("pk", "capacity").iterator()
        ],
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [("training", "0014_class_approval_attendance")]
    operations = [migrations.RunPython(approve_existing, migrations.RunPython.noop)]
