# 民主评议党员 results, and transfers into the county with the sending unit's 介绍信.
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0009_dues_and_records"),
        ("orgs", "0007_organisation_statistics_fields"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Appraisal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(verbose_name="年度")),
                (
                    "result",
                    models.CharField(
                        choices=[
                            ("excellent", "优秀"),
                            ("qualified", "合格"),
                            ("basic", "基本合格"),
                            ("unqualified", "不合格"),
                        ],
                        max_length=12,
                        verbose_name="评议结果",
                    ),
                ),
                (
                    "disposition",
                    models.CharField(
                        blank=True,
                        choices=[("rectify", "限期改正"), ("persuade", "劝退"), ("remove", "除名")],
                        help_text="仅“不合格”党员填写；系统不会因此自动变更党籍状态。",
                        max_length=10,
                        verbose_name="处置",
                    ),
                ),
                (
                    "disposition_on",
                    models.DateField(blank=True, null=True, verbose_name="处置日期"),
                ),
                ("note", models.CharField(blank=True, max_length=200, verbose_name="备注")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
            ],
            options={
                "verbose_name": "民主评议党员",
                "verbose_name_plural": "民主评议党员",
                "ordering": ["-year", "organization__path", "member__name", "pk"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalAppraisal",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(verbose_name="年度")),
                (
                    "result",
                    models.CharField(
                        choices=[
                            ("excellent", "优秀"),
                            ("qualified", "合格"),
                            ("basic", "基本合格"),
                            ("unqualified", "不合格"),
                        ],
                        max_length=12,
                        verbose_name="评议结果",
                    ),
                ),
                (
                    "disposition",
                    models.CharField(
                        blank=True,
                        choices=[("rectify", "限期改正"), ("persuade", "劝退"), ("remove", "除名")],
                        help_text="仅“不合格”党员填写；系统不会因此自动变更党籍状态。",
                        max_length=10,
                        verbose_name="处置",
                    ),
                ),
                (
                    "disposition_on",
                    models.DateField(blank=True, null=True, verbose_name="处置日期"),
                ),
                ("note", models.CharField(blank=True, max_length=200, verbose_name="备注")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.TextField(null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
            ],
            options={
                "verbose_name": "historical 民主评议党员",
                "verbose_name_plural": "historical 民主评议党员",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RemoveConstraint(
            model_name="transfer",
            name="transfer_target_matches_kind",
        ),
        migrations.AddField(
            model_name="historicaltransfer",
            name="letter_county",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="orgs.organization",
                verbose_name="开具介绍信的县级党委",
            ),
        ),
        migrations.AddField(
            model_name="historicaltransfer",
            name="letter_issued_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="介绍信开具人",
            ),
        ),
        migrations.AddField(
            model_name="historicaltransfer",
            name="letter_issued_on",
            field=models.DateField(blank=True, null=True, verbose_name="介绍信开具日期"),
        ),
        migrations.AddField(
            model_name="historicaltransfer",
            name="letter_number",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="介绍信编号"),
        ),
        migrations.AddField(
            model_name="historicaltransfer",
            name="letter_valid_days",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="介绍信有效期（天）"
            ),
        ),
        migrations.AddField(
            model_name="historicaltransfer",
            name="letter_year",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="介绍信年度"
            ),
        ),
        migrations.AddField(
            model_name="historicaltransfer",
            name="origin",
            field=models.CharField(
                blank=True,
                help_text="从县外转入时填写转出党组织全称。",
                max_length=200,
                verbose_name="来自单位",
            ),
        ),
        migrations.AddField(
            model_name="historicaltransfer",
            name="origin_letter_date",
            field=models.DateField(blank=True, null=True, verbose_name="来信介绍信日期"),
        ),
        migrations.AddField(
            model_name="historicaltransfer",
            name="origin_letter_number",
            field=models.CharField(
                blank=True,
                help_text="转出单位所开介绍信的编号。",
                max_length=50,
                verbose_name="来信介绍信编号",
            ),
        ),
        migrations.AddField(
            model_name="historicaltransfer",
            name="receipt_on",
            field=models.DateField(blank=True, null=True, verbose_name="回执日期"),
        ),
        migrations.AddField(
            model_name="transfer",
            name="letter_county",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="orgs.organization",
                verbose_name="开具介绍信的县级党委",
            ),
        ),
        migrations.AddField(
            model_name="transfer",
            name="letter_issued_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="介绍信开具人",
            ),
        ),
        migrations.AddField(
            model_name="transfer",
            name="letter_issued_on",
            field=models.DateField(blank=True, null=True, verbose_name="介绍信开具日期"),
        ),
        migrations.AddField(
            model_name="transfer",
            name="letter_number",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="介绍信编号"),
        ),
        migrations.AddField(
            model_name="transfer",
            name="letter_valid_days",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="介绍信有效期（天）"
            ),
        ),
        migrations.AddField(
            model_name="transfer",
            name="letter_year",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="介绍信年度"
            ),
        ),
        migrations.AddField(
            model_name="transfer",
            name="origin",
            field=models.CharField(
                blank=True,
                help_text="从县外转入时填写转出党组织全称。",
                max_length=200,
                verbose_name="来自单位",
            ),
        ),
        migrations.AddField(
            model_name="transfer",
            name="origin_letter_date",
            field=models.DateField(blank=True, null=True, verbose_name="来信介绍信日期"),
        ),
        migrations.AddField(
            model_name="transfer",
            name="origin_letter_number",
            field=models.CharField(
                blank=True,
                help_text="转出单位所开介绍信的编号。",
                max_length=50,
                verbose_name="来信介绍信编号",
            ),
        ),
        migrations.AddField(
            model_name="transfer",
            name="receipt_on",
            field=models.DateField(blank=True, null=True, verbose_name="回执日期"),
        ),
        migrations.AlterField(
            model_name="historicaltransfer",
            name="kind",
            field=models.CharField(
                choices=[
                    ("internal", "县内转接"),
                    ("outbound", "转出本县"),
                    ("inbound", "从县外转入"),
                ],
                max_length=10,
                verbose_name="类型",
            ),
        ),
        migrations.AlterField(
            model_name="transfer",
            name="from_organization",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="transfers_out",
                to="orgs.organization",
                verbose_name="转出党组织",
            ),
        ),
        migrations.AlterField(
            model_name="transfer",
            name="kind",
            field=models.CharField(
                choices=[
                    ("internal", "县内转接"),
                    ("outbound", "转出本县"),
                    ("inbound", "从县外转入"),
                ],
                max_length=10,
                verbose_name="类型",
            ),
        ),
        migrations.AddConstraint(
            model_name="transfer",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("from_organization__isnull", False),
                        ("kind", "internal"),
                        ("to_organization__isnull", False),
                    ),
                    models.Q(
                        ("from_organization__isnull", False),
                        ("kind", "outbound"),
                        ("to_organization__isnull", True),
                        models.Q(("destination", ""), _negated=True),
                    ),
                    models.Q(
                        ("from_organization__isnull", True),
                        ("kind", "inbound"),
                        ("origin_letter_date__isnull", False),
                        ("to_organization__isnull", False),
                        models.Q(("origin", ""), _negated=True),
                        models.Q(("origin_letter_number", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="transfer_target_matches_kind",
            ),
        ),
        migrations.AddConstraint(
            model_name="transfer",
            constraint=models.UniqueConstraint(
                fields=("letter_county", "letter_year", "letter_number"),
                name="transfer_letter_number_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="transfer",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("letter_county__isnull", True),
                        ("letter_issued_on__isnull", True),
                        ("letter_number__isnull", True),
                        ("letter_valid_days__isnull", True),
                        ("letter_year__isnull", True),
                    ),
                    models.Q(
                        ("kind", "outbound"),
                        ("letter_county__isnull", False),
                        ("letter_issued_on__isnull", False),
                        ("letter_number__isnull", False),
                        ("letter_valid_days__isnull", False),
                        ("letter_year__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="transfer_letter_complete",
            ),
        ),
        migrations.AddConstraint(
            model_name="transfer",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("receipt_on__isnull", True),
                    models.Q(("kind", "inbound"), ("state", "accepted")),
                    models.Q(("kind", "outbound"), ("letter_number__isnull", False)),
                    _connector="OR",
                ),
                name="transfer_receipt_when_due",
            ),
        ),
        migrations.AddField(
            model_name="appraisal",
            name="member",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="appraisals",
                to="members.member",
                verbose_name="党员",
            ),
        ),
        migrations.AddField(
            model_name="appraisal",
            name="organization",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="appraisals",
                to="orgs.organization",
                verbose_name="评议党组织",
            ),
        ),
        migrations.AddField(
            model_name="appraisal",
            name="recorded_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="录入人",
            ),
        ),
        migrations.AddField(
            model_name="historicalappraisal",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalappraisal",
            name="member",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="members.member",
                verbose_name="党员",
            ),
        ),
        migrations.AddField(
            model_name="historicalappraisal",
            name="organization",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="orgs.organization",
                verbose_name="评议党组织",
            ),
        ),
        migrations.AddField(
            model_name="historicalappraisal",
            name="recorded_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="录入人",
            ),
        ),
        migrations.AddIndex(
            model_name="appraisal",
            index=models.Index(
                fields=["year", "organization", "result"], name="appraisal_year_org"
            ),
        ),
        migrations.AddConstraint(
            model_name="appraisal",
            constraint=models.UniqueConstraint(
                fields=("member", "year"),
                name="appraisal_one_per_member_year",
                violation_error_message="该党员这一年度已有民主评议结果，请修改原有记录，不要重复录入。",
            ),
        ),
        migrations.AddConstraint(
            model_name="appraisal",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("result__in", ["excellent", "qualified", "basic", "unqualified"])
                ),
                name="appraisal_result_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="appraisal",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("disposition", ""),
                    models.Q(
                        ("disposition__in", ["rectify", "persuade", "remove"]),
                        ("result", "unqualified"),
                    ),
                    _connector="OR",
                ),
                name="appraisal_disposition_only_unqualified",
            ),
        ),
        migrations.AddConstraint(
            model_name="appraisal",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("disposition", ""), ("disposition_on__isnull", True)),
                    models.Q(
                        models.Q(("disposition", ""), _negated=True),
                        ("disposition_on__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="appraisal_disposition_dated",
            ),
        ),
    ]
