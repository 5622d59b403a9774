"""The member list page `/members/` with 500,000 members.

    python benchmarks/member_list.py [--members 500000] [--repeat 7] [--rounds 2]

Loads the roster with plain bulk_create when it does not hold exactly --members rows (the
page's benchmark is not an import benchmark), then drives the page with Django's test
Client, logged in as a county staff user (sees all 500,000) and as a township staff user
(sees one township), and measures the server time of each request (the whole Django
stack: middleware, session, view, template) and its number of queries.

Scenarios: the default list, a name search, a search by the last four digits of an ID
number, three filters at once, an organisation filter, page 50, and page 50 sorted by
organisation. Each is requested once cold and then --repeat times per round. `--explain`
prints EXPLAIN ANALYZE of the slowest query of every scenario.
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import time

from _setup import django_setup, member_count, print_machine, save_results, summary

TIME_LIMIT_MS = 200.0
COUNTY_USER = "bench_county_staff"
TOWNSHIP_USER = "bench_township_staff"
TOWNSHIP_CODE = "BX-T05"
VILLAGE_CODE = "BX-T05-V010"


def ensure_data(members: int) -> None:
    from generate_members import ensure_tree, load_members

    ensure_tree()
    if member_count() != members:
        load_members(members)


def ensure_users():
    from generate_members import ROOT_CODE

    from accounts.services import grant

    county = grant(username=COUNTY_USER, org_code=ROOT_CODE, role="staff").user
    township = grant(username=TOWNSHIP_USER, org_code=TOWNSHIP_CODE, role="staff").user
    return county, township


def scenarios(last4: str) -> list[tuple[str, str]]:
    return [
        ("default list", ""),
        ("search name 建国", "?q=建国"),
        (f"search ID …{last4}", f"?q={last4}"),
        ("filter 女·30–39岁·大学本科", "?gender=F&age_band=30-39&education=bachelor"),
        (f"filter org {VILLAGE_CODE}", f"?org={VILLAGE_CODE}"),
        ("page 50", "?page=50"),
        ("page 50 sorted by org", "?sort=org&page=50"),
    ]


def measure(client, url: str, repeat: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def one():
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        return elapsed, queries.captured_queries, response

    cold, captured, _response = one()
    times = []
    for _ in range(repeat):
        elapsed, captured, response = one()
        times.append(elapsed)
    slowest = sorted(captured, key=lambda q: float(q["time"]), reverse=True)[:3]
    return {
        "cold_ms": round(cold, 1),
        "times_ms": [round(t, 1) for t in times],
        "queries": len(captured),
        "db_ms": round(sum(float(q["time"]) for q in captured) * 1000, 1),
        "slowest": [{"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"]} for q in slowest],
        "bytes": len(response.content),
    }


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def run(members: int, repeat: int, rounds: int, show_explain: bool) -> dict:
    django_setup()
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from members.models import Member

    print_machine()
    try:
        url = reverse("members:list")
    except NoReverseMatch:
        raise SystemExit("members:list does not resolve yet: the page is not there.") from None
    ensure_data(members)
    county, township = ensure_users()
    last4 = Member.objects.order_by("pk").values_list("id_number", flat=True).first()[-4:]
    results: dict[str, dict[str, dict]] = {}
    for user in (county, township):
        client = Client()
        client.force_login(user)
        visible = Member.objects.visible_to(user).count()
        print(f"\n{user.username}: {visible} members in scope")
        per_user = results.setdefault(user.username, {})
        for label, query in scenarios(last4):
            runs = [measure(client, url + query, repeat) for _ in range(rounds)]
            times = [t for r in runs for t in r["times_ms"]]
            counts = sorted({r["queries"] for r in runs})
            figure = {
                "url": url + query,
                "cold_ms": max(r["cold_ms"] for r in runs),
                "ms": summary(times),
                "queries": counts[0] if len(counts) == 1 else counts,
                "db_ms_last": runs[-1]["db_ms"],
                "slowest": runs[-1]["slowest"],
                "bytes": runs[-1]["bytes"],
            }
            per_user[label] = figure
            mark = "MET " if figure["ms"]["median"] <= TIME_LIMIT_MS else "MISS"
            print(
                f"  {mark} {label:30s} median {figure['ms']['median']:7.1f} ms  "
                f"best {figure['ms']['best']:7.1f}  cold {figure['cold_ms']:7.1f}  "
                f"queries {figure['queries']}  (db {figure['db_ms_last']} ms; slowest query "
                f"{figure['slowest'][0]['ms']} ms)"
            )
            if show_explain and figure["slowest"]:
                print(figure["slowest"][0]["sql"])
                print(explain(figure["slowest"][0]["sql"]))
    all_counts = {f["queries"] for per in results.values() for f in per.values()}
    worst = max(f["ms"]["median"] for per in results.values() for f in per.values())
    verdict = {
        f"every scenario ≤ {TIME_LIMIT_MS:.0f} ms (median)": worst <= TIME_LIMIT_MS,
        "same number of queries for 500,000 and one township's members": all(
            results[COUNTY_USER][label]["queries"] == results[TOWNSHIP_USER][label]["queries"]
            for label in results[COUNTY_USER]
        ),
    }
    print(f"\nquery counts seen: {sorted(map(str, all_counts))}; slowest median {worst:.1f} ms")
    for label, ok in verdict.items():
        print(f"{'MET ' if ok else 'MISS'} {label}")
    payload = {
        "date": datetime.datetime.now().isoformat(timespec="minutes"),
        "members": members,
        "results": results,
        "verdict": verdict,
        "median_of_medians_ms": statistics.median(
            f["ms"]["median"] for per in results.values() for f in per.values()
        ),
    }
    print(f"raw figures: {save_results('member-list', payload)}")
    return payload


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    run(args.members, args.repeat, args.rounds, args.explain)


if __name__ == "__main__":
    main()
