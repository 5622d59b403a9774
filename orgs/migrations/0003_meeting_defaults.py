from django.db import migrations


def load(apps, schema_editor):
    from orgs.choices import MEETING_DEFAULTS

    requirement = apps.get_model("orgs", "MeetingRequirement")
    for kind, (months, times) in MEETING_DEFAULTS.items():
        requirement.objects.get_or_create(
            kind=kind, defaults={"period_months": months, "times_per_period": times}
        )


class Migration(migrations.Migration):
    dependencies = [("orgs", "0002_org_life")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
