"""Admin: the 标准化规范化 dimensions (portal-wide configuration) and the score sheets.

Dimensions: every staff member reads them; county staff (a root of the tree) and
superusers change them. The points must add up to 100, which no single row can keep when
its points change, so points are changed on the list page, all rows at once, and the
whole list is checked before anything is saved. Dimensions are not added or deleted
here: a sheet must score every dimension, so that would make every existing sheet
incomplete.

Score sheets are entered on the portal page (per dimension, through the service that
keeps the total); here they are viewed, their history read, and a mistaken one deleted.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import BaseModelFormSet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import GuardedHistoryAdmin
from orgs.scoped_admin import CountyConfigAdminMixin, ScopedHistoryAdmin

from ..models import StandardDimension, StandardScoreSheet
from .grading import star_grade
from .services import dimension_total_errors


class DimensionListFormSet(BaseModelFormSet):
    """The list page's rows, checked together: the points must still add up to 100."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        changed = {
            form.instance.pk: form.cleaned_data["max_points"]
            for form in self.forms
            if form.instance.pk and "max_points" in form.cleaned_data
        }
        errors = dimension_total_errors(changed)
        if errors:
            raise ValidationError(errors)


@admin.register(StandardDimension)
class StandardDimensionAdmin(CountyConfigAdminMixin, GuardedHistoryAdmin):
    # A sheet scores every dimension: adding or deleting one would leave every sheet
    # incomplete (see above).
    config_rows_fixed = True
    list_display = ["code", "name", "max_points", "position"]
    list_editable = ["name", "max_points", "position"]
    list_display_links = ["code"]
    ordering = ["position", "code"]
    fields = ["code", "name", "max_points", "position"]

    def get_readonly_fields(self, request, obj=None):
        # The code is what sheets store; the points change only on the list (see above).
        return ["code", "max_points"]

    def get_changelist_formset(self, request, **kwargs):
        kwargs["formset"] = DimensionListFormSet
        return super().get_changelist_formset(request, **kwargs)

    @transaction.atomic
    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "subtitle": _("各项满分之和须为 100 分：在此列表中同时修改几项的满分后一起保存。"),
        }
        return super().changelist_view(request, extra_context)


@admin.register(StandardScoreSheet)
class StandardScoreSheetAdmin(ScopedHistoryAdmin):
    list_display = ["organization", "year", "total", "stars", "assessed_on", "assessed_by"]
    list_filter = ["year"]
    list_select_related = ["organization", "assessed_by"]
    search_fields = ["organization__name", "organization__code"]
    ordering = ["-year", "organization__path"]
    list_per_page = 100
    readonly_fields = [
        "organization",
        "year",
        "scores",
        "total",
        "comment",
        "assessed_on",
        "assessed_by",
        "portal_link",
    ]
    fields = readonly_fields

    @admin.display(description=_("星级"))
    def stars(self, obj: StandardScoreSheet) -> str:
        return "★" * star_grade(obj.total)

    @admin.display(description=_("录入、修改"))
    def portal_link(self, obj: StandardScoreSheet) -> str:
        url = reverse("assessments:standards_sheet", args=[obj.organization.code, obj.year])
        return format_html('<a href="{}">{}</a>', url, _("在评分页面逐项录入或修改"))

    # Entry goes through the portal page, which checks each dimension and keeps the total.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def delete_model(self, request, obj) -> None:
        obj._history_user = request.user
        obj.delete()
