"""Admin: training records (scoped to the organisation the record was entered in)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orgs.scoped_admin import ScopedHistoryAdmin

from ..models import DevelopmentCase, Member, TrainingRecord


class TrainingRecordForm(forms.ModelForm):
    class Meta:
        model = TrainingRecord
        fields = ["member", "case", "course", "hours", "attended_on"]

    def clean(self):
        cleaned = super().clean()
        member, case = cleaned.get("member"), cleaned.get("case")
        if (member is None) == (case is None):
            raise ValidationError(_("请选择党员或发展对象中的一项（只选一项）。"))
        attended_on = cleaned.get("attended_on")
        if attended_on and attended_on > timezone.localdate():
            self.add_error("attended_on", _("不能晚于今天。"))
        # The organisation is the person's own; set before the model's checks run.
        self.instance.organization = (member or case).organization
        return cleaned


@admin.register(TrainingRecord)
class TrainingRecordAdmin(ScopedHistoryAdmin):
    form = TrainingRecordForm
    list_display = ["attended_on", "person", "organization", "course", "hours"]
    list_filter = ["attended_on"]
    list_select_related = ["organization", "member", "case"]
    raw_id_fields = ["member", "case"]
    search_fields = ["course", "member__name", "case__name"]
    date_hierarchy = "attended_on"
    list_per_page = 100
    history_list_display = ["course", "hours", "attended_on"]

    @admin.display(description=_("姓名"))
    def person(self, obj: TrainingRecord) -> str:
        return obj.member.name if obj.member_id else obj.case.name

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "member":
            kwargs["queryset"] = Member.objects.editable_by(request.user)
        elif db_field.name == "case":
            kwargs["queryset"] = DevelopmentCase.objects.editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        super().save_model(request, obj, form, change)
