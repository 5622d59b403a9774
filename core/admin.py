"""Admin building blocks that know nothing of organisations: bounded date filters,
read-only admins, read-only history, and import/export with background jobs. The scoped
admins every app registers build on these (orgs.scoped_admin)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from .blank_template import blank_template
from .formats import CSV, XLS, XLSX
from .jobs import count_data_rows, job_confirm, job_create, job_progress, kind_of_resource
from .models import ImportJob, ImportJobStatus
from .years import check_year

#: errors per page on a job's page
JOB_ERRORS_PER_PAGE = 100
#: jobs listed on the import page
RECENT_JOBS = 10


class BoundedDatesChangeList(ChangeList):
    """Django's date_hierarchy turns ?held_on__year=&__month=&__day= into a datetime and
    the year, month or day after it, catching only a ValueError of the first: year 9999
    (no year after), year 1 (out of range in UTC) and huge numbers (OverflowError) were
    500s. The year must be in the portal's range (core.years) and any of them is an
    incorrect lookup like every other: the changelist's "?e=1" page."""

    def get_filters(self, request):
        year = self.params.get(f"{self.date_hierarchy}__year") if self.date_hierarchy else None
        try:
            if year is not None:
                check_year(int(year))
        except (ValueError, ValidationError) as exc:
            raise IncorrectLookupParameters(exc) from exc
        try:
            return super().get_filters(request)
        except OverflowError as exc:  # datetime(2026, 10**20, 1)
            raise IncorrectLookupParameters(exc) from exc


class BoundedDatesMixin:
    """Every admin of the portal (through the two mixins below) lists with the
    BoundedDatesChangeList."""

    def get_changelist(self, request, **kwargs):
        return BoundedDatesChangeList


