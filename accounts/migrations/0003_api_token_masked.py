from django.db import migrations

SHOWN = 6


def mask_logged_keys(apps, schema_editor):
    """DRF's token admin logged each added, changed or deleted token under its key (`str(token)`), and the
    admin shows those entries in its history and "recent actions": keep only the masked key."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    LogEntry = apps.get_model("admin", "LogEntry")
    token_types = ContentType.objects.filter(app_label="authtoken", model__in=["token", "tokenproxy"])
    for entry in LogEntry.objects.filter(content_type__in=token_types).select_related("content_type"):
        changes = {"object_repr": f"{entry.object_repr[:SHOWN]}{'*' * 8}"}
        if entry.content_type.model == "token":  # the concrete model's primary key is the key itself
            changes["object_id"] = f"{(entry.object_id or '')[:SHOWN]}{'*' * 8}"
        LogEntry.objects.filter(pk=entry.pk).update(**changes)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_audit_entry"),
        ("authtoken", "0004_alter_tokenproxy_options"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="ApiToken",
            fields=[],
            options={
                "verbose_name": "API 令牌",
                "verbose_name_plural": "API 令牌",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("authtoken.tokenproxy",),
        ),
        migrations.RunPython(mask_logged_keys, migrations.RunPython.noop),
    ]
