"""The admin classes of the organisation tree's data: every admin of the portal's records
is scoped through these to the user's write scope, with history and import/export."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from core.admin import BoundedDatesMixin, GuardedHistoryAdmin, ImportJobsMixin, pk_or_404

from .scope import can_edit_path, covers_root, is_staff_member


class ScopedAdminMixin(BoundedDatesMixin):
    """Rows come from `editable_by(user)`; permissions follow the staff assignment.

    `org_path_attr` is the dotted path from an object to the tree path of the organisation
    it belongs to ("path" for Organization itself, "organization.path" for members …).
    """

    org_path_attr = "organization.path"
    #: fields shown masked unless the user holds `masked_fields_permission`: the changelist
    #: must not filter on them from the URL (?phone__startswith=139…), or a guess could be
    #: confirmed one digit at a time
    masked_fields: tuple[str, ...] = ()
    masked_fields_permission = ""

    def lookup_allowed(self, lookup, value, request=None):
        field = lookup.split("__", 1)[0]
        if field in self.masked_fields and not (
            request is not None and request.user.has_perm(self.masked_fields_permission)
        ):
            return False
        return super().lookup_allowed(lookup, value, request)

    def obj_path(self, obj: Any) -> str | None:
        value = obj
        for part in self.org_path_attr.split("."):
            value = getattr(value, part, None)
            if value is None:
                return None
        return value

    def get_queryset(self, request):
        return super().get_queryset(request).editable_by(request.user)

    def _allowed(self, request, obj=None) -> bool:
        if not is_staff_member(request.user):
            return False
        return obj is None or can_edit_path(request.user, self.obj_path(obj))

    def has_module_permission(self, request) -> bool:
        return is_staff_member(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._allowed(request, obj)

    def has_add_permission(self, request) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._allowed(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._allowed(request, obj)


class ScopedHistoryAdmin(ScopedAdminMixin, GuardedHistoryAdmin):
    """History with the acting user; restore. Refuses objects outside the user's scope.

    simple-history's history_view falls back to the stored history of an object that the
    queryset does not return; we answer 404 unless that history belongs to the user's scope.
    """

    def history_view(self, request, object_id, extra_context=None):
        pk = pk_or_404(self.model, object_id)
        if self.model._default_manager.filter(pk=pk).exists():
            if not self.get_queryset(request).filter(pk=pk).exists():
                raise Http404
        elif not request.user.is_superuser:
            # A deleted object's recorded tree path may since belong to another
            # organisation (paths are reused), so only superusers see such history.
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not self.get_queryset(request).filter(pk=pk_or_404(self.model, object_id)).exists():
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)


class ScopedImportExportAdmin(ImportJobsMixin, ScopedHistoryAdmin):
    """Import (preview, then confirm, or a background job for large files) and export with
    the data-dictionary resources, for 组织部 staff."""

    def has_import_permission(self, request) -> bool:
        return is_staff_member(request.user)

    def has_export_permission(self, request) -> bool:
        return is_staff_member(request.user)


class CountyConfigAdminMixin:
    """Portal-wide configuration (meeting rules, dues brackets, thresholds, standards):
    every staff member reads it; staff of a root of the tree (county 组织部) and
    superusers change it. `config_rows_fixed` keeps rows the migrations load from being
    added or deleted (their keys are what the code looks up); the history records who
    changed a row."""

    config_rows_fixed = False

    def has_module_permission(self, request) -> bool:
        return is_staff_member(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_staff_member(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return covers_root(request.user)

    def has_add_permission(self, request) -> bool:
        return not self.config_rows_fixed and covers_root(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return not self.config_rows_fixed and covers_root(request.user)

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        super().save_model(request, obj, form, change)
