"""The back office: staff work inside their subtree only, history included."""

from __future__ import annotations

from django.urls import reverse

from orgs.models import Organization
from tests.helpers import org_row, xlsx_bytes


def test_changelist_lists_only_the_subtree(client, bob):
    client.force_login(bob)
    content = client.get(reverse("admin:orgs_organization_changelist")).content.decode()
    assert "甲一村支部" in content
    assert "乙一村支部" not in content


def test_change_page_of_another_subtree_is_refused(client, bob, tree):
    client.force_login(bob)
    url = reverse("admin:orgs_organization_change", args=[tree["B1"].pk])
    response = client.get(url)
    assert response.status_code in (302, 403, 404)  # admin redirects to the index
    response = client.post(url, {"name": "篡改"})
    assert Organization.objects.get(code="B1").name == "乙一村支部"


def test_delete_of_another_subtree_is_refused(client, bob, tree):
    client.force_login(bob)
    url = reverse("admin:orgs_organization_delete", args=[tree["B1"].pk])
    client.post(url, {"post": "yes"})
    assert Organization.objects.filter(code="B1").exists()


def test_history_of_another_subtree_is_404_even_after_deletion(client, bob, tree):
    client.force_login(bob)
    b1 = tree["B1"]
    assert client.get(reverse("admin:orgs_organization_history", args=[b1.pk])).status_code == 404
    version = b1.history.first().history_id
    url = reverse("admin:orgs_organization_simple_history", args=[b1.pk, version])
    assert client.get(url).status_code == 404
    pk = b1.pk
    Organization.objects.filter(pk=pk).delete()
    assert client.get(reverse("admin:orgs_organization_history", args=[pk])).status_code == 404


def test_history_inside_the_subtree_shows_the_acting_user(client, bob, tree):
    client.force_login(bob)
    a1 = tree["A1"]
    form = {
        "code": "A1", "name": "甲一村新名", "parent": tree["A"].pk, "kind": "branch",
        "level": "village", "domain": "rural", "term_years": "5",
    }  # fmt: skip
    response = client.post(reverse("admin:orgs_organization_change", args=[a1.pk]), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert a1.history.first().history_user == bob
    content = client.get(reverse("admin:orgs_organization_history", args=[a1.pk])).content
    assert "bob" in content.decode()


def test_parent_choices_are_limited_to_the_subtree(client, bob, tree):
    client.force_login(bob)
    content = client.get(reverse("admin:orgs_organization_add")).content.decode()
    assert "甲镇党委" in content
    assert "乙镇党委" not in content


def test_adding_under_another_subtree_is_refused(client, bob, tree):
    client.force_login(bob)
    form = {"code": "X1", "name": "外来", "parent": tree["B"].pk, "kind": "branch",
            "level": "village", "domain": "rural"}  # fmt: skip
    response = client.post(reverse("admin:orgs_organization_add"), form)
    assert response.status_code == 200  # the form again, with an error
    assert not Organization.objects.filter(code="X1").exists()


def test_adding_checks_the_level_order(client, bob, tree):
    client.force_login(bob)
    form = {"code": "X1", "name": "高层级", "parent": tree["A"].pk, "kind": "committee",
            "level": "county", "domain": "rural"}  # fmt: skip
    response = client.post(reverse("admin:orgs_organization_add"), form)
    assert "不能高于上级组织" in response.content.decode()
    form["level"] = "village"
    assert client.post(reverse("admin:orgs_organization_add"), form).status_code == 302
    assert Organization.objects.get(code="X1").parent_node().code == "A"
    assert not any(Organization.objects.find_problems())


def test_blank_template_lists_the_headers(client, bob):
    import io

    from openpyxl import load_workbook

    client.force_login(bob)
    response = client.get(reverse("admin:orgs_organization_template"))
    workbook = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in workbook["数据"][1]][:3] == ["组织代码", "组织名称", "上级组织代码"]
    notes = [row[0].value for row in workbook["填写说明"].iter_rows(min_row=2)]
    assert "组织类别" in notes


def admin_import(client, data: bytes, name="orgs.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("admin:orgs_organization_import")
    assert '<option value="0">xlsx</option>' in client.get(url).content.decode()
    return client.post(
        url,
        {
            "resource": "0",
            "format": "0",
            "import_file": SimpleUploadedFile(name, data),
        },
    )


def test_admin_import_reports_rows_like_the_command(client, bob, tree):
    client.force_login(bob)
    response = admin_import(
        client, xlsx_bytes([org_row("A3", "A", 组织类别="x"), org_row("B5", "B")])
    )
    content = response.content.decode()
    assert "第2行 [组织类别]" in content
    assert "第3行 [上级组织代码] “B”不在您的管辖范围内。" in content
    assert not Organization.objects.filter(code__in=["A3", "B5"]).exists()


def test_admin_import_previews_then_confirms(client, bob, tree):
    client.force_login(bob)
    response = admin_import(client, xlsx_bytes([org_row("A3", "A")]))
    assert response.status_code == 200
    assert not Organization.objects.filter(code="A3").exists()  # only a preview so far
    context = response.context
    confirm = context["confirm_form"]
    data = {name: field.initial for name, field in confirm.fields.items()}
    data.update(dict(confirm.initial.items()))
    response = client.post(reverse("admin:orgs_organization_process_import"), data)
    assert response.status_code == 302
    a3 = Organization.objects.get(code="A3")
    assert a3.history.first().history_user == bob


def test_read_only_roles_cannot_import(client, sam):
    client.force_login(sam)
    response = client.get(reverse("admin:orgs_organization_import"))
    assert response.status_code in (302, 403)
