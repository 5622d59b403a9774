"""The bulletin page: the list of the user's scope, asking for one, downloading, and
everything an outsider must not see or do (also by guessing ids)."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from config.celery import app
from core.periods import Period
from reports import bulletin_runs as service
from reports.models import Bulletin
from tests.factories import make_org, make_user

PERIOD = Period.quarter_of(timezone.localdate()).previous


@pytest.fixture(autouse=True)
def eager_tasks(settings, tmp_path):
    app.conf.task_always_eager = True
    settings.MEDIA_ROOT = str(tmp_path / "media")
    try:
        yield
    finally:
        app.conf.task_always_eager = django_settings.CELERY_TASK_ALWAYS_EAGER


@pytest.fixture
def builds(monkeypatch):
    calls = []

    def build(*, org, period):
        calls.append(org.code)
        return f"%PDF-1.7 {org.code}".encode(), 2

    monkeypatch.setattr(service, "build_bulletin", build)
    return calls


def done(org, period=PERIOD, content=b"%PDF-1.7 test") -> Bulletin:
    bulletin = Bulletin.objects.create(
        organization=org,
        period_kind=period.kind,
        year=period.year,
        number=period.number,
        trigger=Bulletin.Trigger.SCHEDULE,
        requested_at=timezone.now(),
        generated_at=timezone.now(),
        status=Bulletin.Status.DONE,
        pages=4,
    )
    bulletin.file.save(service.file_name(bulletin), ContentFile(content))
    return bulletin


def login(client, user):
    client.force_login(user)


@pytest.fixture
def leader_a(tree):
    return make_user("leader_a", tree["A"], "leader")


def test_a_leader_sees_the_bulletins_of_the_county_and_downloads_one(client, leo, tree):
    county = done(tree["C"], content=b"%PDF-1.7 county")
    done(tree["B"])
    login(client, leo)
    page = client.get(reverse("bulletins:list")).content.decode()
    assert "测试县委" in page
    assert "乙镇党委" in page
    assert reverse("bulletins:download", args=[county.pk]) in page
    assert 'http-equiv="refresh"' not in page
    response = client.get(reverse("bulletins:download", args=[county.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response.content == b"%PDF-1.7 county"
    assert response["Cache-Control"] == "private, no-store"


def test_a_township_leader_sees_and_downloads_only_their_township(client, leader_a, tree):
    own = done(tree["A"])
    other = done(tree["B"])
    county = done(tree["C"])
    login(client, leader_a)
    page = client.get(reverse("bulletins:list")).content.decode()
    assert "甲镇党委" in page
    assert "乙镇党委" not in page
    assert "测试县委" not in page
    assert client.get(reverse("bulletins:download", args=[own.pk])).status_code == 200
    # Guessing the ids of the other township's and the county's bulletins.
    for pk in (other.pk, county.pk, county.pk + 100):
        assert client.get(reverse("bulletins:download", args=[pk])).status_code == 404


def test_a_township_leader_cannot_generate_the_other_townships(client, leader_a, tree, builds):
    login(client, leader_a)
    response = client.post(
        reverse("bulletins:request"), {"org": tree["B"].code, "period": str(PERIOD)}
    )
    assert response.status_code == 400
    assert "“通报范围”只能选择您可以生成通报的党组织。" in response.content.decode()
    assert not Bulletin.objects.exists()
    assert builds == []


def test_the_form_offers_only_organisations_the_user_may_generate_for(client, leader_a, tree):
    login(client, leader_a)
    page = client.get(reverse("bulletins:list")).content.decode()
    assert 'value="A"' in page
    assert 'value="A1"' in page
    assert 'value="B"' not in page
    assert 'value="C"' not in page


def test_a_secretary_reads_but_cannot_generate(client, sam, tree, builds):
    done(tree["A1"])
    login(client, sam)
    page = client.get(reverse("bulletins:list")).content.decode()
    assert "甲一村支部" in page
    assert reverse("bulletins:request") not in page
    response = client.post(reverse("bulletins:request"), {"org": "A1", "period": str(PERIOD)})
    assert response.status_code == 403
    assert Bulletin.objects.count() == 1
    assert builds == []


def test_a_leader_generates_one_and_is_told_it_is_ready(
    transactional_db, client, leo, tree, builds
):
    # Real commits: the task starts when the request's transaction commits, eagerly here
    # as in the embedded default, so the page already offers the download.
    login(client, leo)
    response = client.post(
        reverse("bulletins:request"), {"org": "A", "period": str(PERIOD)}, follow=True
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("bulletins:list")
    bulletin = Bulletin.objects.get()
    assert bulletin.status == Bulletin.Status.DONE
    assert bulletin.requested_by == leo
    assert "已生成，可以下载" in page
    assert reverse("bulletins:download", args=[bulletin.pk]) in page


def test_a_bad_quarter_is_refused_with_a_message(client, leo, tree, builds):
    login(client, leo)
    response = client.post(reverse("bulletins:request"), {"org": "A", "period": "2026Q9"})
    assert response.status_code == 400
    assert "“季度”只能选择列出的季度。" in response.content.decode()
    assert not Bulletin.objects.exists()


def test_a_failure_is_shown_with_its_reason(client, leo, tree):
    Bulletin.objects.create(
        organization=tree["C"],
        period_kind=PERIOD.kind,
        year=PERIOD.year,
        number=PERIOD.number,
        trigger=Bulletin.Trigger.SCHEDULE,
        requested_at=timezone.now(),
        status=Bulletin.Status.FAILED,
        attempts=4,
        error="生成时出错：OSError: 磁盘已满",
    )
    login(client, leo)
    page = client.get(reverse("bulletins:list")).content.decode()
    assert "生成失败" in page
    assert "生成时出错：OSError: 磁盘已满" in page


def test_the_page_refreshes_itself_while_a_bulletin_is_pending(client, leo, tree):
    Bulletin.objects.create(
        organization=tree["C"],
        period_kind=PERIOD.kind,
        year=PERIOD.year,
        number=PERIOD.number,
        trigger=Bulletin.Trigger.MANUAL,
        requested_by=leo,
        requested_at=timezone.now(),
        status=Bulletin.Status.QUEUED,
    )
    login(client, leo)
    page = client.get(reverse("bulletins:list")).content.decode()
    assert '<meta http-equiv="refresh" content="5">' in page
    assert "排队中" in page


def test_a_pending_bulletin_cannot_be_downloaded(client, leo, tree):
    bulletin = done(tree["C"])
    Bulletin.objects.filter(pk=bulletin.pk).update(status=Bulletin.Status.RUNNING)
    login(client, leo)
    assert client.get(reverse("bulletins:download", args=[bulletin.pk])).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, tree):
    bulletin = done(tree["C"])
    for url in (reverse("bulletins:list"), reverse("bulletins:download", args=[bulletin.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("login") in response["Location"]


def test_looking_changes_nothing(client, charlie, tree):
    done(tree["A"])
    before = list(Bulletin.objects.values_list("pk", "status", "file"))
    login(client, charlie)
    page = client.get(reverse("bulletins:list")).content.decode()
    assert "甲镇党委" not in page
    assert list(Bulletin.objects.values_list("pk", "status", "file")) == before


def test_the_list_costs_the_same_few_queries_for_many_bulletins(
    client, leo, tree, django_assert_max_num_queries
):
    for index in range(25):
        done(make_org(tree["A"], code=f"AX{index:02d}"))
    login(client, leo)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("bulletins:list"))
    assert response.content.decode().count("下载 PDF") == 25


def test_the_back_office_lists_the_staffs_bulletins_read_only(client, bob, tree):
    own = done(tree["A"])
    other = done(tree["B"])
    login(client, bob)
    page = client.get("/admin/reports/bulletin/").content.decode()
    assert "甲镇党委" in page
    assert "乙镇党委" not in page
    detail = client.get(f"/admin/reports/bulletin/{own.pk}/change/").content.decode()
    assert reverse("bulletins:download", args=[own.pk]) in detail
    assert 'name="_save"' not in detail
    assert client.get(f"/admin/reports/bulletin/{other.pk}/change/").status_code in (302, 404)
    assert client.get("/admin/reports/bulletin/add/").status_code == 403
    response = client.post(f"/admin/reports/bulletin/{own.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Bulletin.objects.filter(pk=own.pk).exists()
