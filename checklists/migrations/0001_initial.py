"""The responsibility lists move here from the assessments app, with their data.

The tables stay where they are (the models' `db_table`, see checklists.models): this
migration only tells Django's state that the models now belong to this app, and
assessments' 0009 removes them from that app's state. The content types move with the
models, so that permissions, admin log entries and history keep pointing at them. On a
fresh database assessments' migrations create the tables first and no content type
exists yet: the move finds nothing to do.
"""

import django.core.validators
import django.db.models.deletion
import simple_history.models
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

import checklists.models

MOVED_MODELS = (
    "checklisttemplate",
    "templateitem",
    "responsibilitylist",
    "checklistitem",
    "checklistevidence",
    "rectification",
    "historicalchecklisttemplate",
    "historicaltemplateitem",
    "historicalresponsibilitylist",
    "historicalchecklistitem",
    "historicalrectification",
)


def _move_content_types(apps, source: str, target: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    taken = set(
        content_type.objects.filter(app_label=target, model__in=MOVED_MODELS).values_list(
            "model", flat=True
        )
    )
    content_type.objects.filter(app_label=source, model__in=MOVED_MODELS).exclude(
        model__in=taken
    ).update(app_label=target)
    content_type.objects.clear_cache()


def move_content_types(apps, schema_editor):
    _move_content_types(apps, "assessments", "checklists")


def move_content_types_back(apps, schema_editor):
    _move_content_types(apps, "checklists", "assessments")


STATE_OPERATIONS = [
    migrations.CreateModel(
        name='ChecklistItem',
        fields=[
            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ('position', models.PositiveSmallIntegerField(verbose_name='序号')),
            ('category', models.CharField(choices=[('organisation', '组织建设'), ('members', '党员队伍'), ('life', '组织生活'), ('venue', '阵地建设'), ('funding', '经费保障'), ('governance', '基层治理'), ('economy', '集体经济'), ('other', '其他')], max_length=15, verbose_name='类别')),
            ('content', models.CharField(max_length=300, verbose_name='工作内容')),
            ('requirement', models.TextField(verbose_name='工作要求')),
            ('points', models.DecimalField(decimal_places=1, max_digits=5, verbose_name='分值')),
            ('evidence_expected', models.CharField(blank=True, max_length=200, verbose_name='佐证材料')),
            ('due_on', models.DateField(blank=True, null=True, verbose_name='完成时限')),
            ('indicator', models.CharField(blank=True, choices=[('branch_assemblies', '本季度召开支部党员大会次数'), ('life_records', '本季度组织生活记录条数'), ('new_members', '本季度发展党员人数'), ('dues_rate', '本季度党费收缴率（%）'), ('funds_execution', '本年度党建经费执行率（%）')], max_length=20, verbose_name='系统测量指标')),
            ('indicator_target', models.DecimalField(blank=True, decimal_places=1, max_digits=7, null=True, verbose_name='指标目标值')),
            ('status', models.CharField(choices=[('not_started', '未开展'), ('in_progress', '推进中'), ('done', '已完成')], default='not_started', max_length=12, verbose_name='进展')),
            ('account', models.TextField(blank=True, verbose_name='落实情况')),
            ('measured_value', models.DecimalField(blank=True, decimal_places=1, max_digits=9, null=True, verbose_name='系统测量值')),
            ('score', models.DecimalField(blank=True, decimal_places=1, max_digits=5, null=True, verbose_name='评分')),
            ('review_comment', models.CharField(blank=True, max_length=300, verbose_name='审核意见')),
            ('needs_rectification', models.BooleanField(default=False, verbose_name='需整改')),
        ],
        options={
            'verbose_name': '责任清单条目',
            'verbose_name_plural': '责任清单条目',
            'db_table': 'assessments_checklistitem',
            'ordering': ['checklist', 'position'],
        },
    ),
    migrations.CreateModel(
        name='ChecklistEvidence',
        fields=[
            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ('original_name', models.CharField(max_length=200, verbose_name='原文件名')),
            ('content_type', models.CharField(max_length=40, verbose_name='类型')),
            ('size', models.PositiveIntegerField(verbose_name='大小（字节）')),
            ('uploaded_at', models.DateTimeField(auto_now_add=True, verbose_name='上传时间')),
            ('file', models.FileField(upload_to=checklists.models.evidence_path, verbose_name='文件')),
            ('uploaded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='上传人')),
            ('item', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='evidence', to='checklists.checklistitem', verbose_name='条目')),
        ],
        options={
            'verbose_name': '佐证材料',
            'verbose_name_plural': '佐证材料',
            'db_table': 'assessments_checklistevidence',
            'ordering': ['uploaded_at', 'pk'],
            'abstract': False,
        },
    ),
    migrations.CreateModel(
        name='ChecklistTemplate',
        fields=[
            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ('level', models.CharField(choices=[('township', '乡镇级'), ('village', '村级'), ('other', '机关/其他')], max_length=10, verbose_name='适用层级')),
            ('year', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(2000), django.core.validators.MaxValueValidator(2100)], verbose_name='年度')),
            ('version', models.PositiveSmallIntegerField(default=1, verbose_name='版本')),
            ('name', models.CharField(max_length=100, verbose_name='名称')),
            ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
            ('copied_from', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='copies', to='checklists.checklisttemplate', verbose_name='复制自')),
            ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='创建人')),
        ],
        options={
            'verbose_name': '责任清单模板',
            'verbose_name_plural': '责任清单模板',
            'db_table': 'assessments_checklisttemplate',
            'ordering': ['-year', 'level', '-version'],
        },
    ),
    migrations.CreateModel(
        name='HistoricalChecklistTemplate',
        fields=[
            ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
            ('level', models.CharField(choices=[('township', '乡镇级'), ('village', '村级'), ('other', '机关/其他')], max_length=10, verbose_name='适用层级')),
            ('year', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(2000), django.core.validators.MaxValueValidator(2100)], verbose_name='年度')),
            ('version', models.PositiveSmallIntegerField(default=1, verbose_name='版本')),
            ('name', models.CharField(max_length=100, verbose_name='名称')),
            ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='创建时间')),
            ('history_id', models.AutoField(primary_key=True, serialize=False)),
            ('history_date', models.DateTimeField(db_index=True)),
            ('history_change_reason', models.TextField(null=True)),
            ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ('copied_from', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='checklists.checklisttemplate', verbose_name='复制自')),
            ('created_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='创建人')),
            ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
        ],
        options={
            'verbose_name': 'historical 责任清单模板',
            'verbose_name_plural': 'historical 责任清单模板',
            'db_table': 'assessments_historicalchecklisttemplate',
            'ordering': ('-history_date', '-history_id'),
            'get_latest_by': ('history_date', 'history_id'),
        },
        bases=(simple_history.models.HistoricalChanges, models.Model),
    ),
    migrations.CreateModel(
        name='HistoricalRectification',
        fields=[
            ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
            ('requirement', models.TextField(verbose_name='整改要求')),
            ('responsible_person', models.CharField(max_length=30, verbose_name='责任人')),
            ('deadline', models.DateField(verbose_name='整改期限')),
            ('status', models.CharField(choices=[('open', '整改中'), ('reported', '已报告整改情况'), ('closed', '已整改销号')], default='open', max_length=10, verbose_name='状态')),
            ('report', models.TextField(blank=True, verbose_name='整改情况')),
            ('reported_at', models.DateTimeField(blank=True, null=True, verbose_name='报告时间')),
            ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='销号时间')),
            ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='提出时间')),
            ('history_id', models.AutoField(primary_key=True, serialize=False)),
            ('history_date', models.DateTimeField(db_index=True)),
            ('history_change_reason', models.TextField(null=True)),
            ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ('created_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='提出人')),
            ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ('item', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='checklists.checklistitem', verbose_name='条目')),
        ],
        options={
            'verbose_name': 'historical 整改事项',
            'verbose_name_plural': 'historical 整改事项',
            'db_table': 'assessments_historicalrectification',
            'ordering': ('-history_date', '-history_id'),
            'get_latest_by': ('history_date', 'history_id'),
        },
        bases=(simple_history.models.HistoricalChanges, models.Model),
    ),
    migrations.CreateModel(
        name='HistoricalResponsibilityList',
        fields=[
            ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
            ('year', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(2000), django.core.validators.MaxValueValidator(2100)], verbose_name='年度')),
            ('quarter', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(4)], verbose_name='季度')),
            ('status', models.CharField(choices=[('draft', '未提交'), ('submitted', '已提交'), ('returned', '退回修改'), ('approved', '已审核')], default='draft', max_length=10, verbose_name='状态')),
            ('deadline', models.DateField(verbose_name='截止日期')),
            ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='提交时间')),
            ('late', models.BooleanField(default=False, verbose_name='逾期提交')),
            ('reviewed_at', models.DateTimeField(blank=True, null=True, verbose_name='审核时间')),
            ('total_score', models.DecimalField(blank=True, decimal_places=1, max_digits=5, null=True, verbose_name='得分')),
            ('revision', models.PositiveIntegerField(default=0, verbose_name='修订号')),
            ('issued_at', models.DateTimeField(blank=True, editable=False, verbose_name='下发时间')),
            ('history_id', models.AutoField(primary_key=True, serialize=False)),
            ('history_date', models.DateTimeField(db_index=True)),
            ('history_change_reason', models.TextField(null=True)),
            ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ('organization', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.organization', verbose_name='党组织')),
            ('reviewed_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='审核人')),
            ('secretary', models.ForeignKey(blank=True, db_constraint=False, help_text='下发时该组织的书记账号；为空表示尚无书记账号。', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='书记')),
            ('template', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='checklists.checklisttemplate', verbose_name='模板')),
        ],
        options={
            'verbose_name': 'historical 书记抓基层党建工作责任清单',
            'verbose_name_plural': 'historical 书记抓基层党建工作责任清单',
            'db_table': 'assessments_historicalresponsibilitylist',
            'ordering': ('-history_date', '-history_id'),
            'get_latest_by': ('history_date', 'history_id'),
        },
        bases=(simple_history.models.HistoricalChanges, models.Model),
    ),
    migrations.CreateModel(
        name='HistoricalTemplateItem',
        fields=[
            ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
            ('position', models.PositiveSmallIntegerField(verbose_name='序号')),
            ('category', models.CharField(choices=[('organisation', '组织建设'), ('members', '党员队伍'), ('life', '组织生活'), ('venue', '阵地建设'), ('funding', '经费保障'), ('governance', '基层治理'), ('economy', '集体经济'), ('other', '其他')], max_length=15, verbose_name='类别')),
            ('content', models.CharField(max_length=300, verbose_name='工作内容')),
            ('requirement', models.TextField(verbose_name='工作要求')),
            ('points', models.DecimalField(decimal_places=1, max_digits=5, validators=[django.core.validators.MinValueValidator(Decimal('0.5'))], verbose_name='分值')),
            ('evidence_expected', models.CharField(blank=True, max_length=200, verbose_name='佐证材料')),
            ('due_in_days', models.PositiveSmallIntegerField(blank=True, help_text='自季度第一天起的天数；留空则以清单截止日期为准。', null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(92)], verbose_name='季度内完成天数')),
            ('indicator', models.CharField(blank=True, choices=[('branch_assemblies', '本季度召开支部党员大会次数'), ('life_records', '本季度组织生活记录条数'), ('new_members', '本季度发展党员人数'), ('dues_rate', '本季度党费收缴率（%）'), ('funds_execution', '本年度党建经费执行率（%）')], max_length=20, verbose_name='系统测量指标')),
            ('indicator_target', models.DecimalField(blank=True, decimal_places=1, max_digits=7, null=True, verbose_name='指标目标值')),
            ('history_id', models.AutoField(primary_key=True, serialize=False)),
            ('history_date', models.DateTimeField(db_index=True)),
            ('history_change_reason', models.TextField(null=True)),
            ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ('template', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='checklists.checklisttemplate', verbose_name='模板')),
        ],
        options={
            'verbose_name': 'historical 模板条目',
            'verbose_name_plural': 'historical 模板条目',
            'db_table': 'assessments_historicaltemplateitem',
            'ordering': ('-history_date', '-history_id'),
            'get_latest_by': ('history_date', 'history_id'),
        },
        bases=(simple_history.models.HistoricalChanges, models.Model),
    ),
    migrations.CreateModel(
        name='Rectification',
        fields=[
            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ('requirement', models.TextField(verbose_name='整改要求')),
            ('responsible_person', models.CharField(max_length=30, verbose_name='责任人')),
            ('deadline', models.DateField(verbose_name='整改期限')),
            ('status', models.CharField(choices=[('open', '整改中'), ('reported', '已报告整改情况'), ('closed', '已整改销号')], default='open', max_length=10, verbose_name='状态')),
            ('report', models.TextField(blank=True, verbose_name='整改情况')),
            ('reported_at', models.DateTimeField(blank=True, null=True, verbose_name='报告时间')),
            ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='销号时间')),
            ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='提出时间')),
            ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='提出人')),
            ('item', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='rectification', to='checklists.checklistitem', verbose_name='条目')),
        ],
        options={
            'verbose_name': '整改事项',
            'verbose_name_plural': '整改事项',
            'db_table': 'assessments_rectification',
            'ordering': ['deadline', 'pk'],
        },
    ),
    migrations.CreateModel(
        name='ResponsibilityList',
        fields=[
            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ('year', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(2000), django.core.validators.MaxValueValidator(2100)], verbose_name='年度')),
            ('quarter', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(4)], verbose_name='季度')),
            ('status', models.CharField(choices=[('draft', '未提交'), ('submitted', '已提交'), ('returned', '退回修改'), ('approved', '已审核')], default='draft', max_length=10, verbose_name='状态')),
            ('deadline', models.DateField(verbose_name='截止日期')),
            ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='提交时间')),
            ('late', models.BooleanField(default=False, verbose_name='逾期提交')),
            ('reviewed_at', models.DateTimeField(blank=True, null=True, verbose_name='审核时间')),
            ('total_score', models.DecimalField(blank=True, decimal_places=1, max_digits=5, null=True, verbose_name='得分')),
            ('revision', models.PositiveIntegerField(default=0, verbose_name='修订号')),
            ('issued_at', models.DateTimeField(auto_now_add=True, verbose_name='下发时间')),
            ('organization', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='responsibility_lists', to='orgs.organization', verbose_name='党组织')),
            ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='审核人')),
            ('secretary', models.ForeignKey(blank=True, help_text='下发时该组织的书记账号；为空表示尚无书记账号。', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='responsibility_lists', to=settings.AUTH_USER_MODEL, verbose_name='书记')),
            ('template', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='lists', to='checklists.checklisttemplate', verbose_name='模板')),
        ],
        options={
            'verbose_name': '书记抓基层党建工作责任清单',
            'verbose_name_plural': '书记抓基层党建工作责任清单',
            'db_table': 'assessments_responsibilitylist',
            'ordering': ['-year', '-quarter', 'organization__path'],
        },
    ),
    migrations.CreateModel(
        name='HistoricalChecklistItem',
        fields=[
            ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
            ('position', models.PositiveSmallIntegerField(verbose_name='序号')),
            ('category', models.CharField(choices=[('organisation', '组织建设'), ('members', '党员队伍'), ('life', '组织生活'), ('venue', '阵地建设'), ('funding', '经费保障'), ('governance', '基层治理'), ('economy', '集体经济'), ('other', '其他')], max_length=15, verbose_name='类别')),
            ('content', models.CharField(max_length=300, verbose_name='工作内容')),
            ('requirement', models.TextField(verbose_name='工作要求')),
            ('points', models.DecimalField(decimal_places=1, max_digits=5, verbose_name='分值')),
            ('evidence_expected', models.CharField(blank=True, max_length=200, verbose_name='佐证材料')),
            ('due_on', models.DateField(blank=True, null=True, verbose_name='完成时限')),
            ('indicator', models.CharField(blank=True, choices=[('branch_assemblies', '本季度召开支部党员大会次数'), ('life_records', '本季度组织生活记录条数'), ('new_members', '本季度发展党员人数'), ('dues_rate', '本季度党费收缴率（%）'), ('funds_execution', '本年度党建经费执行率（%）')], max_length=20, verbose_name='系统测量指标')),
            ('indicator_target', models.DecimalField(blank=True, decimal_places=1, max_digits=7, null=True, verbose_name='指标目标值')),
            ('status', models.CharField(choices=[('not_started', '未开展'), ('in_progress', '推进中'), ('done', '已完成')], default='not_started', max_length=12, verbose_name='进展')),
            ('account', models.TextField(blank=True, verbose_name='落实情况')),
            ('measured_value', models.DecimalField(blank=True, decimal_places=1, max_digits=9, null=True, verbose_name='系统测量值')),
            ('score', models.DecimalField(blank=True, decimal_places=1, max_digits=5, null=True, verbose_name='评分')),
            ('review_comment', models.CharField(blank=True, max_length=300, verbose_name='审核意见')),
            ('needs_rectification', models.BooleanField(default=False, verbose_name='需整改')),
            ('history_id', models.AutoField(primary_key=True, serialize=False)),
            ('history_date', models.DateTimeField(db_index=True)),
            ('history_change_reason', models.TextField(null=True)),
            ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ('checklist', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='checklists.responsibilitylist', verbose_name='清单')),
        ],
        options={
            'verbose_name': 'historical 责任清单条目',
            'verbose_name_plural': 'historical 责任清单条目',
            'db_table': 'assessments_historicalchecklistitem',
            'ordering': ('-history_date', '-history_id'),
            'get_latest_by': ('history_date', 'history_id'),
        },
        bases=(simple_history.models.HistoricalChanges, models.Model),
    ),
    migrations.AddField(
        model_name='checklistitem',
        name='checklist',
        field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='checklists.responsibilitylist', verbose_name='清单'),
    ),
    migrations.CreateModel(
        name='TemplateItem',
        fields=[
            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ('position', models.PositiveSmallIntegerField(verbose_name='序号')),
            ('category', models.CharField(choices=[('organisation', '组织建设'), ('members', '党员队伍'), ('life', '组织生活'), ('venue', '阵地建设'), ('funding', '经费保障'), ('governance', '基层治理'), ('economy', '集体经济'), ('other', '其他')], max_length=15, verbose_name='类别')),
            ('content', models.CharField(max_length=300, verbose_name='工作内容')),
            ('requirement', models.TextField(verbose_name='工作要求')),
            ('points', models.DecimalField(decimal_places=1, max_digits=5, validators=[django.core.validators.MinValueValidator(Decimal('0.5'))], verbose_name='分值')),
            ('evidence_expected', models.CharField(blank=True, max_length=200, verbose_name='佐证材料')),
            ('due_in_days', models.PositiveSmallIntegerField(blank=True, help_text='自季度第一天起的天数；留空则以清单截止日期为准。', null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(92)], verbose_name='季度内完成天数')),
            ('indicator', models.CharField(blank=True, choices=[('branch_assemblies', '本季度召开支部党员大会次数'), ('life_records', '本季度组织生活记录条数'), ('new_members', '本季度发展党员人数'), ('dues_rate', '本季度党费收缴率（%）'), ('funds_execution', '本年度党建经费执行率（%）')], max_length=20, verbose_name='系统测量指标')),
            ('indicator_target', models.DecimalField(blank=True, decimal_places=1, max_digits=7, null=True, verbose_name='指标目标值')),
            ('template', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='checklists.checklisttemplate', verbose_name='模板')),
        ],
        options={
            'verbose_name': '模板条目',
            'verbose_name_plural': '模板条目',
            'db_table': 'assessments_templateitem',
            'ordering': ['template', 'position'],
        },
    ),
    migrations.AddConstraint(
        model_name='checklisttemplate',
        constraint=models.UniqueConstraint(fields=('level', 'year', 'version'), name='checklist_template_version_once'),
    ),
    migrations.AddIndex(
        model_name='responsibilitylist',
        index=models.Index(fields=['year', 'quarter', 'status'], name='checklist_quarter_status'),
    ),
    migrations.AddConstraint(
        model_name='responsibilitylist',
        constraint=models.UniqueConstraint(fields=('organization', 'year', 'quarter'), name='checklist_once_a_quarter'),
    ),
    migrations.AddConstraint(
        model_name='responsibilitylist',
        constraint=models.CheckConstraint(condition=models.Q(('quarter__gte', 1), ('quarter__lte', 4)), name='checklist_quarter_valid'),
    ),
    migrations.AddConstraint(
        model_name='responsibilitylist',
        constraint=models.CheckConstraint(condition=models.Q(('total_score__isnull', True), models.Q(('total_score__gte', 0), ('total_score__lte', 100)), _connector='OR'), name='checklist_score_in_range'),
    ),
    migrations.AddConstraint(
        model_name='checklistitem',
        constraint=models.UniqueConstraint(fields=('checklist', 'position'), name='checklist_item_position'),
    ),
    migrations.AddConstraint(
        model_name='checklistitem',
        constraint=models.CheckConstraint(condition=models.Q(('score__isnull', True), models.Q(('score__gte', 0), ('score__lte', models.F('points'))), _connector='OR'), name='checklist_item_score_within_points'),
    ),
    migrations.AddConstraint(
        model_name='templateitem',
        constraint=models.UniqueConstraint(fields=('template', 'position'), name='template_item_position'),
    ),
    migrations.AddConstraint(
        model_name='templateitem',
        constraint=models.CheckConstraint(condition=models.Q(('points__gt', 0)), name='template_item_points_positive'),
    ),
]


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("assessments", "0008_secretary_review"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("orgs", "0003_meeting_defaults"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=STATE_OPERATIONS),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
