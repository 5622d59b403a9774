"""Portal pages of venue projects (阵地建设): list, detail with stage history and files,
stage moves, uploads, the scoped file download, create/edit and export."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.downloads import download_response
from core.sorting import sort_links
from core.uploads import file_response
from orgs.models import Organization
from orgs.options import visible_org_options
from orgs.scope import can_edit_path, get_visible_or_404, has_role, is_staff_member
from orgs.selectors import visible_ancestors
from portal.exporting import FORMATS, export_file
from portal.models import ExportChannel

from ..choices import STAGE_ORDER, ProjectStage
from ..forms.sites import (
    AttachmentForm,
    SiteFilterForm,
    StageMoveForm,
    VenueProjectForm,
)
from ..history import project_history
from ..models import VenueAttachment, VenueProject
from ..selectors.sites import (
    figures_of,
    filter_projects,
    project_years,
    sort_projects,
)
from ..services.sites import attachment_add, attachment_delete, stage_move

PAGE_SIZE = 50
SORTABLE_COLUMNS = ("code", "name", "org", "stage", "rate", "started")
STAGES = [(stage, ProjectStage(stage).label) for stage in STAGE_ORDER]


def _filter_form(request: HttpRequest) -> SiteFilterForm:
    return SiteFilterForm(
        request.GET,
        organizations=visible_org_options(request.user),
        years=project_years(VenueProject.objects.visible_to(request.user)),
    )


def _stage_links(querystring: QueryDict, counts) -> list[dict[str, Any]]:
    """Each stage's count in the filtered set, linking to the list narrowed to it."""
    links = []
    for item in counts.by_stage:
        params = querystring.copy()
        params["stage"] = item.stage
        links.append({"item": item, "url": f"?{params.urlencode()}"})
    return links


