"""Portal pages of the development pipeline (发展党员): list, detail, new case and the steps.

Reading follows the user's scope (404 outside it); every step is taken by the services in
members.services.pipeline, which also refuse anyone who may not edit the organisation.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from core.submissions import REPEATED_MESSAGE, RepeatedSubmission, earlier_result
from orgs.models import Organization
from orgs.scope import can_edit_path, get_visible_or_404, is_staff_member

from ..forms.pipeline import (
    AdvanceForm,
    ApprovalForm,
    CaseCreateForm,
    CaseFilterForm,
    CaseTrainingForm,
    CloseCaseForm,
    ExtendProbationForm,
)
from ..history import case_history
from ..identity import mask_phone
from ..models import DevelopmentCase, RuleKey, Stage
from ..permissions import can_view_full_personal_data
from ..services.pipeline import (
    case_add_training,
    case_advance,
    case_close,
    case_create,
    case_extend_probation,
    case_record_approval,
    case_steps,
    hours_text,
    next_stage,
    probation_due_on,
    rules,
    stall_of,
    stalled_cases,
    stalls_by_case,
    training_hours,
)

PAGE_SIZE = 50


def _case_for(request: HttpRequest, pk: int) -> DevelopmentCase:
    return get_visible_or_404(
        DevelopmentCase.objects.select_related("organization", "member"), request.user, pk=pk
    )


def _editable_case(request: HttpRequest, pk: int) -> DevelopmentCase:
    """The case if the user may change it; 404 outside their scope, 403 when read-only."""
    case = _case_for(request, pk)
    if not can_edit_path(request.user, case.organization.path):
        raise PermissionDenied
    return case


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    orgs = list(
        Organization.objects.visible_to(request.user)
        .order_by("path")
        .values_list("code", "name", "path", "depth")
    )
    form = CaseFilterForm(
        request.GET or None,
        org_choices=[(code, f"{'　' * (depth - 1)}{name}") for code, name, _p, depth in orgs],
    )
    cases = DevelopmentCase.objects.visible_to(request.user).select_related("organization")
    org_path = {code: p for code, _n, p, _d in orgs}.get(form.value("org"))
    if org_path:
        cases = cases.within(org_path)
    if form.value("q"):
        cases = cases.filter(name__contains=form.value("q"))
    if form.value("stage"):
        cases = cases.filter(stage=form.value("stage"))
    state = form.value("state")
    if state == "closed":
        cases = cases.filter(closed_on__isnull=False)
    elif state == "stalled":
        stalled = stalled_cases(user=request.user, today=today)
        cases = cases.filter(pk__in=[case.pk for case, _key, _msg in stalled])
    elif state != "all":
        cases = cases.open()
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    stalls = stalls_by_case(page.object_list, today=today)
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(
        request,
        "members/development/list.html",
        {
            "form": form,
            "page": page,
            "rows": [(case, stalls.get(case.pk)) for case in page.object_list],
            "stalled_rows": [(c, stalls[c.pk]) for c in page.object_list if c.pk in stalls],
            "querystring": querystring,
            "can_create": is_staff_member(request.user),
        },
    )


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for(request, pk)
    today = timezone.localdate()
    figures = rules()
    records = list(case.training_records.order_by("attended_on", "pk"))
    history, more_history = case_history(case=case, user=request.user)
    stage = next_stage(case)
    show_full = can_view_full_personal_data(request.user)
    return render(
        request,
        "members/development/detail.html",
        {
            "case": case,
            "show_full": show_full,
            "phone": case.phone if show_full else mask_phone(case.phone),
            "can_edit": can_edit_path(request.user, case.organization.path),
            "next_stage": Stage(stage).label if stage else "",
            "stall": stall_of(case, figures=figures, today=today),
            "records": records,
            "hours": hours_text(sum((r.hours for r in records), Decimal("0"))),
            "hours_needed": figures[RuleKey.CANDIDATE_MIN_TRAINING_HOURS],
            "introducers_needed": figures[RuleKey.INTRODUCERS_REQUIRED],
            "steps": case_steps(case, figures),
            "can_train": not case.closed_on
            and case.stage in (Stage.APPLICANT, Stage.ACTIVIST, Stage.CANDIDATE),
            "can_approve": not case.closed_on
            and case.stage == Stage.PROBATIONARY
            and case.approved_on is None,
            "can_extend": not case.closed_on
            and case.stage == Stage.PROBATIONARY
            and not case.probation_extended_months,
            "can_close": not case.closed_on
            and case.stage in (Stage.APPLICANT, Stage.ACTIVIST, Stage.CANDIDATE),
            "history": history,
            "more_history": more_history,
        },
    )


@login_required
def case_create_view(request: HttpRequest) -> HttpResponse:
    if not is_staff_member(request.user):
        raise PermissionDenied
    if request.method == "POST" and (done := earlier_result(request.POST)) is not None:
        messages.info(request, REPEATED_MESSAGE)
        return redirect(done or "members:cases")
    form = CaseCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            case = case_create(user=request.user, **form.cleaned_data)
        except RepeatedSubmission as repeat:
            messages.info(request, REPEATED_MESSAGE)
            return redirect(repeat.url or "members:cases")
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("已登记入党申请人 %(name)s。") % {"name": case.name})
            return redirect(case)
    return render(
        request,
        "members/development/form.html",
        {
            "form": form,
            "title": _("登记入党申请人"),
            "submit": _("保存"),
            "intro": _("身份证号码、性别和申请时年龄的校验与党员名册相同。"),
        },
    )


@login_required
def case_advance_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = _editable_case(request, pk)
    stage = next_stage(case)
    if stage is None:
        messages.info(request, _("该发展党员已不能再推进。"))
        return redirect(case)
    figures = rules()
    form = AdvanceForm(
        request.POST or None,
        case=case,
        stage=stage,
        publicity_days=figures[RuleKey.PUBLICITY_MIN_WORKING_DAYS],
    )
    if request.method == "POST":
        # The form names the step it was shown for, so that a repeated submission cannot
        # take the step after it.
        if request.POST.get("stage") != stage:
            messages.error(request, _("页面已过期：该发展党员的阶段已变化，请重新办理。"))
            return redirect(case)
        if form.is_valid():
            try:
                case_advance(
                    case=case,
                    user=request.user,
                    to_stage=stage,
                    on=form.cleaned_data["on"],
                    **form.details(),
                )
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(
                    request,
                    _("%(name)s 已确定为%(stage)s。")
                    % {"name": case.name, "stage": Stage(stage).label},
                )
                return redirect(case)
    return render(
        request,
        "members/development/form.html",
        {
            "form": form,
            "case": case,
            "stage": stage,
            "title": _("%(name)s：确定为%(stage)s")
            % {"name": case.name, "stage": Stage(stage).label},
            "submit": _("确定为%(stage)s") % {"stage": Stage(stage).label},
            "intro": _advance_intro(case, stage, figures),
            "hours": hours_text(training_hours(case)) if stage == Stage.PROBATIONARY else None,
        },
    )


def _advance_intro(case: DevelopmentCase, stage: str, figures: dict[str, int]) -> str:
    if stage == Stage.ACTIVIST:
        return _("须已由党组织派人同申请人谈话；日期不能早于递交入党申请日期，也不能晚于今天。")
    if stage == Stage.CANDIDATE:
        return _("确定为积极分子满 %(n)d 个月后才能确定为发展对象。") % {
            "n": figures[RuleKey.ACTIVIST_MIN_MONTHS]
        }
    if stage == Stage.PROBATIONARY:
        return _(
            "须已完成政审、集中培训不少于 %(h)d 学时（在详情页登记培训记录）、"
            "有 %(p)d 名正式党员作入党介绍人、公示不少于 %(d)d 个工作日并经上级党委预审；"
            "接收后将自动建立党员档案（预备党员），再登记上级党委审批。"
        ) % {
            "h": figures[RuleKey.CANDIDATE_MIN_TRAINING_HOURS],
            "p": figures[RuleKey.INTRODUCERS_REQUIRED],
            "d": figures[RuleKey.PUBLICITY_MIN_WORKING_DAYS],
        }
    # Stage.FULL
    return _(
        "预备期于 %(day)s 期满，转正日期即为该日（党龄自该日算起）；支部大会须在期满之日"
        "或之后、转正公示（不少于 %(d)d 个工作日）结束之后讨论，且接收须已经上级党委审批。"
        "转正后更新同一份党员档案。"
    ) % {
        "day": probation_due_on(case, figures).isoformat(),
        "d": figures[RuleKey.PUBLICITY_MIN_WORKING_DAYS],
    }


def _case_action(
    request: HttpRequest,
    pk: int,
    *,
    form_class: type,
    action: Callable[..., Any],
    title: str,
    submit: str,
    done: str,
    intro: str = "",
) -> HttpResponse:
    case = _editable_case(request, pk)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            action(case=case, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, done % {"name": case.name})
            return redirect(case)
    return render(
        request,
        "members/development/form.html",
        {
            "form": form,
            "case": case,
            "title": title % {"name": case.name},
            "submit": submit,
            "intro": intro,
        },
    )


@login_required
def case_extend_view(request: HttpRequest, pk: int) -> HttpResponse:
    figures = rules()
    return _case_action(
        request,
        pk,
        form_class=ExtendProbationForm,
        action=case_extend_probation,
        title=_("%(name)s：延长预备期"),
        submit=_("延长预备期"),
        done=_("已延长 %(name)s 的预备期。"),
        intro=_("预备期只能延长一次，延长 %(low)d 至 %(high)d 个月（支部大会决定）。")
        % {
            "low": figures[RuleKey.PROBATION_EXTENSION_MIN_MONTHS],
            "high": figures[RuleKey.PROBATION_EXTENSION_MAX_MONTHS],
        },
    )


@login_required
def case_approval_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        form_class=ApprovalForm,
        action=case_record_approval,
        title=_("%(name)s：登记上级党委审批"),
        submit=_("保存审批"),
        done=_("已登记 %(name)s 的上级党委审批。"),
        intro=_(
            "上级党委审批支部大会接收预备党员的决议；审批前须派人同发展对象谈话。"
            "预备期仍从支部大会通过之日算起。"
        ),
    )


@login_required
def case_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        form_class=CloseCaseForm,
        action=case_close,
        title=_("%(name)s：终止培养"),
        submit=_("终止培养"),
        done=_("已终止对 %(name)s 的培养。"),
    )


@login_required
def case_training_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        form_class=CaseTrainingForm,
        action=case_add_training,
        title=_("%(name)s：登记培训"),
        submit=_("保存培训记录"),
        done=_("已为 %(name)s 登记培训。"),
    )


urlpatterns = [
    path("development/", case_list, name="cases"),
    path("development/new/", case_create_view, name="case_create"),
    path("development/<int:pk>/", case_detail, name="case_detail"),
    path("development/<int:pk>/advance/", case_advance_view, name="case_advance"),
    path("development/<int:pk>/extend/", case_extend_view, name="case_extend"),
    path("development/<int:pk>/approval/", case_approval_view, name="case_approval"),
    path("development/<int:pk>/close/", case_close_view, name="case_close"),
    path("development/<int:pk>/training/", case_training_view, name="case_training"),
]
