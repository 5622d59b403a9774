"""The funding page `/funding/` for a city-sized tree: ~2,000 organisations, 20,000 fund
records.

    python benchmarks/funding_page.py [--lines 20000] [--repeat 7] [--rounds 2] [--explain]

Uses the benchmark tree of generate_members.py (created with the orgs import if missing),
and loads --lines fund lines over three years (this year and the two before) with plain
bulk_create when the table does not hold exactly that many — one instalment per paid line,
so `disbursed` is the sum of instalments as the services keep it —, the previous year's
fiscal revenue of the county and payrolls for half of the organ branches. Then it drives
the page with Django's test Client as county staff (the whole tree) and as township staff,
and measures the server time of each request (middleware, session, view, template) and
its number of queries.

Scenarios: the county this year (after the third quarter every lagging line is a warning),
last year, a township, a village, and a line's page.
"""

from __future__ import annotations

import argparse
import datetime
import random
import statistics
from decimal import Decimal

from _setup import django_setup, print_machine, save_results, summary
from member_list import TIME_LIMIT_MS, explain, measure

COUNTY_USER = "bench_county_staff"
TOWNSHIP_USER = "bench_township_staff"
TOWNSHIP_CODE = "BX-T05"
VILLAGE_CODE = "BX-T05-V010"
LINE_PREFIX = "BF"
# (category, source, budget range in 元) of the lines an organisation typically gets.
LINE_KINDS = (
    ("work", "fiscal", (60_000, 160_000)),
    ("activity", "dues_return", (2_000, 20_000)),
    ("cadre_pay", "fiscal", (30_000, 60_000)),
    ("education", "fiscal", (3_000, 15_000)),
    ("venue", "fiscal", (100_000, 600_000)),
    ("hardship", "dues_return", (1_000, 8_000)),
    ("economy", "enterprise", (50_000, 200_000)),
    ("other", "donation", (1_000, 30_000)),
)


