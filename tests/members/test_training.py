"""Training records: recording a course and the yearly totals per organisation."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import DevelopmentCase, TrainingRecord
from members.services.training import record_training, training_totals
from tests.factories import make_member
from tests.helpers import id_number

D = Decimal
DAY = datetime.date(2024, 5, 10)


@pytest.fixture
def case(tree):
    return DevelopmentCase.objects.create(
        organization=tree["A2"],
        name="赵申请",
        id_number=id_number("1995-03-03", seq=77),
        gender="M",
        ethnicity="01",
        education="bachelor",
        job="worker",
        applied_on=datetime.date(2023, 3, 1),
    )


def test_it_records_a_course_in_the_persons_organisation_with_history(bob, tree, case):
    member = make_member(tree["A1"], name="张学员")
    record = record_training(
        user=bob, member=member, course="党史学习", hours=D("4"), attended_on=DAY
    )
    assert (record.organization, record.member, record.case) == (tree["A1"], member, None)
    assert record.history.first().history_user == bob
    case_record = record_training(
        user=bob, case=case, course="发展对象培训", hours=D("24"), attended_on=DAY
    )
    assert case_record.organization == tree["A2"]


def test_bad_values_are_refused_with_the_field_named(bob, tree):
    member = make_member(tree["A1"])
    with pytest.raises(ValidationError) as exc:
        record_training(user=bob, member=member, course="", hours=D("0.2"), attended_on=DAY)
    assert set(exc.value.message_dict) == {"course", "hours"}
    with pytest.raises(ValidationError) as exc:
        record_training(
            user=bob,
            member=member,
            course="党课",
            hours=D("2"),
            attended_on=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert "不能晚于今天" in exc.value.message_dict["attended_on"][0]
    assert not TrainingRecord.objects.exists()


def test_only_staff_of_the_subtree_may_record(sam, charlie, tree):
    member = make_member(tree["A1"])
    for user in (sam, charlie):
        with pytest.raises(PermissionDenied):
            record_training(user=user, member=member, course="党课", hours=D("2"), attended_on=DAY)
    assert not TrainingRecord.objects.exists()


def test_totals_per_organisation_for_the_year_in_one_query(
    bob, tree, case, django_assert_num_queries
):
    a1 = [make_member(tree["A1"], name=n) for n in ("甲一", "甲二")]
    record_training(user=bob, member=a1[0], course="党课", hours=D("2"), attended_on=DAY)
    record_training(user=bob, member=a1[0], course="党史", hours=D("3.5"), attended_on=DAY)
    record_training(user=bob, member=a1[1], course="党课", hours=D("2"), attended_on=DAY)
    record_training(user=bob, case=case, course="发展对象培训", hours=D("24"), attended_on=DAY)
    record_training(
        user=bob,
        member=a1[1],
        course="去年的",
        hours=D("8"),
        attended_on=datetime.date(2023, 12, 31),
    )
    b1 = make_member(tree["B1"], name="乙村人")
    TrainingRecord.objects.create(
        organization=tree["B1"], member=b1, course="党课", hours=D("1"), attended_on=DAY
    )
    with django_assert_num_queries(1):
        totals = training_totals(tree["A"], 2024)
    assert [(t.code, t.people, t.records, t.hours) for t in totals] == [
        ("A1", 2, 3, D("7.5")),
        ("A2", 1, 1, D("24")),
    ]
    # Totals stay with the organisation when the member moves on.
    a1[0].organization = tree["A2"]
    a1[0].save()
    assert training_totals(tree["A"], 2024)[0].hours == D("7.5")
    assert [t.code for t in training_totals(tree["C"], 2024)] == ["A1", "A2", "B1"]


# --- the page -------------------------------------------------------------------------
def page(client, **params):
    return client.get(reverse("members:training"), params)


def test_staff_see_totals_and_record_a_course(client, bob, tree):
    member = make_member(tree["A1"], name="张学员")
    client.force_login(bob)
    response = page(client, org="A1", year=timezone.localdate().year)
    assert response.status_code == 200
    assert "张学员" in response.content.decode()
    url = reverse("members:training") + f"?org=A1&year={timezone.localdate().year}"
    today = timezone.localdate()
    data = {
        "member": member.pk,
        "course": "学习党章",
        "hours": "2.5",
        "attended_on": today.isoformat(),
    }
    response = client.post(url, data)
    assert response.status_code == 302
    record = TrainingRecord.objects.get()
    assert (record.member, record.hours, record.organization) == (member, D("2.5"), tree["A1"])
    content = client.get(response.url).content.decode()
    assert "学习党章" in content
    assert "2.5" in content


def test_a_bad_form_saves_nothing(client, bob, tree):
    member = make_member(tree["A1"])
    client.force_login(bob)
    url = reverse("members:training") + "?org=A1"
    response = client.post(
        url, {"member": member.pk, "course": "", "hours": "0", "attended_on": "x"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"course", "hours", "attended_on"}
    assert not TrainingRecord.objects.exists()


def test_the_member_list_of_the_form_stays_inside_the_scope(client, bob, tree):
    outsider = make_member(tree["B1"], name="乙村人")
    client.force_login(bob)
    url = reverse("members:training") + "?org=A1"
    data = {"member": outsider.pk, "course": "党课", "hours": "2", "attended_on": "2024-05-01"}
    response = client.post(url, data)
    assert "member" in response.context["form"].errors
    assert not TrainingRecord.objects.exists()


def test_secretaries_read_their_own_totals_only_and_cannot_record(client, sam, tree):
    member = make_member(tree["A1"])
    TrainingRecord.objects.create(
        organization=tree["A2"],
        member=make_member(tree["A2"], name="甲二村人"),
        course="秘密课程",
        hours=D("2"),
        attended_on=timezone.localdate(),
    )
    client.force_login(sam)
    response = page(client, org="A")
    content = response.content.decode()
    assert response.context["org"].code == "A1"
    assert "秘密课程" not in content
    assert "甲二村支部" not in content
    assert response.context["form"] is None
    data = {"member": member.pk, "course": "党课", "hours": "2", "attended_on": "2024-05-01"}
    assert client.post(reverse("members:training") + "?org=A1", data).status_code == 403
    assert TrainingRecord.objects.count() == 1


def test_an_outsider_sees_nothing_of_the_subtree(client, charlie, tree):
    TrainingRecord.objects.create(
        organization=tree["A1"],
        member=make_member(tree["A1"]),
        course="甲村课程",
        hours=D("2"),
        attended_on=timezone.localdate(),
    )
    client.force_login(charlie)
    content = page(client, org="A1").content.decode()
    assert "甲村课程" not in content
    assert "甲一村支部" not in content


def test_the_page_costs_a_constant_number_of_queries(client, alice, tree):
    client.force_login(alice)
    first = make_member(tree["A1"], name="第一人")
    TrainingRecord.objects.create(
        organization=tree["A1"],
        member=first,
        course="党课",
        hours=D("1"),
        attended_on=timezone.localdate(),
    )
    page(client, org="A1")
    with CaptureQueriesContext(connection) as small:
        page(client, org="A1")
    for i in range(10):
        m = make_member(tree["A1"], name=f"党员{chr(0x4E00 + i)}")
        TrainingRecord.objects.create(
            organization=tree["A1"],
            member=m,
            course="党课",
            hours=D("1"),
            attended_on=timezone.localdate(),
        )
    with CaptureQueriesContext(connection) as large:
        page(client, org="A1")
    assert len(large) == len(small) <= 12


def test_the_admin_keeps_to_the_subtree(client, bob, charlie, tree):
    member = make_member(tree["A1"], name="张学员")
    record = record_training(user=bob, member=member, course="党课", hours=D("2"), attended_on=DAY)
    changelist = reverse("admin:members_trainingrecord_changelist")
    change = reverse("admin:members_trainingrecord_change", args=[record.pk])
    client.force_login(bob)
    assert "张学员" in client.get(changelist).content.decode()
    client.force_login(charlie)
    assert "张学员" not in client.get(changelist).content.decode()
    assert client.get(change).status_code in (302, 403, 404)
    outsider = make_member(tree["B1"], name="乙村人")
    client.post(
        reverse("admin:members_trainingrecord_add"),
        {"member": member.pk, "course": "越权", "hours": "2", "attended_on": DAY.isoformat()},
    )
    assert not TrainingRecord.objects.filter(course="越权").exists()
    response = client.post(
        reverse("admin:members_trainingrecord_add"),
        {"member": outsider.pk, "course": "乙村党课", "hours": "2", "attended_on": DAY.isoformat()},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    added = TrainingRecord.objects.get(course="乙村党课")
    assert (added.organization, added.history.first().history_user) == (tree["B1"], charlie)


def test_the_admin_asks_for_a_person_when_both_are_cleared(client, bob, tree):
    member = make_member(tree["A1"], name="张学员")
    record = record_training(user=bob, member=member, course="党课", hours=D("2"), attended_on=DAY)
    client.force_login(bob)
    response = client.post(
        reverse("admin:members_trainingrecord_change", args=[record.pk]),
        {"member": "", "case": "", "course": "党课", "hours": "2", "attended_on": DAY.isoformat()},
    )
    assert response.status_code == 200
    assert "请选择党员或发展对象中的一项（只选一项）。" in response.content.decode()
    record.refresh_from_db()
    assert record.member == member
