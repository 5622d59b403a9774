"""The 述职评议 pages and export, each scoped: Charlie (township B) sees nothing of A,
Leo the leader and Sam the secretary read but never grade."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.choices import ReviewGrade
from assessments.models import SecretaryReview
from tests.factories import make_org

YEAR = timezone.localdate().year
LIST = reverse("assessments:reviews")
EXPORT = reverse("assessments:reviews_export")


def detail(code: str, year: int = YEAR) -> str:
    return reverse("assessments:review_detail", args=[code, year])


def test_the_list_shows_the_subtree_with_suggestions(client, bob, year_lists):
    client.force_login(bob)
    page = client.get(LIST).content.decode()
    assert "甲一村支部" in page
    assert "甲二村支部" in page
    assert "85.0" in page  # A1's average of its approved lists
    assert "乙一村支部" not in page
    assert client.get(LIST, {"org": "B"}).status_code == 404


def test_the_list_costs_the_same_queries_for_a_bigger_tree(
    client,
    alice,
    year_lists,
    django_assert_max_num_queries,
    tree,
):
    client.force_login(alice)
    with django_assert_max_num_queries(45) as small:
        client.get(LIST)
    for n in range(8):
        make_org(tree["B"], code=f"B9{n}", name=f"乙九{n}村支部")
    from checklists.issuing import issue_checklists
    from core.periods import Quarter

    issue_checklists(quarter=Quarter(YEAR, 3))
    with django_assert_max_num_queries(len(small.captured_queries) + 2):
        page = client.get(LIST).content.decode()
    assert "乙九7村支部" in page


def test_staff_above_grade_and_the_page_shows_it(client, bob, year_lists):
    client.force_login(bob)
    response = client.post(detail("A1"), {"grade": ReviewGrade.FAIRLY_GOOD, "comment": ""})
    assert response.status_code == 302
    review = SecretaryReview.objects.get()
    assert (review.organization.code, review.grade, review.reviewed_by) == (
        "A1",
        "fairly_good",
        bob,
    )
    page = client.get(detail("A1")).content.decode()
    assert "评定结果" in page
    assert "较好" in page
    assert "修改记录" in page


def test_a_bad_form_says_why_and_saves_nothing(client, bob, year_lists):
    client.force_login(bob)
    response = client.post(detail("A1"), {"grade": ReviewGrade.POOR, "comment": ""})
    assert response.status_code == 400
    assert "请在评议意见中说明理由" in response.content.decode()
    response = client.post(detail("A1"), {"comment": "x"})
    assert "请选择评定等次（好、较好、一般、差）。" in response.content.decode()
    assert not SecretaryReview.objects.exists()


@pytest.mark.parametrize(
    ("username", "code", "status"),
    [
        ("charlie", "A1", 404),  # another subtree: as if it did not exist
        ("leo", "A1", 403),  # a leader reads only
        ("sam", "A1", 403),  # a secretary is not graded by himself
        ("bob", "A", 403),  # nobody grades their own top organisation
    ],
)
def test_nobody_else_grades(client, tree, year_lists, username, code, status, request):
    user = request.getfixturevalue(username)
    client.force_login(user)
    response = client.post(detail(code), {"grade": ReviewGrade.GOOD, "comment": "x"})
    assert response.status_code == status
    assert not SecretaryReview.objects.exists()


def test_readers_see_no_form(client, leo, sam, year_lists):
    for user in (leo, sam):
        client.force_login(user)
        page = client.get(detail("A1")).content.decode()
        assert "建议等次" in page
        assert "保存评定" not in page
    assert client.get(detail("A1", YEAR + 1)).status_code == 404


def test_the_export_holds_the_scope_only(client, bob, charlie, year_lists):
    client.force_login(bob)
    client.post(detail("A1"), {"grade": ReviewGrade.FAIRLY_GOOD, "comment": ""})
    response = client.get(EXPORT, {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["组织代码", "组织名称", "书记"]
    assert {row[0] for row in rows[1:]} == {"A", "A1", "A2"}
    a1 = next(row for row in rows if row[0] == "A1")
    assert (a1[5], a1[11]) == ("85.0", "较好")
    client.force_login(charlie)
    assert client.get(EXPORT, {"format": "csv", "org": "A"}).status_code == 404
    rows = list(
        csv.reader(io.StringIO(client.get(EXPORT, {"format": "csv"}).content.decode("utf-8-sig")))
    )
    assert {row[0] for row in rows[1:]} <= {"B", "B1"}
