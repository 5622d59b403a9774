"""The shipped templates (checklists.default_templates) where a level has none: nothing to
do where assessments' 0006 loaded them before the move; `seed_demo` runs this loader again
after a flush (REFERENCE_DATA)."""

from django.db import migrations


def load(apps, schema_editor):
    from django.utils import timezone

    from checklists.default_templates import load_default_templates

    load_default_templates(
        apps.get_model("checklists", "ChecklistTemplate"),
        apps.get_model("checklists", "TemplateItem"),
        year=timezone.localdate().year,
    )


class Migration(migrations.Migration):
    dependencies = [("checklists", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
