"""The team page of an organisation (its committee, election history and what is due) and
the committee's changes: putting a person in post, ending a post, deleting a mistaken row.

Reading follows the user's scope (404 outside it); changing needs staff rights over the
organisation (403 for the secretary and leaders who read it). Every change is a POST the
services in teams.services.pages carry out; a GET only shows the form or confirmation.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.submissions import REPEATED_MESSAGE, RepeatedSubmission, earlier_result
from members.permissions import can_view_full_personal_data
from members.signals import full_data_viewed
from orgs.models import Organization
from orgs.scope import can_edit_path, get_visible_or_404
from orgs.selectors import visible_ancestors

from ..forms.committee import CommitteeMemberForm, EndMembershipForm
from ..models import CommitteeMember
from ..services.pages import (
    StaleRecord,
    add_committee_member,
    delete_committee_member,
    end_committee_member,
    team_url,
)
from ..team_pages import team_page


def org_or_404(request: HttpRequest, code: str) -> Organization:
    return get_visible_or_404(Organization.objects.all(), request.user, code=code)


def editable_org(request: HttpRequest, code: str) -> Organization:
    """The organisation if the user may change its team; 404 outside their scope, 403
    where they only read it."""
    org = org_or_404(request, code)
    if not can_edit_path(request.user, org.path):
        raise PermissionDenied
    return org


def page_context(request: HttpRequest, org: Organization, **extra) -> dict:
    """What every page of an organisation's team shows around its content."""
    return {"org": org, "ancestors": visible_ancestors(request.user, org), **extra}


@login_required
@require_safe
def team(request: HttpRequest, code: str) -> HttpResponse:
    org = org_or_404(request, code)
    page = team_page(org, today=timezone.localdate())
    show_full = can_view_full_personal_data(request.user)
    if show_full and page.people:
        # The page shows the team's ID numbers in full: the audit trail records it.
        full_data_viewed.send(CommitteeMember, request=request, members=page.people, page="list")
    return render(
        request,
        "teams/team/index.html",
        page_context(
            request,
            org,
            page=page,
            show_full=show_full,
            can_edit=can_edit_path(request.user, org.path),
        ),
    )


@login_required
def committee_add(request: HttpRequest, code: str) -> HttpResponse:
    org = editable_org(request, code)
    if request.method == "POST" and (done := earlier_result(request.POST)) is not None:
        messages.info(request, REPEATED_MESSAGE)
        return redirect(done or team_url(org))
    form = CommitteeMemberForm(request.POST or None, instance=CommitteeMember(organization=org))
    if request.method == "POST" and form.is_valid():
        try:
            membership = add_committee_member(
                user=request.user,
                membership=form.save(commit=False),
                submission=form.cleaned_data["submission"],
            )
        except RepeatedSubmission as repeat:
            messages.info(request, REPEATED_MESSAGE)
            return redirect(repeat.url or team_url(org))
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(
                request,
                _("已将%(name)s登记为%(post)s（%(day)s起）。")
                % {
                    "name": membership.name,
                    "post": membership.get_position_display(),
                    "day": membership.started_on.isoformat(),
                },
            )
            return redirect(team_url(org))
    return render(
        request,
        "teams/team/member_form.html",
        page_context(request, org, form=form),
        status=400 if form.is_bound else 200,
    )


def _membership(request: HttpRequest, org: Organization, pk: int) -> CommitteeMember | None:
    """The row the page is about; a GET for a missing one is a 404, a POST is answered by
    the service (the row may have been deleted since the form was shown)."""
    membership = CommitteeMember.objects.filter(organization=org, pk=pk).first()
    if membership is None and request.method != "POST":
        raise Http404
    return membership


@login_required
def committee_end(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    org = editable_org(request, code)
    membership = _membership(request, org, pk)
    if membership is not None and membership.ended_on is not None and request.method != "POST":
        messages.info(
            request,
            _("%(name)s已于 %(day)s 离任。")
            % {"name": membership.name, "day": membership.ended_on.isoformat()},
        )
        return redirect(team_url(org))
    form = EndMembershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ended = end_committee_member(user=request.user, org=org, pk=pk, **form.cleaned_data)
        except StaleRecord as stale:
            messages.warning(request, stale.message)
            return redirect(team_url(org))
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(
                request,
                _("%(name)s自 %(day)s 起不再担任%(post)s。")
                % {
                    "name": ended.name,
                    "day": ended.ended_on.isoformat(),
                    "post": ended.get_position_display(),
                },
            )
            return redirect(team_url(org))
    if membership is None:  # a POST about a row deleted meanwhile, with a bad form
        messages.warning(request, _("这条班子成员记录已不存在，可能已被他人删除。"))
        return redirect(team_url(org))
    return render(
        request,
        "teams/team/member_end.html",
        page_context(request, org, form=form, membership=membership),
        status=400 if form.is_bound else 200,
    )


@login_required
def committee_delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    org = editable_org(request, code)
    membership = _membership(request, org, pk)
    if request.method == "POST":
        try:
            deleted = delete_committee_member(user=request.user, org=org, pk=pk)
        except StaleRecord as stale:
            messages.warning(request, stale.message)
        else:
            messages.success(
                request,
                _("已删除%(name)s担任%(post)s的记录。")
                % {"name": deleted.name, "post": deleted.get_position_display()},
            )
        return redirect(team_url(org))
    return render(
        request,
        "teams/team/member_delete.html",
        page_context(request, org, membership=membership),
    )
