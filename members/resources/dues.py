"""Import/export of monthly dues records (the `dues` table).

A row's key is the pair (member, month): `import_id_fields = ("member", "month")`, which
core's KeyedInstanceLoader handles as a tuple (member pk, first of the month) — existing
records, duplicates inside the file and unchanged rows work as for single keys. The 公民身份号码
column resolves to a member through MemberByIdNumberWidget, whose members (only those in the
importer's scope) are read in `before_import`, a few queries for the whole file, before the
loader cleans any key. The amount due is never read from the file: `figures_for()`
computes it, as on the monthly sheet, with the 免交/少交 approved for the month.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import widgets

from core.importing import KEY_CHUNK, Column, KeyedInstanceLoader, dictionary_field
from core.keys import normalise_text
from core.tables import cell_text
from core.widgets import DateWidget
from core.years import FIRST_YEAR
from orgs.importing import ScopedResource

from ..dues.rates import FIGURE_FIELDS, figures_for, load_brackets
from ..dues.waivers import covering, waivers_of
from ..identity import InvalidIdNumber, mask_id_number, validate_id_number
from ..models import DuesRecord, Member
from ..permissions import can_view_full_personal_data
from .roster import ID_COLUMN, ID_COLUMN_ALIASES, IdNumberWidget

NAME_COLUMN = "姓名"
MONTH_COLUMN = "月份"
MONTH_RE = re.compile(r"^([0-9]{4})-([0-9]{2})$")


class MemberByIdNumberWidget(IdNumberWidget):
    """The member a row is about, found by ID number (read as the roster reads it) among
    those the loader read (the importer's scope). An ID number outside that scope gets the
    same answer as an unknown one, so the file cannot be used to probe other subtrees."""

    def __init__(self):
        super().__init__()
        self.members: dict[str, Member] = {}

    def load(self, dataset: Any, queryset: Any) -> dict[str, Member]:
        """Read, in a few queries, the members of `queryset` (the importer's scope) whose
        ID numbers the file's ID column holds; invalid numbers are reported per row."""
        numbers: set[str] = set()
        if ID_COLUMN in (dataset.headers or []):
            for value in dataset[ID_COLUMN]:
                try:
                    numbers.add(validate_id_number(cell_text(value)))
                except InvalidIdNumber:
                    continue  # reported when the row is imported
        ordered = sorted(numbers)
        found: dict[str, Member] = {}
        for start in range(0, len(ordered), KEY_CHUNK):
            chunk = ordered[start : start + KEY_CHUNK]
            found.update((m.id_number, m) for m in queryset.filter(id_number__in=chunk))
        self.members = found
        return found

    def clean(self, value: Any, row=None, **kwargs) -> Member:
        number = super().clean(value, row, **kwargs)
        member = self.members.get(number)
        if member is None:
            raise ValueError(_("您的管辖范围内没有该公民身份号码的党员。"))
        return member

    def render(self, value: Any, obj=None, **kwargs) -> str:
        number = value.id_number if value is not None else ""
        return mask_id_number(number) if self.mask else number


class MonthWidget(widgets.Widget):
    """YYYY-MM text, or a date cell (Excel turns a typed “2024-03” into 2024-03-01)."""

    def __init__(self):
        super().__init__(coerce_to_string=True)

    def clean(self, value: Any, row=None, **kwargs) -> datetime.date:
        if isinstance(value, datetime.datetime):
            return value.date().replace(day=1)
        if isinstance(value, datetime.date):
            return value.replace(day=1)
        text = normalise_text(cell_text(value))
        if not text:
            raise ValueError(_("必填，格式为 YYYY-MM，如 2024-03。"))
        match = MONTH_RE.match(text)
        if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < FIRST_YEAR:
            raise ValueError(
                _("“%(value)s”不是有效月份，格式应为 YYYY-MM，如 2024-03。") % {"value": text}
            )
        return datetime.date(int(match.group(1)), int(match.group(2)), 1)

    def render(self, value: Any, obj=None, **kwargs) -> str:
        return f"{value:%Y-%m}" if value else ""


class MoneyWidget(widgets.Widget):
    """An amount in 元 with at most two decimals (a number or text cell)."""

    def __init__(self, *, max_value: Decimal):
        super().__init__(coerce_to_string=True)
        self.max_value = max_value

    def clean(self, value: Any, row=None, **kwargs) -> Decimal | None:
        text = cell_text(value)
        if not text:
            return None
        try:
            amount = Decimal(text.replace(",", ""))
        except InvalidOperation:
            raise ValueError(_("“%(value)s”不是数字。") % {"value": text}) from None
        if not amount.is_finite():
            raise ValueError(_("“%(value)s”不是数字。") % {"value": text})
        if amount < 0:
            raise ValueError(_("不能为负数。"))
        if amount != amount.quantize(Decimal("0.01")):
            raise ValueError(_("最多两位小数（精确到分）。"))
        if amount > self.max_value:
            raise ValueError(_("不能超过 %(max)s。") % {"max": self.max_value})
        return amount.quantize(Decimal("0.01"))

    def render(self, value: Any, obj=None, **kwargs) -> str:
        return "" if value is None else f"{value:.2f}"


class DuesResource(ScopedResource):
    table = "dues"
    header_aliases: ClassVar[dict[str, tuple[str, ...]]] = {
        ID_COLUMN: ID_COLUMN_ALIASES,
        NAME_COLUMN: ("党员姓名",),
        MONTH_COLUMN: ("缴费月份", "所属月份", "党费月份"),
        "缴费基数（元）": ("缴费基数", "党费基数", "党费基数（元）"),
        "实缴金额（元）": ("实缴金额", "实缴党费", "实缴党费（元）", "缴纳金额"),
        "缴纳日期": ("缴费日期", "缴纳时间", "缴费时间"),
        "应缴金额（元）": ("应缴金额", "应缴党费", "应缴党费（元）"),
    }
    # figures_for() and the file-wide checks cover the CheckConstraints and the
    # (member, month) uniqueness without a query per row.
    validate_constraints_per_row = False
    validate_unique_per_row = False
    columns = (
        Column(ID_COLUMN, "是", "与月份一起确定一条记录；须为您管辖范围内的党员；请设为文本格式"),
        Column(NAME_COLUMN, "否", "核对用：填写时须与该身份证号码的党员姓名一致"),
        Column(MONTH_COLUMN, "是", "YYYY-MM，如 2024-03；不能晚于本月，不能早于入党月份"),
        Column(
            "缴费基数（元）", "按比例缴纳者必填", "税后月工资或退休费；农民、学生等定额缴纳者留空"
        ),
        Column(
            "实缴金额（元）",
            "否",
            "精确到分；留空为 0；多于应缴的部分为自愿多交，少于应缴为未足额",
        ),
        Column("缴纳日期", "已缴纳时必填", "YYYY-MM-DD；不能晚于今天"),
        Column(
            "应缴金额（元）",
            "否",
            "由系统按党费标准和支部批准的免交、少交计算；导出时填写，导入时忽略",
        ),
    )

    member = dictionary_field(ID_COLUMN, "member", MemberByIdNumberWidget())
    member_name = dictionary_field(NAME_COLUMN, None, widgets.Widget())
    month = dictionary_field(MONTH_COLUMN, "month", MonthWidget())
    base = dictionary_field("缴费基数（元）", "base", MoneyWidget(max_value=Decimal("99999999")))
    amount_paid = dictionary_field(
        "实缴金额（元）", "amount_paid", MoneyWidget(max_value=Decimal("999999"))
    )
    paid_on = dictionary_field("缴纳日期", "paid_on", DateWidget(not_future=True))
    amount_due = dictionary_field(
        "应缴金额（元）", "amount_due", MoneyWidget(max_value=Decimal("999999")), readonly=True
    )

    class Meta:
        model = DuesRecord
        import_id_fields = ("member", "month")
        instance_loader_class = KeyedInstanceLoader
        fields = (
            "member",
            "member_name",
            "month",
            "base",
            "amount_paid",
            "paid_on",
            "amount_due",
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
        self._brackets = None
        self._waivers: dict[int, list] = {}
        self._today = timezone.localdate()

    # --- scope ------------------------------------------------------------------------
    def member_queryset(self):
        members = Member.objects.select_related("organization")
        return members if self.user is None else members.editable_by(self.user)

    def get_queryset(self):
        return super().get_queryset().select_related("member", "member__organization")

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("member", "member__organization").order_by(
            "member__organization__path", "member__name", "member_id", "-month"
        )

    def dehydrate_member_name(self, record: DuesRecord) -> str:
        return record.member.name

    # --- rows -------------------------------------------------------------------------
    def before_import(self, dataset, **kwargs: Any) -> None:
        super().before_import(dataset, **kwargs)
        found = self.member_widget.load(dataset, self.member_queryset())
        self._waivers = waivers_of(
            [m.pk for m in found.values()], datetime.date.min, datetime.date.max
        )

    def clean_row(self, instance: DuesRecord, row, errors: dict[str, list[str]]) -> None:
        name = cell_text(row.get(NAME_COLUMN))
        if name and name != instance.member.name:
            errors.setdefault(NAME_COLUMN, []).append(
                _("与该公民身份号码的党员姓名“%(name)s”不一致。") % {"name": instance.member.name}
            )
        if any(column in errors for column in ("缴费基数（元）", "实缴金额（元）", "缴纳日期")):
            return  # the figures cannot be computed from a value already refused
        if self._brackets is None:
            self._brackets = load_brackets()
        figures = figures_for(
            member=instance.member,
            month=instance.month,
            base=instance.base,
            amount_paid=instance.amount_paid,
            paid_on=instance.paid_on,
            brackets=self._brackets,
            today=self._today,
            waiver=covering(self._waivers.get(instance.member.pk, ()), instance.month),
        )
        for key, value in figures.as_dict().items():
            setattr(instance, key, value)

    def validation_exclude(self):
        # The member was found by the widget inside the scope: no query to re-check it;
        # the computed figures are left unset when a typed value was refused, and
        # reporting them too would only repeat that error.
        return ("member", "basis", "rate", "amount_due")

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        # bulk_update does not apply auto_now.
        instance.updated_at = timezone.now()

    def bulk_update_fields(self) -> list[str]:
        return [*FIGURE_FIELDS, "updated_at"]
