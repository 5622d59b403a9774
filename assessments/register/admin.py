"""Admin: the weak-and-lax register (scoped, with history).

Every save and delete goes through the register services, so that the organisation's
软弱涣散 flag follows the entries here too. The status and its dates are read-only:
they move only by closing and the follow-up check on the entry's portal page.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from orgs.models import Organization
from orgs.scoped_admin import ScopedHistoryAdmin

from ..choices import WeakLaxSituation
from ..models import WeakLaxEntry
from .selectors import is_overdue
from .services import entry_create, entry_delete, entry_update
from .validation import entry_errors

EDITABLE = ["year", "situations", "measures", "responsible_person", "deadline"]


class WeakLaxEntryAdminForm(forms.ModelForm):
    situations = forms.MultipleChoiceField(
        label=_("存在情形"),
        choices=WeakLaxSituation.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,  # the service says which is missing, in the same words as the portal
    )

    class Meta:
        model = WeakLaxEntry
        fields = ["organization", *EDITABLE]

    def clean(self):
        data = super().clean()
        entry = self.instance if self.instance.pk else None
        organization = entry.organization if entry else data.get("organization")
        errors = entry_errors(
            organization=organization,
            year=data.get("year"),
            situations=data.get("situations") or [],
            measures=data.get("measures") or "",
            responsible_person=data.get("responsible_person") or "",
            deadline=data.get("deadline"),
            entry=entry,
        )
        for field, messages in errors.items():
            if field in self.errors:
                continue  # the field already says what is wrong with it
            target = field if field in self.fields else None
            for message in messages:
                self.add_error(target, message)
        return data

    def _get_validation_exclusions(self):
        # The one-a-year rule is checked by entry_errors, with a message naming the
        # organisation and the year instead of Django's generic one.
        return {*super()._get_validation_exclusions(), "organization"}


@admin.register(WeakLaxEntry)
class WeakLaxEntryAdmin(ScopedHistoryAdmin):
    form = WeakLaxEntryAdminForm
    list_display = [
        "organization",
        "year",
        "status",
        "deadline",
        "overdue_flag",
        "closed_on",
        "review_on",
        "responsible_person",
    ]
    list_display_links = ["organization", "year"]
    list_filter = ["status", "year"]
    list_select_related = ["organization"]
    search_fields = ["organization__name", "organization__code", "responsible_person"]
    ordering = ["-year", "organization__path"]
    list_per_page = 100
    readonly_fields = [
        "status",
        "closed_on",
        "review_on",
        "review_result",
        "created_by",
        "created_at",
        "portal_link",
    ]
    history_list_display = ["status", "deadline", "closed_on", "review_on"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["organization", *EDITABLE, *self.get_readonly_fields(request, obj)]
        readonly = self.get_readonly_fields(request, obj)
        return [readonly[0], *EDITABLE, *readonly[1:]]

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if obj is None:
            return [f for f in fields if f != "portal_link"]
        return ["organization_name", *fields]

    @admin.display(description=_("党组织"))
    def organization_name(self, obj: WeakLaxEntry) -> str:
        return str(obj.organization)

    @admin.display(description=_("逾期"), boolean=True)
    def overdue_flag(self, obj: WeakLaxEntry) -> bool:
        return is_overdue(obj)

    @admin.display(description=_("销号、回头看"))
    def portal_link(self, obj: WeakLaxEntry) -> str:
        url = reverse("assessments:register_entry", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("在台账页面销号、记录回头看"))

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            # The organisation is shown as text (organization_name): it cannot change.
            kwargs["fields"] = EDITABLE
        return super().get_form(request, obj, change, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organization":
            kwargs["queryset"] = Organization.objects.editable_by(request.user).order_by("path")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "organization" and formfield is not None:
            widget = formfield.widget
            widget.can_add_related = widget.can_change_related = False
            widget.can_delete_related = widget.can_view_related = False
        return formfield

    def save_model(self, request, obj: WeakLaxEntry, form, change) -> None:
        data = form.cleaned_data
        values = {name: data[name] for name in EDITABLE}
        try:
            if change:
                saved = entry_update(user=request.user, entry=obj, **values)
            else:
                saved = entry_create(user=request.user, organization=data["organization"], **values)
        except ValidationError as exc:
            # Checked in the form already; only a concurrent change ends here.
            raise ValidationError(exc.messages) from exc
        obj.pk = saved.pk
        obj.refresh_from_db()

    def delete_model(self, request, obj: WeakLaxEntry) -> None:
        entry_delete(user=request.user, entry=obj)

    def delete_queryset(self, request, queryset) -> None:
        with transaction.atomic():
            for obj in queryset.select_related("organization"):
                entry_delete(user=request.user, entry=obj)
