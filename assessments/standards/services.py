"""标准化规范化 writes: a branch's yearly score sheet (checked per dimension, its total
kept here) and the check of the dimensions' configuration (they add up to 100)."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orgs.models import Organization
from orgs.scope import can_edit_path

from ..models import FIRST_YEAR, StandardDimension, StandardScoreSheet
from .grading import is_scoreable, scoreable_label
from .selectors import dimensions

FULL_MARKS = 100
ONE_DECIMAL = Decimal("0.1")


def _points(raw: Any) -> Decimal | None:
    if raw is None or raw == "":
        return None
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise ValueError from None
    if not value.is_finite():
        raise ValueError
    return value


def sheet_errors(
    *,
    organization: Organization,
    year: int | None,
    scores: dict[str, Any],
    assessed_on: datetime.date | None,
    configured: list[StandardDimension],
) -> tuple[dict[str, list[str]], dict[str, Decimal]]:
    """What is wrong with a sheet, keyed by dimension code (or year / assessed_on /
    NON_FIELD_ERRORS), and the clean points by code."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, Decimal] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    if not is_scoreable(organization):
        add(
            NON_FIELD_ERRORS,
            _("只有%(kinds)s参加标准化规范化评分；“%(org)s”是%(kind)s。")
            % {
                "kinds": scoreable_label(),
                "org": organization.name,
                "kind": organization.get_kind_display(),
            },
        )
    today = timezone.localdate()
    if year is None:
        add("year", _("请填写年度。"))
    elif not FIRST_YEAR <= year <= today.year:
        add(
            "year",
            _("年度须在 %(first)d 年至今年（%(this)d 年）之间。")
            % {"first": FIRST_YEAR, "this": today.year},
        )
    if assessed_on is None:
        add("assessed_on", _("请填写评定日期。"))
    elif assessed_on > today:
        add("assessed_on", _("评定日期不能晚于今天。"))
    elif year is not None and assessed_on < datetime.date(year, 1, 1):
        add("assessed_on", _("评定日期不能早于 %(year)d 年 1 月 1 日。") % {"year": year})
    if not configured:
        add(NON_FIELD_ERRORS, _("还没有配置评分项，请联系县委组织部。"))
    known = {d.code for d in configured}
    unknown = [code for code in scores if code not in known]
    if unknown:
        add(NON_FIELD_ERRORS, _("“%(codes)s”不是评分项。") % {"codes": "、".join(unknown)})
    for dimension in configured:
        name = dimension.name
        try:
            value = _points(scores.get(dimension.code))
        except ValueError:
            add(dimension.code, _("“%(name)s”的得分应为数字。") % {"name": name})
            continue
        if value is None:
            add(dimension.code, _("请填写“%(name)s”的得分。") % {"name": name})
        elif not 0 <= value <= dimension.max_points:
            add(
                dimension.code,
                _("“%(name)s”的得分应在 0 到 %(max)d 分之间。")
                % {"name": name, "max": dimension.max_points},
            )
        elif value != value.quantize(ONE_DECIMAL):
            add(dimension.code, _("“%(name)s”的得分最多保留一位小数。") % {"name": name})
        else:
            clean[dimension.code] = value.quantize(ONE_DECIMAL)
    return errors, clean


def _check_write(user: Any, organization: Organization) -> None:
    # No user is the deployer (commands, demo data), as in the register.
    if user is not None and not can_edit_path(user, organization.path):
        raise PermissionDenied(_("您没有为该组织评分的权限。"))


@transaction.atomic
def score_sheet_save(
    *,
    user: Any,
    organization: Organization,
    year: int,
    scores: dict[str, Decimal],
    comment: str = "",
    assessed_on: datetime.date | None,
) -> StandardScoreSheet:
    """Create or update `organization`'s sheet for `year`; the total is the sum of the
    dimensions' points. Raises PermissionDenied outside the user's write scope and
    ValidationError (keyed by dimension code) for bad points."""
    _check_write(user, organization)
    errors, clean = sheet_errors(
        organization=organization,
        year=year,
        scores=scores or {},
        assessed_on=assessed_on,
        configured=dimensions(),
    )
    if errors:
        raise ValidationError(errors)
    sheet = (
        StandardScoreSheet.objects.select_for_update()
        .filter(organization=organization, year=year)
        .first()
    )
    created = sheet is None
    if created:
        sheet = StandardScoreSheet(organization=organization, year=year)
    # Stored as strings: JSON numbers would come back as floats (12.3 → 12.299999…).
    sheet.scores = {code: str(points) for code, points in clean.items()}
    sheet.total = sum(clean.values(), Decimal("0")).quantize(ONE_DECIMAL)
    sheet.comment = (comment or "").strip()
    sheet.assessed_on = assessed_on
    sheet.assessed_by = user
    sheet._history_user = user
    sheet._change_reason = _("评分") if created else _("修改评分")
    try:
        with transaction.atomic():
            sheet.save()
    except IntegrityError as exc:
        # Two users scoring the same new sheet at once: the second is told to reload.
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _("“%(org)s”%(year)d 年的评分刚被他人保存，请刷新后再修改。")
                    % {"org": organization.name, "year": year}
                ]
            }
        ) from exc
    return sheet


def dimension_total_errors(max_points_by_pk: dict[int, int]) -> list[str]:
    """The dimensions must add up to 100 after the changed ones take `max_points_by_pk`."""
    stored = dict(StandardDimension.objects.values_list("pk", "max_points"))
    stored.update(max_points_by_pk)
    total = sum(stored.values())
    if total != FULL_MARKS:
        return [
            _("各评分项满分之和须为 %(full)d 分，修改后为 %(total)d 分；请同时调整其他评分项。")
            % {"full": FULL_MARKS, "total": total}
        ]
    return []
