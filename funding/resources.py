"""Import/export of the funds, sites and economy tables (DATA_DICTIONARY.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import widgets

from core.importing import Column, KeyedInstanceLoader, dictionary_field
from core.tables import cell_text
from core.widgets import (
    ChoiceWidget,
    DateWidget,
    DecimalWidget,
    IntegerWidget,
    PatternWidget,
    TextWidget,
)
from orgs.importing import ScopedResource
from orgs.resources import labels

from .choices import (
    STAGE_ORDER,
    STAGES_FINISHED,
    STAGES_STARTED,
    ConstructionNature,
    FundCategory,
    FundSource,
    ProjectStage,
    ProjectType,
    Room,
)
from .models import EconomyRecord, FundLine, StageChange, VenueProject
from .selectors.economy import reporting_village_errors
from .services.funds import apply_disbursed_total, disbursed_total_error

CODE_PATTERN = r"[A-Za-z0-9-]{1,40}"
CODE_MESSAGE = _("只能由 1–40 位字母、数字或“-”组成。")


class YearWidget(IntegerWidget):
    def clean(self, value: Any, row=None, **kwargs) -> int | None:
        year = super().clean(value, row, **kwargs)
        if year is not None and not 2000 <= year <= 2100:
            raise ValueError(_("应在 2000 到 2100 之间。"))
        return year


# --- funds -------------------------------------------------------------------------
DISBURSED = "已拨付金额（元）"
PAID_ON = "拨付日期"


class FundLineResource(ScopedResource):
    """The file states each line's disbursed *total*; the portal keeps instalments. A
    higher total adds one instalment for the difference (dated 拨付日期); a lower one is
    refused (instalments entered by mistake are deleted on the line's page)."""

    table = "funds"
    organization_field = "organization"
    #: the columns as other files head them
    header_aliases: ClassVar[dict[str, tuple[str, ...]]] = {
        "经费编号": ("编号", "经费代码"),
        "年度": ("年份",),
        "组织代码": ("党组织代码",),
        "经费类别": ("类别", "经费类型"),
        "资金来源": ("来源", "经费来源"),
        "预算金额（元）": ("预算金额", "预算（元）", "预算"),
        DISBURSED: ("已拨付金额", "拨付金额（元）", "拨付金额", "已拨付（元）"),
        PAID_ON: ("拨付时间",),
        "摘要": ("备注", "说明", "用途"),
    }
    #: built-in value aliases of the choice columns (alias → label)
    value_aliases: ClassVar[dict[str, dict[str, str]]] = {
        "经费类别": {
            "党组织工作经费": "工作经费",
            **dict.fromkeys(("党组织活动经费", "党建活动经费"), "活动经费"),
            **dict.fromkeys(("村干部报酬", "村干部补贴"), "干部报酬"),
            **dict.fromkeys(("阵地建设经费", "活动场所建设"), "阵地建设"),
            **dict.fromkeys(("党员教育培训", "党员培训"), "党员教育"),
            **dict.fromkeys(("困难党员慰问", "慰问困难党员"), "困难党员帮扶"),
            **dict.fromkeys(("集体经济", "扶持集体经济"), "集体经济扶持"),
        },
        "资金来源": {
            **dict.fromkeys(("财政", "财政拨款", "财政资金"), "财政预算"),
            **dict.fromkeys(("党费", "下拨党费", "留存党费"), "党费返还"),
            **dict.fromkeys(("单位经费", "单位自筹"), "单位列支"),
            **dict.fromkeys(("捐助", "捐赠", "社会捐赠"), "社会捐助"),
        },
    }
    columns = (
        Column("经费编号", "是", "主键；1–40 位字母、数字或“-”；唯一"),
        Column("年度", "是", "2000–2100"),
        Column("组织代码", "是", "接收经费的组织，须在您的管辖范围内"),
        Column("经费类别", "是", "从可选值中选择", labels(FundCategory.choices)),
        Column("资金来源", "是", "从可选值中选择", labels(FundSource.choices)),
        Column("预算金额（元）", "是", "≥ 0，最多两位小数"),
        Column(DISBURSED, "否", "0 ≤ 已拨付 ≤ 预算；不能少于系统中已登记的拨付合计"),
        Column(PAID_ON, "已拨付大于 0 时必填", "YYYY-MM-DD；不能晚于今天"),
        Column("摘要", "否", "不超过 200 个字符"),
    )

    code = dictionary_field(
        "经费编号",
        "code",
        PatternWidget(CODE_PATTERN, CODE_MESSAGE, required=True, max_length=40),
    )
    year = dictionary_field("年度", "year", YearWidget(required=True))
    organization = dictionary_field("组织代码", "organization", None)
    category = dictionary_field(
        "经费类别",
        "category",
        ChoiceWidget(FundCategory.choices, required=True, aliases=value_aliases["经费类别"]),
    )
    source = dictionary_field(
        "资金来源",
        "source",
        ChoiceWidget(FundSource.choices, required=True, aliases=value_aliases["资金来源"]),
    )
    budget = dictionary_field("预算金额（元）", "budget", DecimalWidget(required=True))
    disbursed = dictionary_field(DISBURSED, "disbursed", DecimalWidget(), readonly=True)
    paid_on = dictionary_field(
        PAID_ON, None, DateWidget(not_future=True), dehydrate_method="last_paid_on"
    )
    summary = dictionary_field("摘要", "summary", TextWidget(max_length=200))

    class Meta:
        model = FundLine
        import_id_fields = ("code",)
        instance_loader_class = KeyedInstanceLoader
        fields = (
            "code",
            "year",
            "organization",
            "category",
            "source",
            "budget",
            "disbursed",
            "paid_on",
            "summary",
        )
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True
        skip_diff = True

    def validation_exclude(self):
        return (*super().validation_exclude(), "disbursed")

    def filter_export(self, queryset, **kwargs):
        return (
            queryset.select_related("organization")
            .annotate(last_paid=Max("disbursements__paid_on"))
            .order_by("-year", "organization__path", "code")
        )

    def last_paid_on(self, obj: FundLine) -> str:
        day = getattr(obj, "last_paid", None)
        return day.isoformat() if day else ""

    def clean_row(self, instance: FundLine, row, errors) -> None:
        total = None
        if DISBURSED in row:
            try:
                total = self.fields["disbursed"].widget.clean(row.get(DISBURSED))
            except ValueError as exc:
                errors.setdefault(DISBURSED, []).append(str(exc))
                return
        paid_on = None
        if PAID_ON in row:
            try:
                paid_on = self.fields["paid_on"].widget.clean(row.get(PAID_ON))
            except ValueError as exc:
                errors.setdefault(PAID_ON, []).append(str(exc))
                return
        instance._import_total = total
        instance._import_paid_on = paid_on
        before = getattr(instance, "_import_snapshot", None)
        if before and instance.disbursed:
            # Instalments were paid to this organisation for this year: as on the page and
            # in the admin, neither changes once money has gone out.
            for attname, column in (("year", "年度"), ("organization_id", "组织代码")):
                if before[attname] != getattr(instance, attname) and column not in errors:
                    errors.setdefault(column, []).append(
                        _("该经费已拨付 %(done)s 元，不能再修改年度或组织。")
                        % {"done": instance.disbursed}
                    )
        if (
            paid_on is not None
            and instance.year
            and paid_on.year < instance.year - 1
            and PAID_ON not in errors
        ):
            errors.setdefault(PAID_ON, []).append(
                _("拨付日期不能早于经费年度的上一年（%(year)d 年）。") % {"year": instance.year - 1}
            )
        if total is None or instance.budget is None:
            return
        problem = disbursed_total_error(instance, total, instance.budget)
        if problem:
            errors.setdefault(DISBURSED, []).append(problem)
        elif total > instance.disbursed and paid_on is None:
            errors.setdefault(PAID_ON, []).append(_("已拨付金额大于 0 时必填。"))

    def skip_row(self, instance, original, row, import_validation_errors=None):
        total = getattr(instance, "_import_total", None)
        if total is not None and total != instance.disbursed:
            return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def do_instance_save(self, instance: FundLine, is_create: bool) -> None:
        instance.save(force_insert=is_create)
        total = getattr(instance, "_import_total", None)
        if total is not None and total > instance.disbursed:
            apply_disbursed_total(
                user=self.user,
                fund=instance,
                total=total,
                paid_on=instance._import_paid_on,
                reason=self.history_reason(),
            )


# --- sites -------------------------------------------------------------------------
ROOMS = "功能配置"
# Sub-paths of /sites/: a project with such a code could not be opened.
RESERVED_SITE_CODES = frozenset({"new", "export"})


class RoomsWidget(widgets.Widget):
    """功能配置: room names separated by 、 (or ，/,), stored as Room codes."""

    def __init__(self):
        super().__init__(coerce_to_string=True)
        self.by_label = {str(label): value for value, label in Room.choices}

    def clean(self, value: Any, row=None, **kwargs) -> list[str]:
        text = cell_text(value)
        for separator in ("，", ",", "；", ";", " "):
            text = text.replace(separator, "、")
        names = [name.strip() for name in text.split("、") if name.strip()]
        unknown = [name for name in names if name not in self.by_label]
        if unknown:
            raise ValueError(
                _("“%(names)s”不是可选的功能室，只能填写：%(allowed)s（用“、”分隔）。")
                % {"names": "、".join(unknown), "allowed": "、".join(self.by_label)}
            )
        codes = {self.by_label[name] for name in names}
        return [code for code in Room.values if code in codes]  # canonical order

    def render(self, value: Any, obj=None, **kwargs) -> str:
        labels_by_code = {code: label for label, code in self.by_label.items()}
        return "、".join(labels_by_code[c] for c in (value or []) if c in labels_by_code)


class VenueProjectResource(ScopedResource):
    """A stage change in a file is recorded like one made on the page, forward only:
    going back needs a reason, which a file has no column for."""

    table = "sites"
    organization_field = "organization"
    #: the columns as other files head them
    header_aliases: ClassVar[dict[str, tuple[str, ...]]] = {
        "项目编号": ("编号", "项目代码"),
        "项目名称": ("名称",),
        "组织代码": ("党组织代码",),
        "项目类型": ("类型",),
        "建设性质": ("性质",),
        "计划投资（万元）": ("计划投资", "总投资（万元）", "总投资"),
        "已完成投资（万元）": ("已完成投资", "完成投资（万元）", "完成投资"),
        "建筑面积（㎡）": ("建筑面积", "建筑面积（平方米）", "面积（㎡）", "面积"),
        "状态": ("建设状态", "项目状态", "进度"),
        "开工日期": ("开工时间",),
        "竣工日期": ("竣工时间",),
        ROOMS: ("功能室", "功能室配置"),
    }
    #: built-in value aliases of the choice columns (alias → label)
    value_aliases: ClassVar[dict[str, dict[str, str]]] = {
        "项目类型": {
            **dict.fromkeys(("村级活动场所", "村活动场所", "村级阵地"), "村级组织活动场所"),
            **dict.fromkeys(("远程教育站", "远教站点"), "远程教育站点"),
            "示范点": "党建示范点",
        },
        "建设性质": {
            **dict.fromkeys(("改建", "扩建"), "改扩建"),
            **dict.fromkeys(("提升", "维修改造"), "提升改造"),
        },
        "状态": {
            **dict.fromkeys(("调研", "论证"), "调研论证"),
            **dict.fromkeys(("规划", "设计"), "规划设计"),
            **dict.fromkeys(("施工", "施工中", "在建中"), "在建"),
            **dict.fromkeys(("竣工", "完工", "已完工"), "已竣工"),
            **dict.fromkeys(("验收", "通过验收", "已通过验收"), "已验收"),
        },
    }
    columns = (
        Column("项目编号", "是", "主键；1–40 位字母、数字或“-”；唯一"),
        Column("项目名称", "是", "不超过 100 个字符"),
        Column("组织代码", "是", "阵地所属组织，须在您的管辖范围内"),
        Column("项目类型", "是", "从可选值中选择", labels(ProjectType.choices)),
        Column("建设性质", "是", "从可选值中选择", labels(ConstructionNature.choices)),
        Column("计划投资（万元）", "是", "> 0，最多两位小数"),
        Column("已完成投资（万元）", "否", "≥ 0（超过计划投资会提示，不会拒绝）"),
        Column("建筑面积（㎡）", "否", "> 0"),
        Column("状态", "是", "只能前进；退回请在项目页面填写原因", labels(ProjectStage.choices)),
        Column("开工日期", "在建及以后必填", "YYYY-MM-DD；不能晚于今天"),
        Column("竣工日期", "已竣工、已验收必填", "不能早于开工日期"),
        Column(ROOMS, "否", "用“、”分隔的功能室名称", labels(Room.choices)),
    )

    code = dictionary_field(
        "项目编号",
        "code",
        PatternWidget(CODE_PATTERN, CODE_MESSAGE, required=True, max_length=40),
    )
    name = dictionary_field("项目名称", "name", TextWidget(required=True, max_length=100))
    organization = dictionary_field("组织代码", "organization", None)
    project_type = dictionary_field(
        "项目类型",
        "project_type",
        ChoiceWidget(ProjectType.choices, required=True, aliases=value_aliases["项目类型"]),
    )
    nature = dictionary_field(
        "建设性质",
        "nature",
        ChoiceWidget(ConstructionNature.choices, required=True, aliases=value_aliases["建设性质"]),
    )
    planned_investment = dictionary_field(
        "计划投资（万元）",
        "planned_investment",
        DecimalWidget(required=True, exclusive_min=True),
    )
    completed_investment = dictionary_field(
        "已完成投资（万元）", "completed_investment", DecimalWidget()
    )
    area = dictionary_field("建筑面积（㎡）", "area", DecimalWidget(exclusive_min=True))
    stage = dictionary_field(
        "状态",
        "stage",
        ChoiceWidget(ProjectStage.choices, required=True, aliases=value_aliases["状态"]),
    )
    started_on = dictionary_field("开工日期", "started_on", DateWidget(not_future=True))
    completed_on = dictionary_field("竣工日期", "completed_on", DateWidget(not_future=True))
    rooms = dictionary_field(ROOMS, "rooms", RoomsWidget())

    class Meta:
        model = VenueProject
        import_id_fields = ("code",)
        instance_loader_class = KeyedInstanceLoader
        fields = (
            "code",
            "name",
            "organization",
            "project_type",
            "nature",
            "planned_investment",
            "completed_investment",
            "area",
            "stage",
            "started_on",
            "completed_on",
            "rooms",
        )
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True
        skip_diff = True

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("organization").order_by("organization__path", "code")

    def clean_row(self, instance: VenueProject, row, errors) -> None:
        if instance.code in RESERVED_SITE_CODES:
            errors.setdefault("项目编号", []).append(
                _("“%(code)s”是系统保留字，请换一个项目编号。") % {"code": instance.code}
            )
        if instance.completed_investment is None:
            instance.completed_investment = Decimal("0")
        before = getattr(instance, "_import_snapshot", {}).get("stage")
        stage = instance.stage
        if stage in STAGE_ORDER:
            if stage in STAGES_STARTED and not instance.started_on and "开工日期" not in errors:
                errors.setdefault("开工日期", []).append(_("状态为在建及以后时必填。"))
            if stage in STAGES_FINISHED and not instance.completed_on and "竣工日期" not in errors:
                errors.setdefault("竣工日期", []).append(_("状态为已竣工或已验收时必填。"))
            if stage not in STAGES_FINISHED and instance.completed_on:
                errors.setdefault("竣工日期", []).append(_("尚未竣工时请留空。"))
            if before and STAGE_ORDER.index(stage) < STAGE_ORDER.index(before):
                errors.setdefault("状态", []).append(
                    _("不能从“%(a)s”退回“%(b)s”：退回请在项目页面操作并填写原因。")
                    % {"a": ProjectStage(before).label, "b": ProjectStage(stage).label}
                )
        if (
            instance.started_on
            and instance.completed_on
            and instance.completed_on < instance.started_on
            and "竣工日期" not in errors
        ):
            errors.setdefault("竣工日期", []).append(
                _("不能早于开工日期 %(day)s。") % {"day": instance.started_on.isoformat()}
            )
        instance._import_stage_before = before

    def do_instance_save(self, instance: VenueProject, is_create: bool) -> None:
        instance.save(force_insert=is_create)
        before = getattr(instance, "_import_stage_before", None) or ""
        if before != instance.stage:
            StageChange.objects.create(
                project=instance,
                from_stage=before,
                to_stage=instance.stage,
                changed_on=instance.completed_on or instance.started_on or timezone.localdate(),
                reason=self.history_reason(),
                changed_by=self.user,
            )


# --- economy -----------------------------------------------------------------------
class EconomyRecordResource(ScopedResource):
    table = "economy"
    organization_field = "organization"
    #: the columns as other files head them
    header_aliases: ClassVar[dict[str, tuple[str, ...]]] = {
        "年度": ("年份",),
        "组织代码": ("党组织代码", "村党组织代码"),
        "集体经济总收入（万元）": (
            "集体经济总收入",
            "集体经济收入（万元）",
            "村集体经济总收入（万元）",
            "总收入（万元）",
        ),
        "经营性收入（万元）": ("经营性收入", "集体经营性收入（万元）", "集体经营性收入"),
        "发展模式": ("发展方式", "经营模式"),
    }
    columns = (
        Column("年度", "是", "2000–2100；与组织代码一起为主键"),
        Column(
            "组织代码",
            "是",
            "村级组织（村、社区），须在您的管辖范围内；村党总支下设的支部由总支填报",
        ),
        Column("集体经济总收入（万元）", "是", "≥ 0，最多两位小数"),
        Column("经营性收入（万元）", "否", "0 ≤ 经营性收入 ≤ 总收入"),
        Column("发展模式", "否", "不超过 100 个字符"),
    )

    year = dictionary_field("年度", "year", YearWidget(required=True))
    organization = dictionary_field("组织代码", "organization", None)
    total_income = dictionary_field(
        "集体经济总收入（万元）", "total_income", DecimalWidget(required=True)
    )
    operating_income = dictionary_field("经营性收入（万元）", "operating_income", DecimalWidget())
    development_model = dictionary_field(
        "发展模式", "development_model", TextWidget(max_length=100)
    )

    class Meta:
        model = EconomyRecord
        import_id_fields = ("year", "organization")
        instance_loader_class = KeyedInstanceLoader
        fields = ("year", "organization", "total_income", "operating_income", "development_model")
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True
        skip_diff = True

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("organization").order_by("-year", "organization__path")

    def clean_row(self, instance: EconomyRecord, row, errors) -> None:
        org = getattr(instance, "organization", None) if instance.organization_id else None
        if org is not None:
            for message in reporting_village_errors(org):
                errors.setdefault("组织代码", []).append(message)
        if (
            instance.operating_income is not None
            and instance.total_income is not None
            and instance.operating_income > instance.total_income
        ):
            errors.setdefault("经营性收入（万元）", []).append(
                _("不能大于集体经济总收入 %(total)s 万元。") % {"total": instance.total_income}
            )
