"""Import/export of 民主评议党员 results (the `appraisals` table).

A row's key is (member, year): the 公民身份号码 column finds the member among those of the
importer's write scope (an unknown number and one outside the scope get the same answer),
read once for the whole file in `before_import`. The appraising organisation is never read
from the file: it is where the member belonged that year (members.services.appraisals), and
it must lie in the importer's write scope too.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import widgets

from core.importing import Column, KeyedInstanceLoader, dictionary_field
from core.keys import normalise_text
from core.tables import cell_text
from core.widgets import ChoiceWidget, DateWidget, TextWidget, shown
from core.years import FIRST_YEAR
from orgs.importing import ScopedResource
from orgs.resources import labels
from orgs.scope import can_edit_path

from ..models import Appraisal, AppraisalResult, Disposition, Member
from ..permissions import can_view_full_personal_data
from ..services.appraisals import internal_moves, organization_in_year
from .dues import MemberByIdNumberWidget
from .roster import ID_COLUMN, ID_COLUMN_ALIASES

NAME_COLUMN = "姓名"
YEAR_COLUMN = "年度"
RESULT_COLUMN = "评议结果"
ORG_COLUMN = "评议党组织"
YEAR_RE = re.compile(r"^([0-9]{4})(?:年度?)?$")


class YearWidget(widgets.Widget):
    """A year: 2025, 2025年 or 2025年度 (a number or a text cell)."""

    def __init__(self):
        super().__init__(coerce_to_string=True)

    def clean(self, value: Any, row=None, **kwargs) -> int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = normalise_text(cell_text(value)).replace(" ", "")
        if not text:
            raise ValueError(_("必填，填写评议的年度，如 2025。"))
        match = YEAR_RE.match(text)
        last = timezone.localdate().year
        if not match or not FIRST_YEAR <= int(match.group(1)) <= last:
            raise ValueError(
                _("“%(value)s”不是有效年度，应为 %(first)d–%(last)d 之间的四位年份，如 2025。")
                % {"value": shown(text), "first": FIRST_YEAR, "last": last}
            )
        return int(match.group(1))

    def render(self, value: Any, obj=None, **kwargs) -> str:
        return "" if value is None else str(value)


class AppraisalResource(ScopedResource):
    table = "appraisals"
    masked_columns = (ID_COLUMN,)
    header_aliases: ClassVar[dict[str, tuple[str, ...]]] = {
        ID_COLUMN: ID_COLUMN_ALIASES,
        NAME_COLUMN: ("党员姓名",),
        YEAR_COLUMN: ("评议年度", "年份", "评议年份"),
        RESULT_COLUMN: ("评议等次", "评定等次", "评议结论", "民主评议结果", "等次"),
        "处置": ("处置方式", "处置情况", "组织处置", "不合格党员处置"),
        "处置日期": ("处置时间",),
        "备注": ("说明",),
    }
    value_aliases: ClassVar[dict[str, dict[str, str]]] = {
        RESULT_COLUMN: {
            "优秀党员": "优秀",
            "合格党员": "合格",
            "基本合格党员": "基本合格",
            "不合格党员": "不合格",
        },
        "处置": {"限期整改": "限期改正", "责令限期改正": "限期改正", "予以除名": "除名"},
    }
    # Appraisal.clean() and the file-wide checks cover the constraints and the
    # (member, year) uniqueness without a query per row.
    validate_constraints_per_row = False
    validate_unique_per_row = False
    outside_scope_message = _(
        "该党员这一年度的评议结果已由其他党组织录入，不在您的管辖范围内，不能修改。"
    )
    columns = (
        Column(ID_COLUMN, "是", "与年度一起确定一条记录；须为您管辖范围内的党员；请设为文本格式"),
        Column(NAME_COLUMN, "否", "核对用：填写时须与该身份证号码的党员姓名一致"),
        Column(YEAR_COLUMN, "是", "四位年份，如 2025；不能晚于今年，不能早于入党年份"),
        Column(RESULT_COLUMN, "是", "从可选值中选择", labels(AppraisalResult.choices)),
        Column(
            "处置",
            "否",
            "仅评议结果为“不合格”时填写；不会自动变更党籍状态",
            labels(Disposition.choices),
        ),  # fmt: skip
        Column("处置日期", "填写处置时必填", "YYYY-MM-DD；不早于评议年度，不晚于今天"),
        Column("备注", "否", "不超过 200 个字符"),
        Column(ORG_COLUMN, "否", "按党员当年所在党组织记录；导出时填写，导入时忽略"),
    )

    member = dictionary_field(ID_COLUMN, "member", MemberByIdNumberWidget())
    member_name = dictionary_field(NAME_COLUMN, None, widgets.Widget())
    year = dictionary_field(YEAR_COLUMN, "year", YearWidget())
    result = dictionary_field(
        RESULT_COLUMN,
        "result",
        ChoiceWidget(AppraisalResult.choices, required=True, aliases=value_aliases[RESULT_COLUMN]),
    )
    disposition = dictionary_field(
        "处置", "disposition", ChoiceWidget(Disposition.choices, aliases=value_aliases["处置"])
    )
    disposition_on = dictionary_field("处置日期", "disposition_on", DateWidget(not_future=True))
    note = dictionary_field("备注", "note", TextWidget(max_length=200))
    organization_name = dictionary_field(ORG_COLUMN, None, widgets.Widget(), readonly=True)

    class Meta:
        model = Appraisal
        import_id_fields = ("member", "year")
        instance_loader_class = KeyedInstanceLoader
        fields = (
            "member",
            "member_name",
            "year",
            "result",
            "disposition",
            "disposition_on",
            "note",
            "organization_name",
        )
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True
        use_bulk = True
        batch_size = 1000
        skip_diff = True

    def __init__(self, user: Any = None, source: str = "", *, unmasked: bool = False, **kwargs):
        super().__init__(user=user, source=source, **kwargs)
        # Exports carry ID numbers: in full only with the permission, or for a deployer
        # who asked explicitly (export_data --unmasked, logged).
        self.unmasked = can_view_full_personal_data(user) if user is not None else unmasked
        self.member_widget = MemberByIdNumberWidget()
        self.member_widget.mask = not self.unmasked
        self.fields["member"].widget = self.member_widget
        self._moves: dict[int, list] = {}

    # --- scope ------------------------------------------------------------------------
    def member_queryset(self):
        members = Member.objects.select_related("organization")
        return members if self.user is None else members.editable_by(self.user)

    def get_queryset(self):
        return super().get_queryset().select_related("member", "organization")

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("member", "organization").order_by(
            "-year", "organization__path", "member__name", "member_id"
        )

    def dehydrate_member_name(self, appraisal: Appraisal) -> str:
        return appraisal.member.name

    def dehydrate_organization_name(self, appraisal: Appraisal) -> str:
        return appraisal.organization.name

    # --- rows -------------------------------------------------------------------------
    def before_import(self, dataset, **kwargs: Any) -> None:
        super().before_import(dataset, **kwargs)
        found = self.member_widget.load(dataset, self.member_queryset())
        self._moves = internal_moves(m.pk for m in found.values())

    def clean_row(self, instance: Appraisal, row, errors: dict[str, list[str]]) -> None:
        if not instance.member_id:
            return  # the ID number was refused
        member = instance.member
        name = cell_text(row.get(NAME_COLUMN))
        if name and name != member.name:
            errors.setdefault(NAME_COLUMN, []).append(
                _("与该公民身份号码的党员姓名“%(name)s”不一致。") % {"name": member.name}
            )
        if instance.pk is None and instance.year and YEAR_COLUMN not in errors:
            organization = organization_in_year(
                member, instance.year, moves=self._moves.get(member.pk, [])
            )
            if self.user is not None and not can_edit_path(self.user, organization.path):
                errors.setdefault(YEAR_COLUMN, []).append(
                    _("该党员这一年度所在的党组织不在您的管辖范围内，请由该组织录入。")
                )
            instance.organization = organization

    def validation_exclude(self):
        # The member was found inside the scope and the organisation computed from it: no
        # query per row to check that they exist.
        return ("member", "organization", "recorded_by")

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        if instance.pk is None:
            instance.recorded_by = self.user
        # bulk_update does not apply auto_now.
        instance.updated_at = timezone.now()

    def bulk_update_fields(self) -> list[str]:
        return ["result", "disposition", "disposition_on", "note", "updated_at"]
