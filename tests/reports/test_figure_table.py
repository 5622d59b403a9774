"""The key figures as the overview lists them: every group, key, label, unit, link and
order written out, so that a change to the figure table shows here first."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from core.periods import Period
from reports import figures
from tests.factories import make_member

PERIOD = Period.quarter_of(timezone.localdate()).previous
Y, Q = PERIOD.year, PERIOD.quarter.number
LISTS = f"/checklists/review/?year={Y}&quarter={Q}"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


#: (group key, group title, [(figure key, label, unit, url)]) for the county C of the test
#: tree with one member in each village: the health rules listed are those found there
EXPECTED = [
    (
        "organizations",
        "党组织",
        [
            ("organizations_total", "党组织总数", "个", "/orgs/C/"),
            ("organizations_committee", "党委", "个", "/orgs/?kind=committee"),
            ("organizations_working_committee", "党工委", "个", "/orgs/?kind=working_committee"),
            ("organizations_general_branch", "党总支", "个", "/orgs/?kind=general_branch"),
            ("organizations_branch", "党支部", "个", "/orgs/?kind=branch"),
            ("organizations_joint_branch", "联合党支部", "个", "/orgs/?kind=joint_branch"),
            (
                "organizations_temporary_branch",
                "临时党支部",
                "个",
                "/orgs/?kind=temporary_branch",
            ),
        ],
    ),
    (
        "members",
        "党员队伍",
        [
            ("members_total", "党员总数", "名", "/members/?org=C"),
            ("members_full", "正式党员", "名", "/members/?org=C&category=full"),
            ("members_probationary", "预备党员", "名", "/members/?org=C&category=probationary"),
            ("members_new", "本期发展党员", "名", "/members/?org=C&status=all&sort=-joined"),
        ],
    ),
    (
        "lists",
        "书记抓党建责任清单",
        [
            ("lists_issued", "下发清单", "份", LISTS),
            ("lists_submission_rate", "清单提交率", "%", LISTS),
            ("lists_on_time_rate", "按时提交率", "%", LISTS),
            ("lists_average_score", "清单平均得分", "分", f"{LISTS}&status=approved"),
        ],
    ),
    (
        "standards",
        "标准化规范化建设",
        [
            ("standards_rate", "达标率（已评）", "%", f"/health/standards/?org=C&year={Y}"),
            ("standards_scored", "已评定党组织", "个", f"/health/standards/?org=C&year={Y}"),
        ],
    ),
    (
        "funds",
        "党建经费",
        [
            ("funds_execution_rate", "经费执行率", "%", f"/funding/?org=C&year={Y}"),
            ("funds_budget", "年度预算", "元", f"/funding/?org=C&year={Y}"),
            ("funds_disbursed", "已拨付", "元", f"/funding/?org=C&year={Y}"),
        ],
    ),
    (
        "sites",
        "阵地建设项目",
        [
            ("sites_total", "项目总数", "个", "/sites/?org=C"),
            ("sites_survey", "调研论证", "个", "/sites/?org=C&stage=survey"),
            ("sites_design", "规划设计", "个", "/sites/?org=C&stage=design"),
            ("sites_construction", "在建", "个", "/sites/?org=C&stage=construction"),
            ("sites_completed", "已竣工", "个", "/sites/?org=C&stage=completed"),
            ("sites_accepted", "已验收", "个", "/sites/?org=C&stage=accepted"),
        ],
    ),
    (
        "health",
        "组织体检发现的问题",
        [
            ("health_total", "问题总数", "项", "/health/?org=C"),
            ("health_secretary_vacant", "书记空缺", "项", "/health/?org=C&rule=secretary_vacant"),
            (
                "health_fewer_than_10_members",
                "村（社区）党员过少",
                "项",
                "/health/?org=C&rule=fewer_than_10_members",
            ),
            (
                "health_no_member_under_40",
                "村（社区）无青年党员",
                "项",
                "/health/?org=C&rule=no_member_under_40",
            ),
            (
                "health_no_female_member",
                "村（社区）无女党员",
                "项",
                "/health/?org=C&rule=no_female_member",
            ),
            (
                "health_fewer_than_3_full_members",
                "党支部正式党员不足",
                "项",
                "/health/?org=C&rule=fewer_than_3_full_members",
            ),
            (
                "health_committee_under_100",
                "基层党委党员不足设置标准",
                "项",
                "/health/?org=C&rule=committee_under_100",
            ),
            (
                "health_no_meeting_this_quarter",
                "本季度未召开支部党员大会",
                "项",
                "/health/?org=C&rule=no_meeting_this_quarter",
            ),
        ],
    ),
]


@pytest.fixture
def one_member_each(tree):
    for code in ("A1", "A2", "B1"):
        make_member(tree[code])


def test_the_overview_lists_every_figure_in_its_group_and_order(tree, one_member_each):
    result = figures.overview(org=tree["C"], period=PERIOD, cached=False)
    shown = [
        (group.key, group.title, [(f.key, f.label, f.unit, f.url) for f in group.figures])
        for group in result.groups
    ]
    assert shown == EXPECTED
    for group in result.groups:
        for figure in group.figures:
            assert type(figure.label) is str, figure.key
            assert type(figure.unit) is str, figure.key


def test_the_values_are_those_of_the_snapshot(tree, one_member_each):
    result = figures.overview(org=tree["C"], period=PERIOD, cached=False)
    values = {f.key: (f.value, f.previous) for f in result.figures}
    assert values["organizations_total"] == (6, None)  # the tree carries no dates
    assert values["organizations_branch"] == (3, None)
    assert values["members_total"] == (3, 3)
    assert values["members_new"] == (0, 0)
    assert values["lists_submission_rate"] == (None, None)
    assert values["funds_disbursed"] == (Decimal("0.00"), Decimal("0.00"))
    # 21, and the two townships' committees of fewer than 100 members
    assert values["health_total"] == (23, 23)
    assert values["health_secretary_vacant"] == (6, 6)


def test_a_rule_found_in_neither_period_is_left_out(tree, one_member_each):
    result = figures.overview(org=tree["C"], period=PERIOD, cached=False)
    keys = [f.key for f in result.group("health").figures]
    assert "health_weak_and_lax" not in keys
    assert "health_term_expired" not in keys
