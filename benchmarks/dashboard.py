"""The dashboard `/` for the city scope, performance: ≤ 300 ms server time with a
constant number of queries.

    python benchmarks/dashboard.py [--repeat 5] [--rounds 2] [--no-computed]

Uses the organisation tree and the 500,000 members of the member-list benchmark
(`generate_members.py`; loaded by `member_list.py` when missing) and drives the page with
Django's test Client as a city-wide staff user and as a township staff user, for the
running quarter and the one before. Each scenario is measured twice:
- computed: the figures cache emptied before every request (what the first visitor of a
  period waits for, and every visitor once the running quarter's short cache expires);
- cached: the figures of reports.figures from the cache (past periods are kept 6 hours,
  the running one 60 seconds), so only the page itself is built.
Server time covers the whole Django stack (middleware, session, view, template).
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import time

from _setup import django_setup, member_count, print_machine, save_results, summary

TIME_LIMIT_MS = 300.0
CITY_USER = "bench_county_staff"
TOWNSHIP_USER = "bench_township_staff"


def ensure_url() -> str:
    """The dashboard's URL; mounted here for the run if config/urls.py does not yet."""
    from django.urls import NoReverseMatch, clear_url_caches, include, path, reverse

    try:
        return reverse("reports:dashboard")
    except NoReverseMatch:
        from config import urls

        urls.urlpatterns.insert(0, path("", include("reports.urls")))
        clear_url_caches()
        return reverse("reports:dashboard")


def measure(client, url: str, repeat: int, *, computed: bool) -> dict:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def one():
        if computed:
            cache.clear()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        return elapsed, queries.captured_queries

    if computed:
        # A computation of the city's figures takes long (the health rules): measured once.
        repeat = 1
    else:
        one()  # fills the cache
    times, captured = [], []
    for _ in range(repeat):
        elapsed, captured = one()
        times.append(elapsed)
    slowest = sorted(captured, key=lambda q: float(q["time"]), reverse=True)[:3]
    return {
        "times_ms": [round(t, 1) for t in times],
        "queries": len(captured),
        "db_ms": round(sum(float(q["time"]) for q in captured) * 1000, 1),
        "slowest": [
            {"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"][:300]} for q in slowest
        ],
    }


def run(repeat: int, rounds: int, with_computed: bool) -> dict:
    django_setup()
    from django.test import Client
    from django.utils import timezone
    from member_list import ensure_data, ensure_users

    from core.periods import Period

    print_machine()
    if member_count() == 0:
        ensure_data(500_000)
    url = ensure_url()
    city, township = ensure_users()
    current = Period.quarter_of(timezone.localdate())
    periods = {"running quarter": current, "previous quarter": current.previous}
    results: dict[str, dict] = {}
    for user in (city, township):
        client = Client()
        client.force_login(user)
        print(f"\n{user.username}")
        for period_label, period in periods.items():
            for computed in (False, True) if with_computed else (False,):
                label = f"{period_label}, {'computed' if computed else 'cached'}"
                runs = [
                    measure(client, f"{url}?period={period}", repeat, computed=computed)
                    for _ in range(1 if computed else rounds)
                ]
                times = [t for r in runs for t in r["times_ms"]]
                counts = sorted({r["queries"] for r in runs})
                figure = {
                    "ms": summary(times),
                    "queries": counts[0] if len(counts) == 1 else counts,
                    "db_ms_last": runs[-1]["db_ms"],
                    "slowest": runs[-1]["slowest"],
                }
                results.setdefault(user.username, {})[label] = figure
                mark = "MET " if figure["ms"]["median"] <= TIME_LIMIT_MS else "MISS"
                print(
                    f"  {mark} {label:34s} median {figure['ms']['median']:7.1f} ms  "
                    f"best {figure['ms']['best']:7.1f}  queries {figure['queries']}  "
                    f"(db {figure['db_ms_last']} ms; slowest query "
                    f"{figure['slowest'][0]['ms'] if figure['slowest'] else 0} ms)"
                )
    city_results = results[CITY_USER]
    verdict = {
        f"city scope ≤ {TIME_LIMIT_MS:.0f} ms (median), cached": all(
            f["ms"]["median"] <= TIME_LIMIT_MS for k, f in city_results.items() if "cached" in k
        ),
        f"city scope ≤ {TIME_LIMIT_MS:.0f} ms (median), computed": all(
            f["ms"]["median"] <= TIME_LIMIT_MS for k, f in city_results.items() if "computed" in k
        )
        if with_computed
        else None,
        "same number of queries for the city and one township": all(
            city_results[k]["queries"] == results[TOWNSHIP_USER][k]["queries"] for k in city_results
        ),
    }
    for label, ok in verdict.items():
        print(f"{'MET ' if ok else 'MISS'} {label}")
    payload = {
        "date": datetime.datetime.now().isoformat(timespec="minutes"),
        "members": member_count(),
        "results": results,
        "verdict": verdict,
        "median_of_medians_ms": statistics.median(
            f["ms"]["median"] for per in results.values() for f in per.values()
        ),
    }
    print(f"raw figures: {save_results('dashboard', payload)}")
    return payload


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--no-computed", action="store_true", help="measure the cached page only (fast)"
    )
    args = parser.parse_args()
    run(args.repeat, args.rounds, not args.no_computed)


if __name__ == "__main__":
    main()
