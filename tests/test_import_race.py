"""Two staff members import the same new ID number at the same moment.

Bob (township A) and Charlie (township B) each upload a file with the same new member. Both
checks pass before either import writes, so only the database can decide: its unique
constraint lets exactly one import win; the other gets a clear message in Chinese, and
nothing of its file is written (its second, harmless member neither).

On PostgreSQL both imports read before either writes (the barrier below), so the loser
meets the unique constraint. On SQLite a transaction takes the write lock when it starts,
so the second import waits for the first or is told that the database is busy; either way
exactly one wins, which is what this test asserts.
"""

from __future__ import annotations

import contextlib
import threading

import pytest
from django.db import connection

from core.importing import KeyedInstanceLoader, run_import
from core.tables import read_table
from members.models import Member
from members.resources.roster import MemberResource
from tests.helpers import MEMBER_HEADERS, id_number, member_row, xlsx_bytes

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 5  # seconds a thread waits for the other at the barrier


def test_exactly_one_of_two_parallel_imports_of_the_same_id_number_wins(
    tree, bob, charlie, monkeypatch
):
    shared = id_number(seq=7)
    files = {
        "bob": xlsx_bytes([member_row("A1", seq=7), member_row("A1", seq=8)], MEMBER_HEADERS),
        "charlie": xlsx_bytes([member_row("B1", seq=7), member_row("B1", seq=9)], MEMBER_HEADERS),
    }
    for data in files.values():  # both files really hold the same new number
        assert shared in read_table(data, "m.xlsx")["公民身份号码"]
    users = {"bob": bob, "charlie": charlie}
    barrier = threading.Barrier(2)
    original_init = KeyedInstanceLoader.__init__

    def loader_then_wait(self, resource, dataset=None):
        original_init(self, resource, dataset)
        # Both have looked the keys up before either writes; a broken barrier means the
        # other import ended before loading (SQLite: busy, or already done).
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(WAIT)

    monkeypatch.setattr(KeyedInstanceLoader, "__init__", loader_then_wait)
    reports: dict = {}
    failures: list[BaseException] = []

    def run(name: str) -> None:
        try:
            dataset = read_table(files[name], f"{name}.xlsx")
            reports[name] = run_import(MemberResource(user=users[name], source=name), dataset)
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread
            failures.append(exc)
        finally:
            barrier.abort()  # never leave the other thread waiting
            connection.close()

    threads = [threading.Thread(target=run, args=(name,)) for name in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures, failures
    assert set(reports) == {"bob", "charlie"}
    winners = [name for name, report in reports.items() if report.ok]
    assert len(winners) == 1, {n: [str(e) for e in r.errors] for n, r in reports.items()}
    [loser] = set(reports) - set(winners)
    messages = [str(e) for e in reports[loser].errors]
    assert messages, "the losing import must say why"
    text = " ".join(messages)
    # One of the three ways the loser can learn it lost, each a sentence in Chinese.
    assert any(
        phrase in text
        for phrase in ("同时进行的导入或修改重复", "数据库正忙", "不在您的管辖范围内")
    ), messages
    if connection.vendor == "postgresql":  # both read first: the constraint decided
        assert "同时进行的导入或修改重复" in text, messages
    for leak in ("IntegrityError", "Traceback", "UNIQUE", "duplicate key"):
        assert leak not in text
    # The winner's two members exist; nothing of the loser's file does.
    winner_org = "A1" if winners == ["bob"] else "B1"
    assert Member.objects.filter(id_number=shared).count() == 1
    assert Member.objects.get(id_number=shared).organization.code == winner_org
    assert Member.objects.count() == 2
    assert set(Member.objects.values_list("organization__code", flat=True)) == {winner_org}
    assert Member.history.count() == 2
