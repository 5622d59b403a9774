"""Filtering and sorting of the member roster list (and of its export).

The GET form is cleaned into keyword arguments of `filter_members`, and every condition is
a database filter on indexed columns where possible: the list must answer quickly with
500,000 members, so nothing is filtered in Python and nothing is queried per row.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import FastSelect
from orgs.options import OrgOption, org_choices

from .choices import ETHNIC_GROUPS, AgeBand, Category, Education, Gender, Job, MemberStatus
from .identity import normalise_id_number
from .models.member import ID_HEAD_LENGTH, ID_TAIL_LENGTH, MemberQuerySet
from .name_search import name_contains
from .selectors import birth_date_bounds

STATUS_ALL = "all"
DEFAULT_SORT = "name"

# The whitelist of sorts: the public key (in the URL) → the ORDER BY columns. Each ends
# with a unique column so that pagination is stable.
SORTS: dict[str, tuple[str, ...]] = {
    "name": ("name", "pk"),
    "-name": ("-name", "-pk"),
    "org": ("organization__path", "name", "pk"),
    "-org": ("-organization__path", "name", "pk"),
    # by age: the youngest first means the latest birth date first
    "age": ("-birth_date", "pk"),
    "-age": ("birth_date", "pk"),
    "joined": ("joined_on", "pk"),
    "-joined": ("-joined_on", "pk"),
}

# Digits, possibly ending in X: the text is (part of) an ID number, not a name.
ID_QUERY_RE = re.compile(r"^[0-9]{1,17}[0-9X]?$")
# What a masked number shows (identity.mask_id_number), and the only parts of a number
# stored in the clear (core/encryption.py). See id_number_condition.
MASKED_VISIBLE_PREFIX = ID_HEAD_LENGTH
MASKED_VISIBLE_SUFFIX = ID_TAIL_LENGTH

YES, NO = "yes", "no"
YES_NO_CHOICES = [("", _("全部")), (YES, _("是")), (NO, _("否"))]


def id_number_condition(text: str, *, partial: bool, prefix: str = "") -> Q | None:
    """The condition for an ID-number search, or None when `text` is not a number.

    `partial`: the user may see full numbers, so a whole number is looked up exactly.
    `prefix`: the path to the person from the searched model (`member__` for dues).

    Numbers are stored encrypted (core/encryption.py): the database can match a whole
    number exactly, and the first four and last four characters, which every mask shows,
    are kept in the clear. Nothing else of a number can be searched, by anyone.

    Without the permission, a whole number is answered as its mask (the same first four
    and last four): the birth date beside a mask and the check digit leave about nine
    candidates for the two hidden region digits, and an exact search would confirm the
    right one. Answered as its mask, every candidate finds the same people, so no search
    confirms a digit the mask hides; staff who type a number from a paper form still find
    the person (among the few sharing the mask).
    """
    number = normalise_id_number(text)
    if not ID_QUERY_RE.match(number):
        return None
    if len(number) == 18 and partial:
        return Q(**{f"{prefix}id_number": number})
    if len(number) == 18:
        return Q(
            **{
                f"{prefix}id_tail": number[-MASKED_VISIBLE_SUFFIX:],
                f"{prefix}id_head": number[:MASKED_VISIBLE_PREFIX],
            }
        )
    if len(number) == MASKED_VISIBLE_SUFFIX:
        return Q(**{f"{prefix}id_tail": number})
    if len(number) < MASKED_VISIBLE_SUFFIX:
        return Q(**{f"{prefix}id_tail__endswith": number})
    return Q(pk__in=[])


def filter_members(
    queryset: MemberQuerySet,
    *,
    q: str = "",
    org_path: str = "",
    status: str = MemberStatus.ACTIVE,
    category: str = "",
    gender: str = "",
    age_band: str = "",
    education: str = "",
    ethnicity: str = "",
    job: str = "",
    mobile: bool | None = None,
    hardship: bool | None = None,
    sort: str = DEFAULT_SORT,
    partial_id_search: bool = False,
    today: datetime.date | None = None,
) -> MemberQuerySet:
    """`queryset` (already scoped to the user) narrowed by the filters and sorted."""
    if q:
        condition = id_number_condition(q, partial=partial_id_search)
        if condition is None:
            condition = name_contains(q, using=queryset.db)
        queryset = queryset.filter(condition)
    if org_path:
        queryset = queryset.within(org_path)
    if status != STATUS_ALL:
        queryset = queryset.filter(status=status or MemberStatus.ACTIVE)
    exact = {
        "category": category,
        "gender": gender,
        "education": education,
        "ethnicity": ethnicity,
        "job": job,
    }
    queryset = queryset.filter(**{field: value for field, value in exact.items() if value})
    if age_band:
        earliest, latest = birth_date_bounds(age_band, today or timezone.localdate())
        if earliest is not None:
            queryset = queryset.filter(birth_date__gte=earliest)
        if latest is not None:
            queryset = queryset.filter(birth_date__lte=latest)
    if mobile is not None:
        queryset = queryset.filter(is_mobile=mobile)
    if hardship is not None:
        queryset = queryset.filter(is_in_hardship=hardship)
    return queryset.order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))


def _all(choices) -> list[tuple[str, Any]]:
    return [("", _("全部")), *choices]


class MemberFilterForm(forms.Form):
    """The list's GET parameters. Invalid values are reported and ignored, never used."""

    q = forms.CharField(label=_("姓名或身份证号码"), required=False, max_length=30)
    # A CharField checked against the user's organisations in clean_org(): a ChoiceField
    # would normalise a county's ~2,000 choices again on every request.
    org = forms.CharField(label=_("所在党组织（含下级）"), required=False, widget=FastSelect)
    status = forms.ChoiceField(
        label=_("党籍状态"),
        required=False,
        choices=[*MemberStatus.choices, (STATUS_ALL, _("全部状态"))],
    )
    category = forms.ChoiceField(
        label=_("人员类别"), required=False, choices=_all(Category.choices)
    )
    gender = forms.ChoiceField(label=_("性别"), required=False, choices=_all(Gender.choices))
    age_band = forms.ChoiceField(label=_("年龄段"), required=False, choices=_all(AgeBand.choices))
    education = forms.ChoiceField(label=_("学历"), required=False, choices=_all(Education.choices))
    ethnicity = forms.ChoiceField(label=_("民族"), required=False, choices=_all(ETHNIC_GROUPS))
    job = forms.ChoiceField(label=_("工作岗位"), required=False, choices=_all(Job.choices))
    mobile = forms.ChoiceField(label=_("流动党员"), required=False, choices=YES_NO_CHOICES)
    hardship = forms.ChoiceField(label=_("生活困难党员"), required=False, choices=YES_NO_CHOICES)
    sort = forms.ChoiceField(label=_("排序"), required=False, choices=[(key, key) for key in SORTS])

    def __init__(self, data=None, *, organizations: list[OrgOption], partial_id_search: bool):
        # Always bound: every field is optional, so no parameters means the defaults.
        super().__init__(data if data is not None else {})
        self.organizations = {option.code: option for option in organizations}
        self.fields["org"].widget.choices = org_choices(organizations, _("全部（我的管辖范围）"))
        for form_field in self.fields.values():
            if isinstance(form_field, forms.ChoiceField):
                form_field.widget = FastSelect(choices=form_field.choices)
        self.partial_id_search = partial_id_search
        self.fields["q"].help_text = (
            _("可输入姓名、完整的 18 位身份证号码或号码的末 4 位。")
            if partial_id_search
            else _("可输入姓名或身份证号码的末 4 位；输入完整号码时按其前 4 位和末 4 位查找。")
        )
        self.is_valid()  # fills cleaned_data with the valid values, errors for the rest

    @property
    def org_option(self) -> OrgOption | None:
        return self.organizations.get(self.cleaned_data.get("org") or "")

    def clean_org(self) -> str:
        code = self.cleaned_data["org"]
        if code and code not in self.organizations:
            raise forms.ValidationError(_("请选择您管辖范围内的党组织。"))
        return code

    def clean_q(self) -> str:
        text = self.cleaned_data["q"].strip()
        number = normalise_id_number(text)
        if ID_QUERY_RE.match(number) and MASKED_VISIBLE_SUFFIX < len(number) < 18:
            # Numbers are stored encrypted: only a whole number or its last four can be
            # looked up.
            raise forms.ValidationError(_("请输入完整的 18 位身份证号码，或号码的末 4 位。"))
        return text

    def filter_kwargs(self, *, today: datetime.date | None = None) -> dict[str, Any]:
        """Keyword arguments of `filter_members` from the valid values."""
        data = self.cleaned_data
        org = self.org_option
        flags = {YES: True, NO: False}
        return {
            "q": data.get("q", ""),
            "org_path": org.path if org else "",
            "status": data.get("status") or MemberStatus.ACTIVE,
            "category": data.get("category", ""),
            "gender": data.get("gender", ""),
            "age_band": data.get("age_band", ""),
            "education": data.get("education", ""),
            "ethnicity": data.get("ethnicity", ""),
            "job": data.get("job", ""),
            "mobile": flags.get(data.get("mobile", "")),
            "hardship": flags.get(data.get("hardship", "")),
            "sort": data.get("sort") or DEFAULT_SORT,
            "partial_id_search": self.partial_id_search,
            "today": today,
        }

    PRIMARY = ("q", "org", "status")

    @property
    def primary_fields(self) -> list:
        return [self[name] for name in self.PRIMARY]

    @property
    def detail_fields(self) -> list:
        """The rarer filters, folded away on the page (a phone shows three fields, not 11)."""
        return [self[n] for n in self.fields if n not in self.PRIMARY and n != "sort"]

    @property
    def has_detail_filters(self) -> bool:
        return any(self.data.get(field.name) for field in self.detail_fields)

    @property
    def is_filtered(self) -> bool:
        """Whether the user asked for anything but the defaults (current members), valid
        or not: the page then offers to clear the conditions."""
        data = self.data
        return any(data.get(name) for name in self.fields if name not in ("status", "sort")) or (
            data.get("status", "") not in ("", MemberStatus.ACTIVE)
        )
