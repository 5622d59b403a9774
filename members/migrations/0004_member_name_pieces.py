"""The GIN index of names' characters and character pairs (members/name_search.py), on
PostgreSQL only.

Not in Member.Meta.indexes: SQLite has no GIN index, and the name search gives the same
answers without it (the index only makes it fast), so the embedded default has none.
"""

from django.db import migrations

from members.name_search import pieces_index


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("members", "Member"), pieces_index())


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("members", "Member"), pieces_index())


class Migration(migrations.Migration):
    dependencies = [("members", "0003_member_list_indexes")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
