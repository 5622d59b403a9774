"""The leadership-team thresholds: a 书记 post vacant for more than 90 days, a 党总支 or
基层党委 committee of more than 9 members in post. Seeded as rows staff can see and change;
an existing row is left as it is."""

from django.db import migrations, models

NEW_THRESHOLDS = {
    "secretary_vacant_days": 90,
    "general_branch_seats_max": 9,
    "base_committee_seats_max": 9,
}


def load(apps, schema_editor):
    threshold = apps.get_model("assessments", "HealthThreshold")
    for key, value in NEW_THRESHOLDS.items():
        threshold.objects.get_or_create(key=key, defaults={"value": value})


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0010_structure_thresholds"),
    ]

    operations = [
        migrations.AlterField(
            model_name="healththreshold",
            name="key",
            field=models.CharField(
                choices=[
                    ("min_village_members", "村（社区）党员少于此数即提示"),
                    ("young_age", "“无青年党员”的年龄线（周岁）"),
                    ("max_branch_members", "党支部党员超过此数即提示"),
                    ("min_full_members", "党支部正式党员少于此数即提示"),
                    ("term_expiring_months", "任期届满前此月数内提示换届"),
                    (
                        "general_branch_min_members",
                        "党总支党员不超过此数即提醒（党员超过此数方设党总支）",
                    ),
                    ("committee_min_members", "基层党委党员少于此数即提醒；村党员达到此数可设党委"),
                    ("joint_branch_max_units", "联合党支部所含单位超过此数即提醒"),
                    (
                        "secretary_vacant_days",
                        "书记空缺超过此天数即提醒（书记长期缺职属软弱涣散情形）",
                    ),
                    ("general_branch_seats_max", "党总支在任委员超过此数即提醒"),
                    ("base_committee_seats_max", "基层党委在任委员超过此数即提醒"),
                    ("standard_pass_score", "标准化规范化达标分数线"),
                    ("review_list_weight", "述职评议：责任清单得分的权重（%，其余为组织体检）"),
                    ("review_danger_penalty", "述职评议：每个组织每项严重问题扣分"),
                    ("review_warning_penalty", "述职评议：每个组织每项提醒扣分"),
                    ("review_good_min", "述职评议：建议“好”的最低综合分"),
                    ("review_fairly_good_min", "述职评议：建议“较好”的最低综合分"),
                    ("review_average_min", "述职评议：建议“一般”的最低综合分"),
                ],
                max_length=30,
                unique=True,
                verbose_name="规则",
            ),
        ),
        migrations.AlterField(
            model_name="historicalhealththreshold",
            name="key",
            field=models.CharField(
                choices=[
                    ("min_village_members", "村（社区）党员少于此数即提示"),
                    ("young_age", "“无青年党员”的年龄线（周岁）"),
                    ("max_branch_members", "党支部党员超过此数即提示"),
                    ("min_full_members", "党支部正式党员少于此数即提示"),
                    ("term_expiring_months", "任期届满前此月数内提示换届"),
                    (
                        "general_branch_min_members",
                        "党总支党员不超过此数即提醒（党员超过此数方设党总支）",
                    ),
                    ("committee_min_members", "基层党委党员少于此数即提醒；村党员达到此数可设党委"),
                    ("joint_branch_max_units", "联合党支部所含单位超过此数即提醒"),
                    (
                        "secretary_vacant_days",
                        "书记空缺超过此天数即提醒（书记长期缺职属软弱涣散情形）",
                    ),
                    ("general_branch_seats_max", "党总支在任委员超过此数即提醒"),
                    ("base_committee_seats_max", "基层党委在任委员超过此数即提醒"),
                    ("standard_pass_score", "标准化规范化达标分数线"),
                    ("review_list_weight", "述职评议：责任清单得分的权重（%，其余为组织体检）"),
                    ("review_danger_penalty", "述职评议：每个组织每项严重问题扣分"),
                    ("review_warning_penalty", "述职评议：每个组织每项提醒扣分"),
                    ("review_good_min", "述职评议：建议“好”的最低综合分"),
                    ("review_fairly_good_min", "述职评议：建议“较好”的最低综合分"),
                    ("review_average_min", "述职评议：建议“一般”的最低综合分"),
                ],
                db_index=True,
                max_length=30,
                verbose_name="规则",
            ),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
