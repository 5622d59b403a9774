"""The development pages: list, detail, new case, the steps, the warnings and the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from members.models import DevelopmentCase, DevelopmentRule, Member, Stage, TrainingRecord
from members.warnings import register_org_warnings
from tests.helpers import id_number
from tests.members.test_pipeline import (
    TODAY,
    admit,
    ago,
    candidate,
    days_before,
    introducers_in,
    new_case,
    train,
)


def person(**overrides):
    data = {
        "name": "钱多多",
        "id_number": id_number("1996-06-01", female=True, seq=40),
        "gender": "F",
        "ethnicity": "01",
        "education": "bachelor",
        "job": "farmer",
        "phone": "13800138000",
        "organization": "",
        "applied_on": ago(2).isoformat(),
        "note": "",
    }
    data.update(overrides)
    return data


# --- list ------------------------------------------------------------------------------
def test_it_lists_cases_in_the_users_scope(client, bob, tree):
    new_case(bob, tree["A1"], name="甲一申请人", seq=1)
    new_case(bob, tree["A2"], name="甲二申请人", seq=2)
    client.force_login(bob)
    content = client.get(reverse("members:cases")).content.decode()
    assert "甲一申请人" in content
    assert "甲二申请人" in content
    assert "登记入党申请人" in content


def test_outsiders_and_secretaries_see_only_their_own_cases(client, bob, charlie, sam, tree):
    new_case(bob, tree["A1"], name="甲一申请人", seq=1)
    new_case(bob, tree["A2"], name="甲二申请人", seq=2)
    client.force_login(charlie)
    content = client.get(reverse("members:cases")).content.decode()
    assert "甲一申请人" not in content
    assert "没有符合条件的发展党员" in content
    client.force_login(sam)
    content = client.get(reverse("members:cases")).content.decode()
    assert "甲一申请人" in content
    assert "甲二申请人" not in content
    assert reverse("members:case_create") not in content


def test_the_list_flags_stalled_cases_and_filters_them(client, bob, tree):
    new_case(bob, tree["A1"], name="超期申请人", applied_on=ago(13), seq=1)
    new_case(bob, tree["A1"], name="新申请人", applied_on=ago(1), seq=2)
    client.force_login(bob)
    content = client.get(reverse("members:cases")).content.decode()
    assert "超期申请人 为入党申请人已 13 个月" in content
    content = client.get(reverse("members:cases"), {"state": "stalled"}).content.decode()
    assert "超期申请人" in content
    assert "新申请人" not in content
    content = client.get(reverse("members:cases"), {"org": "A2"}).content.decode()
    assert "超期申请人" not in content


def test_the_list_query_count_does_not_grow_with_cases(
    client, bob, tree, django_assert_max_num_queries
):
    for seq in range(30):
        new_case(bob, tree["A1" if seq % 2 else "A2"], seq=seq + 1, applied_on=ago(seq))
    client.force_login(bob)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("members:cases"))
    assert response.content.decode().count("/members/development/") >= 30
    with django_assert_max_num_queries(12):
        client.get(reverse("members:cases"), {"state": "stalled"})


# --- detail ----------------------------------------------------------------------------
def test_the_detail_shows_the_gates_and_masks_personal_data(client, bob, tree):
    case = candidate(bob, tree["A1"], name="孙立", seq=3)
    train(case, bob, hours="8")
    client.force_login(bob)
    content = client.get(case.get_absolute_url()).content.decode()
    assert "孙立" in content
    assert case.id_number not in content
    assert case.masked_id_number in content
    assert "139****5678" in content
    assert "合计 8 学时" in content
    assert "确定为预备党员" in content


def test_the_detail_lists_the_steps_taken_with_personal_data_masked(client, bob, tree):
    case = candidate(bob, tree["A1"], name="孙立", seq=3)
    case.phone = "13700001111"
    case._history_user = bob
    case.save()
    client.force_login(bob)
    content = client.get(case.get_absolute_url()).content.decode()
    assert "办理记录" in content
    assert "确定为发展对象" in content  # the step's reason
    assert "入党积极分子 → 发展对象" in content
    assert "139****5678 → 137****1111" in content
    assert "13700001111" not in content


def test_charlie_cannot_open_a_case_of_a_and_sam_reads_without_actions(
    client, bob, charlie, sam, tree
):
    case = new_case(bob, tree["A1"])
    client.force_login(charlie)
    assert client.get(case.get_absolute_url()).status_code == 404
    client.force_login(sam)
    response = client.get(case.get_absolute_url())
    assert response.status_code == 200
    assert reverse("members:case_advance", args=[case.pk]) not in response.content.decode()


# --- new case --------------------------------------------------------------------------
def test_staff_record_an_application(client, bob, tree):
    client.force_login(bob)
    response = client.post(reverse("members:case_create"), person(organization=tree["A1"].pk))
    case = DevelopmentCase.objects.get()
    assert response.status_code == 302
    assert response["Location"] == case.get_absolute_url()
    assert (case.name, case.organization, case.stage) == ("钱多多", tree["A1"], Stage.APPLICANT)


def test_a_too_young_applicant_is_refused_on_the_form(client, bob, tree):
    client.force_login(bob)
    birth = ago(12 * 17 + 2).isoformat()
    response = client.post(
        reverse("members:case_create"),
        person(organization=tree["A1"].pk, id_number=id_number(birth, female=True, seq=41)),
    )
    assert response.status_code == 200
    assert "不符合“申请入党最低年龄 18 周岁”：递交申请时仅 17 周岁。" in response.content.decode()
    assert not DevelopmentCase.objects.exists()


def test_the_form_offers_only_editable_organisations(client, bob, charlie, sam, tree):
    client.force_login(charlie)
    response = client.post(reverse("members:case_create"), person(organization=tree["A1"].pk))
    assert response.status_code == 200
    assert "甲一村支部" not in response.content.decode()
    assert not DevelopmentCase.objects.exists()
    client.force_login(sam)
    assert client.get(reverse("members:case_create")).status_code == 403
    assert (
        client.post(reverse("members:case_create"), person(organization=tree["A1"].pk)).status_code
        == 403
    )
    assert not DevelopmentCase.objects.exists()


# --- steps -----------------------------------------------------------------------------
def test_staff_advance_a_case_and_an_early_step_is_refused_with_the_rule(client, bob, tree):
    case = new_case(bob, tree["A1"], applied_on=ago(10))
    client.force_login(bob)
    url = reverse("members:case_advance", args=[case.pk])
    assert "确定为入党积极分子日期" in client.get(url).content.decode()
    response = client.post(
        url, {"stage": "activist", "on": ago(7).isoformat(), "talked_on": ago(8).isoformat()}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.stage, case.activist_on) == (Stage.ACTIVIST, ago(7))

    response = client.post(url, {"stage": "candidate", "on": TODAY.isoformat()})
    assert response.status_code == 200
    assert "不符合“积极分子培养教育最短期限 12 个月”：确定为积极分子至今仅 7 个月" in (
        response.content.decode()
    )
    case.refresh_from_db()
    assert case.stage == Stage.ACTIVIST


def test_a_repeated_submission_cannot_take_the_next_step(client, bob, tree):
    case = new_case(bob, tree["A1"], applied_on=ago(10))
    client.force_login(bob)
    url = reverse("members:case_advance", args=[case.pk])
    data = {"stage": "activist", "on": ago(7).isoformat(), "talked_on": ago(8).isoformat()}
    client.post(url, data)
    response = client.post(url, data, follow=True)
    assert "页面已过期" in response.content.decode()
    case.refresh_from_db()
    assert case.stage == Stage.ACTIVIST


def test_admission_on_the_page_creates_the_member(client, bob, tree):
    case = candidate(bob, tree["A1"], name="周全")
    client.force_login(bob)
    train_url = reverse("members:case_training", args=[case.pk])
    response = client.post(
        train_url, {"course": "发展对象培训班", "hours": "24", "attended_on": ago(23).isoformat()}
    )
    assert response.status_code == 302
    introducers_in(tree["A1"])
    url = reverse("members:case_advance", args=[case.pk])
    response = client.post(
        url,
        {
            "stage": "probationary",
            "on": ago(22).isoformat(),
            "political_review_on": ago(23).isoformat(),
            "political_review_result": "合格",
            "publicity_from": days_before(ago(22), 10).isoformat(),
            "publicity_to": days_before(ago(22), 2).isoformat(),
            "pre_review_on": days_before(ago(22), 1).isoformat(),
            "introducers": "王建国、李红",
        },
    )
    assert response.status_code == 302
    member = Member.objects.get(name="周全")
    assert (member.name, member.category, member.organization) == (
        "周全",
        "probationary",
        tree["A1"],
    )
    case.refresh_from_db()
    assert case.member == member


def test_missing_gates_are_shown_on_their_fields(client, bob, tree):
    case = candidate(bob, tree["A1"])
    client.force_login(bob)
    response = client.post(
        reverse("members:case_advance", args=[case.pk]),
        {"stage": "probationary", "on": ago(22).isoformat(), "introducers": "王建国"},
    )
    content = response.content.decode()
    assert "须经政治审查" in content
    assert "不符合“发展对象集中培训最少学时 24 学时”：培训记录合计仅 0 学时。" in content
    assert "不符合“入党介绍人人数 2 名”：仅填写了 1 名。" in content
    assert "请填写公示开始和结束日期" in content
    assert "须经上级党委预审合格" in content
    assert not Member.objects.exists()


def test_extend_and_close_pages(client, bob, tree):
    probationary = candidate(bob, tree["A1"], seq=1)
    train(probationary, bob)
    admit(probationary, bob)
    applicant = new_case(bob, tree["A1"], seq=2)
    client.force_login(bob)
    response = client.post(
        reverse("members:case_extend", args=[probationary.pk]),
        {"months": "6", "reason": "支部大会决定"},
    )
    assert response.status_code == 302
    probationary.refresh_from_db()
    assert probationary.probation_extended_months == 6
    response = client.post(
        reverse("members:case_close", args=[applicant.pk]),
        {"on": TODAY.isoformat(), "reason": ""},
    )
    assert response.status_code == 200
    response = client.post(
        reverse("members:case_close", args=[applicant.pk]),
        {"on": TODAY.isoformat(), "reason": "本人撤回申请"},
    )
    applicant.refresh_from_db()
    assert applicant.closed_reason == "本人撤回申请"


@pytest.mark.parametrize("name", ["case_advance", "case_extend", "case_close", "case_training"])
def test_charlie_gets_404_and_sam_403_on_every_step(client, bob, charlie, sam, tree, name):
    case = new_case(bob, tree["A1"])
    url = reverse(f"members:{name}", args=[case.pk])
    data = {"stage": "activist", "on": TODAY.isoformat(), "reason": "x", "months": "1"}
    client.force_login(charlie)
    assert client.get(url).status_code == 404
    assert client.post(url, data).status_code == 404
    client.force_login(sam)
    assert client.get(url).status_code == 403
    assert client.post(url, data).status_code == 403
    case.refresh_from_db()
    assert (case.stage, case.closed_on) == (Stage.APPLICANT, None)
    assert not TrainingRecord.objects.exists()


# --- the organisation page -------------------------------------------------------------
def test_stalled_cases_are_a_warning_on_the_organisation_page(client, bob, charlie, tree):
    register_org_warnings()
    new_case(bob, tree["A1"], name="久未推进", applied_on=ago(15))
    client.force_login(bob)
    content = client.get(reverse("orgs:detail", args=["A"])).content.decode()
    assert "需要关注" in content
    assert "入党申请人递交申请超过 12 个月仍未确定为积极分子 1 人（久未推进）" in content
    content = client.get(reverse("orgs:detail", args=["A2"])).content.decode()
    assert "久未推进" not in content
    client.force_login(charlie)
    content = client.get(reverse("orgs:detail", args=["B"])).content.decode()
    assert "需要关注" not in content


# --- admin -----------------------------------------------------------------------------
def test_only_county_staff_change_the_rules(client, alice, bob, tree):
    rule = DevelopmentRule.objects.get(key="activist_min_months")
    url = reverse("admin:members_developmentrule_change", args=[rule.pk])
    client.force_login(bob)
    assert client.get(url).status_code == 200
    assert client.post(url, {"value": "6"}).status_code == 403
    rule.refresh_from_db()
    assert rule.value == 12
    client.force_login(alice)
    response = client.post(url, {"value": "0"})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.value == 0
    assert rule.history.first().history_user == alice
    DevelopmentRule.objects.filter(key="min_application_age")
    age = DevelopmentRule.objects.get(key="min_application_age")
    response = client.post(
        reverse("admin:members_developmentrule_change", args=[age.pk]), {"value": "16"}
    )
    assert response.status_code == 200
    assert "应在 18 到 60 之间" in response.content.decode()


def test_the_case_admin_is_scoped_and_cannot_move_stages(client, bob, charlie, tree):
    case = new_case(bob, tree["A1"])
    url = reverse("admin:members_developmentcase_change", args=[case.pk])
    client.force_login(charlie)
    assert client.get(url).status_code in (302, 404)
    client.force_login(bob)
    response = client.get(url)
    assert response.status_code == 200
    assert case.id_number not in response.content.decode()
    client.post(
        url,
        {
            "stage": "full",
            "ethnicity": "01",
            "education": "postgraduate",
            "job": "farmer",
            "political_review_result": "",
            "introducers": "",
            "note": "",
        },
    )
    case.refresh_from_db()
    assert (case.stage, case.education) == (Stage.APPLICANT, "postgraduate")
