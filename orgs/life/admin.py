"""Admin of organisation life: records (scoped, import/export) and the meeting
requirements (portal-wide configuration, changed by county staff only)."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from core.admin import GuardedHistoryAdmin, ReadOnlyAdminMixin

from ..models import Organization
from ..scope import is_staff_member
from ..scoped_admin import CountyConfigAdminMixin, ScopedImportExportAdmin
from .models import MeetingRequirement, OrgLifeAttachment, OrgLifeRecord
from .providers import attendance_tallies
from .resources import OrgLifeRecordResource
from .services import life_record_delete, life_record_errors


class OrgLifeRecordForm(forms.ModelForm):
    class Meta:
        model = OrgLifeRecord
        fields = ["organization", "kind", "held_on", "topic", "expected", "present", "minutes"]

    def clean(self):
        data = super().clean()
        # The same rules as the entry page and the import (orgs.life.services).
        problems = life_record_errors(
            kind=data.get("kind", ""),
            held_on=data.get("held_on"),
            topic=data.get("topic", ""),
            expected=data.get("expected"),
            present=data.get("present"),
            named=attendance_tallies([self.instance.pk]).get(self.instance.pk)
            if self.instance.pk
            else None,
        )
        for field_name, messages in problems.items():
            if field_name not in self.errors:
                for message in messages:
                    self.add_error(field_name, message)
        return data


class OrgLifeAttachmentInline(ReadOnlyAdminMixin, admin.TabularInline):
    """Files are added on the portal page (content checked there); here they are listed.
    Deleting here would leave the stored file behind; the portal page removes both."""

    model = OrgLifeAttachment
    extra = 0
    fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def has_view_permission(self, request, obj=None) -> bool:
        return is_staff_member(request.user)


@admin.register(OrgLifeRecord)
class OrgLifeRecordAdmin(ScopedImportExportAdmin):
    resource_classes = [OrgLifeRecordResource]
    form = OrgLifeRecordForm
    inlines = [OrgLifeAttachmentInline]
    list_display = ["held_on", "kind", "topic", "organization", "present", "expected"]
    list_filter = ["kind", "held_on"]
    search_fields = ["topic", "organization__name", "organization__code"]
    date_hierarchy = "held_on"
    list_select_related = ["organization"]
    history_list_display = ["kind", "held_on", "topic", "present"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organization":
            kwargs["queryset"] = Organization.objects.editable_by(request.user).order_by("path")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        if not change and obj.recorded_by_id is None:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)

    # Through the service, so that the stored files go with the rows.
    def delete_model(self, request, obj):
        life_record_delete(user=request.user, record=obj)

    def delete_queryset(self, request, queryset):
        for record in queryset.select_related("organization"):
            life_record_delete(user=request.user, record=record)


@admin.register(MeetingRequirement)
class MeetingRequirementAdmin(CountyConfigAdminMixin, GuardedHistoryAdmin):
    """Portal-wide configuration: every staff member reads it, county staff change, add
    and delete rows (a kind without a row is simply not measured)."""

    list_display = ["kind", "period_months", "times_per_period"]
    ordering = ["period_months", "kind"]