@login_required
def site_list(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    filters = form.filter_kwargs()
    scoped = VenueProject.objects.visible_to(request.user)
    projects = filter_projects(scoped, **filters)
    # Counts by stage ignore the stage filter itself, so each one links to its stage.
    by_stage = figures_of(filter_projects(scoped, **{**filters, "stage": ""}))
    figures = figures_of(projects) if filters["stage"] else by_stage
    page = Paginator(
        sort_projects(projects.select_related("organization"), form.sort_key), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    facet_query = querystring.copy()
    facet_query.pop("stage", None)
    export_params = QueryDict(mutable=True)
    if form.org_option:
        export_params["org"] = form.org_option.code
    return render(
        request,
        "funding/sites/list.html",
        {
            "form": form,
            "page": page,
            "querystring": querystring,
            "sorting": sort_links(querystring, form.sort_key, SORTABLE_COLUMNS),
            "figures": figures,
            "stage_links": _stage_links(facet_query, by_stage),
            "current_stage": filters["stage"],
            "stages": STAGES,
            "export_query": export_params.urlencode(),
            "export_org": form.org_option,
            "can_create": is_staff_member(request.user),
        },
    )


def _project_or_404(request: HttpRequest, code: str) -> VenueProject:
    return get_visible_or_404(
        VenueProject.objects.select_related("organization"), request.user, code=code
    )


def _editable_project(request: HttpRequest, code: str) -> VenueProject:
    """The project if the user may change it; 404 outside their scope, 403 read-only."""
    project = _project_or_404(request, code)
    if not can_edit_path(request.user, project.organization.path):
        raise PermissionDenied
    return project


def _render_detail(
    request: HttpRequest,
    project: VenueProject,
    *,
    stage_form: StageMoveForm | None = None,
    upload_form: AttachmentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_edit = can_edit_path(request.user, project.organization.path)
    history, more_history = project_history(project=project, user=request.user)
    changes = list(project.stage_changes.select_related("changed_by").order_by("-pk"))
    attachments = list(project.attachments.select_related("uploaded_by"))
    context = {
        "project": project,
        "ancestors": visible_ancestors(request.user, project.organization),
        "stages": STAGES,
        "changes": changes,
        "attachments": attachments,
        "history": history,
        "more_history": more_history,
        "can_edit": can_edit,
        "max_upload_mb": settings.ATTACHMENT_MAX_SIZE // (1024 * 1024),
    }
    if can_edit:
        context["stage_form"] = stage_form or StageMoveForm(project=project)
        context["upload_form"] = upload_form or AttachmentForm()
    return render(request, "funding/sites/detail.html", context, status=status)


@login_required
def site_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _render_detail(request, _project_or_404(request, code))


@login_required
@require_POST
def site_stage(request: HttpRequest, code: str) -> HttpResponse:
    project = _editable_project(request, code)
    form = StageMoveForm(request.POST, project=project)
    if form.is_valid():
        data = form.cleaned_data
        try:
            change = stage_move(
                user=request.user,
                project=project,
                to_stage=data["to_stage"],
                on=data["on"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(
                request,
                _("已将状态从“%(a)s”变更为“%(b)s”。")
                % {
                    "a": ProjectStage(change.from_stage).label,
                    "b": ProjectStage(change.to_stage).label,
                },
            )
            return redirect(project)
    return _render_detail(request, project, stage_form=form, status=400)


@login_required
@require_POST
def attachment_upload(request: HttpRequest, code: str) -> HttpResponse:
    project = _editable_project(request, code)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = attachment_add(
                user=request.user,
                project=project,
                upload=form.cleaned_data["file"],
                caption=form.cleaned_data["caption"],
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("已上传“%(name)s”。") % {"name": attachment.original_name})
            return redirect(f"{project.get_absolute_url()}#files")
    return _render_detail(request, project, upload_form=form, status=400)


def _attachment_or_404(request: HttpRequest, code: str, pk: int) -> VenueAttachment:
    return get_visible_or_404(
        VenueAttachment.objects.select_related("project", "project__organization"),
        request.user,
        pk=pk,
        project__code=code,
    )


@login_required
def attachment_file(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The only way to a project's file: scope checked, type as sniffed on upload."""
    attachment = _attachment_or_404(request, code, pk)
    return file_response(request, attachment)


@login_required
def attachment_remove(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    attachment = _attachment_or_404(request, code, pk)
    project = attachment.project
    if not can_edit_path(request.user, project.organization.path):
        raise PermissionDenied
    if request.method == "POST":
        attachment_delete(user=request.user, attachment=attachment)
        messages.success(request, _("已删除“%(name)s”。") % {"name": attachment.original_name})
        return redirect(f"{project.get_absolute_url()}#files")
    return render(
        request,
        "funding/sites/attachment_delete.html",
        {"attachment": attachment, "project": project},
    )


@login_required
def site_create(request: HttpRequest) -> HttpResponse:
    if not is_staff_member(request.user):
        raise PermissionDenied
    initial = {}
    if code := request.GET.get("org"):
        initial["organization"] = (
            Organization.objects.editable_by(request.user).filter(code=code).first()
        )
    form = VenueProjectForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.save() is not None:
        project = VenueProject.objects.get(code=form.cleaned_data["code"])
        messages.success(request, _("已新增项目“%(name)s”。") % {"name": project.name})
        return redirect(project)
    return render(request, "funding/sites/form.html", {"form": form, "project": None})


@login_required
def site_edit(request: HttpRequest, code: str) -> HttpResponse:
    project = _editable_project(request, code)
    form = VenueProjectForm(request.POST or None, user=request.user, project=project)
    if request.method == "POST":
        report = form.save()
        if report is not None:
            if report.unchanged:
                messages.info(request, _("没有修改任何内容。"))
            else:
                messages.success(request, _("已保存“%(name)s”的修改。") % {"name": project.name})
            return redirect(project)
    return render(request, "funding/sites/form.html", {"form": form, "project": project})


@login_required
def site_export(request: HttpRequest) -> HttpResponse:
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS or not has_role(request.user):
        raise Http404
    org = None
    if code := request.GET.get("org"):
        # Outside the user's scope: never confirm that it exists.
        org = get_visible_or_404(Organization.objects.all(), request.user, code=code)
    content, _rows = export_file(
        "sites", fmt, user=request.user, org=org, channel=ExportChannel.PAGE
    )
    filename = f"sites-{org.code if org else 'all'}-{timezone.localdate():%Y%m%d}.{fmt}"
    return download_response(content, filename)


# "new" and "export" come before the project code, which the project form therefore
# refuses as a code (funding.forms.sites.RESERVED_CODES).
urlpatterns = [
    path("sites/", site_list, name="sites"),
    path("sites/new/", site_create, name="site_create"),
    path("sites/export/", site_export, name="sites_export"),
    path("sites/<str:code>/", site_detail, name="site"),
    path("sites/<str:code>/edit/", site_edit, name="site_edit"),
    path("sites/<str:code>/stage/", site_stage, name="site_stage"),
    path("sites/<str:code>/files/", attachment_upload, name="site_upload"),
    path("sites/<str:code>/files/<int:pk>/", attachment_file, name="site_file"),
    path("sites/<str:code>/files/<int:pk>/delete/", attachment_remove, name="site_file_delete"),
]
