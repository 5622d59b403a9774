"""The categories of the party statistics (党内统计年报 and the 党内统计公报), one table each.

Every category is a filter on the roster as of a day, so that counting a category (a
conditional aggregate) and listing the people behind its figure use the same condition.
The tables and their sources are documented in docs/party-statistics.md. The category
names are the official ones and the keys of the command's JSON: they are data, not
translated text.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from core.periods import add_years
from members.choices import Education, Gender, Job

#: the 汉族 code of GB/T 3304; every other code is a 少数民族
HAN = "01"

#: (label, lowest age, highest age or None), age in whole years on the as-of day: a member
#: turning 31 on that day counts as 31.
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("30岁及以下", 0, 30),
    ("31至35岁", 31, 35),
    ("36至40岁", 36, 40),
    ("41至45岁", 41, 45),
    ("46至50岁", 46, 50),
    ("51至55岁", 51, 55),
    ("56至60岁", 56, 60),
    ("61岁及以上", 61, None),
)

#: (label, first day or None, day after the last or None). A period begins on the day of
#: its event (a member admitted on 18 December 1978, the day the Third Plenum opened, is of
#: "十一届三中全会后"); the sources of the days are in docs/party-statistics.md.
JOIN_PERIODS: tuple[tuple[str, datetime.date | None, datetime.date | None], ...] = (
    ("新中国成立前", None, datetime.date(1949, 10, 1)),
    ("新中国成立后至“文革”前", datetime.date(1949, 10, 1), datetime.date(1966, 5, 16)),
    ("“文革”期间", datetime.date(1966, 5, 16), datetime.date(1976, 10, 6)),
    (
        "粉碎“四人帮”至党的十一届三中全会前",
        datetime.date(1976, 10, 6),
        datetime.date(1978, 12, 18),
    ),
    (
        "党的十一届三中全会后至党的十六大前",
        datetime.date(1978, 12, 18),
        datetime.date(2002, 11, 8),
    ),
    ("党的十六大后至党的十八大前", datetime.date(2002, 11, 8), datetime.date(2012, 11, 8)),
    ("党的十八大以来", datetime.date(2012, 11, 8), None),
)

#: The statistics' occupations and the roster's 工作岗位 values that count in each.
#: A deployment whose roster uses the categories differently overrides it with the setting
#: PARTY_STATISTICS_OCCUPATIONS (same shape); every 工作岗位 value must appear exactly once.
OCCUPATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("工人（工勤技能人员）", (Job.WORKER,)),
    ("农牧渔民", (Job.FARMER,)),
    ("企事业单位/民办非企业单位专业技术人员", (Job.PROFESSIONAL,)),
    ("企事业单位/民办非企业单位管理人员", (Job.MANAGER,)),
    ("党政机关工作人员", (Job.CIVIL_SERVANT,)),
    ("学生", (Job.STUDENT,)),
    ("其他职业人员", (Job.OTHER,)),
    ("离退休人员", (Job.RETIRED,)),
)

COLLEGE_OR_ABOVE = (Education.JUNIOR_COLLEGE, Education.BACHELOR, Education.POSTGRADUATE)


def occupations() -> tuple[tuple[str, tuple[str, ...]], ...]:
    table = settings.PARTY_STATISTICS_OCCUPATIONS or OCCUPATIONS
    return tuple((label, tuple(str(v) for v in values)) for label, values in table)


def check_occupations(table: tuple[tuple[str, tuple[str, ...]], ...]) -> list[str]:
    """Problems of an occupation table: a 工作岗位 value missing or counted twice."""
    seen: dict[str, str] = {}
    problems = []
    for label, values in table:
        for value in values:
            if value in seen:
                name = Job(value).label if value in Job.values else value
                problems.append(
                    _("工作岗位“%(job)s”同时计入“%(first)s”和“%(second)s”")
                    % {"job": name, "first": seen[value], "second": label}
                )
            seen[value] = label
    for value in Job.values:
        if value not in seen:
            problems.append(_("工作岗位“%(job)s”没有对应的统计职业") % {"job": Job(value).label})
    return problems


def age_q(day: datetime.date, lowest: int, highest: int | None) -> Q:
    """Aged `lowest`..`highest` whole years on `day`, as a birth-date range."""
    condition = Q(birth_date__lte=add_years(day, -lowest))
    if highest is not None:
        condition &= Q(birth_date__gt=add_years(day, -(highest + 1)))
    return condition


def joined_q(first: datetime.date | None, until: datetime.date | None) -> Q:
    condition = Q()
    if first is not None:
        condition &= Q(joined_on__gte=first)
    if until is not None:
        condition &= Q(joined_on__lt=until)
    return condition


@dataclass(frozen=True)
class StatRow:
    """One row of a table: a stable key (for links and JSON), its label, its filter."""

    key: str
    label: str
    q: Q


@dataclass(frozen=True)
class MemberTable:
    key: str
    title: str
    rows: tuple[StatRow, ...]
    #: the JSON key of `party_statistics --format json` for a table of categories
    json_key: str = ""


def member_tables(day: datetime.date) -> tuple[MemberTable, ...]:
    """The tables of members on `day` (the roster as of that day, see members.as_of)."""
    return (
        MemberTable(
            "overview",
            "党员总体情况",
            (
                StatRow("total", "党员总数", Q()),
                StatRow("full", "正式党员", Q(confirmed_on__lte=day)),
                StatRow(
                    "probationary",
                    "预备党员",
                    Q(confirmed_on__isnull=True) | Q(confirmed_on__gt=day),
                ),
                StatRow("female", "女党员", Q(gender=Gender.FEMALE)),
                StatRow("minority", "少数民族党员", ~Q(ethnicity=HAN)),
                StatRow("college_or_above", "大专及以上学历", Q(education__in=COLLEGE_OR_ABOVE)),
            ),
        ),
        MemberTable(
            "age_bands",
            "年龄",
            tuple(
                StatRow(f"age{i}", label, age_q(day, low, high))
                for i, (label, low, high) in enumerate(AGE_BANDS)
            ),
            json_key="age_bands",
        ),
        MemberTable(
            "join_periods",
            "入党时间",
            tuple(
                StatRow(f"joined{i}", label, joined_q(first, until))
                for i, (label, first, until) in enumerate(JOIN_PERIODS)
            ),
            json_key="join_periods",
        ),
        MemberTable(
            "education",
            "学历",
            tuple(
                StatRow(f"edu-{value}", str(label), Q(education=value))
                for value, label in Education.choices
            ),
        ),
        MemberTable(
            "occupations",
            "职业",
            tuple(
                StatRow(f"job{i}", label, Q(job__in=values))
                for i, (label, values) in enumerate(occupations())
            ),
            json_key="occupations",
        ),
    )


def developed_table(day: datetime.date) -> MemberTable:
    """Members admitted (接收为预备党员) in the year up to `day`, by the same categories;
    ages on `day`, like the roster's."""
    rows = [
        StatRow("developed", "发展党员总数", Q()),
        StatRow("developed-female", "女", Q(gender=Gender.FEMALE)),
        StatRow("developed-male", "男", Q(gender=Gender.MALE)),
        StatRow("developed-minority", "少数民族", ~Q(ethnicity=HAN)),
        StatRow("developed-college", "大专及以上学历", Q(education__in=COLLEGE_OR_ABOVE)),
    ]
    rows += [
        StatRow(f"developed-age{i}", label, age_q(day, low, high))
        for i, (label, low, high) in enumerate(AGE_BANDS)
    ]
    rows += [
        StatRow(f"developed-edu-{value}", str(label), Q(education=value))
        for value, label in Education.choices
    ]
    rows += [
        StatRow(f"developed-job{i}", label, Q(job__in=values))
        for i, (label, values) in enumerate(occupations())
    ]
    return MemberTable("developed", "发展党员", tuple(rows))


def confirmed_q(extended: bool) -> Q:
    """转正 on time or after an extended probation (the development case records it)."""
    condition = Q(development_case__probation_extended_months__gt=0)
    return condition if extended else ~condition
