"""The dashboard (`/`): key figures of a subtree and quarter, charts, the ranking of the
next level down and, while a 换届 runs there, its progress (reports.renewal), for every
role. Secretaries get the same page for their own organisation (its figures, no ranking
below a village) with the workbench that `/` showed before: their scope and the term
counts."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import tablib
from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_safe

from assessments.health.selectors import chosen_or_top
from core.forms import FastSelect
from core.periods import QUARTER, Period
from core.years import FIRST_YEAR
from members.models import AppraisalResult
from members.services.appraisals import latest_year_counts
from orgs.models import Organization
from orgs.options import OrgOption, org_choices, visible_org_options
from orgs.scope import is_staff_member, path_allowed
from orgs.selectors import scope_summary
from portal.exporting import FORMATS, dataset_download
from teams.renewal import RENEWAL_ROLES

from .charts import bar_chart, format_number, stacked_bar_chart
from .figures import Overview, RankRow, overview, ranking
from .renewal import renewal_section

#: quarters offered in the dashboard's chooser and the bulletin form, the running one included
QUARTERS_OFFERED = 8


def offered_quarters(today: Any = None) -> list[Period]:
    """The running quarter, then the closed ones, latest first."""
    current = Period.quarter_of(today or timezone.localdate())
    quarters = [current]
    while len(quarters) < QUARTERS_OFFERED:
        quarters.append(quarters[-1].previous)
    return quarters


def last_closed_quarter(today: Any = None) -> Period:
    """The quarter the dashboard opens on and a bulletin reports by default: the running
    quarter's lists are not due yet, so its rates would read as a fall."""
    return Period.quarter_of(today or timezone.localdate()).previous


def is_running(period: Period, today: Any = None) -> bool:
    return period.last_day >= (today or timezone.localdate())


def quarter_label(period: Period, today: Any = None) -> str:
    """ "2026年第4季度", marked "（进行中）" while it runs."""
    if is_running(period, today):
        return _("%(quarter)s（进行中）") % {"quarter": period.label}
    return period.label


def quarter_choices(quarters: list[Period]) -> list[tuple[str, str]]:
    today = timezone.localdate()
    return [(str(q), quarter_label(q, today)) for q in quarters]


class DashboardForm(forms.Form):
    """The scope and quarter chooser (?org=CODE&period=2026Q3)."""

    org = forms.CharField(label=_lazy("党组织（含下级）"), required=False, widget=FastSelect)
    period = forms.ChoiceField(label=_lazy("季度"), required=False, widget=FastSelect)

    def __init__(
        self,
        *,
        org: Organization,
        period: Period,
        organizations: list[OrgOption],
        quarters: list[Period],
    ) -> None:
        # Unbound: the view has already chosen (and scope-checked) both values.
        super().__init__(initial={"org": org.code, "period": str(period)})
        self.fields["org"].widget.choices = org_choices(organizations)
        self.fields["period"].choices = quarter_choices(quarters)
        self.fields["period"].widget.choices = self.fields["period"].choices


@dataclass(frozen=True)
class ChartBlock:
    """A chart and the same figures as a table (for screen readers and for copying)."""

    key: str
    title: str
    svg: SafeString
    headers: tuple[str, ...]
    rows: list[tuple[str, ...]]


def _choose_period(request: HttpRequest, quarters: list[Period]) -> tuple[Period, bool]:
    """?period= when readable and not in the future (older quarters may be asked for by
    URL; months may not), else the last closed quarter; True when the value was refused."""
    default = last_closed_quarter()
    text = request.GET.get("period", "").strip()
    if not text:
        return default, False
    offered = {str(q): q for q in quarters}
    if text.upper() in offered:
        return offered[text.upper()], False
    try:
        period = Period.parse(text)
    except Exception:  # noqa: BLE001 - any unreadable value falls back to the default
        return default, True
    if period.kind != QUARTER or period > quarters[0]:
        return default, True
    return period, False


