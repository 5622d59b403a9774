"""党小组 of a branch: who may set them up, the rules, the writes and the reads.

Whoever records the branch's organisation life manages its groups (staff of the branch, its
secretary: orgs.life.services.can_record_life). A group has a name unique in the branch, a
组长 among its members, and members who are current members of the branch, each in at most
one group of it. A branch with groups holds 党小组会 (orgs.life.selectors).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orgs.life.selectors import PARTY_GROUP_ORG_KINDS
from orgs.life.services import can_record_life
from orgs.models import Organization

from ..models import Member, PartyGroup
from ..models.groups import NAME_MAX


def may_form_groups(organization: Organization) -> bool:
    return organization.kind in PARTY_GROUP_ORG_KINDS


def can_manage_groups(user: Any, organization: Organization) -> bool:
    return may_form_groups(organization) and can_record_life(user, organization)


def branch_members(organization: Organization) -> list[Member]:
    """The current members directly in the branch, by name: who may be in its groups."""
    return list(Member.objects.active().filter(organization=organization).order_by("name", "pk"))


@dataclass(frozen=True)
class GroupView:
    group: PartyGroup
    #: the group's members who are still current members of the branch
    members: list[Member]


def groups_of(organization: Organization) -> list[GroupView]:
    """The branch's groups by name, each with its current members (two queries)."""
    groups = (
        PartyGroup.objects.filter(organization=organization)
        .select_related("leader")
        .prefetch_related("members")
        .order_by("name", "pk")
    )
    return [
        GroupView(
            group=g,
            members=sorted(
                (
                    m
                    for m in g.members.all()
                    if m.organization_id == organization.pk and m.is_active
                ),
                key=lambda m: (m.name, m.pk),
            ),
        )
        for g in groups
    ]


def grouped_elsewhere(organization: Organization, group: PartyGroup | None) -> dict[int, str]:
    """Member id → the name of the other group of the branch they are in (one query)."""
    others = PartyGroup.members.through.objects.filter(partygroup__organization=organization)
    if group is not None:
        others = others.exclude(partygroup=group)
    return dict(others.values_list("member_id", "partygroup__name"))


def group_errors(
    *,
    organization: Organization,
    group: PartyGroup | None,
    name: str,
    leader_id: int | None,
    member_ids: Sequence[int],
    formed_on: datetime.date | None,
) -> dict[str, list[str]]:
    """Chinese messages per field for values that break the rules (empty when fine)."""
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("党小组名称：必填，如“第一党小组”。")]
    elif len(name) > NAME_MAX:
        errors["name"] = [_("党小组名称不能超过 %(max)d 个字符。") % {"max": NAME_MAX}]
    else:
        same = PartyGroup.objects.filter(organization=organization, name=name)
        if group is not None:
            same = same.exclude(pk=group.pk)
        if same.exists():
            errors["name"] = [_("本支部已有名为“%(name)s”的党小组。") % {"name": name}]
    current = {m.pk: m for m in branch_members(organization)}
    chosen = list(dict.fromkeys(member_ids))
    if not chosen:
        errors["members"] = [_("组员：请至少选择一名本支部党员。")]
    elif any(pk not in current for pk in chosen):
        errors["members"] = [_("组员须是本支部的在册党员，请重新打开页面后选择。")]
    else:
        elsewhere = grouped_elsewhere(organization, group)
        taken = [f"{current[pk].name}（{elsewhere[pk]}）" for pk in chosen if pk in elsewhere]
        if taken:
            errors["members"] = [
                _("每名党员只编入一个党小组，以下党员已在其他党小组：%(names)s。")
                % {"names": "、".join(taken)}
            ]
    if leader_id is None:
        errors["leader"] = [_("组长：必填。")]
    elif leader_id not in chosen:
        errors["leader"] = [_("组长须是本小组的组员。")]
    if formed_on is None:
        errors["formed_on"] = [_("设立日期：必填，格式为 YYYY-MM-DD。")]
    elif formed_on > timezone.localdate():
        errors["formed_on"] = [_("设立日期不能晚于今天。")]
    return errors


@transaction.atomic
def save_group(
    *,
    user: Any,
    organization: Organization,
    name: str,
    leader_id: int | None,
    member_ids: Sequence[int],
    formed_on: datetime.date | None,
    group: PartyGroup | None = None,
) -> PartyGroup:
    """Set up a group (`group` None) or change one, with history by `user`."""
    if not can_manage_groups(user, organization) or (
        group is not None and group.organization_id != organization.pk
    ):
        raise PermissionDenied(_("您不能管理该组织的党小组。"))
    # Two people saving at once must not put one member in two groups.
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    errors = group_errors(
        organization=organization,
        group=group,
        name=name,
        leader_id=leader_id,
        member_ids=member_ids,
        formed_on=formed_on,
    )
    if errors:
        raise ValidationError(errors)
    group = group or PartyGroup(organization=organization)
    group.name = name.strip()
    group.leader_id = leader_id
    group.formed_on = formed_on
    group._history_user = user
    group.save()
    group.members.set(list(dict.fromkeys(member_ids)))
    return group


@transaction.atomic
def delete_group(*, user: Any, group: PartyGroup) -> None:
    if not can_manage_groups(user, group.organization):
        raise PermissionDenied(_("您不能管理该组织的党小组。"))
    group._history_user = user
    group.delete()
