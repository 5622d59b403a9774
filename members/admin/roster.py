"""Admin of the roster (import/export with history) and of the personal-data export log."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.template_utils import HistoricalRecordContextHelper

from core.registry import get_kind
from orgs.models import Organization
from orgs.scoped_admin import ScopedImportExportAdmin
from portal.exporting import log_export
from portal.models import ExportChannel

from ..history import mask_personal_value
from ..models import Member
from ..models.member import FULL_VIEW_PERMISSION
from ..permissions import can_view_full_personal_data
from ..resources.roster import MemberResource
from ..services.roster import member_create, member_update
from .search import PersonSearchMixin

FIELDS = (
    "name",
    "id_number",
    "gender",
    "ethnicity",
    "birth_date",
    "education",
    "job",
    "phone",
    "organization",
    "category",
    "joined_on",
    "confirmed_on",
    "status",
    "status_changed_on",
    "status_note",
    "is_mobile",
    "mobile_destination",
    "last_contact_on",
    "is_in_hardship",
    "hardship_kind",
)
# On change forms of users without the full-view permission these stand in for the
# personal fields: read-only and masked.
MASKED_STAND_INS = {"id_number": "masked_id_number_display", "phone": "masked_phone_display"}


class MaskingContextHelper(HistoricalRecordContextHelper):
    """The admin history's change list shows ID numbers and phones masked."""

    def __init__(self, model, historical_record, *, unmasked: bool, **kwargs):
        super().__init__(model, historical_record, **kwargs)
        self.unmasked = unmasked

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        return mask_personal_value(change.field, value, unmasked=self.unmasked)


@admin.register(Member)
class MemberAdmin(PersonSearchMixin, ScopedImportExportAdmin):
    masked_fields = ("id_number", "phone")
    masked_fields_permission = FULL_VIEW_PERMISSION

    def has_delete_permission(self, request, obj=None) -> bool:
        # A member record is kept for life: leaving is a status (出党, 去世, 已转出 …) with a
        # date. Only a superuser removes a record entered by mistake.
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    resource_classes = [MemberResource]
    list_display = [
        "name",
        "masked_id_number_display",
        "gender",
        "organization",
        "category",
        "status",
    ]
    list_display_links = ["name"]
    list_filter = [
        "status",
        "category",
        "gender",
        "education",
        "job",
        "is_mobile",
        "is_in_hardship",
        "hardship_kind",
    ]
    list_select_related = ["organization"]
    list_per_page = 100
    ordering = ["organization__path", "name", "pk"]
    history_list_display = ["name", "organization", "status"]

    @admin.display(description=_("公民身份号码"))
    def masked_id_number_display(self, obj: Member) -> str:
        return obj.masked_id_number

    @admin.display(description=_("联系电话"))
    def masked_phone_display(self, obj: Member) -> str:
        return obj.masked_phone or "—"

    def _masks(self, request, obj=None) -> bool:
        return obj is not None and not can_view_full_personal_data(request.user)

    def get_list_display(self, request):
        if can_view_full_personal_data(request.user):
            return ["name", "id_number", "gender", "organization", "category", "status"]
        return super().get_list_display(request)

    def get_fields(self, request, obj=None):
        if self._masks(request, obj):
            return [MASKED_STAND_INS.get(name, name) for name in FIELDS]
        return list(FIELDS)

    def get_readonly_fields(self, request, obj=None):
        return list(MASKED_STAND_INS.values()) if self._masks(request, obj) else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organization":
            kwargs["queryset"] = Organization.objects.editable_by(request.user).order_by("path")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "organization" and formfield is not None:
            # Organisations are maintained in their own admin, not from a member's form.
            widget = formfield.widget
            widget.can_add_related = widget.can_change_related = False
            widget.can_delete_related = widget.can_view_related = False
        return formfield

    def save_model(self, request, obj, form, change):
        save = member_update if change else member_create
        try:
            save(user=request.user, member=obj, reason=_("后台修改") if change else _("后台新增"))
        except ValidationError as exc:
            # The form validated the same rules; only a concurrent change gets here.
            raise PermissionDenied(exc.messages) from exc

    def get_historical_record_context_helper(self, request, historical_record):
        return MaskingContextHelper(
            self.model,
            historical_record,
            unmasked=can_view_full_personal_data(request.user),
        )

    def get_data_for_export(self, request, queryset, **kwargs):
        """The admin's export of members (masked by MemberResource unless permitted,
        since ScopedImportExportAdmin passes the user) is logged like every other."""
        dataset = super().get_data_for_export(request, queryset, **kwargs)
        form = kwargs.get("export_form")
        formats = self.get_export_formats()
        file_format = formats[int(form.cleaned_data["format"])] if form else formats[0]
        log_export(
            get_kind("members"),
            user=request.user,
            org=None,
            rows=len(dataset),
            unmasked=can_view_full_personal_data(request.user),
            channel=ExportChannel.ADMIN,
            fmt=file_format().get_extension(),
        )
        return dataset
