from django.db import migrations


def load(apps, schema_editor):
    from django.utils import timezone

    from checklists.default_templates import load_default_templates

    load_default_templates(
        apps.get_model("assessments", "ChecklistTemplate"),
        apps.get_model("assessments", "TemplateItem"),
        year=timezone.localdate().year,
    )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0005_responsibility_lists")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
