"""Admin of 民主评议党员 results: the register with its history, import and export.

Results are entered and changed on the portal pages (members.services.appraisals), which
find the organisation of the year; here staff read, import, export and delete a result
entered by mistake, within their write scope.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.registry import get_kind
from orgs.scoped_admin import ScopedImportExportAdmin
from portal.exporting import log_export
from portal.models import ExportChannel

from ..models import Appraisal
from ..permissions import can_view_full_personal_data
from ..resources.appraisals import AppraisalResource
from .search import PersonSearchMixin


@admin.register(Appraisal)
class AppraisalAdmin(PersonSearchMixin, ScopedImportExportAdmin):
    person_prefix = "member__"
    name_field = "member__name"

    resource_classes = [AppraisalResource]
    list_display = [
        "member_name",
        "year",
        "organization",
        "result",
        "disposition",
        "disposition_on",
    ]
    list_filter = ["year", "result", "disposition"]
    list_select_related = ["member", "organization"]
    list_per_page = 100
    ordering = ["-year", "organization__path", "member__name"]
    fields = [
        "member_name",
        "year",
        "organization",
        "result",
        "disposition",
        "disposition_on",
        "note",
        "recorded_by",
    ]
    readonly_fields = fields
    history_list_display = ["result", "disposition", "disposition_on"]

    @admin.display(description=_("党员"), ordering="member__name")
    def member_name(self, obj: Appraisal) -> str:
        return obj.member.name

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_data_for_export(self, request, queryset, **kwargs):
        """Exports carry ID numbers (masked unless permitted) and are logged."""
        dataset = super().get_data_for_export(request, queryset, **kwargs)
        form = kwargs.get("export_form")
        formats = self.get_export_formats()
        file_format = formats[int(form.cleaned_data["format"])] if form else formats[0]
        log_export(
            get_kind("appraisals"),
            user=request.user,
            org=None,
            rows=len(dataset),
            unmasked=can_view_full_personal_data(request.user),
            channel=ExportChannel.ADMIN,
            fmt=file_format().get_extension(),
        )
        return dataset
