"""The short 公报-style text of the statistics: templates with the figures filled in, each
figure one that a table shows."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.numbers import percent, rate
from orgs.choices import OrgLevel
from orgs.models import Organization

from .selectors import PartyStatistics


def _date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def area_word(org: Organization) -> str:
    """全县 / 全市 / 全镇 …: how a 公报 names the whole of the organisation's area."""
    if org.level == OrgLevel.CITY:
        return _("全市")
    if org.level == OrgLevel.COUNTY:
        return _("全县")
    if org.level == OrgLevel.TOWNSHIP:
        for place in ("街道", "镇", "乡"):
            if place in org.name:
                return _("全%(place)s") % {"place": place}
    return _("本组织")


def _share(part: int | None, whole: int | None) -> str:
    return percent(rate(part or 0, whole))


def statistics_text(stats: PartyStatistics) -> list[str]:
    """The paragraphs, in the order a 公报 writes them."""
    overview = stats.table("overview")
    total = overview.line("total").total or 0
    area = area_word(stats.org)
    change = stats.change
    net = change.end_total - change.start_total
    if net > 0:
        trend = _("比上年底净增%(n)s名") % {"n": f"{net:,}"}
    elif net < 0:
        trend = _("比上年底净减少%(n)s名") % {"n": f"{-net:,}"}
    else:
        trend = _("与上年底持平")

    def figure(table: str, line: str) -> int:
        return stats.table(table).line(line).total or 0

    paragraphs = [
        _(
            "截至%(day)s，%(area)s共有党员%(total)s名，%(trend)s。其中，正式党员%(full)s名，"
            "预备党员%(probationary)s名；女党员%(female)s名，占%(female_share)s；少数民族党员"
            "%(minority)s名，占%(minority_share)s；大专及以上学历党员%(college)s名，占"
            "%(college_share)s。"
        )
        % {
            "day": _date(stats.as_of),
            "area": area,
            "total": f"{total:,}",
            "trend": trend,
            "full": f"{figure('overview', 'full'):,}",
            "probationary": f"{figure('overview', 'probationary'):,}",
            "female": f"{figure('overview', 'female'):,}",
            "female_share": _share(figure("overview", "female"), total),
            "minority": f"{figure('overview', 'minority'):,}",
            "minority_share": _share(figure("overview", "minority"), total),
            "college": f"{figure('overview', 'college_or_above'):,}",
            "college_share": _share(figure("overview", "college_or_above"), total),
        }
    ]
    young, old = stats.table("age_bands").lines[0], stats.table("age_bands").lines[-1]
    paragraphs.append(
        _(
            "从年龄看，%(young_label)s的党员%(young)s名，占%(young_share)s；%(old_label)s的"
            "党员%(old)s名，占%(old_share)s。从入党时间看，党的十八大以来入党的%(recent)s名，"
            "占%(recent_share)s。"
        )
        % {
            "young_label": young.label,
            "young": f"{young.total:,}",
            "young_share": _share(young.total, total),
            "old_label": old.label,
            "old": f"{old.total:,}",
            "old_share": _share(old.total, total),
            "recent": f"{stats.table('join_periods').lines[-1].total:,}",
            "recent_share": _share(stats.table("join_periods").lines[-1].total, total),
        }
    )
    developed = figure("developed", "developed")
    paragraphs.append(
        _(
            "%(year)s年以来发展党员%(developed)s名，其中女性%(female)s名，大专及以上学历"
            "%(college)s名；预备党员转正%(confirmed)s名。党员减少中，转出%(out)s名，"
            "去世%(deceased)s名，出党%(expelled)s名。"
        )
        % {
            "year": stats.year,
            "developed": f"{developed:,}",
            "female": f"{figure('developed', 'developed-female'):,}",
            "college": f"{figure('developed', 'developed-college'):,}",
            "confirmed": f"{figure('confirmed', 'confirmed'):,}",
            "out": f"{change.count('transferred_out'):,}",
            "deceased": f"{change.count('deceased'):,}",
            "expelled": f"{change.count('expelled'):,}",
        }
    )
    organisations = _(
        "%(area)s共有基层党组织%(basic)s个，其中基层党委%(committees)s个、党总支%(general)s个、"
        "党支部%(branches)s个。"
    ) % {
        "area": area,
        "basic": f"{figure('organisations', 'basic'):,}",
        "committees": f"{figure('organisations', 'committees'):,}",
        "general": f"{figure('organisations', 'general_branches'):,}",
        "branches": f"{figure('organisations', 'branches'):,}",
    }
    coverage = stats.table("coverage")
    for key, label in (("villages", _("建制村")), ("communities", _("社区"))):
        covered, whole = coverage.line(f"{key}-covered").total, coverage.line(f"{key}-total").total
        if whole:
            organisations += _("已建立党组织的%(label)s%(covered)s个，占%(share)s。") % {
                "label": label,
                "covered": f"{covered:,}",
                "share": _share(covered, whole),
            }
    paragraphs.append(organisations)
    return paragraphs
