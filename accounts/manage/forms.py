"""Forms of the account pages: the list's filters, creating one account, the secretary
accounts of a township at once, and the account an action is for."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import FastSelect, ServiceErrorsMixin
from core.submissions import SubmissionTokenField
from orgs.models import Organization
from orgs.options import OrgOption, org_choices
from orgs.roles import Role

from .scope import grantable_roles
from .selectors import DEFAULT_SORT, SORTS, Status, bulk_townships

SORT_VALUES = [*SORTS, *(f"-{name}" for name in SORTS)]


class AccountFilterForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("查找"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("用户名、姓名或组织名称"),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    role = forms.ChoiceField(
        label=gettext_lazy("角色"),
        required=False,
        choices=[("", gettext_lazy("全部角色")), *Role.choices],
    )
    status = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[
            ("", gettext_lazy("全部状态")),
            (Status.ACTIVE, gettext_lazy("正常使用")),
            (Status.INACTIVE, gettext_lazy("已停用")),
            (Status.LOCKED, gettext_lazy("登录已锁定")),
            (Status.MUST_CHANGE, gettext_lazy("待修改初始密码")),
        ],
    )
    sort = forms.ChoiceField(required=False, choices=[(v, v) for v in SORT_VALUES])

    def filter_kwargs(self) -> dict[str, str]:
        # An odd value in one parameter (a hand-made ?sort=) drops that one, not the search.
        self.is_valid()
        data = self.cleaned_data
        return {
            "q": (data.get("q") or "").strip(),
            "role": data.get("role") or "",
            "status": data.get("status") or "",
            "sort": data.get("sort") or DEFAULT_SORT,
        }

    @property
    def is_filtered(self) -> bool:
        kwargs = self.filter_kwargs()
        return bool(kwargs["q"] or kwargs["role"] or kwargs["status"])


def editable_org_options(actor: Any) -> list[OrgOption]:
    rows = (
        Organization.objects.editable_by(actor)
        .order_by("path")
        .values_list("code", "name", "path", "depth")
    )
    return [OrgOption(*row) for row in rows]


class AccountCreateForm(ServiceErrorsMixin, forms.Form):
    organization = forms.ChoiceField(
        label=gettext_lazy("党组织"),
        widget=FastSelect,
        error_messages={"invalid_choice": gettext_lazy("请选择您管辖范围内的党组织。")},
    )
    role = forms.ChoiceField(
        label=gettext_lazy("角色"),
        error_messages={"invalid_choice": gettext_lazy("您不能授予这个角色。")},
    )
    full_name = forms.CharField(
        label=gettext_lazy("姓名"),
        required=False,
        max_length=30,
        help_text=gettext_lazy("书记账号不填时，取该组织登记的书记姓名。"),
    )
    username = forms.CharField(
        label=gettext_lazy("用户名"),
        required=False,
        max_length=150,
        help_text=gettext_lazy(
            "一般不填：书记账号为组织代码的小写（如 qh0301），领导账号加“-ld”，"
            "组织部工作人员账号加“-zzb”；已被占用时自动加序号。"
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    submission = SubmissionTokenField()

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["organization"].choices = org_choices(
            editable_org_options(actor), empty_label=_("请选择党组织")
        )
        self.fields["role"].choices = [(role, Role(role).label) for role in grantable_roles(actor)]
        self.fields["role"].initial = Role.SECRETARY

    def clean_organization(self) -> Organization:
        code = self.cleaned_data["organization"]
        organization = Organization.objects.editable_by(self.actor).filter(code=code).first()
        if organization is None:
            raise ValidationError(_("请选择您管辖范围内的党组织。"))
        return organization


class SecretaryCreateForm(forms.Form):
    """The one-click creation of an organisation's secretary account."""

    organization = forms.CharField(widget=forms.HiddenInput, max_length=32)
    submission = SubmissionTokenField()


class BulkCreateForm(forms.Form):
    within = forms.ChoiceField(label=gettext_lazy("范围"), required=False, widget=FastSelect)
    submission = SubmissionTokenField()

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.townships = {t.code: t for t in bulk_townships(actor)}
        self.fields["within"].choices = [
            ("", _("我管辖的全部组织")),
            *((code, t.name) for code, t in self.townships.items()),
        ]

    def clean_within(self) -> Organization | None:
        code = self.cleaned_data.get("within") or ""
        return self.townships[code] if code else None


class TargetForm(forms.Form):
    """The account an action is for, by user name (the pages' ?username=)."""

    username = forms.CharField(widget=forms.HiddenInput, max_length=150)
    submission = SubmissionTokenField()
