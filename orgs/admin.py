from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .forms import OrganizationForm
from .import_alias_model import ImportAlias
from .import_aliases import (
    editable_counties,
    may_change_aliases_of,
    may_read_aliases_of,
)
from .models import Organization
from .resources import OrganizationResource
from .scope import is_staff_member
from .scoped_admin import ScopedAdminMixin, ScopedHistoryAdmin, ScopedImportExportAdmin
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


@admin.register(ImportAlias)
class ImportAliasAdmin(ScopedHistoryAdmin):
    """A county's import aliases (orgs.import_aliases): staff over the county change them,
    staff under it read them, staff of other counties see none."""

    list_display = ["alias", "meaning", "table", "column", "county"]
    list_filter = ["table", "column"]  # no county filter: it would list every county
    search_fields = ["alias", "meaning", "column"]
    list_select_related = ["county"]
    history_list_display = ["alias", "meaning"]

    def get_queryset(self, request):
        # Past ScopedAdminMixin's editable_by: staff under a county read its aliases too.
        queryset = super(ScopedAdminMixin, self).get_queryset(request)
        return queryset.visible_to(request.user)

    def has_module_permission(self, request) -> bool:
        return is_staff_member(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        if obj is None:
            return is_staff_member(request.user)
        return may_read_aliases_of(request.user, obj.county)

    def has_add_permission(self, request) -> bool:
        return editable_counties(request.user).exists()

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is None:
            return self.has_add_permission(request)
        return may_change_aliases_of(request.user, obj.county)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "county":
            kwargs["queryset"] = editable_counties(request.user).order_by("path")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if "county" not in initial:
            counties = list(editable_counties(request.user).values_list("pk", flat=True)[:2])
            if len(counties) == 1:  # the user's own county
                initial["county"] = counties[0]
        return initial


from .life import admin as life_admin  # noqa: E402,F401  (registers the organisation life admin)
