# Dues as the regulations write them: the reason for the minimum, 免交/少交 with approval.
from decimal import Decimal

import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

BASIS_CHOICES = [
    ("salary", "在职（按月工资）"),
    ("retired", "离退休（按退休费）"),
    ("farmer", "农民（定额）"),
    ("minimum", "学生、下岗失业、依靠抚恤或救济生活、低保（定额）"),
]


def hardship_kind():
    return models.CharField(
        blank=True,
        choices=[
            ("unemployed", "下岗失业"),
            ("on_relief", "依靠抚恤或救济生活"),
            ("subsistence", "低保"),
            ("other", "其他生活困难"),
        ],
        help_text=(
            "下岗失业、依靠抚恤或救济生活、低保的党员按最低定额缴纳党费；其他生活困难的党员"
            "按工作岗位对应的标准缴纳，少交或免交须经支部批准并登记。"
        ),
        max_length=16,
        verbose_name="生活困难类型",
    )


def waiver_fields():
    return [
        (
            "kind",
            models.CharField(
                choices=[("exempt", "免交"), ("reduced", "少交")],
                max_length=8,
                verbose_name="类别",
            ),
        ),
        (
            "approved_by",
            models.CharField(
                choices=[("committee", "支部委员会"), ("assembly", "支部党员大会")],
                max_length=10,
                verbose_name="批准",
            ),
        ),
        ("decided_on", models.DateField(verbose_name="决定日期")),
        ("reason", models.CharField(max_length=200, verbose_name="理由")),
        ("first_month", models.DateField(help_text="该月 1 日。", verbose_name="起始月份")),
        (
            "last_month",
            models.DateField(help_text="该月 1 日，含该月。", verbose_name="截止月份"),
        ),
        (
            "amount",
            models.DecimalField(
                blank=True,
                decimal_places=2,
                help_text="少交时填写；免交留空。",
                max_digits=8,
                null=True,
                validators=[django.core.validators.MinValueValidator(Decimal("0.01"))],
                verbose_name="批准每月缴纳（元）",
            ),
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0008_attendance_and_groups"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DuesWaiver",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                *waiver_fields(),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="登记时间")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
                (
                    "member",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="dues_waivers",
                        to="members.member",
                        verbose_name="党员",
                    ),
                ),
            ],
            options={
                "verbose_name": "党费免交/少交",
                "verbose_name_plural": "党费免交/少交",
                "ordering": ["-first_month", "pk"],
                "indexes": [
                    models.Index(fields=["member", "first_month"], name="dueswaiver_member_month")
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("first_month__lte", models.F("last_month"))),
                        name="dueswaiver_months_in_order",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("amount__isnull", True), ("kind", "exempt")),
                            models.Q(("amount__gt", 0), ("kind", "reduced")),
                            _connector="OR",
                        ),
                        name="dueswaiver_amount_matches_kind",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("approved_by__in", ["committee", "assembly"])),
                        name="dueswaiver_approver_valid",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalDuesWaiver",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                *waiver_fields(),
                (
                    "created_at",
                    models.DateTimeField(blank=True, editable=False, verbose_name="登记时间"),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.TextField(null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                        max_length=1,
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "member",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="members.member",
                        verbose_name="党员",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical 党费免交/少交",
                "verbose_name_plural": "historical 党费免交/少交",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(model_name="member", name="hardship_kind", field=hardship_kind()),
        migrations.AddField(
            model_name="historicalmember", name="hardship_kind", field=hardship_kind()
        ),
        migrations.AddConstraint(
            model_name="member",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("hardship_kind", ""), ("is_in_hardship", True), _connector="OR"
                ),
                name="member_hardship_kind_flagged",
            ),
        ),
        migrations.AddConstraint(
            model_name="member",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("hardship_kind__in", ["", "unemployed", "on_relief", "subsistence", "other"])
                ),
                name="member_hardship_kind_valid",
            ),
        ),
        *(
            migrations.AlterField(
                model_name=model,
                name="basis",
                field=models.CharField(
                    choices=BASIS_CHOICES, max_length=10, verbose_name="适用对象"
                ),
            )
            for model in (
                "duesbracket",
                "duesrecord",
                "historicalduesbracket",
                "historicalduesrecord",
            )
        ),
    ]
