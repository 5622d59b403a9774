from decimal import Decimal

from django.db import migrations


def load(apps, schema_editor):
    # DOMAIN.md defaults; staff adapt them (a later year's row overrides from that year on).
    standard = apps.get_model("funding", "FundingStandard")
    standard.objects.get_or_create(
        year=2000,
        defaults={
            "county_budget_rate": Decimal("5.00"),
            "village_work_fund": Decimal("80000.00"),
            "community_work_fund": Decimal("150000.00"),
            "organ_activity_rate": Decimal("2.00"),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("funding", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
