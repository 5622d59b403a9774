"""Admin: the responsibility-list templates (with their items) and the issued lists.

Templates are portal-wide configuration: every staff member reads them, county staff
(a root of the tree) and superusers change them. Once lists were issued from a template
its items are read-only here (the portal's "edit" makes a new version instead). Issued
lists are filled and reviewed on the portal pages; here they are read, scoped to the
user's subtree, with their history.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import GuardedHistoryAdmin, ReadOnlyAdminMixin
from orgs.scope import is_staff_member
from orgs.scoped_admin import CountyConfigAdminMixin, ScopedHistoryAdmin

from .models import ChecklistTemplate, ResponsibilityList, TemplateItem
from .template_choice import template_total
from .template_editing import COPIED_FIELDS, can_maintain_templates, template_in_use

ITEM_FIELDS = ["position", *COPIED_FIELDS]


class TemplateItemInline(admin.StackedInline):
    model = TemplateItem
    extra = 0
    fields = ITEM_FIELDS

    def _changeable(self, request, obj) -> bool:
        return can_maintain_templates(request.user) and (obj is None or not template_in_use(obj))

    def get_readonly_fields(self, request, obj=None):
        return [] if self._changeable(request, obj) else ITEM_FIELDS

    def has_view_permission(self, request, obj=None) -> bool:
        return is_staff_member(request.user)

    def has_add_permission(self, request, obj=None) -> bool:
        return self._changeable(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._changeable(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._changeable(request, obj)


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(CountyConfigAdminMixin, GuardedHistoryAdmin):
    list_display = ["name", "level", "year", "version", "total", "copied_from"]
    list_filter = ["level", "year"]
    list_select_related = ["copied_from"]
    ordering = ["-year", "level", "-version"]
    fields = ["level", "year", "version", "name", "copied_from", "created_by"]
    readonly_fields = ["copied_from", "created_by"]
    inlines = [TemplateItemInline]

    @admin.display(description=_("总分"))
    def total(self, obj: ChecklistTemplate):
        return template_total(obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and template_in_use(obj):
            return self.fields
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None) -> bool:
        # A template lists were issued from is their record: it stays.
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or not template_in_use(obj))

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            instance._history_user = request.user
            instance.save()
        for instance in formset.deleted_objects:
            instance._history_user = request.user
            instance.delete()


@admin.register(ResponsibilityList)
class ResponsibilityListAdmin(ReadOnlyAdminMixin, ScopedHistoryAdmin):
    """Issued by the issuing service, filled and reviewed through the portal's services."""

    list_display = ["organization", "year", "quarter", "status", "deadline", "late", "total_score"]
    list_filter = ["year", "quarter", "status", "late"]
    list_select_related = ["organization"]
    search_fields = ["organization__name", "organization__code"]
    ordering = ["-year", "-quarter", "organization__path"]
    list_per_page = 100
    fields = [
        "organization",
        "year",
        "quarter",
        "template",
        "secretary",
        "status",
        "deadline",
        "submitted_at",
        "late",
        "reviewed_by",
        "reviewed_at",
        "total_score",
        "issued_at",
    ]
    readonly_fields = fields
