from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .forms import OrganizationForm
from .models import Organization
from .resources import OrganizationResource
from .scoped_admin import ScopedImportExportAdmin
from .services import place_organization


@admin.register(Organization)
class OrganizationAdmin(ScopedImportExportAdmin):
    resource_classes = [OrganizationResource]
    org_path_attr = "path"
    form = OrganizationForm
    list_display = [
        "indented_name",
        "code",
        "kind",
        "level",
        "domain",
        "secretary_name",
        "term_badge",
    ]
    list_display_links = ["indented_name"]
    list_filter = ["kind", "level", "domain", "is_weak_and_lax", "is_demonstration"]
    search_fields = ["code", "name", "secretary_name"]
    ordering = ["path"]
    list_per_page = 100
    history_list_display = ["name", "kind", "level", "secretary_name"]

    @admin.display(description=_("组织名称"), ordering="path")
    def indented_name(self, obj: Organization) -> str:
        # The list is in tree order; indentation by depth shows the hierarchy.
        return format_html(
            "{}{}{}", "\u3000" * (obj.depth - 1), "└ " if obj.depth > 1 else "", obj.name
        )

    @admin.display(description=_("任期"))
    def term_badge(self, obj: Organization) -> str:
        return obj.term_status_label

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        user = request.user

        class ScopedForm(form_class):
            def __init__(self, *args, **kw):
                kw.setdefault("user", user)
                super().__init__(*args, **kw)

        return ScopedForm

    def get_deleted_objects(self, objs, request):
        # treebeard deletes the whole subtree, which is not FK-related: list it (and what
        # protects it, e.g. assignments) on the confirmation page.
        subtree = Organization.objects.none()
        for obj in objs:
            subtree = subtree | Organization.objects.within(obj)
        return super().get_deleted_objects(list(subtree.order_by("path")), request)

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        place_organization(obj, form.cleaned_data.get("parent"), created=not change)


from .life import admin as life_admin  # noqa: E402,F401  (registers the organisation life admin)
