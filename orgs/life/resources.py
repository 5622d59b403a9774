"""Import/export of organisation life records (the "life" data-dictionary table).

A row is keyed by (组织代码, 会议类型, 召开日期, 主题): the same meeting imported twice is
updated, not duplicated. Rows are checked by the same rules as the entry page
(orgs.life.services.life_record_errors): a meeting whose attendance was recorded by name
keeps the head counts its names give. Photos and names are not part of the file; they are
added on the record's page.
"""

from __future__ import annotations

from typing import ClassVar

from core.importing import Column, KeyedInstanceLoader, dictionary_field
from core.widgets import ChoiceWidget, DateWidget, IntegerWidget, TextWidget

from ..choices import MeetingKind
from ..importing import ScopedResource
from ..resources import labels
from .models import OrgLifeRecord
from .providers import AttendanceTally, attendance_tallies
from .services import TOPIC_MAX, life_record_errors

#: service field name -> column, for the rule messages of life_record_errors
COLUMNS_OF_FIELDS = {
    "kind": "会议类型",
    "held_on": "召开日期",
    "topic": "主题",
    "expected": "应到人数",
    "present": "实到人数",
}


class LifeRecordLoader(KeyedInstanceLoader):
    """Also learns which of the file's existing meetings have attendance by name (one
    query for the file, not one per row)."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        resource.named = attendance_tallies([i.pk for i in self.instances.values()])


class OrgLifeRecordResource(ScopedResource):
    table = "life"
    organization_field = "organization"
    header_aliases: ClassVar[dict[str, tuple[str, ...]]] = {
        "组织代码": ("党组织", "党组织名称", "支部名称", "所在党组织", "所在支部"),
        "会议类型": ("会议类别", "活动类型", "类型"),
        "召开日期": ("会议日期", "开会日期", "活动日期", "召开时间", "时间"),
        "主题": ("会议主题", "活动主题", "议题"),
        "应到人数": ("应到", "应参加人数"),
        "实到人数": ("实到", "参加人数", "实际参加人数"),
        "会议记录": ("会议内容", "主要内容", "记录"),
    }
    value_aliases: ClassVar[dict[str, dict[str, str]]] = {
        "会议类型": {
            "党员大会": "支部党员大会",
            "支部委员会": "支委会",
            "支委会议": "支委会",
            "支部委员会会议": "支委会",
            "党小组会议": "党小组会",
            "上党课": "党课",
            "主题党日活动": "主题党日",
            "专题组织生活会": "组织生活会",
            "民主评议": "民主评议党员",
        },
    }
    columns = (
        Column("组织代码", "是", "召开会议的组织，须在您的管辖范围内；与后三列一起为主键"),
        Column("会议类型", "是", "从可选值中选择", labels(MeetingKind.choices)),
        Column("召开日期", "是", "YYYY-MM-DD；不能晚于今天"),
        Column("主题", "是", f"不超过 {TOPIC_MAX} 个字符"),
        Column("应到人数", "是", "≥ 1 的整数"),
        Column("实到人数", "是", "0 ≤ 实到 ≤ 应到；已按名单登记出席的会议，人数以名单为准"),
        Column("会议记录", "否", "会议内容摘要"),
    )

    organization = dictionary_field("组织代码", "organization", None)
    kind = dictionary_field(
        "会议类型",
        "kind",
        ChoiceWidget(MeetingKind.choices, required=True, aliases=value_aliases["会议类型"]),
    )
    held_on = dictionary_field("召开日期", "held_on", DateWidget(required=True, not_future=True))
    topic = dictionary_field("主题", "topic", TextWidget(required=True, max_length=TOPIC_MAX))
    expected = dictionary_field("应到人数", "expected", IntegerWidget(required=True))
    present = dictionary_field("实到人数", "present", IntegerWidget(required=True))
    minutes = dictionary_field("会议记录", "minutes", TextWidget())

    # clean_row checks what the CheckConstraints check, without a query per row.
    validate_constraints_per_row = False

    class Meta:
        model = OrgLifeRecord
        import_id_fields = ("organization", "kind", "held_on", "topic")
        instance_loader_class = LifeRecordLoader
        fields = ("organization", "kind", "held_on", "topic", "expected", "present", "minutes")
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True
        skip_diff = True

    def validation_exclude(self):
        return (*super().validation_exclude(), "recorded_by")

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("organization").order_by(
            "organization__path", "-held_on", "kind", "pk"
        )

    def named_tally(self, instance: OrgLifeRecord) -> AttendanceTally | None:
        """The attendance by name of a record the file updates (LifeRecordLoader)."""
        return getattr(self, "named", {}).get(instance.pk) if instance.pk else None

    def clean_row(self, instance: OrgLifeRecord, row, errors) -> None:
        problems = life_record_errors(
            kind=instance.kind,
            held_on=instance.held_on,
            topic=instance.topic,
            expected=instance.expected,
            present=instance.present,
            named=self.named_tally(instance),
        )
        for field_name, messages in problems.items():
            column = COLUMNS_OF_FIELDS[field_name]
            if column not in errors:  # a cell that could not be read is reported once
                errors.setdefault(column, []).extend(messages)
        if instance.pk is None and instance.recorded_by_id is None:
            instance.recorded_by = self.user
