# The development pipeline's steps as the regulations write them (谈话, 公示, 预审, 审批,
# the 转正 meeting apart from the 转正日期), and the two new rules' defaults.
from django.db import migrations, models
from django.utils import timezone

# Frozen here: later changes of members.defaults must not change what this migration did.
NEW_RULES = {"probation_extension_min_months": 6, "publicity_min_working_days": 5}
RULE_CHOICES = [
    ("min_application_age", "申请入党最低年龄（周岁）"),
    ("activist_min_months", "积极分子培养教育最短期限（月）"),
    ("candidate_min_training_hours", "发展对象集中培训最少学时"),
    ("introducers_required", "入党介绍人人数"),
    ("probation_months", "预备期（月）"),
    ("probation_extension_min_months", "预备期最少延长（月）"),
    ("probation_extension_max_months", "预备期最多延长（月）"),
    ("publicity_min_working_days", "公示期（工作日）"),
    ("applicant_stall_months", "申请人超过此期限未列为积极分子即提示（月）"),
    ("activist_stall_months", "积极分子超过此期限未列为发展对象即提示（月）"),
    ("candidate_stall_months", "发展对象超过此期限未接收为预备党员即提示（月）"),
]
INTRODUCERS_HELP = "本组织（含下级组织）党员名册中的正式党员姓名，用“、”分隔。"
CORRECTION = "转正日期更正为预备期满之日（原记录的是支部大会讨论转正的日期）"


def seed_rules(apps, schema_editor):
    rule = apps.get_model("members", "DevelopmentRule")
    for key, value in NEW_RULES.items():
        rule.objects.get_or_create(key=key, defaults={"value": value})


def _record_history(apps, model_name, row, when):
    """The history row simple_history would have written for this change."""
    historical = apps.get_model("members", f"Historical{model_name}")
    names = {f.attname for f in historical._meta.concrete_fields}
    values = {
        f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields if f.attname in names
    }
    historical.objects.create(
        **values, history_date=when, history_type="~", history_change_reason=CORRECTION
    )


def correct_confirmation_dates(apps, schema_editor):
    """Cases confirmed before this migration stored the meeting's day as the 转正日期: keep
    it as the meeting's day and set the 转正日期 to the end of the probation (on the member
    too, unless the roster has changed it since)."""
    from core.periods import add_months

    case_model = apps.get_model("members", "DevelopmentCase")
    rule = apps.get_model("members", "DevelopmentRule")
    probation = (
        rule.objects.filter(key="probation_months").values_list("value", flat=True).first() or 12
    )
    when = timezone.now()
    confirmed = case_model.objects.filter(
        confirmed_on__isnull=False, confirmation_meeting_on__isnull=True
    ).select_related("member")
    for case in confirmed:
        meeting = case.confirmed_on
        end = add_months(case.admitted_on, probation + case.probation_extended_months)
        case.confirmation_meeting_on = meeting
        if end < meeting:
            case.confirmed_on = end
            member = case.member
            if member is not None and member.confirmed_on == meeting:
                member.confirmed_on = end
                member.save(update_fields=["confirmed_on", "updated_at"])
                _record_history(apps, "Member", member, when)
        case.save(update_fields=["confirmation_meeting_on", "confirmed_on", "updated_at"])
        _record_history(apps, "DevelopmentCase", case, when)


def _date(label):
    return models.DateField(blank=True, null=True, verbose_name=label)


NEW_DATES = (
    ("talked_on", "党组织派人谈话日期"),
    ("admission_publicity_from", "接收预备党员公示开始日期"),
    ("admission_publicity_to", "接收预备党员公示结束日期"),
    ("pre_review_on", "上级党委预审日期"),
    ("committee_talk_on", "上级党委派人谈话日期"),
    ("approved_on", "上级党委审批日期"),
    ("confirmation_publicity_from", "转正公示开始日期"),
    ("confirmation_publicity_to", "转正公示结束日期"),
    ("confirmation_meeting_on", "支部大会讨论转正日期"),
)


class Migration(migrations.Migration):
    dependencies = [("members", "0006_personal_data_encrypted")]

    operations = [
        *(
            migrations.AddField(model_name=model, name=name, field=_date(label))
            for model in ("developmentcase", "historicaldevelopmentcase")
            for name, label in NEW_DATES
        ),
        *(
            migrations.AlterField(
                model_name=model,
                name="confirmed_on",
                field=_date("转正日期（预备期满之日）"),
            )
            for model in ("developmentcase", "historicaldevelopmentcase")
        ),
        *(
            migrations.AlterField(
                model_name=model,
                name="introducers",
                field=models.CharField(
                    blank=True,
                    help_text=INTRODUCERS_HELP,
                    max_length=100,
                    verbose_name="入党介绍人",
                ),
            )
            for model in ("developmentcase", "historicaldevelopmentcase")
        ),
        migrations.AlterField(
            model_name="developmentrule",
            name="key",
            field=models.CharField(
                choices=RULE_CHOICES, max_length=40, unique=True, verbose_name="规则"
            ),
        ),
        migrations.AlterField(
            model_name="historicaldevelopmentrule",
            name="key",
            field=models.CharField(
                choices=RULE_CHOICES, db_index=True, max_length=40, verbose_name="规则"
            ),
        ),
        migrations.AddConstraint(
            model_name="developmentcase",
            constraint=models.CheckConstraint(
                condition=models.Q(admission_publicity_from__isnull=True)
                | models.Q(admission_publicity_to__isnull=True)
                | models.Q(admission_publicity_from__lte=models.F("admission_publicity_to")),
                name="devcase_admission_publicity_in_order",
            ),
        ),
        migrations.AddConstraint(
            model_name="developmentcase",
            constraint=models.CheckConstraint(
                condition=models.Q(confirmation_publicity_from__isnull=True)
                | models.Q(confirmation_publicity_to__isnull=True)
                | models.Q(confirmation_publicity_from__lte=models.F("confirmation_publicity_to")),
                name="devcase_confirmation_publicity_in_order",
            ),
        ),
        migrations.RunPython(seed_rules, migrations.RunPython.noop),
        # Before the constraint below: old rows hold the meeting's day as the 转正日期.
        migrations.RunPython(correct_confirmation_dates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="developmentcase",
            constraint=models.CheckConstraint(
                condition=models.Q(confirmed_on__isnull=True)
                | models.Q(confirmation_meeting_on__isnull=True)
                | models.Q(confirmed_on__lte=models.F("confirmation_meeting_on")),
                name="devcase_confirmed_by_the_meeting",
            ),
        ),
    ]
