"""The committee is the truth of an organisation's 书记; its own columns feed it."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from orgs.models import Organization
from teams.choices import ElectionMethod, Position
from teams.models import CommitteeMember, Election
from teams.selectors import secretary_vacancies, team_on
from teams.services.committee import delete_membership, end_membership, save_membership
from teams.services.elections import (
    ElectedMember,
    approve_election,
    delete_election,
    record_election,
)
from tests.factories import make_member, make_org
from tests.helpers import id_number

pytestmark = pytest.mark.django_db


def fresh(org: Organization) -> Organization:
    return Organization.objects.get(pk=org.pk)


def secretaries(org: Organization) -> list[CommitteeMember]:
    return list(CommitteeMember.objects.filter(organization=org).secretaries().order_by("id"))


def test_a_name_on_the_organisation_becomes_its_secretary_in_post(village_a1):
    village_a1.secretary_name = "张三"
    village_a1.save()
    [row] = secretaries(village_a1)
    assert row.name == "张三"
    assert row.ended_on is None
    assert [m.name for m in team_on(village_a1, timezone.localdate())] == ["张三"]


def test_the_first_secretary_starts_with_the_term(town_a):
    village = make_org(town_a, term_started_on=datetime.date(2021, 4, 1), secretary_name="赵六")
    [row] = secretaries(village)
    assert row.started_on == datetime.date(2021, 4, 1)


def test_saving_the_same_name_again_changes_nothing(village_a1):
    village_a1.secretary_name = "张三"
    village_a1.save()
    village_a1.save()
    fresh(village_a1).save()
    assert len(secretaries(village_a1)) == 1


def test_a_new_name_ends_the_old_secretary_post(village_a1):
    village_a1.secretary_name = "张三"
    village_a1.save()
    CommitteeMember.objects.filter(organization=village_a1).update(
        started_on=datetime.date(2020, 1, 1)
    )
    village_a1.secretary_name = "李四"
    village_a1.save()
    old, new = secretaries(village_a1)
    today = timezone.localdate()
    assert (old.name, old.ended_on, old.leave_reason) == ("张三", today, "书记调整")
    assert (new.name, new.started_on, new.ended_on) == ("李四", today, None)


def test_a_cleared_name_leaves_the_post_vacant(village_a1):
    village_a1.secretary_name = "张三"
    village_a1.save()
    CommitteeMember.objects.filter(organization=village_a1).update(
        started_on=datetime.date(2020, 1, 1)
    )
    village_a1.secretary_name = ""
    village_a1.save()
    today = timezone.localdate()
    assert secretary_vacancies([village_a1.pk], today) == {village_a1.pk: today}


def test_a_secretary_never_recorded_is_vacant_since_unknown(village_a1, village_a2):
    village_a2.secretary_name = "王五"
    village_a2.save()
    today = timezone.localdate()
    assert secretary_vacancies([village_a1.pk, village_a2.pk], today) == {village_a1.pk: None}


def test_a_secretary_entered_with_an_id_number_links_the_roster_member(village_a1):
    member = make_member(village_a1, name="孙七", phone="13800001111")
    row = CommitteeMember(
        organization=village_a1,
        name="别的名字",
        id_number=member.id_number,
        position=Position.SECRETARY,
        started_on=datetime.date(2024, 1, 1),
    )
    save_membership(row)
    row.refresh_from_db()
    assert row.member == member
    assert row.name == "孙七"
    org = fresh(village_a1)
    assert (org.secretary_name, org.secretary_phone) == ("孙七", "13800001111")


def test_the_name_only_secretary_is_replaced_not_doubled(village_a1):
    village_a1.secretary_name = "张三"
    village_a1.save()
    row = CommitteeMember(
        organization=village_a1,
        name="张三",
        id_number=id_number("1975-03-02", seq=31),
        position=Position.SECRETARY,
        started_on=datetime.date(2021, 5, 1),
    )
    save_membership(row)
    [only] = secretaries(village_a1)
    assert only.pk == row.pk
    assert only.id_number


def test_ending_a_post_the_day_it_began_removes_it(village_a1):
    village_a1.secretary_name = "张三"
    village_a1.save()
    [row] = secretaries(village_a1)
    today = timezone.localdate()
    CommitteeMember.objects.filter(pk=row.pk).update(started_on=today)
    row.refresh_from_db()
    assert end_membership(row, on=today, reason="误录") is None
    assert not CommitteeMember.objects.filter(pk=row.pk).exists()


def test_deleting_the_secretary_clears_the_organisation_columns(village_a1):
    village_a1.secretary_name = "张三"
    village_a1.save()
    [row] = secretaries(village_a1)
    delete_membership(row)
    assert fresh(village_a1).secretary_name == ""


def elected(seq: int, name: str, position: str) -> ElectedMember:
    return ElectedMember(name=name, id_number=id_number("1980-01-01", seq=seq), position=position)


def make_election(org: Organization, held_on: datetime.date, **fields) -> Election:
    values = {
        "organization": org,
        "held_on": held_on,
        "expected": 20,
        "present": 18,
        "method": ElectionMethod.COMPETITIVE,
        "candidates": 4,
        "seats": 3,
    }
    values.update(fields)
    election = Election(**values)
    election.full_clean()
    return election


def test_an_election_replaces_the_committee_and_names_the_secretary(village_a1):
    village_a1.secretary_name = "张三"
    village_a1.term_started_on = datetime.date(2021, 3, 1)
    village_a1.save()
    held_on = timezone.localdate() - datetime.timedelta(days=10)
    election = make_election(village_a1, held_on)
    record_election(
        election,
        [
            elected(41, "钱一", Position.SECRETARY),
            elected(42, "钱二", Position.DEPUTY),
            elected(43, "钱三", Position.ORGANIZATION),
        ],
    )
    team = team_on(village_a1, timezone.localdate())
    assert [(m.get_position_display(), m.name) for m in team] == [
        ("书记", "钱一"),
        ("副书记", "钱二"),
        ("组织委员", "钱三"),
    ]
    old = CommitteeMember.objects.get(name="张三")
    assert (old.ended_on, old.leave_reason) == (held_on, "换届")
    org = fresh(village_a1)
    assert org.secretary_name == "钱一"
    # Not approved yet: the old term still runs.
    assert org.term_started_on == datetime.date(2021, 3, 1)
    approve_election(election, approved_on=held_on + datetime.timedelta(days=5))
    assert fresh(village_a1).term_started_on == held_on


def test_deleting_an_election_removes_its_posts(village_a1):
    held_on = timezone.localdate() - datetime.timedelta(days=3)
    election = make_election(village_a1, held_on)
    record_election(election, [elected(51, "钱一", Position.SECRETARY)])
    delete_election(election)
    assert not CommitteeMember.objects.filter(organization=village_a1).exists()
    assert fresh(village_a1).secretary_name == ""


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"present": 10}, "present", "实到人数须超过应到人数的一半"),
        ({"present": 21}, "present", "实到人数不能多于应到人数"),
        ({"candidates": 3}, "candidates", "差额选举的候选人数应多于应选人数"),
        (
            {"method": ElectionMethod.EQUAL, "candidates": 4},
            "candidates",
            "等额选举的候选人数应等于应选人数",
        ),
        ({"approved_on": datetime.date(2020, 1, 1)}, "approved_on", "批复日期不能早于选举日期"),
    ],
)
def test_an_election_breaking_a_rule_is_refused(village_a1, fields, field, message):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        make_election(village_a1, datetime.date(2024, 6, 1), **fields)
    assert message in " ".join(caught.value.message_dict[field])


def test_a_working_committee_holds_no_election(county):
    from django.core.exceptions import ValidationError

    working = make_org(county, kind="working_committee", level="township", domain="other")
    with pytest.raises(ValidationError) as caught:
        make_election(working, datetime.date(2024, 6, 1))
    assert "不实行选举" in " ".join(caught.value.message_dict["organization"])
