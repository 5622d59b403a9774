"""Import/export of 选派干部 (the `postings` table): 第一书记, 驻村工作队员 and
大学生村干部 posted to a village or community.

A row's key is (组织代码, 公民身份号码, 类别, 开始日期). A cadre who is a party member of
the county is linked to the roster's record (many come from county bureaus and are not).
"""

from __future__ import annotations

from typing import ClassVar

from django.utils.translation import gettext as _

from core.importing import Column, KeyedInstanceLoader, dictionary_field
from core.widgets import ChoiceWidget, DateWidget, TextWidget
from orgs.resources import labels

from ..choices import PostingKind
from ..models import Posting
from ..renewal import is_village_or_community
from .person import (
    ID_COLUMN,
    ID_COLUMN_ALIASES,
    NAME_COLUMN,
    ORG_COLUMN,
    ORG_COLUMN_ALIASES,
    PersonTableResource,
)

KIND_COLUMN = "类别"


class PostingResource(PersonTableResource):
    table = "postings"
    header_aliases: ClassVar[dict[str, tuple[str, ...]]] = {
        ORG_COLUMN: (*ORG_COLUMN_ALIASES, "派驻村", "派驻村（社区）", "所在村"),
        NAME_COLUMN: ("干部姓名", "选派干部姓名"),
        ID_COLUMN: ID_COLUMN_ALIASES,
        KIND_COLUMN: ("选派类别", "干部类别", "人员类别", "身份类别"),
        "派出单位": ("选派单位", "派出单位名称", "原单位", "原工作单位"),
        "开始日期": ("派驻日期", "到村日期", "到岗日期", "开始时间"),
        "结束日期": ("结束时间", "离村日期", "期满日期", "撤回日期"),
    }
    value_aliases: ClassVar[dict[str, dict[str, str]]] = {
        KIND_COLUMN: {
            **dict.fromkeys(("驻村第一书记", "选派第一书记"), "第一书记"),
            **dict.fromkeys(
                ("驻村工作队员", "驻村工作队队员", "工作队队员", "驻村队员"), "工作队员"
            ),
            "大学生村官": "大学生村干部",
        },
    }
    columns = (
        Column(
            ORG_COLUMN,
            "是",
            "派驻的村（社区）党组织，须在您的管辖范围内；与号码、类别、开始日期一起为主键",
        ),
        Column(NAME_COLUMN, "是", "2–30 个字符；是党员的，须与党员名册中的姓名一致"),
        Column(ID_COLUMN, "是", "18 位，符合 GB 11643 校验；请设为文本格式"),
        Column(KIND_COLUMN, "是", "从可选值中选择", labels(PostingKind.choices)),
        Column("派出单位", "否", "不超过 100 个字符"),
        Column("开始日期", "是", "YYYY-MM-DD"),
        Column("结束日期", "否", "YYYY-MM-DD；须晚于开始日期；仍在村的留空"),
    )

    organization = dictionary_field(ORG_COLUMN, "organization", None)
    kind = dictionary_field(
        KIND_COLUMN,
        "kind",
        ChoiceWidget(PostingKind.choices, required=True, aliases=value_aliases[KIND_COLUMN]),
    )
    from_unit = dictionary_field("派出单位", "from_unit", TextWidget(max_length=100))
    started_on = dictionary_field("开始日期", "started_on", DateWidget(required=True))
    ended_on = dictionary_field("结束日期", "ended_on", DateWidget())

    class Meta:
        model = Posting
        import_id_fields = ("organization", "id_number", "kind", "started_on")
        instance_loader_class = KeyedInstanceLoader
        fields = (
            "organization",
            "name",
            "id_number",
            "kind",
            "from_unit",
            "started_on",
            "ended_on",
        )
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True
        skip_diff = True

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("organization").order_by(
            "organization__path", "kind", "-started_on", "pk"
        )

    def clean_row(self, instance: Posting, row, errors: dict[str, list[str]]) -> None:
        org = instance.organization if instance.organization_id else None
        if org is not None and not is_village_or_community(org):
            errors.setdefault(ORG_COLUMN, []).append(
                _("“%(name)s”不是村（社区）党组织：选派干部只派驻村或社区。") % {"name": org.name}
            )
        self.link_person(instance, errors)
