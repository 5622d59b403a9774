"""The roles a user can hold on an organisation subtree (accounts.Assignment), and which of
them read and which write: what the scoping API (orgs/scope.py) interprets."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STAFF = "staff", _("组织部工作人员")
    SECRETARY = "secretary", _("书记")
    LEADER = "leader", _("领导")


# Every role reads its subtree; only staff write it.
READ_ROLES: tuple[str, ...] = (Role.STAFF, Role.SECRETARY, Role.LEADER)
WRITE_ROLES: tuple[str, ...] = (Role.STAFF,)
