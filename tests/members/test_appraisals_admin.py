"""The admin of 民主评议党员 results: the register of the user's write scope, import with
preview, no adding or changing past the portal's pages."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from members.models import Appraisal
from members.services.appraisals import appraisal_create
from tests.factories import make_member
from tests.helpers import xlsx_bytes

LAST_YEAR = timezone.localdate().year - 1
HEADERS = ["公民身份号码", "姓名", "年度", "评议结果"]


@pytest.fixture
def member(tree):
    return make_member(tree["A1"], name="吴评议")


def admin_import(client, data: bytes):
    return client.post(
        reverse("admin:members_appraisal_import"),
        {
            "resource": "0",
            "format": "0",
            "import_file": SimpleUploadedFile("appraisals.xlsx", data),
        },
    )


def rows(member, result="合格"):
    return [{"公民身份号码": member.id_number, "姓名": member.name, "年度": str(LAST_YEAR),
             "评议结果": result}]  # fmt: skip


def test_admin_import_previews_then_confirms_with_history(client, bob, member):
    client.force_login(bob)
    response = admin_import(client, xlsx_bytes(rows(member), HEADERS))
    assert response.status_code == 200
    assert not Appraisal.objects.exists()
    confirm = response.context["confirm_form"]
    data = {name: field.initial for name, field in confirm.fields.items()}
    data.update(dict(confirm.initial.items()))
    response = client.post(reverse("admin:members_appraisal_process_import"), data)
    assert response.status_code == 302
    appraisal = Appraisal.objects.get()
    assert (appraisal.result, appraisal.history.first().history_user) == ("qualified", bob)


def test_admin_import_reports_an_outsider_row(client, charlie, member):
    client.force_login(charlie)
    content = admin_import(client, xlsx_bytes(rows(member), HEADERS)).content.decode()
    assert "第2行 [公民身份号码] 您的管辖范围内没有该公民身份号码的党员。" in content
    assert not Appraisal.objects.exists()


def test_admin_lists_only_the_subtree_and_never_changes(client, bob, charlie, member):
    appraisal = appraisal_create(user=bob, member=member, year=LAST_YEAR, result="basic")
    changelist = reverse("admin:members_appraisal_changelist")
    change = reverse("admin:members_appraisal_change", args=[appraisal.pk])
    client.force_login(bob)
    assert "吴评议" in client.get(changelist).content.decode()
    assert client.get(change).status_code == 200  # read-only
    client.post(change, {"result": "excellent"})
    assert client.get(reverse("admin:members_appraisal_add")).status_code == 403
    client.force_login(charlie)
    assert "吴评议" not in client.get(changelist).content.decode()
    assert client.get(change).status_code in (302, 403, 404)
    appraisal.refresh_from_db()
    assert appraisal.result == "basic"
