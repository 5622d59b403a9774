# Organisation life by name: attendance of 三会一课 records, and 党小组 of a branch.
import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

STATUS = [("present", "出席"), ("leave", "请假"), ("absent", "缺席")]
HISTORY_TYPE = [("+", "Created"), ("~", "Changed"), ("-", "Deleted")]


def _history_fields():
    return [
        ("history_id", models.AutoField(primary_key=True, serialize=False)),
        ("history_date", models.DateTimeField(db_index=True)),
        ("history_change_reason", models.TextField(null=True)),
        ("history_type", models.CharField(choices=HISTORY_TYPE, max_length=1)),
        (
            "history_user",
            models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]


def _history_options(label):
    return {
        "verbose_name": f"historical {label}",
        "verbose_name_plural": f"historical {label}",
        "ordering": ("-history_date", "-history_id"),
        "get_latest_by": ("history_date", "history_id"),
    }


def _loose(to, label=None, **extra):
    """A historical model's foreign key: no constraint, nothing cascades."""
    if label is not None:
        extra["verbose_name"] = label
    return models.ForeignKey(
        blank=True,
        db_constraint=False,
        null=True,
        on_delete=django.db.models.deletion.DO_NOTHING,
        related_name="+",
        to=to,
        **extra,
    )


def _formed_on():
    return models.DateField(
        default=django.utils.timezone.localdate,
        help_text="从设立的季度起，支部须按要求召开党小组会。",
        verbose_name="设立日期",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0007_development_steps"),
        ("orgs", "0002_org_life"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Attendance",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=STATUS, default="present", max_length=10, verbose_name="出席情况"
                    ),
                ),
                ("reason", models.CharField(blank=True, max_length=100, verbose_name="请假事由")),
                (
                    "member",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="attendance",
                        to="members.member",
                        verbose_name="党员",
                    ),
                ),
                (
                    "record",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attendance",
                        to="orgs.orgliferecord",
                        verbose_name="组织生活记录",
                    ),
                ),
            ],
            options={
                "verbose_name": "出席情况",
                "verbose_name_plural": "出席情况",
                "ordering": ["record", "member__name", "member"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("record", "member"), name="attendance_one_per_member"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("status__in", ["present", "leave", "absent"])),
                        name="attendance_status_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "leave"), models.Q(("reason", ""), _negated=True)),
                            models.Q(models.Q(("status", "leave"), _negated=True), ("reason", "")),
                            _connector="OR",
                        ),
                        name="attendance_reason_with_leave",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalAttendance",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=STATUS, default="present", max_length=10, verbose_name="出席情况"
                    ),
                ),
                ("reason", models.CharField(blank=True, max_length=100, verbose_name="请假事由")),
                *_history_fields(),
                ("member", _loose("members.member", "党员")),
                ("record", _loose("orgs.orgliferecord", "组织生活记录")),
            ],
            options=_history_options("出席情况"),
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="PartyGroup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=30, verbose_name="党小组名称")),
                ("formed_on", _formed_on()),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="录入时间")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
                (
                    "leader",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="members.member",
                        verbose_name="组长",
                    ),
                ),
                (
                    "members",
                    models.ManyToManyField(
                        related_name="party_groups", to="members.member", verbose_name="组员"
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="party_groups",
                        to="orgs.organization",
                        verbose_name="所在党支部",
                    ),
                ),
            ],
            options={
                "verbose_name": "党小组",
                "verbose_name_plural": "党小组",
                "ordering": ["organization__path", "name", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("organization", "name"), name="party_group_name_unique"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalPartyGroup",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=30, verbose_name="党小组名称")),
                ("formed_on", _formed_on()),
                (
                    "created_at",
                    models.DateTimeField(blank=True, editable=False, verbose_name="录入时间"),
                ),
                *_history_fields(),
                ("leader", _loose("members.member", "组长")),
                ("organization", _loose("orgs.organization", "所在党支部")),
            ],
            options=_history_options("党小组"),
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalPartyGroup_members",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="members.historicalpartygroup",
                    ),
                ),
                ("member", _loose("members.member", db_tablespace="")),
                ("partygroup", _loose("members.partygroup", db_tablespace="")),
            ],
            options={"verbose_name": "HistoricalPartyGroup_members"},
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
    ]
