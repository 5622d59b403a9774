"""The secretary's form for a whole list: one status, account and file field per item.

It parses and presents; the rules (account required for 已完成, files, revision, status)
live in checklists.filling and come back as errors that `add_service_error` puts beside the
item they concern.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _lazy

from core.forms import ServiceErrorsMixin
from orgs.life.forms import MultipleFileField, MultipleFileInput

from ..choices import ItemStatus
from ..filling import ACCOUNT_MAX
from ..models import ChecklistItem


@dataclass
class ItemFields:
    item: ChecklistItem
    status: forms.BoundField
    account: forms.BoundField
    files: forms.BoundField


def _name(item_id: int | str, field: str) -> str:
    return f"item-{item_id}-{field}"


class ChecklistFillForm(ServiceErrorsMixin, forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    remove = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, items: list[ChecklistItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        self.fields["remove"].choices = [
            (evidence.pk, evidence.original_name)
            for item in items
            for evidence in item.evidence.all()
        ]
        for item in items:
            number = item.position
            self.fields[_name(item.pk, "status")] = forms.ChoiceField(
                label=_lazy("第 %(n)d 项进展") % {"n": number},
                choices=ItemStatus.choices,
                widget=forms.RadioSelect,
                initial=item.status,
                error_messages={"required": _lazy("请选择进展。")},
            )
            self.fields[_name(item.pk, "account")] = forms.CharField(
                label=_lazy("落实情况"),
                required=False,
                max_length=ACCOUNT_MAX,
                initial=item.account,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text=_lazy("标为“已完成”时必填：写明做了什么、何时、取得什么效果。"),
            )
            self.fields[_name(item.pk, "files")] = MultipleFileField(
                label=_lazy("上传佐证材料"),
                required=False,
                widget=MultipleFileInput(
                    attrs={"accept": "image/*,application/pdf", "multiple": True}
                ),
            )

    def rows(self) -> list[ItemFields]:
        return [
            ItemFields(
                item=item,
                status=self[_name(item.pk, "status")],
                account=self[_name(item.pk, "account")],
                files=self[_name(item.pk, "files")],
            )
            for item in self.items
        ]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "changes": {
                item.pk: {
                    "status": data[_name(item.pk, "status")],
                    "account": data[_name(item.pk, "account")],
                }
                for item in self.items
            },
            "files": {item.pk: data[_name(item.pk, "files")] for item in self.items},
            "remove": data.get("remove") or [],
            "expected_revision": data["revision"],
        }

    def service_error_field(self, key: str) -> str | None:
        # The service names an item's field "<item id>.<field>".
        item_id, dot, field = key.partition(".")
        return super().service_error_field(_name(item_id, field) if dot else key)
