"""The bulletins in the back office: read only, scoped like every admin class. They are
made by the schedule or on the bulletin page (/bulletins/), never edited by hand."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin
from orgs.scoped_admin import ScopedHistoryAdmin

from .models import Bulletin


@admin.register(Bulletin)
class BulletinAdmin(ReadOnlyAdminMixin, ScopedHistoryAdmin):
    list_display = [
        "organization",
        "period_label",
        "status",
        "trigger",
        "requested_by",
        "generated_at",
        "pages",
        "attempts",
    ]
    list_filter = ["status", "trigger", "period_kind", "year"]
    list_select_related = ["organization", "requested_by"]
    search_fields = ["organization__name", "organization__code"]
    ordering = ["-year", "-number", "organization__path"]
    fields = [
        "organization",
        "period_kind",
        "year",
        "number",
        "status",
        "trigger",
        "requested_by",
        "requested_at",
        "started_at",
        "generated_at",
        "pages",
        "attempts",
        "error",
        "download",
    ]
    readonly_fields = fields

    @admin.display(description=_("PDF 文件"))
    def download(self, obj: Bulletin) -> str:
        # Media is never served by URL: the file goes through the scope-checked view.
        if obj.status != Bulletin.Status.DONE or not obj.file:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("bulletins:download", args=[obj.pk]), _("下载")
        )

    @admin.display(description=_("期间"))
    def period_label(self, obj: Bulletin) -> str:
        return obj.period.label
