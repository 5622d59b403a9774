from django.db import migrations


def load(apps, schema_editor):
    from assessments.choices import THRESHOLD_DEFAULTS

    threshold = apps.get_model("assessments", "HealthThreshold")
    for key, value in THRESHOLD_DEFAULTS.items():
        threshold.objects.get_or_create(key=key, defaults={"value": value})


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
