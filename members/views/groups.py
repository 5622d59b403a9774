"""Portal pages: the 党小组 of a branch — the list with the form to set one up, and one
group's page to change or dissolve it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from orgs.models import Organization
from orgs.scope import get_visible_or_404
from orgs.selectors import visible_ancestors

from ..forms.groups import PartyGroupForm
from ..models import PartyGroup
from ..services.groups import (
    branch_members,
    can_manage_groups,
    delete_group,
    grouped_elsewhere,
    groups_of,
    may_form_groups,
    save_group,
)


def _form(request: HttpRequest, org: Organization, group: PartyGroup | None, **kwargs):
    return PartyGroupForm(
        request.POST if request.method == "POST" else None,
        candidates=branch_members(org),
        elsewhere=grouped_elsewhere(org, group),
        **kwargs,
    )


@login_required
def groups(request: HttpRequest, code: str) -> HttpResponse:
    org = get_visible_or_404(Organization.objects.all(), request.user, code=code)
    may_manage = can_manage_groups(request.user, org)
    if request.method == "POST" and not may_manage:
        raise PermissionDenied
    form = _form(request, org, None) if may_manage else None
    if form is not None and form.is_bound and form.is_valid():
        try:
            group = save_group(user=request.user, organization=org, **form.service_kwargs())
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("已设立党小组“%(name)s”。") % {"name": group.name})
            return redirect("members:groups", code=org.code)
    return render(
        request,
        "members/groups.html",
        {
            "org": org,
            "ancestors": visible_ancestors(request.user, org),
            "groups": groups_of(org),
            "form": form,
            "may_form": may_form_groups(org),
            "may_manage": may_manage,
        },
        status=400 if form is not None and form.is_bound else 200,
    )


@login_required
def group(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    found = get_visible_or_404(
        PartyGroup.objects.select_related("organization", "leader"),
        request.user,
        pk=pk,
        organization__code=code,
    )
    org = found.organization
    if not can_manage_groups(request.user, org):
        raise PermissionDenied
    if request.method == "POST" and request.POST.get("action") == "delete":
        delete_group(user=request.user, group=found)
        messages.success(request, _("已撤销党小组“%(name)s”。") % {"name": found.name})
        return redirect("members:groups", code=org.code)
    form = _form(
        request,
        org,
        found,
        initial={
            "name": found.name,
            "leader": found.leader_id,
            "members": [m.pk for m in found.members.all()],
            "formed_on": found.formed_on,
        },
    )
    if form.is_bound and form.is_valid():
        try:
            save_group(user=request.user, organization=org, group=found, **form.service_kwargs())
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("已保存党小组“%(name)s”。") % {"name": found.name})
            return redirect("members:groups", code=org.code)
    return render(
        request,
        "members/groups_form.html",
        {
            "org": org,
            "ancestors": visible_ancestors(request.user, org),
            "group": found,
            "form": form,
        },
        status=400 if form.is_bound else 200,
    )


urlpatterns = [
    path("groups/<str:code>/", groups, name="groups"),
    path("groups/<str:code>/<int:pk>/", group, name="group"),
]
