from functools import update_wrapper

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.translation import gettext_lazy as _

from orgs.scope import is_staff_member


class PortalAdminSite(admin.AdminSite):
    """The back office: open to superusers and to users holding a staff assignment.

    Access follows Assignments (the scoping API), not Django's is_staff flag and model
    permissions, so that there is one source of truth for who may do what where.
    """

    site_header = _("基层党建管理平台 · 后台管理")
    site_title = _("基层党建管理平台后台")
    index_title = _("数据维护")

    def login(self, request, extra_context=None):
        # One login page for everybody: the admin's own requires is_staff, which we do not use.
        # A signed-in user without a staff assignment is refused: the portal login would send
        # them straight back here (redirect_authenticated_user), a redirect loop.
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(
            request.GET.get("next", reverse("admin:index")), settings.LOGIN_URL
        )

    def has_permission(self, request) -> bool:
        user = request.user
        return user.is_active and (user.is_superuser or is_staff_member(user))

    def get_urls(self) -> list[URLPattern | URLResolver]:
        # Django's r/ ("view on site") redirects to any object's page, whatever the user
        # may see, which confirms that another township's object exists: ours is scoped.
        def view(*args, **kwargs):
            return self.admin_view(self.view_on_site)(*args, **kwargs)

        view.admin_site = self  # as Django's own wrapper of the site's views
        scoped = path(
            "r/<path:content_type_id>/<path:object_id>/",
            update_wrapper(view, self.view_on_site),
            name="view_on_site",
        )
        return [
            scoped if getattr(url, "name", None) == "view_on_site" else url
            for url in super().get_urls()
        ]

    def view_on_site(
        self, request: HttpRequest, content_type_id: str, object_id: str
    ) -> HttpResponse:
        """The object through its model's admin (whose queryset is the user's scope): 404
        unless the user may view it there, like the change page; then Django's shortcut."""
        try:
            model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
        except (ValueError, ContentType.DoesNotExist) as exc:
            raise Http404 from exc
        model_admin = self._registry.get(model)
        if model_admin is None:  # no admin here: nothing the back office may show
            raise Http404
        obj = model_admin.get_object(request, object_id)
        if obj is None or not model_admin.has_view_or_change_permission(request, obj):
            raise Http404
        return shortcut(request, content_type_id, object_id)
