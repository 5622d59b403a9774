"""What the 换届 page is asked about: an organisation's subtree, a year, a state, a search
and a sort (?org=&year=&status=&q=&sort=). Invalid values are reported and ignored."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import FastSelect
from orgs.options import OrgOption, org_choices

from ..renewal import STATE_LABELS, RenewalState
from ..renewal_table import SORT_COLUMNS

#: the states a due organisation can be in, in the order of the filter
STATUS_CHOICES = [
    ("", _("全部应换届")),
    *(
        (state, STATE_LABELS[state])
        for state in (
            RenewalState.OVERDUE,
            RenewalState.DUE,
            RenewalState.HELD,
            RenewalState.APPROVED,
        )
    ),
]


class RenewalFilterForm(forms.Form):
    org = forms.ChoiceField(label=_("党组织（含下级）"), required=False)
    year = forms.TypedChoiceField(label=_("年度"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("换届状态"), required=False, choices=STATUS_CHOICES)
    q = forms.CharField(
        label=_("名称或代码"),
        required=False,
        max_length=50,
        widget=forms.SearchInput(attrs={"placeholder": _("组织名称或代码")}),
    )
    sort = forms.ChoiceField(
        required=False,
        widget=forms.HiddenInput,
        choices=[(c, c) for column in SORT_COLUMNS for c in (column, f"-{column}")],
    )

    def __init__(self, data: Any, *, organizations: list[OrgOption], years: list[int]) -> None:
        """`data`: the query with the organisation and year the page answers for (the
        view has chosen them: a default, or the one asked for)."""
        super().__init__(data)
        self.fields["org"].choices = org_choices(organizations)
        self.fields["org"].widget = FastSelect(choices=self.fields["org"].choices)
        self.fields["year"].choices = [(y, str(y)) for y in years]
        self.is_valid()

    def value(self, name: str) -> Any:
        return self.cleaned_data.get(name) or ""

    @property
    def is_filtered(self) -> bool:
        return bool(self.value("status") or self.value("q"))

    def described(self) -> str:
        """The table asked for in words, for the export log
        ("2026年换届进展表；换届状态：逾期未换届；名称或代码：甲")."""
        parts = [_("%(year)s年换届进展表") % {"year": self.data.get("year", "")}]
        if status := self.value("status"):
            parts.append(f"{self.fields['status'].label}：{dict(STATUS_CHOICES)[status]}")
        if q := self.value("q"):
            parts.append(f"{self.fields['q'].label}：{q}")
        return "；".join(parts)


def year_asked(raw: str | None, years: list[int]) -> int | None:
    """The year of ?year= if it is one of `years`; None when absent or not offered."""
    try:
        year = int(raw or "")
    except ValueError:
        return None
    return year if year in years else None
