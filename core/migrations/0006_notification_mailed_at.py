"""Notifications remember when their e-mail copy went, so the mail task (run by the worker,
possibly more than once) mails each of them once."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_export_log_moved"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="mailed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="邮件发送时间"),
        ),
    ]
