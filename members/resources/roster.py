"""Import/export of the member roster (DATA_DICTIONARY.md, members).

Built for whole-county rosters: existing members and organisations are loaded with a few
queries, rows are written in batches with their history, and the per-row database checks
of Django's full_clean (uniqueness, CheckConstraints) are replaced by Member.clean() plus
the file-wide duplicate and scope checks of ScopedResource.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext as _
from import_export import widgets

from core.importing import Column, KeyedInstanceLoader, dictionary_field
from core.keys import is_masked
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
from ..models.member import ALREADY_A_MEMBER, NAME_RE, HardshipKind
from ..permissions import can_view_full_personal_data

ID_COLUMN = "公民身份号码"
#: how offices head the ID column (the dues table has it too)
ID_COLUMN_ALIASES = (
    "身份证号",
    "身份证号码",
    "身份证",
    "公民身份证号码",
    "公民身份证号",
    "证件号码",
)


class IdNumberWidget(widgets.Widget):
    """The key column. A numeric cell is refused: Excel keeps 15 significant digits, so
    the last three of an 18-digit number are already gone when the file is saved. So is
    a masked number, as the portal's own export writes it for most users."""

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
            # A valid number holds no mask character: the mask is looked for (a costly
            # normalisation) only in numbers that fail, to say why they fail.
            return validate_id_number(text)
        except InvalidIdNumber as exc:
            if is_masked(text):
                raise ValueError(
                    _(
                        "这是脱敏导出的号码（中间被“*”遮盖），不能用于导入。"
                        "请从系统导出未脱敏的文件（需“查看完整个人信息”权限），或填写完整号码。"
                    )
                ) from None
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
    masked_columns = (ID_COLUMN, "联系电话")
    #: the 全国党员管理信息系统's 党员信息 export holds these too; the roster does not
    ignored_headers = (
        "家庭住址", "现居住地", "籍贯", "党籍状态", "是否为失联党员", "失联日期",
        "工作单位及职务", "党内职务", "申请入党日期", "列为积极分子日期", "列为发展对象日期",
        "人员编号", "党员编号",
    )  # fmt: skip
    #: the columns as other files head them, the 全国党员管理信息系统's 党员信息 export first
    header_aliases: ClassVar[dict[str, tuple[str, ...]]] = {
        "姓名": ("党员姓名",),
        ID_COLUMN: ID_COLUMN_ALIASES,
        "出生日期": ("出生年月日",),
        "学历": ("文化程度", "学历学位", "最高学历"),
        "人员类别": ("党员类别", "党员身份"),
        "入党日期": ("入党时间", "加入党组织日期"),
        "转正日期": ("转正时间", "转为正式党员日期"),
        "所在党组织代码": (
            "所在党组织",
            "所在支部",
            "所在党支部",
            "党组织名称",
            "所在党组织名称",
            "党组织",
        ),
        "工作岗位": ("职业", "岗位"),
        "联系电话": ("手机号码", "手机号", "联系方式", "电话", "手机"),
        "是否流动党员": ("流动党员", "是否为流动党员"),
        "流动去向": ("外出流向", "流动去向（外出地点）", "外出地点"),
        "是否生活困难党员": ("生活困难党员", "困难党员", "是否为生活困难党员", "是否困难党员"),
    }
    #: built-in value aliases of the choice columns (alias → label); the short forms left
    #: out are ambiguous: 土 (土族 or 土家族), 大学 (本科 or 专科), 管理人员
    value_aliases: ClassVar[dict[str, dict[str, str]]] = {
        "性别": {"男性": "男", "女性": "女"},
        "民族": {
            **{name.removesuffix("族"): name for _code, name in ETHNIC_GROUPS if name != "土族"},
            "蒙": "蒙古族",
            "维": "维吾尔族",
        },
        "学历": {
            **dict.fromkeys(("硕士", "博士", "硕士研究生", "博士研究生", "研究生学历"), "研究生"),
            **dict.fromkeys(("本科", "大本", "学士", "本科学历"), "大学本科"),
            **dict.fromkeys(("大专", "专科", "高职", "大专学历"), "大学专科"),
            **dict.fromkeys(("中专", "中等专业学校", "中专学历"), "中等专科"),
            # The national statistics count 中技 and 职高 with 高中 ("高中、中技").
            **dict.fromkeys(
                ("高中、中技", "普通高中", "中技", "技校", "技工学校", "职高", "职业高中"),
                "高中",
            ),
            **dict.fromkeys(("初中", "小学", "小学及以下", "文盲", "半文盲"), "初中及以下"),
        },
        "人员类别": {"正式": "正式党员", "预备": "预备党员"},
        "工作岗位": {
            **dict.fromkeys(("工人（工勤技能人员）", "工勤技能人员"), "工人"),
            **dict.fromkeys(("农民", "牧民", "渔民", "农牧民"), "农牧渔民"),
            "企事业单位、社会组织管理人员": "企事业单位管理人员",
            **dict.fromkeys(("企事业单位、社会组织专业技术人员", "专技人员"), "专业技术人员"),
            **dict.fromkeys(("公务员", "机关工作人员", "党政机关人员"), "党政机关工作人员"),
            "在校学生": "学生",
            **dict.fromkeys(
                ("离退休", "离休", "退休", "离休人员", "退休人员", "离退休干部"), "离退休人员"
            ),
            **dict.fromkeys(("其他", "其他人员"), "其他职业人员"),
        },
    }
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
        Column(
            "生活困难类型",
            "否",
            "下岗失业、依靠抚恤或救济生活、低保的按最低定额缴纳党费；可不含此列；"
            "填写后“是否生活困难党员”可留空",
            labels(HardshipKind.choices),
        ),
    )

    name = dictionary_field("姓名", "name", NameWidget())
    id_number = dictionary_field(ID_COLUMN, "id_number", IdNumberWidget())
    gender = dictionary_field(
        "性别", "gender", ChoiceWidget(Gender.choices, required=True, aliases=value_aliases["性别"])
    )
    ethnicity = dictionary_field(
        "民族",
        "ethnicity",
        ChoiceWidget(ETHNIC_GROUPS, required=True, aliases=value_aliases["民族"]),
    )
    birth_date = dictionary_field("出生日期", "birth_date", DateWidget(not_future=True))
    education = dictionary_field(
        "学历",
        "education",
        ChoiceWidget(Education.choices, required=True, aliases=value_aliases["学历"]),
    )
    category = dictionary_field(
        "人员类别",
        "category",
        ChoiceWidget(Category.choices, required=True, aliases=value_aliases["人员类别"]),
    )
    joined_on = dictionary_field(
        "入党日期", "joined_on", DateWidget(required=True, not_future=True)
    )
    confirmed_on = dictionary_field("转正日期", "confirmed_on", DateWidget(not_future=True))
    organization = dictionary_field("所在党组织代码", "organization", None)
    job = dictionary_field(
        "工作岗位",
        "job",
        ChoiceWidget(Job.choices, required=True, aliases=value_aliases["工作岗位"]),
    )
    phone = dictionary_field("联系电话", "phone", MaskedMobileWidget())
    is_mobile = dictionary_field("是否流动党员", "is_mobile", YesNoWidget())
    mobile_destination = dictionary_field(
        "流动去向", "mobile_destination", TextWidget(max_length=100)
    )
    is_in_hardship = dictionary_field("是否生活困难党员", "is_in_hardship", YesNoWidget())
    hardship_kind = dictionary_field(
        "生活困难类型", "hardship_kind", ChoiceWidget(HardshipKind.choices)
    )

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
            "hardship_kind",
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

    def clean_row(self, instance: Member, row, errors: dict[str, list[str]]) -> None:
        # A hardship type says the member is in hardship: the flag column may stay blank
        # (or be absent); an explicit 否 beside a type is refused by Member.clean().
        if instance.hardship_kind and not cell_text(row.get("是否生活困难党员")):
            instance.is_in_hardship = True
