from django.db import migrations


def load(apps, schema_editor):
    from members.defaults import load_defaults

    load_defaults(
        apps.get_model("members", "DevelopmentRule"), apps.get_model("members", "DuesBracket")
    )


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
