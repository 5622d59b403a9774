"""Extending the probation (发展党员工作细则 第三十二条): once, by at least half a year and at
most a year; both figures are configuration, the database still caps the total at a year."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from members.models import DevelopmentCase, DevelopmentRule
from members.services.pipeline import case_extend_probation, rule_update, validate_rule_value
from tests.members.test_pipeline import admit, candidate, messages, train


def probationer(user, org):
    case = candidate(user, org)
    train(case, user)
    return admit(case, user)


@pytest.mark.parametrize(
    ("months", "refusal"),
    [
        (5, "不符合“预备期最少延长 6 个月”：本次仅延长 5 个月。"),
        (6, None),
        (12, None),
        (13, "不符合“预备期最多延长 12 个月”：本次延长 13 个月。"),
    ],
)
def test_an_extension_is_half_a_year_to_a_year(bob, tree, months, refusal):
    case = probationer(bob, tree["A1"])
    if refusal:
        with pytest.raises(ValidationError) as exc:
            case_extend_probation(case=case, user=bob, months=months, reason="继续考察")
        assert exc.value.message_dict == {"months": [refusal]}
        case.refresh_from_db()
        assert case.probation_extended_months == 0
    else:
        case = case_extend_probation(case=case, user=bob, months=months, reason="继续考察")
        assert case.probation_extended_months == months


def test_the_probation_is_extended_once_only(bob, tree):
    case = probationer(bob, tree["A1"])
    case = case_extend_probation(case=case, user=bob, months=6, reason="继续考察")
    with pytest.raises(ValidationError) as exc:
        case_extend_probation(case=case, user=bob, months=6, reason="再延长")
    assert "预备期只能延长一次" in messages(exc)
    case.refresh_from_db()
    assert case.probation_extended_months == 6


def test_the_limits_follow_the_configured_rules(bob, tree):
    DevelopmentRule.objects.filter(key="probation_extension_min_months").update(value=9)
    DevelopmentRule.objects.filter(key="probation_extension_max_months").update(value=10)
    case = probationer(bob, tree["A1"])
    with pytest.raises(ValidationError) as exc:
        case_extend_probation(case=case, user=bob, months=8, reason="继续考察")
    assert "不符合“预备期最少延长 9 个月”" in messages(exc)
    with pytest.raises(ValidationError) as exc:
        case_extend_probation(case=case, user=bob, months=11, reason="继续考察")
    assert "不符合“预备期最多延长 10 个月”" in messages(exc)
    assert case_extend_probation(case=case, user=bob, months=9, reason="继续考察")


def test_the_database_still_caps_the_extension_at_a_year(bob, tree):
    case = probationer(bob, tree["A1"])
    with pytest.raises(IntegrityError), transaction.atomic():
        DevelopmentCase.objects.filter(pk=case.pk).update(probation_extended_months=13)


@pytest.mark.parametrize(
    ("key", "value", "refused"),
    [
        ("probation_extension_min_months", 5, True),
        ("probation_extension_min_months", 6, False),
        ("probation_extension_min_months", 12, False),
        ("probation_extension_max_months", 5, True),
        ("probation_extension_max_months", 13, True),
    ],
)
def test_the_rules_stay_within_the_regulations(db, key, value, refused):
    if refused:
        with pytest.raises(ValidationError, match="应在 6 到 12 之间"):
            validate_rule_value(key, value)
    else:
        validate_rule_value(key, value)


def test_the_least_extension_cannot_exceed_the_most(alice, tree):
    rows = {row.key: row for row in DevelopmentRule.objects.all()}
    rule_update(user=alice, rule_row=rows["probation_extension_max_months"], value=9)
    with pytest.raises(ValidationError) as exc:
        rule_update(user=alice, rule_row=rows["probation_extension_min_months"], value=10)
    assert exc.value.message_dict["value"] == ["不能大于“预备期最多延长（月）”（现为 9）。"]
    rule_update(user=alice, rule_row=rows["probation_extension_min_months"], value=9)
    with pytest.raises(ValidationError) as exc:
        rule_update(user=alice, rule_row=rows["probation_extension_max_months"], value=8)
    assert exc.value.message_dict["value"] == ["不能小于“预备期最少延长（月）”（现为 9）。"]


def test_the_extend_page_names_the_rule(client, bob, tree):
    case = probationer(bob, tree["A1"])
    client.force_login(bob)
    url = reverse("members:case_extend", args=[case.pk])
    assert "预备期只能延长一次，延长 6 至 12 个月" in client.get(url).content.decode()
    response = client.post(url, {"months": "3", "reason": "支部大会决定"})
    assert response.status_code == 200
    assert "不符合“预备期最少延长 6 个月”：本次仅延长 3 个月。" in response.content.decode()
    response = client.post(url, {"months": "13", "reason": "支部大会决定"})
    assert "不符合“预备期最多延长 12 个月”：本次延长 13 个月。" in response.content.decode()
    case.refresh_from_db()
    assert case.probation_extended_months == 0
    assert client.post(url, {"months": "6", "reason": "支部大会决定"}).status_code == 302
    detail = client.get(case.get_absolute_url()).content.decode()
    assert url not in detail  # once only
