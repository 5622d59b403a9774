"""Import/export of 班子成员 (the `committee` table).

A row's key is (组织代码, 公民身份号码, 职务, 任职日期). Rows are saved through
teams.services.committee.save_membership, as the pages save them: the roster's member is
linked, a 书记 known only by name is replaced by the row that gives the number, and the
organisation's 书记 columns follow whoever is in post.

A 书记 known only by name (entered as the organisation's 书记姓名) has no number: the
export leaves the cell blank, and a blank number finds that row again, so the export
imports back unchanged. A new row needs the number.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext as _

from core.importing import Column, KeyedInstanceLoader, dictionary_field
from core.tables import cell_text
from core.widgets import ChoiceWidget, DateWidget, TextWidget
from orgs.resources import labels

from ..choices import Origin, Position
from ..models import CommitteeMember
from ..services.committee import save_membership
from .person import (
    ID_COLUMN,
    ID_COLUMN_ALIASES,
    NAME_COLUMN,
    ORG_COLUMN,
    ORG_COLUMN_ALIASES,
    IdNumberWidget,
    PersonTableResource,
)

POSITION_COLUMN = "职务"
ORIGIN_COLUMN = "产生方式"


def position_order():
    """Positions in the order of Position (书记 first), for ordering querysets."""
    return Case(
        *(When(position=value, then=Value(i)) for i, value in enumerate(Position.values)),
        output_field=IntegerField(),
    )


class BlankableIdNumberWidget(IdNumberWidget):
    """A blank cell is the number of a 书记 known only by name (checked per row)."""

    def clean(self, value: Any, row=None, **kwargs) -> str:
        if not cell_text(value):
            return ""
        return super().clean(value, row, **kwargs)


class CommitteeLoader(KeyedInstanceLoader):
    """Also finds the rows known only by name that the file's blank numbers name (the
    base loader leaves keys with a blank part out): one more query for the file."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        if dataset is None or ID_COLUMN not in (dataset.headers or []):
            return
        wanted: set[tuple] = set()
        for row in dataset.dict:
            try:
                key = resource.key_of(row)
            except (ValueError, ValidationError):
                continue  # reported when the row is imported
            if key[1] == "":
                wanted.add(key)
        if not wanted:
            return
        name_only = self.get_queryset().filter(
            organization_id__in={key[0] for key in wanted}, id_number=""
        )
        for instance in name_only:
            key = (instance.organization_id, "", instance.position, instance.started_on)
            if key in wanted:
                self.instances[key] = instance


class CommitteeResource(PersonTableResource):
    table = "committee"
    header_aliases: ClassVar[dict[str, tuple[str, ...]]] = {
        ORG_COLUMN: (*ORG_COLUMN_ALIASES, "所在支部"),
        NAME_COLUMN: ("成员姓名", "班子成员姓名"),
        ID_COLUMN: ID_COLUMN_ALIASES,
        POSITION_COLUMN: ("党内职务", "班子职务", "现任职务", "担任职务"),
        "任职日期": ("任职时间", "任现职日期", "任现职时间", "上任日期"),
        "离任日期": ("离任时间", "免职日期", "卸任日期"),
        ORIGIN_COLUMN: ("任职方式", "产生办法"),
        "兼任职务": ("兼任", "兼职", "兼任其他职务", "兼职情况"),
    }
    value_aliases: ClassVar[dict[str, dict[str, str]]] = {
        POSITION_COLUMN: {
            **dict.fromkeys(
                ("党支部书记", "支部书记", "党总支书记", "总支书记", "党委书记", "党组织书记"),
                "书记",
            ),
            **dict.fromkeys(
                ("党支部副书记", "支部副书记", "党总支副书记", "总支副书记", "党委副书记"),
                "副书记",
            ),
            **dict.fromkeys(("纪律检查委员", "纪委委员"), "纪检委员"),
            **dict.fromkeys(
                ("支部委员", "支委", "支委委员", "总支委员", "党委委员", "委员会委员"), "委员"
            ),
        },
        ORIGIN_COLUMN: {
            **dict.fromkeys(("选举产生", "民主选举", "当选"), "选举"),
            **dict.fromkeys(("任命产生", "上级任命", "组织任命"), "任命"),
            **dict.fromkeys(("选派产生", "上级选派", "下派"), "选派"),
        },
    }
    columns = (
        Column(
            ORG_COLUMN,
            "是",
            "班子所在的组织，须在您的管辖范围内；与号码、职务、任职日期一起为主键",
        ),
        Column(NAME_COLUMN, "是", "2–30 个字符；是党员的，须与党员名册中的姓名一致"),
        Column(
            ID_COLUMN,
            "是",
            "18 位，符合 GB 11643 校验；是党员的自动关联党员名册；请设为文本格式；"
            "导出中只登记了姓名的书记此列为空，可保持为空，补填号码后导入即与之合并",
        ),
        Column(POSITION_COLUMN, "是", "从可选值中选择", labels(Position.choices)),
        Column("任职日期", "是", "YYYY-MM-DD；不能晚于今天"),
        Column("离任日期", "否", "YYYY-MM-DD；须晚于任职日期；仍在任的留空"),
        Column(ORIGIN_COLUMN, "否", "从可选值中选择", labels(Origin.choices)),
        Column("兼任职务", "否", "如村民委员会主任、居民委员会主任；不超过 40 个字符"),
    )

    organization = dictionary_field(ORG_COLUMN, "organization", None)
    id_number = dictionary_field(ID_COLUMN, "id_number", BlankableIdNumberWidget())
    position = dictionary_field(
        POSITION_COLUMN,
        "position",
        ChoiceWidget(Position.choices, required=True, aliases=value_aliases[POSITION_COLUMN]),
    )
    started_on = dictionary_field(
        "任职日期", "started_on", DateWidget(required=True, not_future=True)
    )
    ended_on = dictionary_field("离任日期", "ended_on", DateWidget())
    origin = dictionary_field(
        ORIGIN_COLUMN, "origin", ChoiceWidget(Origin.choices, aliases=value_aliases[ORIGIN_COLUMN])
    )
    concurrent_post = dictionary_field("兼任职务", "concurrent_post", TextWidget(max_length=40))

    class Meta:
        model = CommitteeMember
        import_id_fields = ("organization", "id_number", "position", "started_on")
        instance_loader_class = CommitteeLoader
        fields = (
            "organization",
            "name",
            "id_number",
            "position",
            "started_on",
            "ended_on",
            "origin",
            "concurrent_post",
        )
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True
        skip_diff = True

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("organization").order_by(
            "organization__path", position_order(), "started_on", "pk"
        )

    def validation_exclude(self):
        return (*super().validation_exclude(), "election")

    def clean_row(self, instance: CommitteeMember, row, errors: dict[str, list[str]]) -> None:
        if instance.pk is None and not instance.id_number and ID_COLUMN not in errors:
            errors[ID_COLUMN] = [_("必填，不能为空。")]
        self.link_person(instance, errors)

    def do_instance_save(self, instance: CommitteeMember, is_create: bool) -> None:
        save_membership(instance)
