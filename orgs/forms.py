"""Forms for organisations (admin and portal share them)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceErrorsMixin

from .models import Organization
from .scope import subtree_q


class OrganizationForm(ServiceErrorsMixin, forms.ModelForm):
    """Edits an organisation and its place in the tree, inside the user's scope."""

    parent = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        required=False,
        label=_("上级组织"),
        help_text=_("只能选择您管辖范围内的组织；留空表示根组织（仅系统管理员可设）。"),
    )

    class Meta:
        model = Organization
        fields = [
            "code",
            "name",
            "parent",
            "kind",
            "level",
            "domain",
            "founded_on",
            "secretary_name",
            "secretary_phone",
            "term_started_on",
            "term_years",
            "villages_count",
            "communities_count",
            "covered_units",
            "is_demonstration",
            "is_weak_and_lax",
        ]
        widgets = {
            "founded_on": forms.DateInput(attrs={"type": "date"}),
            "term_started_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        choices = Organization.objects.editable_by(user) if user else Organization.objects.all()
        instance = self.instance
        current_parent = None
        if instance.pk:
            # A version restored from history carries its old tree position: use today's.
            # Likewise the 软弱涣散 flag, which only the register changes.
            instance.refresh_from_db(fields=["path", "depth", "numchild", "is_weak_and_lax"])
            # The code orders siblings in the tree and joins import files: fixed once created.
            self.fields["code"].disabled = True
            choices = choices.exclude(subtree_q(instance))
            current_parent = instance.parent_node()
            self.fields["parent"].initial = current_parent
        if current_parent is not None:
            # The top of a user's scope keeps its (out-of-scope) parent; it cannot move.
            choices = choices | Organization.objects.filter(pk=current_parent.pk)
        self.fields["parent"].queryset = choices.order_by("path")
        self.fields["term_years"].required = False
        # The flag follows the weak-and-lax register (assessments.register.services.sync_flag).
        weak = self.fields["is_weak_and_lax"]
        weak.disabled = True
        weak.help_text = _("由整顿台账决定：登记软弱涣散整顿台账即标记，销号后取消。")
        self._current_parent = current_parent

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        parent = data.get("parent")
        is_superuser = bool(self.user and self.user.is_superuser)
        if parent is None:
            is_new_root = self.instance.pk is None and is_superuser
            if not (is_new_root or (self.instance.pk and self._current_parent is None)):
                self.add_error("parent", _("请选择上级组织。"))
            return data
        self.instance.level = data.get("level") or self.instance.level
        try:
            self.instance.validate_parent(parent)
            self.instance.validate_children_levels()
        except ValidationError as exc:
            self.add_service_error(exc)
        return data
