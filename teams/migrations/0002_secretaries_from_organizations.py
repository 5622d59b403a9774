"""Every organisation's recorded 书记 becomes a 书记 in post on its committee."""

import datetime

from django.db import migrations


def forwards(apps, schema_editor):
    Organization = apps.get_model("orgs", "Organization")
    CommitteeMember = apps.get_model("teams", "CommitteeMember")
    today = datetime.date.today()
    rows = []
    for org in Organization.objects.exclude(secretary_name="").iterator():
        known = org.term_started_on or org.founded_on
        rows.append(
            CommitteeMember(
                organization_id=org.pk,
                position="secretary",
                name=org.secretary_name.strip()[:30],
                id_number="",
                started_on=known if known and known <= today else today,
            )
        )
    CommitteeMember.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("teams", "0001_initial"), ("orgs", "0007_organisation_statistics_fields")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
