"""`probation_overdue`: a 预备党员 on the roster whose probation (the configured months plus
any extension on their development case) has ended without 转正 — at its edges, with and
without a development case, today and on a past day."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from assessments.health.rules import findings_for
from core.periods import add_months
from members.models import DevelopmentCase, DevelopmentRule, Stage
from tests.factories import make_member, make_org

# A past day: the roster of that day, from the members' dated facts.
DAY = datetime.date(2025, 5, 15)
ONE_DAY = datetime.timedelta(days=1)


def probationary(org, joined_on, **fields):
    fields.setdefault("birth", "1995-03-01")
    return make_member(
        org, category="probationary", confirmed_on=None, joined_on=joined_on, **fields
    )


def overdue(org, today=DAY) -> dict[str, str]:
    """code → message of the probation_overdue findings under `org`."""
    return {
        f.code: f.message for f in findings_for(org, today=today) if f.rule == "probation_overdue"
    }


@pytest.fixture
def town(db):
    return make_org(code="T", kind="committee", level="township", secretary_name="张")


def test_overdue_from_the_day_after_the_probation_year_ends(town):
    ends_yesterday = make_org(town, code="Y")
    probationary(ends_yesterday, add_months(DAY, -12) - ONE_DAY, name="过期")
    ends_today = make_org(town, code="D")
    probationary(ends_today, add_months(DAY, -12), name="今满")
    ends_tomorrow = make_org(town, code="M")
    probationary(ends_tomorrow, add_months(DAY, -12) + ONE_DAY, name="明满")

    found = overdue(town)
    # On the day it ends the 支部大会 may still confirm them.
    assert set(found) == {"Y"}
    assert found["Y"] == (
        "1 名预备党员预备期已满仍未转正：过期（2025-05-14 期满）。"
        "请及时召开支部大会讨论其转正（需要继续考察的，可延长预备期，最长一年）。"
    )
    next_day = overdue(town, today=DAY + ONE_DAY)
    assert set(next_day) == {"Y", "D"}


def test_one_finding_per_organisation_naming_each_member(town):
    branch = make_org(town, code="B")
    probationary(branch, datetime.date(2024, 1, 10), name="张一")
    probationary(branch, datetime.date(2024, 3, 1), name="李二")
    found = [f for f in findings_for(town, today=DAY) if f.rule == "probation_overdue"]
    assert len(found) == 1
    assert found[0].severity == "warning"
    assert found[0].message.startswith(
        "2 名预备党员预备期已满仍未转正：张一（2025-01-10 期满）、李二（2025-03-01 期满）。"
    )


def test_full_members_and_members_who_left_are_not_flagged(town):
    branch = make_org(town, code="B")
    make_member(
        branch, joined_on=datetime.date(2023, 1, 10), confirmed_on=datetime.date(2024, 1, 10)
    )
    probationary(
        branch,
        datetime.date(2023, 1, 10),
        status="transferred_out",
        status_changed_on=datetime.date(2025, 1, 2),
    )
    assert overdue(town) == {}


def test_on_a_past_day_a_member_confirmed_later_was_still_probationary(town):
    branch = make_org(town, code="B")
    make_member(
        branch,
        name="后转正",
        joined_on=datetime.date(2024, 1, 10),
        confirmed_on=datetime.date(2025, 6, 1),
    )
    assert "后转正（2025-01-10 期满）" in overdue(town)["B"]
    assert overdue(town, today=datetime.date(2025, 6, 2)) == {}


def test_today_the_roster_s_category_counts(town):
    today = timezone.localdate()
    branch = make_org(town, code="B")
    probationary(branch, add_months(today, -13), name="超期")
    probationary(branch, add_months(today, -11), name="未满")
    message = overdue(town, today=today)["B"]
    assert message.startswith("1 名预备党员预备期已满仍未转正：超期（")


def with_case(member, months: int) -> DevelopmentCase:
    """The development case of `member`, its probation extended by `months`."""
    return DevelopmentCase.objects.create(
        organization=member.organization,
        name=member.name,
        id_number=member.id_number,
        gender=member.gender,
        ethnicity=member.ethnicity,
        education=member.education,
        job=member.job,
        stage=Stage.PROBATIONARY,
        applied_on=datetime.date(2020, 3, 1),
        admitted_on=member.joined_on,
        probation_extended_months=months,
        member=member,
    )


def test_an_extension_on_the_development_case_moves_the_end(town):
    on_edge = make_org(town, code="E")
    with_case(probationary(on_edge, add_months(DAY, -18), name="延期满"), 6)
    past = make_org(town, code="P")
    with_case(probationary(past, add_months(DAY, -18) - ONE_DAY, name="延期过"), 6)
    plain = make_org(town, code="N")
    with_case(probationary(plain, add_months(DAY, -12) - ONE_DAY, name="未延期"), 0)

    found = overdue(town)
    assert set(found) == {"P", "N"}
    assert "延期过（2025-05-14 期满）" in found["P"]


def test_the_probation_months_are_the_development_rule(town):
    branch = make_org(town, code="B")
    probationary(branch, add_months(DAY, -7), name="七个月")
    assert overdue(town) == {}
    DevelopmentRule.objects.update_or_create(key="probation_months", defaults={"value": 6})
    assert set(overdue(town)) == {"B"}


def test_a_probation_overdue_on_a_case_is_not_also_a_stalled_case(town):
    branch = make_org(town, code="B")
    with_case(probationary(branch, datetime.date(2023, 1, 10), name="双报"), 0)
    today = timezone.localdate()
    rules = {f.rule for f in findings_for(town, today=today) if f.code == "B"}
    assert "probation_overdue" in rules
    assert "development_stalled" not in rules
