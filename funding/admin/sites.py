"""Admin: venue projects (scoped, import/export with history).

The stage and its dates are read-only here: moves go through the stage form on the
project's portal page, which records each one (date, who, and for going back a reason).
New projects are created there too (or imported), so that their first stage is recorded.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin
from orgs.models import Organization
from orgs.scoped_admin import ScopedImportExportAdmin

from ..choices import Room
from ..models import StageChange, VenueAttachment, VenueProject
from ..resources import VenueProjectResource
from ..services.sites import attachment_delete


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    """Rows recorded by the services; the parent admin has already checked scope."""

    extra = 0
    max_num = 0
    can_delete = False

    def has_view_permission(self, request, obj=None) -> bool:
        return True


class StageChangeInline(ReadOnlyInline):
    model = StageChange
    fields = readonly_fields = ["changed_on", "from_stage", "to_stage", "reason", "changed_by"]
    ordering = ["-pk"]


class VenueAttachmentInline(ReadOnlyInline):
    model = VenueAttachment
    fields = readonly_fields = [
        "file_link",
        "caption",
        "kind",
        "size",
        "uploaded_by",
        "uploaded_at",
    ]

    @admin.display(description=_("文件"))
    def file_link(self, obj: VenueAttachment) -> str:
        # Never the storage URL: files are served only by the portal's scoped view.
        url = reverse("funding:site_file", args=[obj.project.code, obj.pk])
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, obj)


@admin.register(VenueProject)
class VenueProjectAdmin(ScopedImportExportAdmin):
    resource_classes = [VenueProjectResource]

    inlines = [StageChangeInline, VenueAttachmentInline]
    list_display = [
        "code",
        "name",
        "organization",
        "project_type",
        "stage",
        "planned_investment",
        "completed_investment",
        "over_plan_flag",
    ]
    list_display_links = ["code", "name"]
    list_filter = ["stage", "project_type", "nature"]
    list_select_related = ["organization"]
    search_fields = ["code", "name", "organization__name", "organization__code"]
    ordering = ["organization__path", "code"]
    list_per_page = 100
    readonly_fields = ["code", "stage", "started_on", "completed_on", "portal_link"]
    fields = [
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
        "portal_link",
    ]
    history_list_display = ["stage", "planned_investment", "completed_investment"]

    @admin.display(description=_("超计划"), boolean=True)
    def revert_disabled(self, request, obj=None) -> bool:
        # Restoring an old version would move the stage without a recorded change or the
        # reason a step back needs; stage moves go through the project's page.
        return True

    def over_plan_flag(self, obj: VenueProject) -> bool:
        return obj.over_plan

    @admin.display(description=_("变更状态"))
    def portal_link(self, obj: VenueProject) -> str:
        return format_html(
            '<a href="{}">{}</a>', obj.get_absolute_url(), _("在项目页面变更状态、上传文件")
        )

    def has_add_permission(self, request) -> bool:
        return False  # see the module docstring

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organization":
            kwargs["queryset"] = Organization.objects.editable_by(request.user).order_by("path")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "rooms":
            return forms.MultipleChoiceField(
                label=db_field.verbose_name,
                choices=Room.choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "organization" and formfield is not None:
            widget = formfield.widget
            widget.can_add_related = widget.can_change_related = False
            widget.can_delete_related = widget.can_view_related = False
        return formfield

    def delete_model(self, request, obj: VenueProject) -> None:
        # Through the service, so that the stored files go with their rows.
        with transaction.atomic():
            for attachment in obj.attachments.all():
                attachment_delete(user=request.user, attachment=attachment)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)