def ensure_schema() -> None:
    """The funding tables in the benchmark database (a no-op once migrated)."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def load_lines(count: int, this_year: int) -> None:
    from django.db import connection, transaction

    from funding.models import Disbursement, FiscalRevenue, FundLine, Payroll
    from orgs.models import Organization

    rng = random.Random(4)
    orgs = list(Organization.objects.order_by("path").values_list("id", "domain", "level"))
    years = (this_year - 2, this_year - 1, this_year)
    with connection.cursor() as cursor:
        # Bench data only: no history rows to keep (bulk_create writes none either).
        cursor.execute("TRUNCATE funding_disbursement, funding_fundline RESTART IDENTITY CASCADE")
    with transaction.atomic():
        lines, paid = [], []
        for i in range(count):
            org_id, domain, _level = orgs[i % len(orgs)]
            year = years[i * len(years) // count]
            category, source, (low, high) = LINE_KINDS[(i // len(orgs)) % len(LINE_KINDS)]
            if domain == "organ" and category == "work":
                category, source = "activity", "employer"
            budget = Decimal(rng.randrange(low, high, 100))
            share = rng.choice((0, 0.3, 0.5, 0.8, 1, 1, 1)) if year < this_year else rng.random()
            disbursed = (budget * Decimal(str(share))).quantize(Decimal("0.01"))
            lines.append(
                FundLine(
                    code=f"{LINE_PREFIX}{year}-{i:06d}",
                    year=year,
                    organization_id=org_id,
                    category=category,
                    source=source,
                    budget=budget,
                    disbursed=disbursed,
                )
            )
        FundLine.objects.bulk_create(lines, batch_size=5000)
        ids = dict(FundLine.objects.values_list("code", "id"))
        for line in lines:
            if line.disbursed:
                paid_on = datetime.date(line.year, 3, 15)
                paid.append(
                    Disbursement(fund_id=ids[line.code], amount=line.disbursed, paid_on=paid_on)
                )
        Disbursement.objects.bulk_create(paid, batch_size=5000)
        root = Organization.objects.get(depth=1)
        FiscalRevenue.objects.update_or_create(
            organization=root, year=this_year - 1, defaults={"revenue": Decimal("180000")}
        )
        organs = list(
            Organization.objects.filter(domain="organ", level="other").values_list("id", flat=True)
        )
        Payroll.objects.filter(year=this_year).delete()
        Payroll.objects.bulk_create(
            Payroll(organization_id=pk, year=this_year, amount=Decimal("1200000"))
            for pk in organs[::2]
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE funding_fundline")
        cursor.execute("VACUUM ANALYZE funding_disbursement")
    print(f"fund lines: {count} loaded ({len(paid)} instalments)")


def ensure_data(count: int, this_year: int) -> None:
    from generate_members import ensure_tree

    from funding.models import FundLine

    ensure_schema()
    ensure_tree()
    if FundLine.objects.filter(code__startswith=LINE_PREFIX).count() != count:
        load_lines(count, this_year)


def ensure_users():
    from generate_members import ROOT_CODE

    from accounts.services import grant

    county = grant(username=COUNTY_USER, org_code=ROOT_CODE, role="staff").user
    township = grant(username=TOWNSHIP_USER, org_code=TOWNSHIP_CODE, role="staff").user
    return county, township


def scenarios(this_year: int, line_code: str) -> list[tuple[str, str]]:
    return [
        ("this year (default)", ""),
        ("last year", f"?year={this_year - 1}"),
        (f"township {TOWNSHIP_CODE}", f"?org={TOWNSHIP_CODE}&year={this_year}"),
        (f"village {VILLAGE_CODE}", f"?org={VILLAGE_CODE}&year={this_year}"),
        ("a line's page", f"lines/{line_code}/"),
    ]


def run(count: int, repeat: int, rounds: int, show_explain: bool) -> dict:
    django_setup()
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from funding.models import FundLine
    from orgs.models import Organization

    print_machine()
    this_year = timezone.localdate().year
    ensure_data(count, this_year)
    county, township = ensure_users()
    village = Organization.objects.get(code=VILLAGE_CODE)
    line_code = FundLine.objects.filter(organization=village, year=this_year).first().code
    base = reverse("funding:index")
    print(
        f"{Organization.objects.count()} organisations, {FundLine.objects.count()} fund lines "
        f"({FundLine.objects.filter(year=this_year).count()} in {this_year})"
    )
    results: dict[str, dict[str, dict]] = {}
    for user in (county, township):
        client = Client()
        client.force_login(user)
        print(f"\n{user.username}")
        per_user = results.setdefault(user.username, {})
        for label, query in scenarios(this_year, line_code):
            url = base + query
            runs = [measure(client, url, repeat) for _ in range(rounds)]
            times = [t for r in runs for t in r["times_ms"]]
            counts = sorted({r["queries"] for r in runs})
            figure = {
                "url": url,
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
                f"  {mark} {label:28s} median {figure['ms']['median']:7.1f} ms  "
                f"best {figure['ms']['best']:7.1f}  cold {figure['cold_ms']:7.1f}  "
                f"queries {figure['queries']}  (db {figure['db_ms_last']} ms; slowest query "
                f"{figure['slowest'][0]['ms']} ms)"
            )
            if show_explain and figure["slowest"]:
                print(figure["slowest"][0]["sql"])
                print(explain(figure["slowest"][0]["sql"]))
    worst = max(f["ms"]["median"] for per in results.values() for f in per.values())
    page_counts = {
        f["queries"] if isinstance(f["queries"], int) else max(f["queries"])
        for per in results.values()
        for label, f in per.items()
        if label != "a line's page"
    }
    verdict = {
        f"every scenario ≤ {TIME_LIMIT_MS:.0f} ms (median)": worst <= TIME_LIMIT_MS,
        "the overview's queries do not depend on the subtree's size": max(page_counts)
        - min(page_counts)
        <= 1,
    }
    print(f"\noverview query counts seen: {sorted(page_counts)}; slowest median {worst:.1f} ms")
    for label, ok in verdict.items():
        print(f"{'MET ' if ok else 'MISS'} {label}")
    payload = {
        "date": datetime.datetime.now().isoformat(timespec="minutes"),
        "lines": count,
        "results": results,
        "verdict": verdict,
        "median_of_medians_ms": statistics.median(
            f["ms"]["median"] for per in results.values() for f in per.values()
        ),
    }
    print(f"raw figures: {save_results('funding-page', payload)}")
    return payload


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    run(args.lines, args.repeat, args.rounds, args.explain)


if __name__ == "__main__":
    main()
