from django.db import migrations


def load(apps, schema_editor):
    from assessments.choices import STANDARD_DIMENSIONS, THRESHOLD_DEFAULTS

    dimension = apps.get_model("assessments", "StandardDimension")
    for position, (code, name, points) in enumerate(STANDARD_DIMENSIONS, start=1):
        dimension.objects.get_or_create(
            code=code, defaults={"name": name, "max_points": points, "position": position}
        )
    threshold = apps.get_model("assessments", "HealthThreshold")
    for key, value in THRESHOLD_DEFAULTS.items():
        threshold.objects.get_or_create(key=key, defaults={"value": value})


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_standard_scores")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
