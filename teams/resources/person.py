"""What the team tables about a person share: the 姓名 and 公民身份号码 columns, read as
the roster reads them, exported masked unless the user may see full personal data, and
the row linked to the roster's member with that ID number (never a second record).

A row's name must be the roster's name of that number: a different name means a mistyped
name or, worse, a mistyped number that happens to pass the check digit. The roster's name
is quoted only when the member is in the importer's read scope.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.importing import dictionary_field
from members.models import Member
from members.permissions import can_view_full_personal_data
from members.resources.roster import ID_COLUMN, ID_COLUMN_ALIASES, IdNumberWidget, NameWidget
from orgs.importing import ScopedResource

from ..models.person import PersonRecord

ORG_COLUMN = "组织代码"
NAME_COLUMN = "姓名"
#: how offices head the organisation column of a team table
ORG_COLUMN_ALIASES = ("党组织代码", "党组织", "党组织名称", "所在党组织", "所在党组织代码")

__all__ = [
    "ID_COLUMN",
    "ID_COLUMN_ALIASES",
    "IdNumberWidget",
    "NAME_COLUMN",
    "ORG_COLUMN",
    "ORG_COLUMN_ALIASES",
    "PersonTableResource",
]


class PersonTableResource(ScopedResource):
    """Base of the team tables whose rows are a person at an organisation."""

    organization_field = "organization"
    masked_columns = (ID_COLUMN,)
    # The models' clean() covers their CheckConstraints, and the loader knows every
    # existing key: no query per row for either.
    validate_constraints_per_row = False
    validate_unique_per_row = False
    # Not reachable through a file (the organisation is part of the key and is refused
    # outside the scope first), but never echo an ID number back.
    outside_scope_message = gettext_lazy("该记录已存在，但不在您的管辖范围内，不能修改。")

    name = dictionary_field(NAME_COLUMN, "name", NameWidget())
    id_number = dictionary_field(ID_COLUMN, "id_number", IdNumberWidget())

    def __init__(self, user: Any = None, source: str = "", *, unmasked: bool = False, **kwargs):
        super().__init__(user=user, source=source, **kwargs)
        # Exports carry ID numbers: in full only with the permission, or for a deployer
        # who asked explicitly (export_data --unmasked, logged).
        self.unmasked = can_view_full_personal_data(user) if user is not None else unmasked
        self.fields["id_number"].widget.mask = not self.unmasked

    def get_queryset(self):
        return super().get_queryset().select_related("member")

    def validation_exclude(self):
        # The organisation was found in the scope and the member by link_member(): no
        # query per row to check that they exist.
        return (*super().validation_exclude(), "member")

    def link_person(self, instance: PersonRecord, errors: dict[str, list[str]]) -> None:
        """Link the row to the roster's member of its ID number, whose name it must bear."""
        if ID_COLUMN in errors or not instance.id_number:
            return
        written = instance.name
        instance.link_member()  # takes the roster's name
        member = instance.member
        if member is None or NAME_COLUMN in errors or member.name == written:
            return
        errors.setdefault(NAME_COLUMN, []).append(self.name_mismatch(member))

    def name_mismatch(self, member: Member) -> str:
        visible = self.user is None or (
            Member.objects.visible_to(self.user).filter(pk=member.pk).exists()
        )
        if visible:
            return _("与党员名册中该公民身份号码的姓名“%(name)s”不一致。") % {"name": member.name}
        return _("与党员名册中该公民身份号码的姓名不一致，请核对姓名和号码。")
