"""Forms of the venue-project pages: the list's filters, the project form, the stage move
and the upload. They parse and present; the rules live in the resource and the services.

The project form saves through the sites import resource (one row, all or nothing), so a
project typed on the page is checked exactly like one in an imported file and records its
history and first stage the same way.
"""

from __future__ import annotations

from typing import Any

import tablib
from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core.forms import FastSelect, ServiceErrorsMixin
from core.importing import ImportReport, run_import
from orgs.models import Organization
from orgs.options import OrganizationChoiceField, OrgOption, org_choices

from ..choices import STAGE_ORDER, ConstructionNature, ProjectStage, ProjectType, Room
from ..models import VenueProject
from ..resources import RESERVED_SITE_CODES, VenueProjectResource
from ..selectors.sites import DEFAULT_SORT, SORTS

# Paths under /sites/ that are pages, not project codes (a project so coded would be
# shadowed by them, so the form refuses these codes).
RESERVED_CODES = RESERVED_SITE_CODES
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _all(choices) -> list[tuple[str, Any]]:
    return [("", _lazy("全部")), *choices]


# --- the list's filters ----------------------------------------------------------------
class SiteFilterForm(forms.Form):
    """The list's GET parameters. Invalid values are reported and ignored, never used."""

    q = forms.CharField(label=_lazy("项目名称或编号"), required=False, max_length=50)
    project_type = forms.ChoiceField(
        label=_lazy("项目类型"), required=False, choices=_all(ProjectType.choices)
    )
    stage = forms.ChoiceField(
        label=_lazy("状态"), required=False, choices=_all(ProjectStage.choices)
    )
    org = forms.ChoiceField(label=_lazy("所属组织（含下级）"), required=False)
    year = forms.TypedChoiceField(
        label=_lazy("年度"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_lazy("按开工年份；尚未开工的按录入年份。"),
    )
    sort = forms.ChoiceField(label=_lazy("排序"), required=False, choices=[(k, k) for k in SORTS])

    def __init__(self, data=None, *, organizations: list[OrgOption], years: list[int]):
        # Always bound: every field is optional, so no parameters means the defaults.
        super().__init__(data if data is not None else {})
        self.organizations = {option.code: option for option in organizations}
        self.fields["org"].choices = org_choices(organizations, _lazy("全部（我的管辖范围）"))
        self.fields["year"].choices = [("", _lazy("全部年度")), *((y, str(y)) for y in years)]
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                field.widget = FastSelect(choices=field.choices)
        self.is_valid()  # fills cleaned_data with the valid values, errors for the rest

    @property
    def org_option(self) -> OrgOption | None:
        return self.organizations.get(self.cleaned_data.get("org") or "")

    def filter_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        org = self.org_option
        return {
            "q": (data.get("q") or "").strip(),
            "project_type": data.get("project_type") or "",
            "stage": data.get("stage") or "",
            "org_path": org.path if org else "",
            "year": data.get("year"),
        }

    @property
    def sort_key(self) -> str:
        return self.cleaned_data.get("sort") or DEFAULT_SORT

    @property
    def is_filtered(self) -> bool:
        return any(self.cleaned_data.get(name) for name in self.fields if name != "sort")


# --- the project form ------------------------------------------------------------------
# Form field → the data-dictionary column it fills (and whose errors it shows).
COLUMNS: dict[str, str] = {
    "code": "项目编号",
    "name": "项目名称",
    "organization": "组织代码",
    "project_type": "项目类型",
    "nature": "建设性质",
    "planned_investment": "计划投资（万元）",
    "completed_investment": "已完成投资（万元）",
    "area": "建筑面积（㎡）",
    "stage": "状态",
    "started_on": "开工日期",
    "completed_on": "竣工日期",
    "rooms": "功能配置",
}


class PageResource(VenueProjectResource):
    """The sites resource, with history saying the change was made on the page."""

    def history_reason(self) -> str:
        return self.source


class VenueProjectForm(forms.Form):
    """Creates or edits a project inside the organisations the user may edit.

    The stage is chosen when a project is created; later it moves only through the stage
    form, which records the move (date, who, and for going back the reason)."""

    code = forms.CharField(
        label=_lazy("项目编号"),
        max_length=40,
        help_text=_lazy("1–40 位字母、数字或“-”，保存后不能修改。"),
    )
    name = forms.CharField(label=_lazy("项目名称"), max_length=100)
    organization = OrganizationChoiceField(
        label=_lazy("所属组织"), queryset=Organization.objects.none()
    )
    project_type = forms.ChoiceField(label=_lazy("项目类型"), choices=ProjectType.choices)
    nature = forms.ChoiceField(label=_lazy("建设性质"), choices=ConstructionNature.choices)
    planned_investment = forms.DecimalField(
        label=_lazy("计划投资（万元）"), decimal_places=2, max_digits=12
    )
    completed_investment = forms.DecimalField(
        label=_lazy("已完成投资（万元）"),
        decimal_places=2,
        max_digits=12,
        required=False,
        help_text=_lazy("超过计划投资时会标出提示，不会拒绝。"),
    )
    area = forms.DecimalField(
        label=_lazy("建筑面积（㎡）"), decimal_places=2, max_digits=10, required=False
    )
    stage = forms.ChoiceField(label=_lazy("状态"), choices=ProjectStage.choices)
    started_on = forms.DateField(
        label=_lazy("开工日期"),
        required=False,
        widget=DATE,
        help_text=_lazy("状态为在建及以后时必填。"),
    )
    completed_on = forms.DateField(
        label=_lazy("竣工日期"),
        required=False,
        widget=DATE,
        help_text=_lazy("状态为已竣工或已验收时必填，不能早于开工日期。"),
    )
    rooms = forms.MultipleChoiceField(
        label=_lazy("功能配置"),
        required=False,
        choices=Room.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_lazy("村级组织活动场所按“八室一超市一广场”标准核对缺项。"),
    )

    def __init__(self, data=None, *, user: Any, project: VenueProject | None = None, **kwargs):
        initial = kwargs.pop("initial", {}) or {}
        if project is not None:
            initial = {
                "code": project.code,
                "name": project.name,
                "organization": project.organization,
                "project_type": project.project_type,
                "nature": project.nature,
                "planned_investment": project.planned_investment,
                "completed_investment": project.completed_investment,
                "area": project.area,
                "stage": project.stage,
                "started_on": project.started_on,
                "completed_on": project.completed_on,
                "rooms": list(project.rooms),
            }
        super().__init__(data, initial=initial, **kwargs)
        self.user = user
        self.project = project
        self.fields["organization"].queryset = Organization.objects.editable_by(user).order_by(
            "path"
        )
        if project is not None:
            # The key and the stage are not edited here (see the class docstring).
            for name in ("code", "stage"):
                self.fields[name].disabled = True
            self.fields["stage"].help_text = _lazy("请在项目页面的“变更状态”中修改，会留下记录。")
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select) and not isinstance(
                field.widget, forms.SelectMultiple
            ):
                field.widget = FastSelect(choices=field.widget.choices)

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if self.project is not None:
            return self.project.code
        if code.lower() in RESERVED_CODES:
            raise forms.ValidationError(
                _("“%(code)s”是系统保留字，请换一个编号。") % {"code": code}
            )
        if VenueProject.objects.filter(code=code).exists():
            raise forms.ValidationError(_("项目编号“%(code)s”已存在。") % {"code": code})
        return code

    def row(self) -> dict[str, Any]:
        """The cleaned values as one row of the sites table."""
        data = self.cleaned_data
        labels = dict(Room.choices)
        return {
            "项目编号": data["code"],
            "项目名称": data["name"],
            "组织代码": data["organization"].code,
            "项目类型": str(ProjectType(data["project_type"]).label),
            "建设性质": str(ConstructionNature(data["nature"]).label),
            "计划投资（万元）": str(data["planned_investment"]),
            "已完成投资（万元）": _text(data.get("completed_investment")),
            "建筑面积（㎡）": _text(data.get("area")),
            "状态": str(ProjectStage(data["stage"]).label),
            "开工日期": data.get("started_on") or "",
            "竣工日期": data.get("completed_on") or "",
            "功能配置": "、".join(str(labels[code]) for code in data.get("rooms") or []),
        }

    def save(self) -> ImportReport | None:
        """Save through the resource; its refusals become this form's errors. Returns the
        report, or None when the form has errors (the database is then unchanged)."""
        if not self.is_valid():
            return None
        source = _("页面修改") if self.project is not None else _("页面新增")
        row = self.row()
        dataset = tablib.Dataset(headers=list(COLUMNS.values()))
        dataset.append([row[column] for column in COLUMNS.values()])
        report = run_import(PageResource(user=self.user, source=source), dataset)
        fields_by_column = {column: name for name, column in COLUMNS.items()}
        for error in report.errors:
            name = fields_by_column.get(error.column)
            if name in self.fields and not self.fields[name].disabled:
                self.add_error(name, error.message)
            elif name:
                self.add_error(None, f"{COLUMNS[name]}：{error.message}")
            else:
                self.add_error(None, error.message)
        return None if report.errors else report

    @property
    def fieldsets(self) -> list[tuple[Any, list[Any]]]:
        groups = (
            (_lazy("基本信息"), ("code", "name", "organization", "project_type", "nature")),
            (
                _lazy("投资与规模"),
                ("planned_investment", "completed_investment", "area"),
            ),
            (_lazy("进度"), ("stage", "started_on", "completed_on")),
        )
        return [(legend, [self[name] for name in names]) for legend, names in groups]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


