"""Recording an election with the committee it elected, approving it, and deleting one
entered by mistake. Staff who may edit the organisation only (403 for readers, 404
outside the scope); the writes are teams.services.pages'."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.submissions import REPEATED_MESSAGE, RepeatedSubmission, earlier_result
from orgs.models import Organization

from ..forms.elections import (
    ApproveElectionForm,
    ElectedFormSet,
    ElectionForm,
    fields_posted,
    rows_posted,
)
from ..models import CommitteeMember, Election
from ..services.pages import (
    StaleRecord,
    approve_election_on,
    delete_election_entry,
    record_election_with_committee,
    team_url,
)
from ..team_pages import ended_by
from .team import editable_org, page_context


def _saved_message(election: Election, elected: int, org: Organization) -> str:
    org.refresh_from_db()
    done = _("已登记 %(day)s 的换届选举，选举产生班子成员 %(n)d 名。") % {
        "day": election.held_on.isoformat(),
        "n": elected,
    }
    if election.is_approved and org.term_ends_on:
        return done + _("本届任期自 %(start)s 起，至 %(end)s 届满。") % {
            "start": org.term_started_on.isoformat(),
            "end": org.term_ends_on.isoformat(),
        }
    return done + _("上级批复后，任期从选举日期起算。")


def _show_refusal(exc: ValidationError, form: ElectionForm, formset) -> None:
    """The committee's refusals above its rows, the election's beside its fields."""
    if hasattr(exc, "error_dict"):
        committee = exc.error_dict.pop("committee", [])
        if committee:
            formset.add_service_errors(committee)
        if not exc.error_dict:
            return
    form.add_service_error(exc)


@login_required
def election_add(request: HttpRequest, code: str) -> HttpResponse:
    org = editable_org(request, code)
    if not org.is_elected:
        messages.error(
            request,
            _("%(kind)s不实行选举，不能登记换届选举。") % {"kind": org.get_kind_display()},
        )
        return redirect(team_url(org))
    if request.method == "POST" and (done := earlier_result(request.POST)) is not None:
        messages.info(request, REPEATED_MESSAGE)
        return redirect(done or team_url(org))
    instance = Election(organization=org)
    status = 200
    if request.method == "POST" and "add_row" in request.POST:
        # One more row: what was typed is shown again, unchecked and unsaved.
        form = ElectionForm(initial=fields_posted(request.POST), instance=instance)
        formset = ElectedFormSet(rows=rows_posted(request.POST))
    else:
        form = ElectionForm(request.POST or None, instance=instance)
        formset = ElectedFormSet(request.POST or None)
    if request.method == "POST" and form.is_bound:
        form_valid, rows_valid = form.is_valid(), formset.is_valid()
        if form_valid and rows_valid:
            committee = formset.committee()
            try:
                election = record_election_with_committee(
                    user=request.user,
                    election=form.save(commit=False),
                    committee=committee,
                    submission=form.cleaned_data["submission"],
                )
            except RepeatedSubmission as repeat:
                messages.info(request, REPEATED_MESSAGE)
                return redirect(repeat.url or team_url(org))
            except ValidationError as exc:
                _show_refusal(exc, form, formset)
            else:
                messages.success(request, _saved_message(election, len(committee), org))
                return redirect(team_url(org))
        status = 400
    return render(
        request,
        "teams/elections/form.html",
        page_context(request, org, form=form, formset=formset),
        status=status,
    )


def _election(request: HttpRequest, org: Organization, pk: int) -> Election | None:
    """The election the page is about; a GET for a missing one is a 404, a POST is
    answered by the service (it may have been deleted since the form was shown)."""
    election = Election.objects.filter(organization=org, pk=pk).first()
    if election is None and request.method != "POST":
        raise Http404
    return election


@login_required
def election_approve(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    org = editable_org(request, code)
    election = _election(request, org, pk)
    if election is not None and election.is_approved and request.method != "POST":
        messages.info(
            request,
            _("这次选举已于 %(day)s 批复。") % {"day": election.approved_on.isoformat()},
        )
        return redirect(team_url(org))
    form = ApproveElectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            approved = approve_election_on(user=request.user, org=org, pk=pk, **form.cleaned_data)
        except StaleRecord as stale:
            messages.warning(request, stale.message)
            return redirect(team_url(org))
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            org.refresh_from_db()
            messages.success(
                request,
                _("已登记 %(day)s 选举的上级批复；本届任期至 %(end)s 届满。")
                % {
                    "day": approved.held_on.isoformat(),
                    "end": org.term_ends_on.isoformat() if org.term_ends_on else "—",
                },
            )
            return redirect(team_url(org))
    if election is None:
        messages.warning(request, _("这次选举的记录已不存在，可能已被他人删除。"))
        return redirect(team_url(org))
    return render(
        request,
        "teams/elections/approve.html",
        page_context(request, org, form=form, election=election),
        status=400 if form.is_bound else 200,
    )


@login_required
def election_delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    org = editable_org(request, code)
    election = _election(request, org, pk)
    if request.method == "POST":
        try:
            deleted = delete_election_entry(user=request.user, org=org, pk=pk)
        except StaleRecord as stale:
            messages.warning(request, stale.message)
        else:
            messages.success(
                request,
                _("已删除 %(day)s 的选举及其产生的任职记录。")
                % {"day": deleted.held_on.isoformat()},
            )
        return redirect(team_url(org))
    return render(
        request,
        "teams/elections/delete.html",
        page_context(
            request,
            org,
            election=election,
            started=CommitteeMember.objects.filter(election=election).count(),
            ended=ended_by(election),
        ),
    )
