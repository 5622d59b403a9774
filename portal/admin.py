"""The admin of the portal's own records: the export log, and the outbox of tasks not yet
handed to the worker."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import ReadOnlyAdminMixin
from core.models import OutboxTask
from core.outbox import send
from orgs.scope import covers_root, is_staff_member

from .models import ExportLog


@admin.register(ExportLog)
class ExportLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the log is written by the exports themselves, never by hand."""

    list_display = [
        "created_at",
        "user",
        "kind",
        "scope_label",
        "rows",
        "unmasked",
        "channel",
        "file_format",
    ]
    list_filter = ["channel", "unmasked", "kind"]
    list_select_related = ["user", "organization"]
    search_fields = ["user__username", "scope_label"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_module_permission(self, request) -> bool:
        return is_staff_member(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_staff_member(request.user)


@admin.register(OutboxTask)
class OutboxTaskAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What the portal could not hand to the worker yet (Redis down), for county staff:
    read only, with an action to try the selected rows again now (the beat job does it
    every minute anyway)."""

    list_display = ["task_name", "status", "created_at", "attempts", "last_error", "sent_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in OutboxTask._meta.fields]
    actions = ["send_now"]

    def has_module_permission(self, request) -> bool:
        return covers_root(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return covers_root(request.user)

    @admin.action(description=gettext_lazy("立即重新发送所选的待发送任务"))
    def send_now(self, request, queryset):
        if not covers_root(request.user):
            raise PermissionDenied
        pending = queryset.filter(status=OutboxTask.Status.PENDING).values_list("pk", flat=True)
        sent = sum(1 for pk in pending if send(pk))
        self.message_user(request, _("已发送 %(n)d 个任务。") % {"n": sent})