class ReadOnlyAdminMixin(BoundedDatesMixin):
    """Rows written only by the services (lists, transfers, bulletins, logs, the outbox,
    files checked on upload): the admin lists and shows them, never adds, changes or
    deletes. Works for ModelAdmins and inlines; put it first among the bases."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class GuardedHistoryAdmin(SimpleHistoryAdmin):
    """History is read-only: a version page shows the old values and never saves them.

    simple-history's version view saves an old version on POST straight through the
    model form, past the services that own each workflow (a venue project's stage log, a
    fund line's instalments, a member's transfer): restoring would undo rules that every
    edit obeys. The page stays to read the old values; changes go through the edit form.
    """

    def revert_disabled(self, request, obj=None) -> bool:
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied(
                _("历史版本只能查看，不能直接恢复；请在编辑页面修改，修改会经过与平常相同的校验。")
            )
        return super().history_form_view(request, object_id, version_id, extra_context)


def pk_or_404(model, object_id):
    try:
        return model._meta.pk.to_python(object_id)
    except (ValueError, ValidationError) as exc:
        raise Http404 from exc


class ImportJobsMixin(ImportExportMixin):
    """Import (preview, then confirm) and export with the data-dictionary resources.

    A file with more than IMPORT_ASYNC_ROWS data rows is not previewed in the request: it
    becomes an ImportJob, checked and then imported by a Celery task (core/jobs.py), and the
    user follows it on the job's page.
    """

    # admin/portal_import.html plus the user's recent import jobs under the upload form.
    import_template_name = "admin/portal_import_jobs.html"
    # Our formats: calamine for .xlsx, UTF-8/GB18030 detection for .csv (core/tables.py).
    # calamine reads .xlsx and .xls, CSV is decoded as UTF-8 or GB18030 (core/tables.py);
    # .xls last, so that the formats' numbers posted by existing pages keep their meaning.
    import_formats = [XLSX, CSV, XLS]
    export_formats = [XLSX, CSV]

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        source = ""
        if form is not None and hasattr(form, "cleaned_data"):
            upload = form.cleaned_data.get("import_file")
            source = getattr(upload, "name", "") or form.cleaned_data.get("original_file_name", "")
        return {"user": request.user, "source": source}

    def import_action(self, request, **kwargs):
        upload = request.FILES.get("import_file")
        if upload is not None and upload.size > settings.IMPORT_MAX_FILE_SIZE:
            limit = settings.IMPORT_MAX_FILE_SIZE // (1024 * 1024)
            messages.error(request, _("文件超过 %(mb)d MB，请拆分后导入。") % {"mb": limit})
            return HttpResponseRedirect(request.path)
        if request.method == "POST" and upload is not None and self.has_import_permission(request):
            job = self._start_import_job(request)
            if job is not None:
                return HttpResponseRedirect(self._import_job_url(job))
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None)
        if context is not None and "result" not in context and "confirm_form" not in context:
            context["import_jobs"] = list(
                self._import_jobs(request).filter(user=request.user)[:RECENT_JOBS]
            )
        return response

    # --- background import jobs ---------------------------------------------------------
    def _import_kinds(self, request) -> list[str]:
        kinds = (kind_of_resource(rc) for rc in self.get_import_resource_classes(request))
        return [kind for kind in kinds if kind]

    def _import_jobs(self, request):
        return ImportJob.objects.visible_to(request.user).filter(
            kind__in=self._import_kinds(request)
        )

    def _import_job_url(self, job: ImportJob) -> str:
        info = self.model._meta.app_label, self.model._meta.model_name
        return reverse(
            "admin:{}_{}_import_job".format(*info), args=[job.pk], current_app=self.admin_site.name
        )

    def _start_import_job(self, request) -> ImportJob | None:
        """A job for a valid upload above the threshold; None keeps the preview flow."""
        form = self.create_import_form(request)
        if not form.is_valid():
            return None  # the preview flow shows the form's errors
        upload = form.cleaned_data["import_file"]
        data = upload.read()
        upload.seek(0)
        rows = count_data_rows(data, upload.name)
        threshold = settings.IMPORT_ASYNC_ROWS
        kind = kind_of_resource(self.choose_import_resource_class(form, request))
        if rows is None or rows <= threshold or kind is None:
            return None
        job = job_create(user=request.user, kind=kind, upload=upload)
        messages.info(
            request,
            _("文件共 %(rows)d 行，已交给后台处理：先检查，通过后再由您确认导入。")
            % {"rows": rows},
        )
        return job

    def _import_job_or_404(self, request, job_id: int) -> ImportJob:
        if not self.has_import_permission(request):
            raise Http404
        return get_object_or_404(self._import_jobs(request).select_related("user"), pk=job_id)

    def import_job_view(self, request, job_id: int):
        job = self._import_job_or_404(request, job_id)
        active = job.status in (ImportJobStatus.QUEUED, ImportJobStatus.RUNNING)
        errors_page = Paginator(job.errors, JOB_ERRORS_PER_PAGE).get_page(request.GET.get("page"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("导入任务：%(name)s") % {"name": job.original_name},
            "opts": self.model._meta,
            "job": job,
            "active": active,
            "progress": job_progress(job) if active else None,
            "errors_page": errors_page,
            "can_confirm": (
                job.status == ImportJobStatus.CHECKED
                and job.user_id == request.user.pk
                and bool(job.file)
            ),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/import_job.html", context)

    def import_job_confirm_view(self, request, job_id: int):
        job = self._import_job_or_404(request, job_id)
        try:
            job_confirm(user=request.user, job=job)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已开始正式导入，本页会显示进度和结果。"))
        return HttpResponseRedirect(self._import_job_url(job))

    def get_import_data_kwargs(self, **kwargs):
        # All or nothing also when confirming: import-export's default keeps valid rows.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # The data changed between preview and confirm; nothing was saved.
            context = self.admin_site.each_context(request)
            context.update(
                {
                    "title": _("导入"),
                    "opts": self.model._meta,
                    "result": result,
                    "form": self.create_import_form(request),
                }
            )
            return TemplateResponse(request, [self.import_template_name], context)
        return super().process_result(result, request)

    def get_export_resource_kwargs(self, request, **kwargs):
        return {"user": request.user}

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "template/",
                self.admin_site.admin_view(self.template_view),
                name="{}_{}_template".format(*info),
            ),
            path(
                "import-jobs/<int:job_id>/",
                self.admin_site.admin_view(self.import_job_view),
                name="{}_{}_import_job".format(*info),
            ),
            path(
                "import-jobs/<int:job_id>/confirm/",
                self.admin_site.admin_view(require_POST(self.import_job_confirm_view)),
                name="{}_{}_import_job_confirm".format(*info),
            ),
            *super().get_urls(),
        ]

    def template_view(self, request):
        if not self.has_import_permission(request):
            raise Http404
        resource = self.get_import_resource_classes(request)[0]()
        response = HttpResponse(
            blank_template(resource),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{resource.table}-template.xlsx"'
        return response
