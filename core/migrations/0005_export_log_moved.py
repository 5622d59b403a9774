"""The export log now belongs to portal (portal/migrations/0001): removed from core's
migration state only, its table and rows are portal's."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_form_submission"),
        ("portal", "0001_export_log_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ExportLog")],
        ),
    ]
