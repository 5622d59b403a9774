"""Forms of the staff pages: the quarter to issue, a new template, a template item.

The rules (who may, copy-on-edit, unique positions) live in
`checklists.template_editing`; the forms read the inputs and show its messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _lazy

from core.forms import ServiceErrorsMixin
from core.periods import Quarter

from ..choices import ChecklistLevel
from ..models import ChecklistTemplate, TemplateItem
from ..template_editing import COPIED_FIELDS, item_save


class IssueForm(forms.Form):
    quarter = forms.CharField(
        label=_lazy("季度"),
        max_length=6,
        help_text=_lazy("如 2026Q4（2026 年第四季度）。"),
        widget=forms.TextInput(attrs={"inputmode": "text", "autocomplete": "off"}),
    )

    def clean_quarter(self) -> Quarter:
        try:
            return Quarter.parse(self.cleaned_data["quarter"])
        except ValidationError as error:
            raise ValidationError(
                _lazy("季度：%(message)s") % {"message": error.messages[0]}
            ) from error


class TemplateCreateForm(forms.Form):
    level = forms.ChoiceField(label=_lazy("适用层级"), choices=ChecklistLevel.choices)
    year = forms.IntegerField(
        label=_lazy("年度"),
        min_value=2000,
        max_value=2100,
        error_messages={
            "min_value": _lazy("年度：应在 2000 到 2100 之间。"),
            "max_value": _lazy("年度：应在 2000 到 2100 之间。"),
            "invalid": _lazy("年度：请填写四位数的年份。"),
            "required": _lazy("年度：必填。"),
        },
    )
    name = forms.CharField(
        label=_lazy("名称"),
        max_length=100,
        error_messages={"required": _lazy("名称：必填。")},
    )
    copy_current = forms.BooleanField(
        label=_lazy("复制该层级当前使用的模板的条目"), required=False, initial=True
    )


class TemplateItemForm(ServiceErrorsMixin, forms.ModelForm):
    class Meta:
        model = TemplateItem
        fields = ["position", *COPIED_FIELDS]
        widgets = {"requirement": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, template: ChecklistTemplate, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.instance.template = template
        self.user = user
        for name, field in self.fields.items():
            label = field.label
            field.error_messages = {
                **field.error_messages,
                "required": _lazy("%(label)s：必填。") % {"label": label},
                "invalid": _lazy("%(label)s：格式不正确。") % {"label": label},
            }
            if name in ("points", "indicator_target", "due_in_days", "position"):
                field.widget.attrs["inputmode"] = "decimal"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("indicator") and cleaned.get("indicator_target") is None:
            self.add_error("indicator_target", _lazy("指标目标值：选择了系统测量指标时必填。"))
        return cleaned

    def _post_clean(self):
        # Field validators of the model (points ≥ 0.5, days 1..92) with the field named.
        super()._post_clean()
        for name in list(self.errors):
            if name in self.fields:
                label = self.fields[name].label
                self.errors[name] = self.error_class(
                    [
                        m if m.startswith(f"{label}：") else f"{label}：{m}"
                        for m in self.errors[name]
                    ]
                )

    def save(self, commit: bool = True) -> TemplateItem | None:  # noqa: FBT001, FBT002
        """Through the service; None (with the message on the form) when it refuses."""
        if not self.is_valid():
            return None
        try:
            return item_save(user=self.user, item=self.instance)
        except ValidationError as error:
            self.add_service_error(error)
            return None
