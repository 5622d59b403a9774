"""The party statistics (党内统计) of a city: 500,000 members as of a day in ≤ 2 s, with a
bounded number of queries.

    python benchmarks/party_statistics.py [--day 2026-12-01] [--repeat 3] [--rounds 1]
                                          [--explain] [--keep]

Uses the tree and the 500,000 members of the member-list benchmark (loaded with plain
bulk_create when the roster does not hold exactly --members rows). Before measuring, the
roster is given a history, in the proportions of a real county and seeded, so that every
run counts the same changes:

- accepted transfers inside the county (县内转接): 1.2 % of the members in the day's year
  and 0.8 % in each of the five years before, each member's organisation set to the
  receiving one, as transfer_accept does;
- departures: in the day's year 0.4 % deceased (members of 60 and over), 0.3 % transferred
  out of the county (under 60, with the completed outbound transfer) and 0.01 % expelled;
  0.6 % a year in the five years before;
- admissions: the generated roster already holds the members admitted in the last year
  (its 预备党员); members are added only when fewer than 1.5 % were admitted in the day's
  year up to the day.

All of it is written with bulk_create / bulk_update and marked (the transfers' reason, the
members' 状态说明), and undone when the run ends, and at the start after an interrupted run:
the other benchmarks find the roster as loaded. `--keep` leaves it in place (to look at the
page); the next run undoes it first.

Each measurement runs in a fresh process: `partystats.selectors.party_statistics(org, day)`
once cold, then --repeat times, each beside the floor, the least any implementation must
do: one plain `SELECT count(*)` of the members joined to their organisations, grouped by
the child's path prefix. Scenarios: the city's root and one township. Queries are counted
with CaptureQueriesContext. `--explain` prints EXPLAIN ANALYZE of each scenario's slowest
query.
"""

from __future__ import annotations

import argparse
import datetime
import random
import statistics
from collections import defaultdict
from itertools import islice

from _setup import (
    Timer,
    django_setup,
    emit,
    member_count,
    print_machine,
    run_child,
    save_results,
    summary,
    vacuum_members,
)

TIME_LIMIT = 2.0
DEFAULT_DAY = datetime.date(2026, 12, 1)
TOWNSHIP_CODE = "BX-T05"  # the member-list benchmark's township

SEED = 2026
YEARS_BEFORE = 5
#: share of the active roster per year (the day's year, and each of the years before)
YEAR_SHARES = {"moved": 0.012, "deceased": 0.004, "transferred_out": 0.003, "expelled": 0.0001}
PAST_SHARES = {"moved": 0.008, "deceased": 0.004, "transferred_out": 0.002}
ADMITTED_SHARE = 0.015
SAME_TOWNSHIP_SHARE = 0.6  # internal transfers to a branch of the same township

MOVE_REASON = "基准测试：县内转接"
OUT_REASON = "基准测试：转出本县"
GONE_NOTE = "基准测试：党籍变动"
ADMITTED_NOTE = "基准测试：年内发展"
DESTINATION = "中共杭州市西湖区翠苑街道工作委员会"


# --- the year's changes ------------------------------------------------------------------


