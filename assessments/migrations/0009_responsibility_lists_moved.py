"""The responsibility lists moved to the checklists app (its 0001), tables and data
included: they leave this app's state only. No table is dropped or renamed."""

from django.db import migrations

# Dependents first, so that the state never holds a relation to a model already gone.
MOVED = (
    "ChecklistEvidence",
    "HistoricalRectification",
    "Rectification",
    "HistoricalChecklistItem",
    "ChecklistItem",
    "HistoricalResponsibilityList",
    "ResponsibilityList",
    "HistoricalTemplateItem",
    "TemplateItem",
    "HistoricalChecklistTemplate",
    "ChecklistTemplate",
)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0008_secretary_review"),
        ("checklists", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name=name) for name in MOVED]
        )
    ]
