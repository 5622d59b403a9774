"""Import/export of the member roster (DATA_DICTIONARY.md, members).

Built for whole-county rosters: existing members and organisations are loaded with a few
queries, rows are written in batches with their history, and the per-row database checks
of Django's full_clean (uniqueness, CheckConstraints) are replaced by Member.clean() plus
the file-wide duplicate and scope checks of ScopedResource.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from import_export import widgets

from core.importing import Column, KeyedInstanceLoader, dictionary_field
from core.tables import cell_text
from core.widgets import (
    ChoiceWidget,
    DateWidget,
    MobileWidget,
    TextWidget,
    YesNoWidget,
)
from orgs.importing import ScopedResource
from orgs.resources import labels

from ..choices import ETHNIC_GROUPS, Category, Education, Gender, Job
from ..identity import InvalidIdNumber, mask_id_number, mask_phone, validate_id_number
from ..models import Member
from ..models.member import ALREADY_A_MEMBER, NAME_RE
from ..permissions import can_view_full_personal_data

ID_COLUMN = "公民身份号码"


class IdNumberWidget(widgets.Widget):
    """The key column. A numeric cell is refused: Excel keeps 15 significant digits, so
    the last three of an 18-digit number are already gone when the file is saved."""

    def __init__(self):
        super().__init__(coerce_to_string=True)
        self.mask = True

    def clean(self, value: Any, row=None, **kwargs) -> str:
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise ValueError(
                _(
                    "该单元格是数字格式，Excel 只保留 15 位有效数字，号码末几位已丢失。"
                    "请把该列设为“文本”格式后重新填写号码。"
                )
            )
        text = cell_text(value)
        if not text:
            raise ValueError(_("必填，不能为空。"))
        try:
            return validate_id_number(text)
        except InvalidIdNumber as exc:
            raise ValueError(str(exc)) from None

    def render(self, value: Any, obj=None, **kwargs) -> str:
        return mask_id_number(value or "") if self.mask else (value or "")


class MaskedMobileWidget(MobileWidget):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.mask = True

    def render(self, value: Any, obj=None, **kwargs) -> str:
        return mask_phone(value or "") if self.mask else (value or "")


class NameWidget(TextWidget):
    def __init__(self):
        super().__init__(required=True, max_length=30, min_length=2)

    def clean(self, value: Any, row=None, **kwargs) -> str:
        text = super().clean(value, row, **kwargs)
        if not NAME_RE.match(text):
            raise ValueError(
                _("应为 2–30 个汉字或字母，少数民族姓名可用“·”分隔，不能有数字或其他符号。")
            )
        return text


class MemberResource(ScopedResource):
    table = "members"
    organization_field = "organization"
    validate_constraints_per_row = False  # Member.clean() checks each of them in Python
    validate_unique_per_row = False
    # The same answer as the portal's form: transfer, and never where the person is.
    outside_scope_message = ALREADY_A_MEMBER
    columns = (
        Column("姓名", "是", "2–30 个字符；少数民族姓名可用“·”"),
        Column(ID_COLUMN, "是", "主键；18 位，符合 GB 11643 校验（末位可为 X）；请设为文本格式"),
        Column("性别", "是", "须与身份证号码第 17 位一致", labels(Gender.choices)),
        Column("民族", "是", "56 个民族的规范名称", tuple(name for _code, name in ETHNIC_GROUPS)),
        Column("出生日期", "否", "YYYY-MM-DD；须与身份证号码一致，留空则取自号码"),
        Column("学历", "是", "从可选值中选择", labels(Education.choices)),
        Column("人员类别", "是", "从可选值中选择", labels(Category.choices)),
        Column("入党日期", "是", "YYYY-MM-DD；当日须年满 18 周岁；不能晚于今天"),
        Column("转正日期", "正式党员必填", "入党满一年（预备期）之后；预备党员留空"),
        Column("所在党组织代码", "是", "系统中已有、且在您管辖范围内的组织代码"),
        Column("工作岗位", "是", "从可选值中选择", labels(Job.choices)),
        Column("联系电话", "否", "11 位大陆手机号码"),
        Column("是否流动党员", "否", "是或否，留空为否", ("是", "否")),
        Column("流动去向", "流动党员必填", "外出去向（地点或单位），不超过 100 个字符"),
        Column("是否生活困难党员", "否", "是或否，留空为否", ("是", "否")),
    )

    name = dictionary_field("姓名", "name", NameWidget())
    id_number = dictionary_field(ID_COLUMN, "id_number", IdNumberWidget())
    gender = dictionary_field("性别", "gender", ChoiceWidget(Gender.choices, required=True))
    ethnicity = dictionary_field("民族", "ethnicity", ChoiceWidget(ETHNIC_GROUPS, required=True))
    birth_date = dictionary_field("出生日期", "birth_date", DateWidget(not_future=True))
    education = dictionary_field(
        "学历", "education", ChoiceWidget(Education.choices, required=True)
    )
    category = dictionary_field(
        "人员类别", "category", ChoiceWidget(Category.choices, required=True)
    )
    joined_on = dictionary_field(
        "入党日期", "joined_on", DateWidget(required=True, not_future=True)
    )
    confirmed_on = dictionary_field("转正日期", "confirmed_on", DateWidget(not_future=True))
    organization = dictionary_field("所在党组织代码", "organization", None)
    job = dictionary_field("工作岗位", "job", ChoiceWidget(Job.choices, required=True))
    phone = dictionary_field("联系电话", "phone", MaskedMobileWidget())
    is_mobile = dictionary_field("是否流动党员", "is_mobile", YesNoWidget())
    mobile_destination = dictionary_field(
        "流动去向", "mobile_destination", TextWidget(max_length=100)
    )
    is_in_hardship = dictionary_field("是否生活困难党员", "is_in_hardship", YesNoWidget())

    class Meta:
        model = Member
        import_id_fields = ("id_number",)
        instance_loader_class = KeyedInstanceLoader
        fields = (
            "name",
            "id_number",
            "gender",
            "ethnicity",
            "birth_date",
            "education",
            "category",
            "joined_on",
            "confirmed_on",
            "organization",
            "job",
            "phone",
            "is_mobile",
            "mobile_destination",
            "is_in_hardship",
        )
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True
        use_bulk = True
        batch_size = 1000
        # Row diffs cost as much as the import itself; unchanged rows are detected with
        # PortalResource.snapshot() instead, and large files are checked, not previewed.
        skip_diff = True

    def __init__(self, user: Any = None, source: str = "", *, unmasked: bool = False, **kwargs):
        super().__init__(user=user, source=source, **kwargs)
        # Full ID numbers and phones only for holders of the permission, or for a
        # deployer who asked for them explicitly (export_data --unmasked, logged).
        self.unmasked = can_view_full_personal_data(user) if user is not None else unmasked
        self.fields["id_number"].widget.mask = not self.unmasked
        self.fields["phone"].widget.mask = not self.unmasked

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("organization").order_by("organization__path", "name", "pk")
