from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.history import history_entries

from .choices import OrgKind, OrgLevel, TermStatus
from .figures import member_counts, org_warnings
from .models import TREE_FIELDS, Organization
from .scope import can_edit_path, get_visible_or_404
from .selectors import search_organizations, visible_ancestors, visible_tree

PAGE_SIZE = 50
#: the page shows the latest changes; its "全部修改记录" button opens the admin history
HISTORY_SHOWN = 10


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    filters = {
        "q": request.GET.get("q", "").strip(),
        "level": request.GET.get("level", ""),
        "kind": request.GET.get("kind", ""),
        "term": request.GET.get("term", ""),
    }
    context = {
        "filters": filters,
        "levels": OrgLevel.choices,
        "kinds": OrgKind.choices,
        "terms": [(s, TermStatus(s).label) for s in TermStatus.values],
    }
    if any(filters.values()):
        page = Paginator(search_organizations(request.user, **filters), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        counts = member_counts(o.id for o in page.object_list)
        context["searching"] = True
        context["page"] = page
        context["rows"] = [(org, counts.get(org.id, 0)) for org in page.object_list]
        context["querystring"] = request.GET.copy()
        context["querystring"].pop("page", None)
    else:
        context["roots"] = visible_tree(request.user)
    return render(request, "orgs/tree.html", context)


@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    org = get_visible_or_404(Organization.objects.all(), request.user, code=code)
    children = list(Organization.objects.visible_to(request.user).children_of(org))
    counts = member_counts([org.id, *(c.id for c in children)])
    # A move shows as its change reason ("调整上级组织为 …"), not as tree bookkeeping.
    history, more_history = history_entries(
        org.history, limit=HISTORY_SHOWN, excluded_fields=TREE_FIELDS
    )
    return render(
        request,
        "orgs/detail.html",
        {
            "org": org,
            "ancestors": visible_ancestors(request.user, org),
            "children": [(c, counts.get(c.id, 0)) for c in children],
            "members": counts.get(org.id, 0),
            "history": history,
            "more_history": more_history,
            "can_edit": can_edit_path(request.user, org.path),
            "warnings": org_warnings(org),
        },
    )