def _charts(data: Overview, rows: list[RankRow]) -> list[ChartBlock]:
    blocks = []
    members = data.group("members")
    full, probationary = data.figure("members_full"), data.figure("members_probationary")
    periods = [data.previous_period.label, data.period.label]
    blocks.append(
        ChartBlock(
            "members",
            _("党员构成（上期与本期）"),
            stacked_bar_chart(
                title=_("党员构成（上期与本期）"),
                labels=periods,
                series=[
                    (full.label, [full.previous or 0, full.value or 0]),
                    (probationary.label, [probationary.previous or 0, probationary.value or 0]),
                ],
                unit=_("名"),
                chart_id="chart-members",
            ),
            (_("期间"), full.label, probationary.label, members.figures[0].label),
            [
                (
                    periods[0],
                    format_number(full.previous),
                    format_number(probationary.previous),
                    format_number(data.figure("members_total").previous),
                ),
                (
                    periods[1],
                    format_number(full.value),
                    format_number(probationary.value),
                    format_number(data.figure("members_total").value),
                ),
            ],
        )
    )
    # Only the ranked (scored) organisations: before any list of the quarter is approved
    # there is nothing to draw but dashes.
    scored = [r for r in rows if r.rank is not None]
    if scored:
        blocks.append(
            ChartBlock(
                "scores",
                _("下级清单平均得分"),
                bar_chart(
                    title=_("下级清单平均得分"),
                    labels=[r.name for r in scored],
                    values=[r.average_score for r in scored],
                    unit=_("分"),
                    max_value=100,
                    chart_id="chart-scores",
                ),
                (_("党组织"), _("平均得分")),
                [(r.name, format_number(r.average_score, _("分"))) for r in scored],
            )
        )
    if rows:
        blocks.append(
            ChartBlock(
                "execution",
                _("下级经费执行率"),
                bar_chart(
                    title=_("下级经费执行率"),
                    labels=[r.name for r in rows],
                    values=[r.execution_rate for r in rows],
                    unit="%",
                    max_value=100,
                    chart_id="chart-execution",
                ),
                (_("党组织"), _("经费执行率")),
                [(r.name, format_number(r.execution_rate, "%")) for r in rows],
            )
        )
    for key, title in (
        ("sites", _("阵地建设项目（按状态）")),
        ("health", _("组织体检问题（按规则）")),
    ):
        figures = data.group(key).parts
        if key == "health" and not figures:
            continue
        blocks.append(
            ChartBlock(
                key,
                title,
                bar_chart(
                    title=title,
                    labels=[f.label for f in figures],
                    values=[f.value for f in figures],
                    unit=figures[0].unit if figures else "",
                    chart_id=f"chart-{key}",
                ),
                (_("项目"), _("本期"), _("上期")),
                [(f.label, f.display, f.previous_display) for f in figures],
            )
        )
    return blocks


def _chosen_org(request: HttpRequest) -> Organization | None:
    return chosen_or_top(request.user, request.GET.get("org", ""))


@login_required
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    quarters = offered_quarters()
    period, bad_period = _choose_period(request, quarters)
    if period not in quarters:
        quarters.append(period)
    org = _chosen_org(request)
    context: dict[str, Any] = {
        "assignments": user.assignments.select_related("organization").order_by("role"),
        "is_staff_member": is_staff_member(user),
        "org": org,
        "period": period,
        "bad_period": bad_period,
        "first_year": FIRST_YEAR,
    }
    if org is None:  # no assignment yet: the workbench says whom to ask
        return render(request, "reports/dashboard.html", context)
    form = DashboardForm(
        org=org, period=period, organizations=visible_org_options(user), quarters=quarters
    )
    data = overview(org=org, period=period)
    rows = ranking(org=org, period=period)
    context.update(
        {
            "form": form,
            # The last closed and the running quarter, one click apart.
            "quarter_tabs": [(q, quarter_label(q), q == period) for q in reversed(quarters[:2])],
            "period_label": quarter_label(period),
            "overview": data,
            "ranking": rows,
            "charts": _charts(data, rows),
            "summary": scope_summary(user),
            "appraisals": latest_year_counts(org, period.year),
            "appraisal_results": AppraisalResult.choices,
            # The quarter's year as of the page's day, as the bulletin of that quarter.
            "renewal": renewal_section(org, year=period.year, as_of=data.as_of),
            "renewal_url": (
                reverse("teams:renewal") if path_allowed(user, org.path, RENEWAL_ROLES) else ""
            ),
        }
    )
    return render(request, "reports/dashboard.html", context)


EXPORT_HEADERS = ["类别", "指标", "本期", "上期", "变化", "单位", "变化单位"]
RANKING_HEADERS = [
    "名次",
    "组织代码",
    "组织名称",
    "党员数",
    "清单提交率（%）",
    "清单平均得分",
    "达标率（%）",
    "经费执行率（%）",
    "体检问题",
]


def _plain(value: Any) -> Any:
    return "" if value is None else str(value) if isinstance(value, Decimal) else value


@login_required
@require_safe
def figures_export(request: HttpRequest) -> HttpResponse:
    """The dashboard's figures (or, with ?table=ranking, its ranking) as a spreadsheet:
    the same overview() and ranking() as the page and the bulletin, so the three agree."""
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS:
        raise Http404
    quarters = offered_quarters()
    period, _bad = _choose_period(request, quarters)
    org = _chosen_org(request)
    if org is None:
        raise Http404
    if request.GET.get("table") == "ranking":
        dataset = tablib.Dataset(headers=RANKING_HEADERS, title=_("下级排名"))
        for row in ranking(org=org, period=period):
            dataset.append(
                [
                    _("未评分") if row.rank is None else row.rank,
                    row.code,
                    row.name,
                    row.members,
                    _plain(row.submission_rate),
                    _plain(row.average_score),
                    _plain(row.standards_rate),
                    _plain(row.execution_rate),
                    row.findings,
                ]
            )
        name = _("下级排名")
    else:
        dataset = tablib.Dataset(headers=EXPORT_HEADERS, title=_("主要指标"))
        for group in overview(org=org, period=period).groups:
            for figure in group.figures:
                dataset.append(
                    [
                        group.title,
                        str(figure.label),
                        _plain(figure.value),
                        _plain(figure.previous),
                        _plain(figure.change),
                        str(figure.unit or ""),
                        figure.change_unit,
                    ]
                )
        name = _("主要指标")
    return dataset_download(dataset, fmt, f"{name}-{org.name}-{period.label}.{fmt}")
