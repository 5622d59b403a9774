"""Portal pages and the scoping API: each user sees their subtree and nothing else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orgs.models import Organization
from tests.factories import make_org


def codes(qs) -> set[str]:
    return set(qs.values_list("code", flat=True))


def test_visible_and_editable_follow_assignments(tree, alice, bob, sam, leo):
    assert codes(Organization.objects.visible_to(alice)) == set(tree)
    assert codes(Organization.objects.visible_to(bob)) == {"A", "A1", "A2"}
    assert codes(Organization.objects.visible_to(sam)) == {"A1"}
    assert codes(Organization.objects.editable_by(sam)) == set()
    assert codes(Organization.objects.editable_by(leo)) == set()
    assert codes(Organization.objects.visible_to(leo)) == set(tree)


def test_anonymous_and_unassigned_users_see_nothing(tree, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    nobody = django_user_model.objects.create_user("nobody", password="x-very-long-1")
    assert not Organization.objects.visible_to(AnonymousUser()).exists()
    assert not Organization.objects.visible_to(nobody).exists()


def test_several_assignments_add_up(tree, bob):
    from accounts.services import grant

    grant(username="bob", org_code="B1", role="secretary")
    bob.refresh_from_db()
    assert codes(Organization.objects.visible_to(bob)) == {"A", "A1", "A2", "B1"}
    assert codes(Organization.objects.editable_by(bob)) == {"A", "A1", "A2"}


def test_pages_require_login(client, tree):
    response = client.get(reverse("orgs:tree"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_tree_shows_only_the_users_subtree(client, bob):
    client.force_login(bob)
    response = client.get(reverse("orgs:tree"))
    content = response.content.decode()
    assert "甲一村支部" in content
    assert "甲镇党委" in content
    assert "乙镇党委" not in content
    assert "乙一村支部" not in content
    assert "测试县委" not in content


def test_tree_query_count_is_constant(client, alice, django_assert_max_num_queries):
    for i in range(30):
        make_org(Organization.objects.get(code="B"), code=f"B-{i}")
    client.force_login(alice)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("orgs:tree"))
    assert response.content.decode().count('class="tree__name"') == 36


def test_search_finds_inside_scope_only(client, bob):
    client.force_login(bob)
    content = client.get(reverse("orgs:tree"), {"q": "村"}).content.decode()
    assert "甲一村支部" in content
    assert "乙一村支部" not in content
    assert "共 2 个组织" in content


def test_search_without_results_says_so(client, bob):
    client.force_login(bob)
    assert "没有符合条件的组织" in client.get(reverse("orgs:tree"), {"q": "乙"}).content.decode()


def test_detail_page_of_another_subtree_is_404(client, bob, tree):
    client.force_login(bob)
    assert client.get(reverse("orgs:detail", args=["A1"])).status_code == 200
    for code in ("B", "B1", "C"):
        assert client.get(reverse("orgs:detail", args=[code])).status_code == 404


def test_detail_breadcrumbs_stop_at_the_top_of_scope(client, sam):
    client.force_login(sam)
    content = client.get(reverse("orgs:detail", args=["A1"])).content.decode()
    assert "甲镇党委" not in content  # the parent lies outside Sam's scope
    assert "编辑" not in content  # secretaries read only


def test_home_shows_figures_of_the_scope(client, bob, django_assert_max_num_queries):
    client.force_login(bob)
    client.get(reverse("home"))  # computes and caches the quarter's figures
    with django_assert_max_num_queries(15):
        content = client.get(reverse("home")).content.decode()
    assert "组织部工作人员" in content
    assert "甲镇党委" in content
    assert '<span class="stat__value">3</span>' in content


def test_home_for_a_user_without_assignment(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody", password="x-long-123"))
    assert "尚未分配管辖范围" in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("user_fixture", ["sam", "leo"])
def test_read_only_roles_have_no_admin(client, request, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(reverse("admin:index")).status_code == 302  # to the admin login
    content = client.get(reverse("home")).content.decode()
    assert "后台管理" not in content


def test_404_page_is_in_chinese(client, bob):
    client.force_login(bob)
    response = client.get("/no-such-page/")
    assert response.status_code == 404


def test_logout_is_a_post(client, bob):
    client.force_login(bob)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_login_is_throttled_after_five_failures(client, bob):
    for _ in range(5):
        client.post(reverse("login"), {"username": "bob", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "bob", "password": "pw-for-tests-1"})
    assert response.status_code == 429
    assert "锁定" in response.content.decode()


def test_login_works(client, bob):
    response = client.post(reverse("login"), {"username": "bob", "password": "pw-for-tests-1"})
    assert response.status_code == 302
    assert response["Location"] == "/"
