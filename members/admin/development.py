"""Admin of the development pipeline: cases (scoped, read-mostly) and the rules.

Cases are created and moved through their gates on the portal pages, where every rule is
checked (members.services.pipeline); the admin corrects descriptive fields only, keeps the
history, and never lets a stage or a gate date be typed in by hand.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from core.admin import GuardedHistoryAdmin
from orgs.scoped_admin import CountyConfigAdminMixin, ScopedHistoryAdmin

from ..models import DevelopmentCase, DevelopmentRule
from ..models.member import FULL_VIEW_PERMISSION
from ..permissions import can_view_full_personal_data
from ..services.pipeline import rule_update, validate_rule_value
from .roster import MaskingContextHelper
from .search import PersonSearchMixin

# The gates and steps in the order the regulations take them: read-only, since only the
# services check them.
PIPELINE_FIELDS = (
    "organization",
    "name",
    "gender",
    "stage",
    "applied_on",
    "talked_on",
    "activist_on",
    "candidate_on",
    "political_review_on",
    "admission_publicity_from",
    "admission_publicity_to",
    "pre_review_on",
    "admitted_on",
    "committee_talk_on",
    "approved_on",
    "probation_extended_months",
    "confirmation_publicity_from",
    "confirmation_publicity_to",
    "confirmation_meeting_on",
    "confirmed_on",
    "member",
    "closed_on",
    "closed_reason",
)
EDITABLE_FIELDS = (
    "ethnicity",
    "education",
    "job",
    "phone",
    "political_review_result",
    "introducers",
    "note",
)


@admin.register(DevelopmentCase)
class DevelopmentCaseAdmin(PersonSearchMixin, ScopedHistoryAdmin):
    masked_fields = ("id_number", "phone")
    masked_fields_permission = FULL_VIEW_PERMISSION
    list_display = [
        "name",
        "masked_id_number_display",
        "organization",
        "stage",
        "applied_on",
        "closed_on",
    ]
    list_filter = ["stage"]
    list_select_related = ["organization"]
    ordering = ["organization__path", "applied_on", "pk"]
    list_per_page = 100
    history_list_display = ["stage"]

    @admin.display(description=_("公民身份号码"))
    def masked_id_number_display(self, obj: DevelopmentCase) -> str:
        return obj.masked_id_number

    @admin.display(description=_("联系电话"))
    def masked_phone_display(self, obj: DevelopmentCase) -> str:
        from ..identity import mask_phone

        return mask_phone(obj.phone) or "—"

    def _full(self, request) -> bool:
        return can_view_full_personal_data(request.user)

    def get_fields(self, request, obj=None):
        number = "id_number" if self._full(request) else "masked_id_number_display"
        editable = [
            f if f != "phone" or self._full(request) else "masked_phone_display"
            for f in EDITABLE_FIELDS
        ]
        return [*PIPELINE_FIELDS[:2], number, *PIPELINE_FIELDS[2:], *editable]

    def get_readonly_fields(self, request, obj=None):
        masked = [] if self._full(request) else ["masked_id_number_display", "masked_phone_display"]
        # The introducers were checked against the roster when the 支部大会 admitted.
        checked = ["introducers"] if obj is not None and obj.admitted_on else []
        return [*PIPELINE_FIELDS, "id_number", *masked, *checked]

    def has_add_permission(self, request) -> bool:
        # New cases go through the portal form, which checks age and the ID number.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # A case is closed (终止培养), not deleted; only a superuser removes an entry made
        # by mistake, and never one that already has a Member.
        return request.user.is_superuser and (obj is None or obj.member_id is None)

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        obj._change_reason = _("后台修改")
        obj.save()

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Restoring an old version would put back its stage and gate dates without the
        # gates being checked (and without touching the Member): viewing only.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_historical_record_context_helper(self, request, historical_record):
        return MaskingContextHelper(self.model, historical_record, unmasked=self._full(request))


class DevelopmentRuleForm(forms.ModelForm):
    class Meta:
        model = DevelopmentRule
        fields = ["value"]

    def clean(self):
        cleaned = super().clean()
        validate_rule_value(self.instance.key, cleaned.get("value"))
        return cleaned


@admin.register(DevelopmentRule)
class DevelopmentRuleAdmin(CountyConfigAdminMixin, GuardedHistoryAdmin):
    """Portal-wide figures: every staff member reads them, county staff change them; the
    keys are fixed (the migration loads them), so rows are neither added nor deleted."""

    config_rows_fixed = True
    form = DevelopmentRuleForm
    list_display = ["key", "value", "updated_at"]
    readonly_fields = ["key", "updated_at"]
    fields = ["key", "value", "updated_at"]

    def save_model(self, request, obj, form, change):
        # The service checks the figure's range and who may change it, and keeps history.
        rule_update(user=request.user, rule_row=obj, value=form.cleaned_data["value"])
