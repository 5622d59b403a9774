"""The lists' Celery tasks are named after their new module: tasks queued under the old
names and not sent yet (core.outbox, Redis down) run under the new ones."""

from django.db import migrations

RENAMED = {
    "assessments.tasks.issue_quarter_checklists": "checklists.tasks.issue_quarter_checklists",
    "assessments.tasks.issue_checklists_for_user": "checklists.tasks.issue_checklists_for_user",
    "assessments.tasks.send_checklist_reminders": "checklists.tasks.send_checklist_reminders",
}


def _rename(apps, names: dict[str, str]) -> None:
    outbox = apps.get_model("core", "OutboxTask")
    for old, new in names.items():
        outbox.objects.filter(status="pending", task_name=old).update(task_name=new)


def rename(apps, schema_editor):
    _rename(apps, RENAMED)


def rename_back(apps, schema_editor):
    _rename(apps, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("checklists", "0002_default_templates"),
        ("core", "0003_outbox_task"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
