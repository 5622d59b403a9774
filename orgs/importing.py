"""The import resources of the organisation tree: every table of the data dictionary is
imported under the importing user's write scope, and only 组织部 staff import."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from import_export import widgets

from core.importing import PortalResource
from core.keys import normalise_key
from core.tables import cell_text
from core.widgets import shown

from .models import Organization
from .scope import can_edit_path, is_staff_member


class OrganizationCodeWidget(widgets.Widget):
    """A 组织代码 column naming the organisation a row belongs to.

    All organisations are loaded once per import (a county has hundreds, a city a few
    thousand), so rows cost no query; `resource.user`'s write scope is checked per row.
    """

    def __init__(self, resource_user_getter, *, required: bool = True):
        super().__init__(coerce_to_string=True)
        self.user_getter = resource_user_getter
        self.required = required
        self._by_code: dict | None = None

    def organizations(self) -> dict:
        if self._by_code is None:
            self._by_code = {o.code: o for o in Organization.objects.all()}
        return self._by_code

    def clean(self, value: Any, row=None, **kwargs):
        code = normalise_key(cell_text(value))
        if not code:
            if self.required:
                raise ValueError(_("必填，请填写所在党组织的组织代码。"))
            return None
        org = self.organizations().get(code)
        if org is None:
            raise ValueError(_("组织代码“%(code)s”不存在。") % {"code": shown(code)})
        user = self.user_getter()
        if user is not None and not can_edit_path(user, org.path):
            raise ValueError(_("组织“%(code)s”不在您的管辖范围内。") % {"code": shown(code)})
        return org

    def render(self, value: Any, obj=None, **kwargs) -> str:
        return value.code if value is not None else ""


class ScopedResource(PortalResource):
    """A data-dictionary resource whose rows belong to organisations: `user` (None: the
    deployer's full scope) reaches only rows of its write scope, rows aimed outside it are
    errors, and the 组织代码 column is read by OrganizationCodeWidget."""

    def __init__(self, user: Any = None, source: str = "", **kwargs: Any) -> None:
        super().__init__(user=user, source=source, **kwargs)
        if self.organization_field:
            self.fields[self.organization_field].widget = OrganizationCodeWidget(lambda: self.user)

    @classmethod
    def may_import(cls, user: Any) -> bool:
        return is_staff_member(user)

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset if self.user is None else queryset.editable_by(self.user)
