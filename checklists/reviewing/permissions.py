"""Who reviews a list, who sees its provisional review, who reports on and who closes a
rectification."""

from __future__ import annotations

from typing import Any

from orgs.roles import Role
from orgs.scope import holds_role_on, path_allowed, reviews_for_committee_above

from ..models import Rectification, ResponsibilityList


def can_review(user: Any, checklist: ResponsibilityList) -> bool:
    """Staff of the committee above the list's organisation, as for the secretaries'
    述职评议: township staff review their villages' lists, the county the townships'."""
    return reviews_for_committee_above(user, checklist.organization)


def sees_provisional_review(user: Any, checklist: ResponsibilityList) -> bool:
    """Scores, comments and 需整改 marks are the reviewer's work in progress until the list
    is sent back or approved: staff and leaders over the organisation see them at once,
    the secretary only then (templates show them by the list's status otherwise)."""
    return path_allowed(user, checklist.organization.path, (Role.STAFF, Role.LEADER))


def can_report_rectification(user: Any, rectification: Rectification) -> bool:
    """The secretary of the list's organisation itself (not of an ancestor)."""
    return holds_role_on(user, rectification.item.checklist.organization_id, (Role.SECRETARY,))


def can_close_rectification(user: Any, rectification: Rectification) -> bool:
    """The list's reviewers: staff of the committee above the organisation."""
    return reviews_for_committee_above(user, rectification.item.checklist.organization)


can_edit_rectification = can_close_rectification
