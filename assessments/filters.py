"""What the 标准化规范化 and 述职评议 pages are asked about: an organisation's subtree and a
year (?org=&year=, drawn by templates/assessments/_org_year_filters.html), and the year
of a route."""

from __future__ import annotations

from django import forms
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy

from core.forms import FastSelect
from orgs.options import OrgOption, org_choices

from .models import FIRST_YEAR


class OrgYearFilterForm(forms.Form):
    """?org=&year= of the page; invalid values are reported and ignored."""

    org = forms.ChoiceField(label=_lazy("党组织（含下级）"), required=False)
    year = forms.TypedChoiceField(label=_lazy("年度"), required=False, coerce=int, empty_value=None)

    def __init__(self, data=None, *, organizations: list[OrgOption], years: list[int]):
        super().__init__(data if data is not None else {})
        self.organizations = {option.code: option for option in organizations}
        self.fields["org"].choices = org_choices(organizations)
        self.fields["year"].choices = [(y, str(y)) for y in years]
        for field in self.fields.values():
            field.widget = FastSelect(choices=field.choices)
        self.is_valid()

    @property
    def chosen_year(self) -> int | None:
        return self.cleaned_data.get("year")


def year_or_404(year: int) -> int:
    """A route's year, from FIRST_YEAR to this year; 404 for any other."""
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404
    return year
