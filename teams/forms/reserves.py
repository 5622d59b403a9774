"""Forms of the 后备干部 pages: someone of the pool, and their status. The rules are in
teams.services.reserves."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..choices import ReserveStatus
from ..models import ReserveCadre
from .postings import DATE, PersonForm


class ReserveForm(PersonForm):
    class Meta:
        model = ReserveCadre
        fields = ["name", "id_number", "education", "source", "training_notes", "added_on"]
        widgets = {"added_on": DATE, "training_notes": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"training_notes": _("如培养措施、挂职锻炼、考察情况。")}


class ReserveStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=ReserveStatus.choices)
