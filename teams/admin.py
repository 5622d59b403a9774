"""Admin of leadership teams: committees, elections and postings (scoped, history,
import/export with the data-dictionary tables), candidates with their 资格联审, reserves,
village cadres' pay and the pay standards (scoped, history).

Writes go through the services where the teams app has them (a committee membership keeps
the organisation's 书记 columns in step, an election its term). ID numbers are shown as
the roster shows them: masked unless the user may see full personal data.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.registry import get_kind
from members.admin.roster import MaskingContextHelper
from members.models.member import FULL_VIEW_PERMISSION
from members.permissions import can_view_full_personal_data
from orgs.models import Organization
from orgs.scope import can_edit_path, is_staff_member
from orgs.scoped_admin import ScopedHistoryAdmin, ScopedImportExportAdmin
from portal.exporting import log_export
from portal.models import ExportChannel

from .models import (
    CadrePay,
    Candidate,
    CommitteeMember,
    Election,
    PayStandard,
    Posting,
    ReserveCadre,
    VettingCheck,
)
from .resources import CommitteeResource, ElectionResource, PostingResource
from .services.committee import delete_membership, save_membership
from .services.elections import delete_election, save_election

MASKED_ID = "masked_id_number_display"


class OrganizationChoicesMixin:
    """The organisation of a new or changed row is one the user may edit; organisations
    are maintained in their own admin, not from here."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organization":
            kwargs["queryset"] = Organization.objects.editable_by(request.user).order_by("path")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "organization" and formfield is not None:
            widget = formfield.widget
            widget.can_add_related = widget.can_change_related = False
            widget.can_delete_related = widget.can_view_related = False
        return formfield


class PersonRecordAdminMixin(OrganizationChoicesMixin):
    """A person's rows (teams.models.person.PersonRecord): the ID number masked in the
    list, on the change form and in the history unless the user may see it in full,
    never a URL filter; the roster's member linked on save; searched by name."""

    masked_fields = ("id_number",)
    masked_fields_permission = FULL_VIEW_PERMISSION
    search_fields = ["name", "organization__name", "organization__code"]
    list_select_related = ["organization"]
    list_per_page = 100

    @admin.display(description=_("公民身份号码"))
    def masked_id_number_display(self, obj) -> str:
        return obj.masked_id_number or "—"

    def _masks(self, request, obj=None) -> bool:
        return obj is not None and not can_view_full_personal_data(request.user)

    def get_list_display(self, request):
        columns = super().get_list_display(request)
        if can_view_full_personal_data(request.user):
            return ["id_number" if c == MASKED_ID else c for c in columns]
        return columns

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if self._masks(request, obj):
            return [MASKED_ID if f == "id_number" else f for f in fields]
        return fields

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj), "member"]
        return [*readonly, MASKED_ID] if self._masks(request, obj) else readonly

    def get_historical_record_context_helper(self, request, historical_record):
        return MaskingContextHelper(
            self.model, historical_record, unmasked=can_view_full_personal_data(request.user)
        )

    def save_model(self, request, obj, form, change):
        obj.link_member()
        super().save_model(request, obj, form, change)


