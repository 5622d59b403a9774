"""Admin: village collective-economy records (scoped, import/export with history)."""

from __future__ import annotations

from django.contrib import admin

from orgs.scoped_admin import ScopedImportExportAdmin

from ..forms.economy import EconomyRecordAdminForm
from ..models import EconomyRecord
from ..resources import EconomyRecordResource


@admin.register(EconomyRecord)
class EconomyRecordAdmin(ScopedImportExportAdmin):
    resource_classes = [EconomyRecordResource]
    form = EconomyRecordAdminForm
    list_display = [
        "organization",
        "year",
        "total_income",
        "operating_income",
        "development_model",
    ]
    list_filter = ["year"]
    list_select_related = ["organization"]
    search_fields = ["organization__name", "organization__code", "development_model"]
    ordering = ["-year", "organization__path"]
    list_per_page = 100
    history_list_display = ["year", "total_income", "operating_income"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        user = request.user

        class ScopedForm(form_class):
            def __init__(self, *args, **kw):
                kw.setdefault("user", user)
                super().__init__(*args, **kw)

        return ScopedForm

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "organization" and formfield is not None:
            widget = formfield.widget
            widget.can_add_related = widget.can_change_related = False
            widget.can_delete_related = widget.can_view_related = False
        return formfield
