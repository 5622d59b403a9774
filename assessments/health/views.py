"""Portal pages: the health findings of the user's scope (组织健康体检) and their export."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import tablib
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_safe

from orgs.models import Organization
from orgs.scope import children_q, get_visible_or_404
from orgs.selectors import scope_tops
from portal.exporting import FORMATS, dataset_download

from .findings import RULE_LABELS, RULE_ORDER, SEVERITY_LABELS, Finding, sort_key
from .rules import findings_for
from .selectors import AreaCount, counts_by_child, filter_findings

PAGE_SIZE = 100
EXPORT_HEADERS = ["组织代码", "组织名称", "规则", "说明", "严重程度"]


@dataclass
class Area:
    """One top organisation of the selection and the counts of its children."""

    top: Organization
    rows: list[AreaCount] = field(default_factory=list)


@dataclass
class Selection:
    tops: list[Organization]
    findings: list[Finding]
    areas: list[Area]
    rule: str
    severity: str
    chosen: Organization | None


def _select(request: HttpRequest) -> Selection:
    """The organisations asked about (a visible ?org=CODE, else the user's scope), their
    findings and the counts per child; the filters are validated against the vocabularies."""
    code = request.GET.get("org", "").strip()
    chosen = (
        get_visible_or_404(Organization.objects.all(), request.user, code=code) if code else None
    )
    tops = [chosen] if chosen else scope_tops(request.user)
    findings: list[Finding] = []
    for top in tops:
        findings += findings_for(top)
    # The children of every top in one query (a county's townships).
    children = Q(pk__in=[])
    for top in tops:
        children |= children_q(top)
    by_parent: dict[str, list[Organization]] = {}
    for child in Organization.objects.filter(children).only("id", "path", "depth", "code", "name"):
        by_parent.setdefault(child.parent_path, []).append(child)
    areas = [
        Area(top=t, rows=counts_by_child(t, by_parent.get(t.path, []), findings)) for t in tops
    ]
    rule = request.GET.get("rule", "")
    severity = request.GET.get("severity", "")
    return Selection(
        tops=tops,
        findings=sorted(findings, key=sort_key),
        areas=areas,
        rule=rule if rule in RULE_LABELS else "",
        severity=severity if severity in SEVERITY_LABELS else "",
        chosen=chosen,
    )


@login_required
@require_safe
def health(request: HttpRequest) -> HttpResponse:
    selection = _select(request)
    shown = filter_findings(selection.findings, rule=selection.rule, severity=selection.severity)
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    per_rule = Counter(f.rule for f in selection.findings)
    per_severity = Counter(f.severity for f in selection.findings)
    querystring = request.GET.copy()
    querystring.pop("page", None)
    export_query = QueryDict(mutable=True)
    for key in ("org", "rule", "severity"):
        if request.GET.get(key):
            export_query[key] = request.GET[key]
    context = {
        "selection": selection,
        "page": page,
        "shown_count": len(shown),
        "rule_counts": [
            (rule, RULE_LABELS[rule], per_rule[rule])
            for rule in sorted(per_rule, key=lambda r: RULE_ORDER.get(r, len(RULE_ORDER)))
            if rule in RULE_LABELS
        ],
        "severity_counts": [
            (value, label, per_severity[value]) for value, label in SEVERITY_LABELS.items()
        ],
        "rule_choices": list(RULE_LABELS.items()),
        "severity_choices": list(SEVERITY_LABELS.items()),
        "querystring": querystring,
        "export_query": export_query.urlencode(),
    }
    return render(request, "assessments/health/index.html", context)


def _export_rows(findings: list[Finding]) -> list[list[str]]:
    return [[f.code, f.name, f.rule_label, f.message, f.severity_label] for f in findings]


@login_required
@require_safe
def health_export(request: HttpRequest) -> HttpResponse:
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS:
        raise Http404
    selection = _select(request)
    shown = filter_findings(selection.findings, rule=selection.rule, severity=selection.severity)
    dataset = tablib.Dataset(*_export_rows(shown), headers=EXPORT_HEADERS, title="组织健康体检")
    label = selection.chosen.code if selection.chosen else "scope"
    return dataset_download(dataset, fmt, f"health-{label}-{timezone.localdate():%Y%m%d}.{fmt}")


urlpatterns = [
    path("", health, name="health"),
    path("export/", health_export, name="health_export"),
]
