"""The PDF progress bulletin, performance: a county (≈ 300 organisations, 20,000
members) in ≤ 10 s and ≤ 500 MB peak memory; a city (≈ 2,000 organisations, 500,000
members) in ≤ 60 s.

    python benchmarks/bulletin.py [--scale county|city|both] [--rounds 2]

- city: the tree and the 500,000 members of the member-list benchmark (`portal_bench`,
  loaded by generate_members.py when missing); the bulletin of its root for the last
  quarter.
- county: a smaller tree of the same generator (10 townships × 24 villages and four county
  units of 10 branches: about 300 organisations) with 20,000 members, in its own database
  `portal_bench_county` (created and migrated on first use), so the city's data is left as
  it is.

Every measurement runs in a fresh process (what a worker child does) and reports the time
to compute the figures, to render the PDF, the page count, seconds per page and peak RSS.
Beside it the floor: WeasyPrint rendering a plain document (the bulletin's stylesheet, one
dense table) of the same page count.
"""

from __future__ import annotations

import argparse
import os
import sys

COUNTY_DATABASE = "portal_bench_county"
COUNTY_MEMBERS = 20_000
CITY_MEMBERS = 500_000
LIMITS = {"county": (10.0, 500.0), "city": (60.0, None)}
FLOOR_ROWS_PER_PAGE = 44


def _use_county_database() -> None:
    from _setup import DEFAULT_DATABASE_URL

    base = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    county = base.rsplit("/", 1)[0] + "/" + COUNTY_DATABASE
    # _setup has already pointed DATABASE_URL at the city; Django is not set up yet.
    os.environ["BENCH_DATABASE_URL"] = os.environ["DATABASE_URL"] = county


def _county_tree() -> None:
    import generate_members

    generate_members.TOWNSHIPS = 10
    generate_members.VILLAGES_PER_TOWNSHIP = 24
    generate_members.UNITS_PER_COUNTY_UNIT = 10
    # The orgs file may only repeat the weak-and-lax register, which is empty here.
    flag = generate_members.ORG_HEADERS.index("是否软弱涣散")
    rows = generate_members.org_rows

    def unflagged_rows():
        return [[*row[:flag], "", *row[flag + 1 :]] for row in rows()]

    generate_members.org_rows = unflagged_rows


def _create_county_database() -> None:
    """CREATE DATABASE portal_bench_county if missing (the bench user may create them)."""
    import psycopg

    url = os.environ["BENCH_DATABASE_URL"]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [COUNTY_DATABASE]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{COUNTY_DATABASE}"')


def ensure_data(scale: str) -> None:
    from _setup import django_setup, member_count

    if scale == "county":
        _create_county_database()
        django_setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        _county_tree()
    else:
        django_setup()
    from generate_members import ensure_tree, load_members

    ensure_tree()
    wanted = COUNTY_MEMBERS if scale == "county" else CITY_MEMBERS
    if member_count() != wanted:
        load_members(wanted)


def _root():
    from generate_members import ROOT_CODE

    from orgs.models import Organization

    return Organization.objects.get(code=ROOT_CODE)


def child_bulletin() -> dict:
    from _setup import Timer, django_setup

    django_setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from core.pdf import render_pdf
    from core.periods import Period
    from orgs.models import Organization
    from reports.bulletin_content import bulletin_html

    root = _root()
    period = Period.quarter_of(timezone.localdate()).previous
    with Timer() as figures, CaptureQueriesContext(connection) as queries:
        html = bulletin_html(org=root, period=period)
    with Timer() as rendering:
        data, pages = render_pdf(html)
    return {
        "organisations": Organization.objects.within(root).count(),
        "figures_seconds": round(figures.seconds, 2),
        "queries": len(queries),
        "render_seconds": round(rendering.seconds, 2),
        "total_seconds": round(figures.seconds + rendering.seconds, 2),
        "pages": pages,
        "seconds_per_page": round(rendering.seconds / pages, 3),
        "bytes": len(data),
    }


def plain_document(pages: int) -> str:
    """A plain document: the bulletin's stylesheet and one table filling `pages` pages."""
    rows = "".join(
        f"<tr><th scope='row'>第{i}行 党组织名称</th><td>情况说明文字 {i}</td>"
        f"<td class='num'>{i}</td><td class='num'>{i % 100}%</td></tr>"
        for i in range(pages * FLOOR_ROWS_PER_PAGE)
    )
    return (
        '<html><head><meta charset="utf-8">'
        '<link rel="stylesheet" href="/static/css/bulletin.css"></head><body>'
        f"<table><thead><tr><th>组织</th><th>情况</th><th>数</th><th>率</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></body></html>"
    )


def child_floor(pages: int) -> dict:
    from _setup import Timer, django_setup

    django_setup()
    from core.pdf import render_pdf

    wanted = pages
    html = plain_document(wanted)
    with Timer() as rendering:
        _data, rendered = render_pdf(html)
    return {
        "pages": rendered,
        "render_seconds": round(rendering.seconds, 2),
        "seconds_per_page": round(rendering.seconds / rendered, 3),
    }


def run(scale: str, rounds: int) -> dict:
    from _setup import run_child, summary

    results = [run_child("bulletin.py", "--scale", scale) for _ in range(rounds)]
    pages = results[0]["pages"]
    floor = [
        run_child("bulletin.py", "--scale", scale, "--floor", str(pages)) for _ in range(rounds)
    ]
    seconds_limit, memory_limit = LIMITS[scale]
    total = summary([r["total_seconds"] for r in results])
    peak = max(r["peak_rss_mb"] for r in results)
    report = {
        "scale": scale,
        "organisations": results[0]["organisations"],
        "pages": pages,
        "queries": results[0]["queries"],
        "figures_seconds": summary([r["figures_seconds"] for r in results]),
        "render_seconds": summary([r["render_seconds"] for r in results]),
        "total_seconds": total,
        "seconds_per_page": summary([r["seconds_per_page"] for r in results]),
        "peak_rss_mb": peak,
        "floor_pages": floor[0]["pages"],
        "floor_seconds_per_page": summary([r["seconds_per_page"] for r in floor]),
        "within_time": total["worst"] <= seconds_limit,
        "within_memory": memory_limit is None or peak <= memory_limit,
    }
    print(
        f"{scale}: {report['organisations']} organisations, {pages} pages, "
        f"{report['queries']} queries; figures {report['figures_seconds']['median']} s, "
        f"render {report['render_seconds']['median']} s, total {total['median']} s "
        f"(worst {total['worst']} s, limit {seconds_limit} s); "
        f"{report['seconds_per_page']['median']} s/page beside the floor "
        f"{report['floor_seconds_per_page']['median']} s/page "
        f"({report['floor_pages']} plain pages); peak RSS {peak} MB"
        + (f" (limit {memory_limit} MB)" if memory_limit else "")
    )
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["county", "city", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--floor", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scale == "county":
        _use_county_database()
        _county_tree()
    if args.child:
        from _setup import emit

        emit(child_floor(args.floor) if args.floor else child_bulletin())
        return
    if args.scale == "both":
        for scale in ("county", "city"):
            completed = os.spawnv(
                os.P_WAIT,
                sys.executable,
                [sys.executable, __file__, "--scale", scale, "--rounds", str(args.rounds)],
            )
            if completed:
                raise SystemExit(completed)
        return
    from _setup import print_machine, save_results

    ensure_data(args.scale)
    print_machine()
    report = run(args.scale, args.rounds)
    save_results(f"bulletin-{args.scale}", report)


if __name__ == "__main__":
    main()
