"""党小组 of a branch: a name, a leader (组长) and the members in it. A branch that has them
holds 党小组会 (orgs.life.selectors); a member is in at most one group (the services check it)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from orgs.models import Organization
from orgs.scope import ScopedQuerySet

from .member import Member

NAME_MAX = 30


class PartyGroupQuerySet(ScopedQuerySet):
    scope_prefix = "organization__"


class PartyGroup(models.Model):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("所在党支部"),
        on_delete=models.PROTECT,
        related_name="party_groups",
    )
    name = models.CharField(_("党小组名称"), max_length=NAME_MAX)
    leader = models.ForeignKey(
        Member, verbose_name=_("组长"), on_delete=models.PROTECT, related_name="+"
    )
    members = models.ManyToManyField(Member, verbose_name=_("组员"), related_name="party_groups")
    formed_on = models.DateField(
        _("设立日期"),
        default=timezone.localdate,
        help_text=_("从设立的季度起，支部须按要求召开党小组会。"),
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = PartyGroupQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[members])

    class Meta:
        verbose_name = _("党小组")
        verbose_name_plural = _("党小组")
        ordering = ["organization__path", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="party_group_name_unique")
        ]

    def __str__(self) -> str:
        return self.name
