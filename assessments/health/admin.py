"""Admin: the thresholds of the health rules (portal-wide configuration)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from core.admin import GuardedHistoryAdmin
from core.forms import ServiceErrorsMixin
from orgs.scoped_admin import CountyConfigAdminMixin

from ..models import HealthThreshold
from ..thresholds import threshold_update, validate_threshold


class HealthThresholdForm(ServiceErrorsMixin, forms.ModelForm):
    class Meta:
        model = HealthThreshold
        fields = ["key", "value"]

    def clean(self):
        cleaned = super().clean()
        key = cleaned.get("key") or self.instance.key
        if key and "value" in cleaned:
            try:
                validate_threshold(key, cleaned["value"])
            except ValidationError as exc:
                self.add_service_error(exc)
        return cleaned


@admin.register(HealthThreshold)
class HealthThresholdAdmin(CountyConfigAdminMixin, GuardedHistoryAdmin):
    """Every staff member reads the figures; county staff (a root of the tree) and
    superusers change them, and add the row of a figure that has none. Rows are not
    deleted: the rules would silently fall back to the defaults."""

    form = HealthThresholdForm
    list_display = ["key", "value"]

    def get_readonly_fields(self, request, obj=None):
        # The key of an existing row is its identity; changing it would swap two rules.
        return ["key"] if obj is not None else []

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        threshold_update(user=request.user, row=obj, value=form.cleaned_data["value"])