class LoggedExportMixin:
    """The admin's export of a personal table (masked by the resource unless permitted)
    is logged like every other export of personal data."""

    export_kind = ""

    def get_data_for_export(self, request, queryset, **kwargs):
        dataset = super().get_data_for_export(request, queryset, **kwargs)
        form = kwargs.get("export_form")
        formats = self.get_export_formats()
        file_format = formats[int(form.cleaned_data["format"])] if form else formats[0]
        log_export(
            get_kind(self.export_kind),
            user=request.user,
            org=None,
            rows=len(dataset),
            unmasked=can_view_full_personal_data(request.user),
            channel=ExportChannel.ADMIN,
            fmt=file_format().get_extension(),
        )
        return dataset


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(PersonRecordAdminMixin, LoggedExportMixin, ScopedImportExportAdmin):
    resource_classes = [CommitteeResource]
    export_kind = "committee"
    list_display = [
        "name",
        MASKED_ID,
        "organization",
        "position",
        "started_on",
        "ended_on",
        "origin",
    ]
    list_filter = ["position", "origin"]
    fields = [
        "organization",
        "position",
        "name",
        "id_number",
        "member",
        "concurrent_post",
        "started_on",
        "ended_on",
        "origin",
        "leave_reason",
        "election",
    ]
    readonly_fields = ["election"]
    ordering = ["organization__path", "ended_on", "position", "started_on"]
    history_list_display = ["position", "started_on", "ended_on"]

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        save_membership(obj)

    def delete_model(self, request, obj):
        delete_membership(obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            delete_membership(membership)


@admin.register(Election)
class ElectionAdmin(OrganizationChoicesMixin, ScopedImportExportAdmin):
    resource_classes = [ElectionResource]
    list_display = [
        "organization",
        "session",
        "held_on",
        "method",
        "expected",
        "present",
        "approved_on",
    ]
    list_filter = ["method"]
    list_select_related = ["organization"]
    search_fields = ["organization__name", "organization__code", "session"]
    date_hierarchy = "held_on"
    ordering = ["organization__path", "-held_on"]
    list_per_page = 100
    history_list_display = ["held_on", "present", "approved_on"]

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        save_election(obj)

    def delete_model(self, request, obj):
        delete_election(obj)

    def delete_queryset(self, request, queryset):
        for election in queryset:
            delete_election(election)


@admin.register(Posting)
class PostingAdmin(PersonRecordAdminMixin, LoggedExportMixin, ScopedImportExportAdmin):
    resource_classes = [PostingResource]
    export_kind = "postings"
    list_display = [
        "name",
        MASKED_ID,
        "organization",
        "kind",
        "from_unit",
        "started_on",
        "ended_on",
    ]
    list_filter = ["kind"]
    fields = [
        "organization",
        "kind",
        "name",
        "id_number",
        "member",
        "from_unit",
        "started_on",
        "ended_on",
    ]
    ordering = ["organization__path", "kind", "-started_on"]
    history_list_display = ["kind", "started_on", "ended_on"]


class VettingCheckInline(admin.TabularInline):
    """A candidate's reviews, one per body; editable where the candidate is."""

    model = VettingCheck
    extra = 0
    fields = ["body", "passed", "reason", "checked_on"]

    def _allowed(self, request, obj=None) -> bool:
        if not is_staff_member(request.user):
            return False
        return obj is None or can_edit_path(request.user, obj.organization.path)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._allowed(request, obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return self._allowed(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._allowed(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._allowed(request, obj)


@admin.register(Candidate)
class CandidateAdmin(PersonRecordAdminMixin, ScopedHistoryAdmin):
    inlines = [VettingCheckInline]
    list_display = ["name", MASKED_ID, "organization", "position", "proposed_on", "filed_on"]
    list_filter = ["position"]
    fields = [
        "organization",
        "position",
        "name",
        "id_number",
        "member",
        "proposed_on",
        "filed_on",
        "notes",
    ]
    ordering = ["organization__path", "-proposed_on"]
    history_list_display = ["position", "proposed_on", "filed_on"]


@admin.register(ReserveCadre)
class ReserveCadreAdmin(PersonRecordAdminMixin, ScopedHistoryAdmin):
    list_display = ["name", MASKED_ID, "organization", "education", "source", "added_on", "status"]
    list_filter = ["status", "education"]
    fields = [
        "organization",
        "name",
        "id_number",
        "member",
        "education",
        "source",
        "training_notes",
        "added_on",
        "status",
    ]
    ordering = ["organization__path", "status", "added_on"]
    history_list_display = ["status", "added_on"]


@admin.register(CadrePay)
class CadrePayAdmin(PersonRecordAdminMixin, ScopedHistoryAdmin):
    list_display = [
        "name",
        MASKED_ID,
        "organization",
        "year",
        "post",
        "base_pay",
        "performance_pay",
        "health_check_done",
        "grade",
    ]
    list_filter = ["year", "grade", "health_check_done"]
    fields = [
        "organization",
        "year",
        "name",
        "id_number",
        "member",
        "post",
        "base_pay",
        "performance_pay",
        "health_check_done",
        "grade",
    ]
    ordering = ["-year", "organization__path", "name"]
    history_list_display = ["year", "base_pay", "performance_pay", "grade"]


@admin.register(PayStandard)
class PayStandardAdmin(OrganizationChoicesMixin, ScopedHistoryAdmin):
    list_display = ["organization", "year", "minimum_total"]
    list_filter = ["year"]
    list_select_related = ["organization"]
    search_fields = ["organization__name", "organization__code"]
    ordering = ["-year", "organization__path"]
    history_list_display = ["year", "minimum_total"]
