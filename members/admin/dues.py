"""Admin: dues records (scoped, import/export, history), the dues brackets, and the
免交/少交 approvals (read-only here: they are entered from the member's page, where
saving one also computes its recorded months again)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.admin import GuardedHistoryAdmin
from core.forms import ServiceErrorsMixin
from core.periods import month_start
from core.registry import get_kind
from orgs.scoped_admin import (
    CountyConfigAdminMixin,
    ScopedHistoryAdmin,
    ScopedImportExportAdmin,
)
from portal.exporting import log_export
from portal.models import ExportChannel

from ..dues.rates import figures_for
from ..dues.waivers import waiver_for
from ..models import DuesBracket, DuesRecord, DuesWaiver, Member
from ..permissions import can_view_full_personal_data
from ..resources.dues import DuesResource
from .search import PersonSearchMixin


class DuesRecordForm(ServiceErrorsMixin, forms.ModelForm):
    """Staff type the base, the payment and its date; the figures come from the rules."""

    class Meta:
        model = DuesRecord
        fields = ["member", "month", "base", "amount_paid", "paid_on"]

    def clean(self):
        cleaned = super().clean()
        member = cleaned.get("member") or getattr(self.instance, "member", None)
        month = cleaned.get("month") or self.instance.month
        if member is None or month is None or self.errors:
            return cleaned
        month = month_start(month)
        cleaned["month"] = month
        try:
            self.figures = figures_for(
                member=member,
                month=month,
                base=cleaned.get("base"),
                amount_paid=cleaned.get("amount_paid"),
                paid_on=cleaned.get("paid_on"),
                waiver=waiver_for(member, month),
            )
        except ValidationError as exc:
            self.add_service_error(exc)
            return cleaned
        duplicate = DuesRecord.objects.filter(member=member, month=month).exclude(
            pk=self.instance.pk
        )
        if duplicate.exists():
            self.add_error("month", _("该党员这个月已有党费记录，请修改那一条。"))
        return cleaned


@admin.register(DuesRecord)
class DuesRecordAdmin(PersonSearchMixin, ScopedImportExportAdmin):
    person_prefix = "member__"
    name_field = "member__name"

    resource_classes = [DuesResource]
    form = DuesRecordForm
    org_path_attr = "member.organization.path"
    list_display = [
        "member_name",
        "organization",
        "month",
        "basis",
        "base",
        "rate",
        "amount_due",
        "amount_paid",
        "paid_on",
    ]
    list_filter = ["month", "basis"]
    list_select_related = ["member", "member__organization"]
    raw_id_fields = ["member"]
    date_hierarchy = "month"
    list_per_page = 100
    ordering = ["-month", "member__organization__path", "member__name"]
    history_list_display = ["month", "base", "amount_due", "amount_paid", "paid_on"]

    @admin.display(description=_("党员"), ordering="member__name")
    def member_name(self, obj: DuesRecord) -> str:
        return obj.member.name

    @admin.display(description=_("所在党组织"), ordering="member__organization__path")
    def organization(self, obj: DuesRecord) -> str:
        return obj.member.organization.name

    def get_fields(self, request, obj=None):
        computed = ["basis", "rate", "amount_due"]
        if obj is None:
            return ["member", "month", "base", "amount_paid", "paid_on"]
        return ["member_name", "month", "base", "amount_paid", "paid_on", *computed]

    def get_readonly_fields(self, request, obj=None):
        # The key (member, month) of an existing record does not change: a different
        # month is a different record.
        if obj is None:
            return []
        return ["member_name", "month", "basis", "rate", "amount_due"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "member":
            kwargs["queryset"] = Member.objects.editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        for key, value in form.figures.as_dict().items():
            setattr(obj, key, value)
        obj._history_user = request.user
        obj.save()

    def get_data_for_export(self, request, queryset, **kwargs):
        """Exports carry ID numbers (masked unless permitted) and are logged."""
        dataset = super().get_data_for_export(request, queryset, **kwargs)
        form = kwargs.get("export_form")
        formats = self.get_export_formats()
        file_format = formats[int(form.cleaned_data["format"])] if form else formats[0]
        log_export(
            get_kind("dues"),
            user=request.user,
            org=None,
            rows=len(dataset),
            unmasked=can_view_full_personal_data(request.user),
            channel=ExportChannel.ADMIN,
            fmt=file_format().get_extension(),
        )
        return dataset


class DuesBracketForm(forms.ModelForm):
    class Meta:
        model = DuesBracket
        fields = ["basis", "upper_limit", "rate", "fixed_amount", "max_fixed_amount"]

    def clean(self):
        cleaned = super().clean()
        rate, fixed = cleaned.get("rate"), cleaned.get("fixed_amount")
        if (rate is None) == (fixed is None):
            raise ValidationError(_("“比例”和“定额”须填写且只填写其中一项。"))
        maximum = cleaned.get("max_fixed_amount")
        if maximum is not None and (fixed is None or maximum < fixed):
            self.add_error("max_fixed_amount", _("须填写定额，且不小于定额。"))
        if rate is not None and not 0 < rate <= 100:
            self.add_error("rate", _("应在 0–100 之间。"))
        return cleaned


@admin.register(DuesBracket)
class DuesBracketAdmin(CountyConfigAdminMixin, GuardedHistoryAdmin):
    """Portal-wide configuration: every staff member reads it, county staff change, add
    and delete brackets."""

    form = DuesBracketForm
    list_display = ["basis", "upper_limit", "rate", "fixed_amount", "max_fixed_amount"]
    list_filter = ["basis"]


@admin.register(DuesWaiver)
class DuesWaiverAdmin(PersonSearchMixin, ScopedHistoryAdmin):
    """The approvals of the user's subtree to look through, with their history."""

    person_prefix = "member__"
    name_field = "member__name"
    org_path_attr = "member.organization.path"
    list_display = [
        "member_name",
        "organization",
        "kind",
        "first_month",
        "last_month",
        "amount",
        "approved_by",
        "decided_on",
    ]
    list_filter = ["kind", "approved_by"]
    list_select_related = ["member", "member__organization"]
    ordering = ["-first_month", "member__organization__path", "member__name"]
    list_per_page = 100
    history_list_display = ["kind", "first_month", "last_month", "amount"]
    fields = [
        "member_name",
        "kind",
        "approved_by",
        "decided_on",
        "reason",
        "first_month",
        "last_month",
        "amount",
    ]
    readonly_fields = fields

    @admin.display(description=_("党员"), ordering="member__name")
    def member_name(self, obj: DuesWaiver) -> str:
        return obj.member.name

    @admin.display(description=_("所在党组织"), ordering="member__organization__path")
    def organization(self, obj: DuesWaiver) -> str:
        return obj.member.organization.name

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
