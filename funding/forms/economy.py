"""Forms of the collective-economy page (its filters) and of its admin."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core.forms import FastSelect
from orgs.models import Organization
from orgs.options import OrgOption, org_choices

from ..models import EconomyRecord
from ..selectors.economy import DEFAULT_SORT, SORTS, only_reporting_villages


class EconomyFilterForm(forms.Form):
    """The page's GET parameters: a subtree, a year and the table's order. Invalid values
    are reported and replaced by the defaults (the user's top organisation; the newest
    year with records, or this year)."""

    org = forms.ChoiceField(label=_lazy("组织（含下级）"), required=False)
    year = forms.IntegerField(label=_lazy("年度"), required=False, min_value=2000, max_value=2100)
    sort = forms.ChoiceField(label=_lazy("排序"), required=False, choices=[(k, k) for k in SORTS])

    def __init__(self, data=None, *, organizations: list[OrgOption]):
        super().__init__(data if data is not None else {})
        self.organizations = {option.code: option for option in organizations}
        self.fields["org"].choices = org_choices(organizations, None)
        self.fields["org"].widget = FastSelect(choices=self.fields["org"].choices)
        self.fields["year"].widget.attrs.update({"inputmode": "numeric"})
        self.is_valid()
        # The first option is the top of the user's scope (tree order).
        self.org_option: OrgOption | None = self.organizations.get(
            self.cleaned_data.get("org") or ""
        ) or next(iter(self.organizations.values()), None)

    def year_or(self, default: int | None) -> int:
        return self.cleaned_data.get("year") or default or timezone.localdate().year

    @property
    def sort_key(self) -> str:
        return self.cleaned_data.get("sort") or DEFAULT_SORT


class EconomyRecordAdminForm(forms.ModelForm):
    """The admin's record form: the villages and communities of the user's scope that
    report (the import's rule), and the income rule with the same message as the import."""

    class Meta:
        model = EconomyRecord
        fields = ["organization", "year", "total_income", "operating_income", "development_model"]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "organization" in self.fields and user is not None:
            self.fields["organization"].queryset = only_reporting_villages(
                Organization.objects.editable_by(user)
            ).order_by("path")

    def clean(self):
        cleaned = super().clean()
        total, operating = cleaned.get("total_income"), cleaned.get("operating_income")
        if total is not None and operating is not None and operating > total:
            self.add_error(
                "operating_income",
                _("不能大于集体经济总收入 %(total)s 万元。") % {"total": total},
            )
        return cleaned