# --- stage move ------------------------------------------------------------------------
class StageMoveForm(ServiceErrorsMixin, forms.Form):
    to_stage = forms.ChoiceField(label=_lazy("变更为"))
    on = forms.DateField(label=_lazy("日期"), widget=DATE)
    reason = forms.CharField(
        label=_lazy("原因"),
        required=False,
        max_length=200,
        help_text=_lazy("退回到之前的状态时必填；会记入状态变更记录。"),
        widget=forms.TextInput(),
    )

    def __init__(self, data=None, *, project: VenueProject, **kwargs):
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(data, **kwargs)
        current = STAGE_ORDER.index(project.stage)
        choices = []
        for index, stage in enumerate(STAGE_ORDER):
            if stage == project.stage:
                continue
            label = ProjectStage(stage).label
            direction = _("前进") if index > current else _("退回，须填原因")
            choices.append((stage, f"{label}（{direction}）"))
        following = STAGE_ORDER[current + 1] if current + 1 < len(STAGE_ORDER) else ""
        self.fields["to_stage"].choices = choices
        self.initial.setdefault("to_stage", following)


# --- attachments -----------------------------------------------------------------------
class AttachmentForm(ServiceErrorsMixin, forms.Form):
    file = forms.FileField(
        label=_lazy("文件"),
        help_text=_lazy("JPEG、PNG 图片或 PDF 文件；按文件内容判断类型。"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )
    caption = forms.CharField(label=_lazy("说明"), required=False, max_length=100)
