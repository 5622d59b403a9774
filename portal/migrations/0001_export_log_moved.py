"""The export log moves from core to portal: core is plumbing that knows nothing of
organisations, and the log belongs to one. The rows stay: the model is created in the
migration state only, its table renamed, and its content type (with the permissions and
history that point at it) handed over."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor, source="core", target="portal"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if ContentType.objects.using(db).filter(app_label=target, model="exportlog").exists():
        return
    ContentType.objects.using(db).filter(app_label=source, model="exportlog").update(
        app_label=target
    )


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, source="portal", target="core")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0004_form_submission"),
        ("orgs", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ExportLog",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(max_length=20, verbose_name="数据表")),
                        ("scope_label", models.CharField(max_length=200, verbose_name="范围说明")),
                        ("rows", models.PositiveIntegerField(verbose_name="行数")),
                        ("unmasked", models.BooleanField(default=False, verbose_name="含完整身份证号和电话")),
                        ("channel", models.CharField(choices=[("page", "门户页面"), ("admin", "后台管理"), ("command", "命令行")], max_length=10, verbose_name="导出途径")),
                        ("file_format", models.CharField(max_length=10, verbose_name="格式")),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="导出时间")),
                        ("organization", models.ForeignKey(blank=True, help_text="为空表示全部数据。", null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="orgs.organization", verbose_name="导出范围")),
                        ("user", models.ForeignKey(blank=True, help_text="为空表示部署人员在服务器上用命令导出。", null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="导出人")),
                    ],
                    options={
                        "verbose_name": "个人信息导出记录",
                        "verbose_name_plural": "个人信息导出记录",
                        "ordering": ["-created_at", "-pk"],
                        "db_table": "core_exportlog",
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name="exportlog", table=None),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
