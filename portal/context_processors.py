"""The base template's title and the navigation of the user's roles."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from orgs.roles import Role
from orgs.scope import has_role, is_staff_member


def portal(request) -> dict[str, Any]:
    """Title, role-based navigation and the user's roles for the base template."""
    user = getattr(request, "user", None)
    context: dict[str, Any] = {"portal_title": settings.PORTAL_TITLE, "nav_items": []}
    if user is None or not user.is_authenticated:
        return context
    staff = is_staff_member(user)
    assignments = list(user.assignments.select_related("organization").order_by("role"))
    held = {a.role for a in assignments}
    items = [(_("工作台"), reverse("home")), (_("组织体系"), reverse("orgs:tree"))]
    if has_role(user):
        items.append((_("党员"), reverse("members:list")))
        items.append((_("党建经费"), reverse("funding:index")))
        items.append((_("阵地建设"), reverse("funding:sites")))
        items.append((_("集体经济"), reverse("funding:economy")))
        items.append((_("责任清单"), reverse("checklists:mine")))
        items.append((_("组织生活"), reverse("orgs:life_overview")))
        items.append((_("组织体检"), reverse("assessments:health")))
        items.append((_("整顿台账"), reverse("assessments:register")))
        items.append((_("进展通报"), reverse("bulletins:list")))
    if user.is_superuser or held & {Role.STAFF, Role.LEADER}:
        items.append((_("班子与换届"), reverse("teams:renewal")))
        items.append((_("党内统计"), reverse("partystats:statistics")))
    if staff:
        items.append((_("账号管理"), reverse("accounts:users")))
        items.append((_("后台管理"), reverse("admin:index")))
    current = request.path
    # The longest matching URL is the active one (/health/weak-lax/ is not also /health/).
    matches = [
        url for _label, url in items if current == url or (url != "/" and current.startswith(url))
    ]
    active = max(matches, key=len, default=None)
    context["nav_items"] = [
        {"label": label, "url": url, "active": url == active} for label, url in items
    ]
    context["user_roles"] = [
        f"{a.get_role_display()} · {a.organization.name}" for a in assignments
    ] or ([_("系统管理员")] if user.is_superuser else [])
    return context
