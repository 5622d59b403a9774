"""Import/export of the organisation table (DATA_DICTIONARY.md, orgs)."""

from __future__ import annotations

import re
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Length, Substr
from django.utils.translation import gettext as _

from core.importing import Column, KeyedInstanceLoader, dictionary_field
from core.tables import cell_text
from core.widgets import (
    ChoiceWidget,
    DateWidget,
    IntegerWidget,
    MobileWidget,
    PatternWidget,
    TextWidget,
    YesNoWidget,
)

from .choices import OrgDomain, OrgKind, OrgLevel
from .importing import OrganizationCodeWidget, ScopedResource, ambiguous_name_message
from .models import TREE_FIELDS, Organization
from .scope import can_edit_path
from .terms import default_term_years

PARENT_COLUMN = "上级组织代码"
WEAK_LAX_COLUMN = "是否软弱涣散"
UNITS_COLUMN = "联合党支部所含单位"


class UnitLinesWidget(TextWidget):
    """The units of a 联合党支部, stored one per line; a cell may also list them on one
    line separated by “、” or “；”, as offices write them."""

    def prepare(self, text: str) -> str:
        units = (unit.strip() for unit in re.split(r"[\r\n、；;]+", text))
        return "\n".join(unit for unit in units if unit)


def labels(choices) -> tuple[str, ...]:
    return tuple(str(label) for _value, label in choices)


def with_parent_code(queryset):
    """Annotate `parent_code` in the same query (no query per row on export)."""
    parent = Organization.objects.filter(
        path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Organization.steplen)
    ).values("code")[:1]
    return queryset.annotate(parent_code=Subquery(parent))


