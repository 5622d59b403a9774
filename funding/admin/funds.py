"""Admin of the funds: budget lines (scoped, import/export, history) with their instalments
shown read-only, the fiscal revenue and payrolls the standards compare with, and the
standards themselves (county staff only).

Instalments change only through `funding.services.funds` (the line's page in the portal,
or an import), so that the line's disbursed total is never typed twice.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.admin import GuardedHistoryAdmin, ReadOnlyAdminMixin
from core.forms import ServiceErrorsMixin
from core.templatetags.numbers import percent
from orgs.choices import OrgDomain, OrgLevel
from orgs.models import Organization
from orgs.scope import is_staff_member
from orgs.scoped_admin import (
    CountyConfigAdminMixin,
    ScopedHistoryAdmin,
    ScopedImportExportAdmin,
)

from ..models import Disbursement, FiscalRevenue, FundingStandard, FundLine, Payroll
from ..resources import FundLineResource
from ..services.standards import (
    fiscal_revenue_record,
    payroll_record,
    validate_fiscal_revenue_org,
    validate_payroll_org,
)


class DisbursementInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Disbursement
    extra = 0
    can_delete = False
    fields = ["paid_on", "amount", "note", "recorded_by", "created_at"]
    readonly_fields = fields
    ordering = ["paid_on", "pk"]
    verbose_name_plural = _("拨付记录（在门户的经费页面登记或删除）")

    def has_view_permission(self, request, obj=None) -> bool:
        return is_staff_member(request.user)


def _editable_orgs(request, **filters):
    return Organization.objects.editable_by(request.user).filter(**filters)


@admin.register(FundLine)
class FundLineAdmin(ScopedImportExportAdmin):
    resource_classes = [FundLineResource]
    inlines = [DisbursementInline]
    list_display = [
        "code",
        "year",
        "organization",
        "category",
        "source",
        "budget",
        "disbursed",
        "execution_rate_display",
    ]
    list_filter = ["year", "category", "source"]
    list_select_related = ["organization"]
    search_fields = ["code", "organization__code", "organization__name", "summary"]
    readonly_fields = ["disbursed", "created_at", "updated_at"]
    fields = [
        "code",
        "year",
        "organization",
        "category",
        "source",
        "budget",
        "disbursed",
        "summary",
        "created_at",
        "updated_at",
    ]
    ordering = ["-year", "organization__path", "code"]
    list_per_page = 100
    history_list_display = ["budget", "disbursed"]

    @admin.display(description=_("执行率"))
    def execution_rate_display(self, obj: FundLine) -> str:
        return percent(obj.execution_rate)

    def get_readonly_fields(self, request, obj=None):
        # The key of a line with instalments stays: its history and the import refer to it.
        if obj is not None and obj.disbursed:
            return [*self.readonly_fields, "code", "organization", "year"]
        return self.readonly_fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organization":
            kwargs["queryset"] = _editable_orgs(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        obj.save()


class FiscalRevenueForm(ServiceErrorsMixin, forms.ModelForm):
    class Meta:
        model = FiscalRevenue
        fields = ["organization", "year", "revenue"]

    def clean(self):
        cleaned = super().clean()
        org = cleaned.get("organization")
        if org is not None:
            try:
                validate_fiscal_revenue_org(org)
            except ValidationError as exc:
                self.add_service_error(exc)
        return cleaned


@admin.register(FiscalRevenue)
class FiscalRevenueAdmin(ScopedHistoryAdmin):
    """The county's general public budget revenue per year (万元): the 5 % line of the
    following year's party-building budget is computed from it."""

    form = FiscalRevenueForm
    list_display = ["organization", "year", "revenue"]
    list_filter = ["year"]
    list_select_related = ["organization"]
    ordering = ["organization__path", "-year"]

    def get_readonly_fields(self, request, obj=None):
        # A record is corrected, not moved: another year or organisation is another record.
        return ["organization", "year"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organization":
            # Counties: county-level organisations or a root that is not 市级; the form
            # refuses county-level units under the county (validate_fiscal_revenue_org).
            kwargs["queryset"] = _editable_orgs(request).filter(
                Q(level=OrgLevel.COUNTY) | (Q(depth=1) & ~Q(level=OrgLevel.CITY))
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        saved = fiscal_revenue_record(
            user=request.user, organization=obj.organization, year=obj.year, revenue=obj.revenue
        )
        obj.pk = saved.pk


class PayrollForm(ServiceErrorsMixin, forms.ModelForm):
    class Meta:
        model = Payroll
        fields = ["organization", "year", "amount"]

    def clean(self):
        cleaned = super().clean()
        org = cleaned.get("organization")
        if org is not None:
            try:
                validate_payroll_org(org)
            except ValidationError as exc:
                self.add_service_error(exc)
        return cleaned


@admin.register(Payroll)
class PayrollAdmin(ScopedHistoryAdmin):
    """Organs' payrolls per year (元): their branches' activity funds are a share of it."""

    form = PayrollForm
    list_display = ["organization", "year", "amount"]
    list_filter = ["year"]
    list_select_related = ["organization"]
    search_fields = ["organization__code", "organization__name"]
    ordering = ["organization__path", "-year"]

    def get_readonly_fields(self, request, obj=None):
        # A record is corrected, not moved: another year or organisation is another record.
        return ["organization", "year"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organization":
            kwargs["queryset"] = _editable_orgs(request, domain=OrgDomain.ORGAN)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        saved = payroll_record(
            user=request.user, organization=obj.organization, year=obj.year, amount=obj.amount
        )
        obj.pk = saved.pk


@admin.register(FundingStandard)
class FundingStandardAdmin(CountyConfigAdminMixin, GuardedHistoryAdmin):
    """Portal-wide configuration: every staff member reads it, county staff change, add
    and delete a year's standard."""

    list_display = [
        "year",
        "county_budget_rate",
        "village_work_fund",
        "community_work_fund",
        "organ_activity_rate",
    ]
