"""Forms of the weak-and-lax register pages: the list's filters, the entry form, closing
and the follow-up check. They parse and present; the rules live in
assessments.register.services and .validation, whose refusals they show next to the field
they name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy

from core.forms import FastSelect, ServiceErrorsMixin
from orgs.models import Organization
from orgs.options import OrganizationChoiceField, OrgOption, org_choices

from ..choices import WeakLaxSituation, WeakLaxStatus
from ..models import WeakLaxEntry
from .selectors import OVERDUE
from .services import entry_close, entry_create, entry_review, entry_update
from .validation import REQUIRED, RESPONSIBLE_MAX, entry_errors

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_INVALID = _lazy("请按 YYYY-MM-DD 填写日期。")


def _required(name: str) -> dict[str, Any]:
    return {"required": REQUIRED[name]}


class ServiceForm(ServiceErrorsMixin, forms.Form):
    """A form whose save() calls a service and shows its refusals as form errors."""

    def call(self, service, **kwargs) -> Any:
        """The service's result, or None with its errors added to the form (the service
        ran in a transaction, so nothing was saved)."""
        try:
            return service(**kwargs)
        except ValidationError as exc:
            self.add_service_error(exc)
            return None


# --- the list's filters ----------------------------------------------------------------
class RegisterFilterForm(forms.Form):
    """The list's GET parameters. Invalid values are reported and ignored, never used."""

    year = forms.TypedChoiceField(label=_lazy("年度"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label=_lazy("状态"),
        required=False,
        choices=[
            ("", _lazy("全部")),
            *WeakLaxStatus.choices,
            (OVERDUE, _lazy("逾期未销号")),
        ],
    )
    org = forms.ChoiceField(label=_lazy("所属组织（含下级）"), required=False)

    def __init__(self, data=None, *, organizations: list[OrgOption], years: list[int]):
        super().__init__(data if data is not None else {})
        self.organizations = {option.code: option for option in organizations}
        self.fields["org"].choices = org_choices(organizations, _lazy("全部（我的管辖范围）"))
        self.fields["year"].choices = [("", _lazy("全部年度")), *((y, str(y)) for y in years)]
        for field in self.fields.values():
            field.widget = FastSelect(choices=field.choices)
        self.is_valid()  # fills cleaned_data with the valid values, errors for the rest

    @property
    def org_option(self) -> OrgOption | None:
        return self.organizations.get(self.cleaned_data.get("org") or "")

    def filter_kwargs(self) -> dict[str, Any]:
        org = self.org_option
        return {
            "year": self.cleaned_data.get("year"),
            "status": self.cleaned_data.get("status") or "",
            "org_path": org.path if org else "",
        }

    @property
    def is_filtered(self) -> bool:
        return any(self.cleaned_data.get(name) for name in self.fields)


# --- the entry -------------------------------------------------------------------------
class EntryForm(ServiceForm):
    organization = OrganizationChoiceField(
        indented=True,
        label=_lazy("党组织"),
        queryset=Organization.objects.none(),
        widget=FastSelect,
        empty_label=_lazy("请选择"),
        error_messages={
            **_required("organization"),
            "invalid_choice": _lazy("请选择您管辖范围内的党组织。"),
        },
    )
    year = forms.IntegerField(
        label=_lazy("年度"),
        error_messages={**_required("year"), "invalid": _lazy("年度须为四位数字。")},
    )
    situations = forms.MultipleChoiceField(
        label=_lazy("存在情形"),
        choices=WeakLaxSituation.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            **_required("situations"),
            "invalid_choice": _lazy("存在情形“%(value)s”不是标准情形。"),
        },
        help_text=_lazy("可多选。"),
    )
    measures = forms.CharField(
        label=_lazy("整顿措施"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages=_required("measures"),
    )
    responsible_person = forms.CharField(
        label=_lazy("责任人"),
        max_length=RESPONSIBLE_MAX,
        error_messages={
            **_required("responsible_person"),
            "max_length": _lazy("责任人不能超过 %(limit_value)d 个字。"),
        },
        help_text=_lazy("如联系县领导、包村干部、第一书记。"),
    )
    deadline = forms.DateField(
        label=_lazy("整顿期限"),
        widget=DATE,
        error_messages={**_required("deadline"), "invalid": DATE_INVALID},
        help_text=_lazy("不能早于登记日期；逾期未销号会在台账中标出。"),
    )

    def __init__(self, data=None, *, user: Any, entry: WeakLaxEntry | None = None, **kwargs):
        initial = kwargs.pop("initial", {}) or {}
        if entry is not None:
            initial = {
                "organization": entry.organization,
                "year": entry.year,
                "situations": list(entry.situations),
                "measures": entry.measures,
                "responsible_person": entry.responsible_person,
                "deadline": entry.deadline,
            }
        else:
            initial.setdefault("year", timezone.localdate().year)
        super().__init__(data, initial=initial, **kwargs)
        self.user = user
        self.entry = entry
        field = self.fields["organization"]
        if entry is not None:
            # An entry stays with its organisation: a wrong one is deleted and registered anew.
            field.queryset = Organization.objects.filter(pk=entry.organization_id)
            field.disabled = True
            field.help_text = _lazy("登记后不能更换组织。")
        else:
            field.queryset = Organization.objects.editable_by(user).order_by("path")
            top = field.queryset.order_by("depth").values_list("depth", flat=True).first()
            field.top_depth = top or 1

    def clean(self) -> dict[str, Any]:
        # The service's checks run here too, so that every problem shows at once (a
        # missing situation and a deadline in the past), not one after the other.
        data = super().clean()
        errors = entry_errors(
            organization=data.get("organization"),
            year=data.get("year"),
            situations=data.get("situations") or [],
            measures=data.get("measures") or "",
            responsible_person=data.get("responsible_person") or "",
            deadline=data.get("deadline"),
            entry=self.entry,
        )
        for field, messages in errors.items():
            if field not in self.errors:
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return data

    def save(self) -> WeakLaxEntry | None:
        if not self.is_valid():
            return None
        data = self.cleaned_data
        values = {
            "user": self.user,
            "year": data["year"],
            "situations": data["situations"],
            "measures": data["measures"],
            "responsible_person": data["responsible_person"],
            "deadline": data["deadline"],
        }
        if self.entry is not None:
            return self.call(entry_update, entry=self.entry, **values)
        return self.call(entry_create, organization=data["organization"], **values)


# --- closing and the follow-up check ---------------------------------------------------
class CloseForm(ServiceForm):
    on = forms.DateField(
        label=_lazy("销号日期"),
        widget=DATE,
        error_messages={**_required("on"), "invalid": DATE_INVALID},
    )
    note = forms.CharField(
        label=_lazy("销号说明"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_required("note"),
        help_text=_lazy("整改成效、验收意见；记入修改记录。"),
    )

    def __init__(self, data=None, *, user: Any, entry: WeakLaxEntry, **kwargs):
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(data, **kwargs)
        self.user = user
        self.entry = entry

    def save(self) -> WeakLaxEntry | None:
        if not self.is_valid():
            return None
        return self.call(
            entry_close,
            user=self.user,
            entry=self.entry,
            on=self.cleaned_data["on"],
            note=self.cleaned_data["note"],
        )


PASSED_CHOICES = [("1", _lazy("通过，保持销号")), ("0", _lazy("未通过，重新整顿"))]


class ReviewForm(ServiceForm):
    on = forms.DateField(
        label=_lazy("回头看日期"),
        widget=DATE,
        error_messages={**_required("on"), "invalid": DATE_INVALID},
    )
    result = forms.CharField(
        label=_lazy("回头看结果"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_required("result"),
    )
    passed = forms.TypedChoiceField(
        label=_lazy("结论"),
        choices=PASSED_CHOICES,
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        error_messages=_required("passed"),
        help_text=_lazy("未通过的，台账回到“整顿中”，该组织重新标记为软弱涣散。"),
    )

    def __init__(self, data=None, *, user: Any, entry: WeakLaxEntry, **kwargs):
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(data, **kwargs)
        self.user = user
        self.entry = entry

    def save(self) -> WeakLaxEntry | None:
        if not self.is_valid():
            return None
        return self.call(
            entry_review,
            user=self.user,
            entry=self.entry,
            on=self.cleaned_data["on"],
            result=self.cleaned_data["result"],
            passed=self.cleaned_data["passed"],
        )