class OrganizationResource(ScopedResource):
    table = "orgs"
    #: the columns as other files head them
    header_aliases: ClassVar[dict[str, tuple[str, ...]]] = {
        "组织代码": ("党组织代码", "组织编码", "党组织编码"),
        "组织名称": ("党组织名称", "党组织全称", "名称"),
        PARENT_COLUMN: (
            "上级党组织代码",
            "上级组织编码",
            "上级党组织编码",
            "上级党组织",
            "上级组织",
            "上级党组织名称",
        ),
        "组织类别": ("党组织类别", "组织类型", "党组织类型"),
        "行政层级": ("层级", "组织层级"),
        "所属领域": ("领域", "所在领域"),
        "成立日期": ("成立时间", "建立日期", "党组织成立日期"),
        "书记姓名": ("书记", "党组织书记"),
        "书记联系电话": ("书记电话", "书记手机", "书记手机号码"),
        "本届任期开始日期": ("换届日期", "本届换届日期", "上次换届日期", "本届任期开始时间"),
        "任期年限": ("任期", "每届任期"),
        "是否示范点": ("示范点",),
        WEAK_LAX_COLUMN: ("软弱涣散", "软弱涣散党组织"),
    }
    #: built-in value aliases of the choice columns (alias → label)
    value_aliases: ClassVar[dict[str, dict[str, str]]] = {
        "组织类别": {
            **dict.fromkeys(("党的委员会", "基层党委"), "党委"),
            **dict.fromkeys(("党的工作委员会", "工委"), "党工委"),
            **dict.fromkeys(("党总支部", "总支", "党总支部委员会"), "党总支"),
            "党支部委员会": "党支部",
            **dict.fromkeys(("联合支部", "联合党支部委员会"), "联合党支部"),
            "临时支部": "临时党支部",
        },
        "行政层级": {
            **dict.fromkeys(("市", "市一级", "地市级"), "市级"),
            **dict.fromkeys(("县", "县一级", "县（区）级", "县区级", "区县级"), "县级"),
            **dict.fromkeys(("乡镇", "乡级", "镇级", "街道", "街道级", "乡镇（街道）级"), "乡镇级"),
            **dict.fromkeys(("村", "社区", "村（社区）级", "社区级"), "村级"),
        },
        "所属领域": {
            **dict.fromkeys(("党政机关", "机关单位"), "机关"),
            **dict.fromkeys(("国企", "国有控股企业"), "国有企业"),
            **dict.fromkeys(
                ("非公企业", "非公有制经济组织", "民营企业", "私营企业"), "非公有制企业"
            ),
            **dict.fromkeys(("社会团体", "社团", "民办非企业单位"), "社会组织"),
            **dict.fromkeys(("高校", "中小学", "高等学校"), "学校"),
            **dict.fromkeys(("开发区", "产业园区", "工业园区"), "园区"),
        },
    }
    columns = (
        Column("组织代码", "是", "主键；1–32 位字母、数字或“-”；唯一"),
        Column("组织名称", "是", "不超过 100 个字符"),
        Column(
            PARENT_COLUMN,
            "是（根组织除外）",
            "组织代码，或系统中已有组织的全称或简称；须已在系统中，或在本文件前面的行中；"
            "不能形成循环",
        ),
        Column("组织类别", "是", "从可选值中选择", labels(OrgKind.choices)),
        Column("行政层级", "是", "下级不能高于上级", labels(OrgLevel.choices)),
        Column("所属领域", "是", "从可选值中选择", labels(OrgDomain.choices)),
        Column("成立日期", "否", "YYYY-MM-DD；不能晚于今天"),
        Column("书记姓名", "否", "不超过 30 个字符"),
        Column("书记联系电话", "否", "11 位大陆手机号码"),
        Column("本届任期开始日期", "否", "上次换届日期，YYYY-MM-DD"),
        Column("任期年限", "否", "3 或 5；留空按类别和层级取默认值（村级 5 年）", ("3", "5")),
        Column("是否示范点", "否", "是或否，留空为否", ("是", "否")),
        Column(
            WEAK_LAX_COLUMN,
            "否",
            "由软弱涣散整顿台账决定，导入不修改：可留空；填写时须与台账一致（有整顿中的台账为是）",
            ("是", "否"),
        ),
        Column(
            UNITS_COLUMN,
            "否",
            "联合党支部填写所覆盖的单位，每行一个（也可用“、”或“；”分隔）；一般不超过 5 个",
        ),
    )

    code = dictionary_field(
        "组织代码",
        "code",
        PatternWidget(
            r"[A-Za-z0-9-]{1,32}",
            _("只能由 1–32 位字母、数字或“-”组成。"),
            required=True,
            max_length=32,
        ),
    )
    name = dictionary_field("组织名称", "name", TextWidget(required=True, max_length=100))
    parent = dictionary_field(PARENT_COLUMN, None, TextWidget(), dehydrate_method="parent_code")
    kind = dictionary_field(
        "组织类别",
        "kind",
        ChoiceWidget(OrgKind.choices, required=True, aliases=value_aliases["组织类别"]),
    )
    level = dictionary_field(
        "行政层级",
        "level",
        ChoiceWidget(OrgLevel.choices, required=True, aliases=value_aliases["行政层级"]),
    )
    domain = dictionary_field(
        "所属领域",
        "domain",
        ChoiceWidget(OrgDomain.choices, required=True, aliases=value_aliases["所属领域"]),
    )
    founded_on = dictionary_field("成立日期", "founded_on", DateWidget(not_future=True))
    secretary_name = dictionary_field("书记姓名", "secretary_name", TextWidget(max_length=30))
    secretary_phone = dictionary_field("书记联系电话", "secretary_phone", MobileWidget())
    term_started_on = dictionary_field(
        "本届任期开始日期", "term_started_on", DateWidget(not_future=True)
    )
    term_years = dictionary_field("任期年限", "term_years", IntegerWidget(allowed=(3, 5)))
    is_demonstration = dictionary_field("是否示范点", "is_demonstration", YesNoWidget())
    is_weak_and_lax = dictionary_field(WEAK_LAX_COLUMN, "is_weak_and_lax", YesNoWidget())
    covered_units = dictionary_field(
        UNITS_COLUMN, "covered_units", UnitLinesWidget(max_length=2000)
    )

    class Meta:
        model = Organization
        import_id_fields = ("code",)
        instance_loader_class = KeyedInstanceLoader
        fields = (
            "code",
            "name",
            "parent",
            "kind",
            "level",
            "domain",
            "founded_on",
            "secretary_name",
            "secretary_phone",
            "term_started_on",
            "term_years",
            "is_demonstration",
            "is_weak_and_lax",
            "covered_units",
        )
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    def parent_code(self, obj: Organization) -> str:
        if getattr(obj, "_import_parent", None) is not None:  # the import preview's diff
            return obj._import_parent.code
        if hasattr(obj, "parent_code"):
            return obj.parent_code or ""
        parent = obj.parent_node()
        return parent.code if parent else ""

    def get_queryset(self):
        return with_parent_code(super().get_queryset())

    def filter_export(self, queryset, **kwargs):
        return with_parent_code(queryset).order_by("path")

    def validation_exclude(self):
        return TREE_FIELDS

    # --- the parent column ------------------------------------------------------------
    def clean_row(self, instance: Organization, row, errors) -> None:
        if not instance.term_years and instance.kind and instance.level:
            # A blank 任期年限 means the default; set it now so that re-imports compare equal.
            instance.term_years = default_term_years(instance.kind, instance.level)
        self.check_weak_and_lax(instance, row, errors)
        instance._import_parent = self.resolve_parent(instance, row)
        if not errors.get("行政层级"):
            instance.validate_parent(instance._import_parent)
            instance.validate_children_levels()

    def check_weak_and_lax(self, instance: Organization, row, errors) -> None:
        """是否软弱涣散 follows the weak-and-lax register (assessments.register): a file
        may repeat the flag (export, edit, import) but never change it. The stored flag
        is the register's, so no query per row."""
        snapshot = getattr(instance, "_import_snapshot", None) or {}
        registered = bool(snapshot.get("is_weak_and_lax", False))
        stated = instance.is_weak_and_lax
        instance.is_weak_and_lax = registered
        if WEAK_LAX_COLUMN in errors or not cell_text(row.get(WEAK_LAX_COLUMN)):
            return
        if stated and not registered:
            message = _(
                "该组织没有整顿中的软弱涣散整顿台账：请先在“软弱涣散整顿台账”中登记"
                "（登记后自动标记），或将本列留空。"
            )
        elif registered and not stated:
            message = _(
                "该组织有整顿中的软弱涣散整顿台账：请在台账中销号（销号后自动取消标记），"
                "或将本列留空。"
            )
        else:
            return
        errors.setdefault(WEAK_LAX_COLUMN, []).append(message)

    def resolve_parent(self, instance: Organization, row) -> Organization | None:
        """The organisation named in 上级组织代码, checked against existence and scope."""
        code = cell_text(row.get(PARENT_COLUMN))
        current_parent_path = instance.parent_path if instance.pk else None
        if not code:
            if instance.pk and instance.depth == 1:
                return None  # an existing root stays a root
            if instance.pk is None and self.user is None and not Organization.objects.exists():
                return None  # the first organisation of an empty portal is the root
            raise ValidationError({PARENT_COLUMN: _("必填（只有根组织可以留空）。")})
        if code == cell_text(row.get("组织代码")):
            raise ValidationError({PARENT_COLUMN: _("上级组织不能是它自己。")})
        parent = Organization.objects.filter(code=code).first() or self.parent_named(code)
        if parent is None:
            raise ValidationError(
                {
                    PARENT_COLUMN: _(
                        "“%(code)s”不存在（上级组织须已在系统中，或在本文件前面的行中）。"
                    )
                    % {"code": code}
                }
            )
        unchanged = current_parent_path is not None and parent.path == current_parent_path
        if self.user is not None and not unchanged and not can_edit_path(self.user, parent.path):
            raise ValidationError(
                {PARENT_COLUMN: _("“%(code)s”不在您的管辖范围内。") % {"code": code}}
            )
        return parent

    def parent_named(self, text: str) -> Organization | None:
        """An existing organisation of the write scope named `text` (full or short name),
        looked up as the 组织代码 columns look names up; None when there is none."""
        if not hasattr(self, "_names"):
            self._names = OrganizationCodeWidget(lambda: self.user)
        matches = self._names.named(text)
        if len(matches) > 1:
            raise ValidationError({PARENT_COLUMN: ambiguous_name_message(text, matches)})
        return matches[0] if matches else None

    def skip_row(self, instance, original, row, import_validation_errors=None):
        parent = getattr(instance, "_import_parent", None)
        if instance.pk and parent is not None and parent.path != instance.parent_path:
            return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def do_instance_save(self, instance: Organization, is_create: bool) -> None:
        from .services import place_organization

        place_organization(instance, instance._import_parent, created=is_create)