def _random_day(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def _admitted_members(rng: random.Random, count: int, day: datetime.date) -> list:
    """`count` new 预备党员 admitted between 1 January and `day`, valid rows of the generator
    (ID numbers not yet on the roster)."""
    from generate_members import branch_codes, member_objects

    from core.periods import add_years
    from demo.scale import member_rows
    from members.choices import Category
    from members.models import Member
    from orgs.models import Organization

    if count <= 0:
        return []
    orgs_by_code = dict(Organization.objects.values_list("code", "pk"))
    rows = member_rows(count * 2, branches=branch_codes(), today=day, seed=SEED)
    first = datetime.date(day.year, 1, 1)
    objects = member_objects(rows, orgs_by_code)
    chosen: list = []
    while len(chosen) < count and (batch := list(islice(objects, 2000))):
        numbers = [m.id_number for m in batch]
        taken = set(
            Member.objects.filter(id_number__in=numbers).values_list("id_number", flat=True)
        )
        chosen += [m for m in batch if m.id_number not in taken]
    for member in chosen[:count]:
        adult = add_years(member.birth_date, 18) + datetime.timedelta(days=1)
        member.joined_on = _random_day(rng, max(first, adult), day)
        member.category, member.confirmed_on = Category.PROBATIONARY, None
        member.status_note = ADMITTED_NOTE
    return chosen[:count]


def apply_year_changes(day: datetime.date) -> dict[str, int]:
    """Transfers, departures and (if the roster lacks them) admissions; see the module
    docstring. Returns how many of each the day's year holds."""
    from django.db import transaction
    from django.utils import timezone

    from members.choices import MemberStatus
    from members.models import Member, Transfer, TransferKind, TransferState
    from orgs.models import Organization
    from orgs.scope import PATH_STEP

    rng = random.Random(SEED)
    rows = list(
        Member.objects.filter(status=MemberStatus.ACTIVE)
        .order_by("pk")
        .values_list("pk", "organization_id", "joined_on", "birth_date")
    )
    total = len(rows)
    rng.shuffle(rows)
    used: set[int] = set()

    def pick(count: int, accept) -> list[tuple]:
        chosen = []
        for row in rows:
            if len(chosen) == count:
                break
            if row[0] not in used and accept(row):
                used.add(row[0])
                chosen.append(row)
        return chosen

    branches = list(Organization.objects.filter(depth__gte=3).values_list("pk", "path"))
    parent = {pk: path[:-PATH_STEP] for pk, path in branches}
    siblings: dict[str, list[int]] = defaultdict(list)
    for pk, path in branches:
        siblings[path[:-PATH_STEP]].append(pk)
    everywhere = [pk for pk, _path in branches]

    def destination(org_id: int) -> int:
        near = siblings.get(parent.get(org_id, ""), [])
        choices = near if len(near) > 1 and rng.random() < SAME_TOWNSHIP_SHARE else everywhere
        while (target := rng.choice(choices)) == org_id:
            pass
        return target

    today = timezone.localdate()
    transfers: list[Transfer] = []
    moved: list[Member] = []
    gone: list[Member] = []
    in_year: dict[str, int] = defaultdict(int)
    for year in range(day.year - YEARS_BEFORE, day.year + 1):
        first = datetime.date(year, 1, 2)
        last = min(today, datetime.date(year, 12, 31))
        shares = YEAR_SHARES if year == day.year else PAST_SHARES
        new_year = datetime.date(year, 1, 1)
        sixty = datetime.date(year - 60, 1, 1)
        accept = {
            "moved": lambda row, ny=new_year: row[2] < ny,
            "deceased": lambda row, ny=new_year, s=sixty: row[2] < ny and row[3] < s,
            "transferred_out": lambda row, ny=new_year, s=sixty: row[2] < ny and row[3] >= s,
            "expelled": lambda row, ny=new_year: row[2] < ny,
        }
        for kind, share in shares.items():
            for pk, org_id, _joined, _birth in pick(round(total * share), accept[kind]):
                decided = _random_day(rng, first, last)
                requested = decided - datetime.timedelta(days=rng.randint(3, 20))
                if year == day.year:
                    in_year[kind] += 1
                if kind == "moved":
                    target = destination(org_id)
                    transfers.append(
                        Transfer(
                            member_id=pk,
                            kind=TransferKind.INTERNAL,
                            state=TransferState.ACCEPTED,
                            from_organization_id=org_id,
                            to_organization_id=target,
                            reason=MOVE_REASON,
                            requested_on=requested,
                            decided_on=decided,
                        )
                    )
                    moved.append(Member(pk=pk, organization_id=target))
                    continue
                if kind == "transferred_out":
                    transfers.append(
                        Transfer(
                            member_id=pk,
                            kind=TransferKind.OUTBOUND,
                            state=TransferState.COMPLETED,
                            from_organization_id=org_id,
                            destination=DESTINATION,
                            reason=OUT_REASON,
                            requested_on=requested,
                            decided_on=decided,
                        )
                    )
                gone.append(
                    Member(pk=pk, status=kind, status_changed_on=decided, status_note=GONE_NOTE)
                )
    admitted_range = (datetime.date(day.year, 1, 1), day)
    admitted = Member.objects.filter(joined_on__range=admitted_range).count()
    new = _admitted_members(rng, round(total * ADMITTED_SHARE) - admitted, day)
    with transaction.atomic():
        Transfer.objects.bulk_create(transfers, batch_size=2000)
        Member.objects.bulk_update(moved, ["organization"], batch_size=1000)
        Member.objects.bulk_update(
            gone, ["status", "status_changed_on", "status_note"], batch_size=1000
        )
        Member.objects.bulk_create(new, batch_size=2000)
    _vacuum()
    in_year["admitted"] = admitted + len(new)
    in_year["admitted_added"] = len(new)
    in_year["transfers_in_table"] = len(transfers)
    return dict(in_year)


def undo_year_changes() -> int:
    """Put the roster back as loaded: members return to the sending organisation of their
    marked transfer and to 在册; marked transfers and added members are deleted (plain
    DELETE: a model delete would write a history row for each)."""
    from django.db import connection, transaction

    from members.choices import MemberStatus
    from members.models import Member, Transfer, TransferKind

    marked = Transfer.objects.filter(reason__in=(MOVE_REASON, OUT_REASON))
    back = [
        Member(pk=member_id, organization_id=from_id)
        for member_id, from_id in marked.filter(kind=TransferKind.INTERNAL).values_list(
            "member_id", "from_organization_id"
        )
    ]
    with transaction.atomic():
        Member.objects.bulk_update(back, ["organization"], batch_size=1000)
        restored = Member.objects.filter(status_note=GONE_NOTE).update(
            status=MemberStatus.ACTIVE, status_changed_on=None, status_note=""
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {Transfer._meta.db_table} WHERE reason IN (%s, %s)",
                [MOVE_REASON, OUT_REASON],
            )
            removed = cursor.rowcount
            cursor.execute(
                f"DELETE FROM {Member._meta.db_table} WHERE status_note = %s", [ADMITTED_NOTE]
            )
            removed += cursor.rowcount
    if back or restored or removed:
        _vacuum()
    return len(back) + restored + removed


def _vacuum() -> None:
    from django.db import connection

    from members.models import Transfer

    vacuum_members()
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {Transfer._meta.db_table}")


# --- one measurement (a fresh process) ---------------------------------------------------


def floor(org) -> int:
    """The least any implementation does: the members of the subtree counted per child."""
    from django.db.models import Count
    from django.db.models.functions import Substr

    from members.models import Member
    from orgs.scope import PATH_STEP, subtree_q

    width = len(org.path) + PATH_STEP
    grouped = (
        Member.objects.filter(subtree_q(org, "organization__"))
        .annotate(column=Substr("organization__path", 1, width))
        .values("column")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return sum(row["n"] for row in grouped)


def child(code: str, day: datetime.date, repeat: int) -> None:
    django_setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from orgs.models import Organization
    from partystats.selectors import party_statistics

    org = Organization.objects.get(code=code)

    def measured():
        with CaptureQueriesContext(connection) as queries, Timer() as timer:
            stats = party_statistics(org, day)
        return timer.seconds, queries.captured_queries, stats

    cold, _captured, _stats = measured()
    with Timer() as floor_cold:
        floor(org)
    times, floors = [], []
    for _ in range(repeat):
        with Timer() as floor_timer:
            floored = floor(org)
        floors.append(floor_timer.seconds)
        seconds, captured, stats = measured()
        times.append(seconds)
    by_time = sorted(captured, key=lambda q: float(q["time"]), reverse=True)
    change = stats.change
    totals = stats.table("overview").line("total")
    emit(
        {
            "org": code,
            "cold_seconds": round(cold, 3),
            "seconds": [round(t, 3) for t in times],
            "floor_cold_seconds": round(floor_cold.seconds, 3),
            "floor_seconds": [round(t, 3) for t in floors],
            "floor_members": floored,
            "queries": len(captured),
            "db_seconds": round(sum(float(q["time"]) for q in captured), 3),
            "slowest": [
                {"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"]} for q in by_time
            ],
            "members_on_day": totals.total,
            "columns": {
                column.code: cell for column, cell in zip(stats.columns, totals.cells, strict=True)
            },
            "change": {
                "start": change.start_total,
                "end": change.end_total,
                **{
                    key: change.count(key)
                    for key in (
                        "developed",
                        "transferred_in",
                        "other_added",
                        "transferred_out",
                        "deceased",
                        "expelled",
                        "suspended",
                        "other_removed",
                    )
                },
                "difference": change.difference(),
                "column_differences": sum(
                    abs(change.difference(column.path)) for column in stats.columns
                ),
                "unexplained": len(change.unexplained),
            },
        }
    )


# --- the run -----------------------------------------------------------------------------


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def run(
    members: int, day: datetime.date, repeat: int, rounds: int, show_explain: bool, keep: bool
) -> dict:
    django_setup()
    from generate_members import ROOT_CODE
    from member_list import ensure_data

    print_machine()
    ensure_data(members)
    if undone := undo_year_changes():
        print(f"undid {undone} changes of an earlier run")
    with Timer() as timer:
        changes = apply_year_changes(day)
    print(
        f"the year {day.year} up to {day}: {changes} ({timer.seconds:.1f} s, "
        f"{member_count()} members)"
    )
    results: dict[str, dict] = {}
    try:
        for label, code in (("city", ROOT_CODE), ("township", TOWNSHIP_CODE)):
            args = ("--org", code, "--day", day.isoformat(), "--repeat", str(repeat))
            runs = [run_child("party_statistics.py", *args) for _ in range(rounds)]
            counts = sorted({r["queries"] for r in runs})
            last = runs[-1]
            figure = {
                "org": code,
                "seconds": summary([t for r in runs for t in r["seconds"]]),
                "cold_seconds": summary([r["cold_seconds"] for r in runs]),
                "floor_seconds": summary([t for r in runs for t in r["floor_seconds"]]),
                "queries": counts[0] if len(counts) == 1 else counts,
                "db_seconds_last": last["db_seconds"],
                "loadavg_1m": [r["loadavg_1m"] for r in runs],
                "slowest": last["slowest"],
                "members_on_day": last["members_on_day"],
                "floor_members": last["floor_members"],
                "columns": last["columns"],
                "change": last["change"],
            }
            figure["ratio"] = round(
                figure["seconds"]["median"] / figure["floor_seconds"]["median"], 1
            )
            results[label] = figure
            s = figure["seconds"]
            mark = "MET " if s["median"] <= TIME_LIMIT else "MISS"
            print(
                f"\n{mark} {label} ({code}, {figure['members_on_day']} members on {day}): "
                f"median {s['median']:.2f} s  best {s['best']:.2f}  worst {s['worst']:.2f}  "
                f"cold {figure['cold_seconds']['median']:.2f}  queries {figure['queries']}  "
                f"(db {figure['db_seconds_last']:.2f} s)  load {figure['loadavg_1m']}"
            )
            print(
                f"     floor median {figure['floor_seconds']['median']:.3f} s "
                f"({figure['floor_members']} members in the subtree)  "
                f"ratio {figure['ratio']}×"
            )
            print(f"     year change: {figure['change']}")
            for query in figure["slowest"][:5]:
                print(f"     {query['ms']:8.1f} ms  {query['sql'][:110]}")
            if show_explain:
                print(figure["slowest"][0]["sql"])
                print(explain(figure["slowest"][0]["sql"]))
    finally:
        if not keep:
            print(f"\nundid {undo_year_changes()} changes ({member_count()} members)")
    city, township = results["city"], results["township"]
    verdict = {
        f"city ≤ {TIME_LIMIT:.0f} s (median)": city["seconds"]["median"] <= TIME_LIMIT,
        f"township ≤ {TIME_LIMIT:.0f} s (median)": township["seconds"]["median"] <= TIME_LIMIT,
        "same number of queries for the city and one township": city["queries"]
        == township["queries"],
        "the township alone equals its column of the city": township["members_on_day"]
        == city["columns"].get(TOWNSHIP_CODE),
        "start + increases − decreases = end in every column": not any(
            f["change"]["difference"] or f["change"]["column_differences"] for f in results.values()
        ),
    }
    print()
    for label, ok in verdict.items():
        print(f"{'MET ' if ok else 'MISS'} {label}")
    payload = {
        "date": datetime.datetime.now().isoformat(timespec="minutes"),
        "day": day.isoformat(),
        "members": members,
        "changes": changes,
        "results": results,
        "verdict": verdict,
        "median_seconds": statistics.median(f["seconds"]["median"] for f in results.values()),
    }
    print(f"raw figures: {save_results('party-statistics', payload)}")
    return payload


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=500_000)
    parser.add_argument("--day", type=datetime.date.fromisoformat, default=DEFAULT_DAY)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--keep", action="store_true", help="leave the year's changes in place")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--org", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.org, args.day, args.repeat)
    else:
        run(args.members, args.day, args.repeat, args.rounds, args.explain, args.keep)


if __name__ == "__main__":
    main()
