"""Export of the 50,000 imported members to .xlsx, against its floor.

    python benchmarks/members_export.py [--rounds 2] [--rows 50000]

Each measurement runs in a fresh interpreter:

    floor    Member.objects.values_list(<the 15 exported columns>) in the export's order,
             written with openpyxl in write-only mode to a file
    export   exactly `manage.py export_data members --format xlsx --out FILE`:
             portal.exporting.export_file("members", "xlsx") and writing the bytes to FILE

The roster must hold the benchmark file's rows; when it does not, they are loaded first
(openpyxl + bulk_create, as in the import floor). `--profile export` runs one export under
cProfile.
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import sys

from _setup import (
    DATA_DIR,
    Timer,
    django_setup,
    emit,
    member_count,
    print_machine,
    reset_members,
    run_child,
    save_results,
    summary,
)

MODES = ("floor", "export")
WALL_LIMIT = 20.0
FLOOR_FACTOR = 2.0
COLUMNS = (
    "name",
    "id_number",
    "gender",
    "ethnicity",
    "birth_date",
    "education",
    "category",
    "joined_on",
    "confirmed_on",
    "organization__code",
    "job",
    "phone",
    "is_mobile",
    "mobile_destination",
    "is_in_hardship",
)


def floor() -> dict:
    from generate_members import HEADERS
    from openpyxl import Workbook

    from members.models import Member

    out = DATA_DIR / "export-floor.xlsx"
    with Timer() as timer:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("members")
        sheet.append(HEADERS)
        rows = 0
        queryset = Member.objects.order_by("organization__path", "name", "pk").values_list(*COLUMNS)
        for row in queryset.iterator(chunk_size=2000):
            sheet.append(row)
            rows += 1
        workbook.save(out)
    return {
        "seconds": round(timer.seconds, 2),
        "cpu_seconds": round(timer.cpu_seconds, 2),
        "rows": rows,
        "bytes": out.stat().st_size,
    }


def export_under_test() -> dict:
    from portal.exporting import export_file

    out = DATA_DIR / "export.xlsx"
    with Timer() as timer:
        content, rows = export_file("members", "xlsx")
        out.write_bytes(content)
    return {
        "seconds": round(timer.seconds, 2),
        "cpu_seconds": round(timer.cpu_seconds, 2),
        "rows": rows,
        "bytes": len(content),
    }


def child(mode: str, profile: bool) -> None:
    django_setup()
    work = floor if mode == "floor" else export_under_test
    if not profile:
        result = work()
    else:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        result = profiler.runcall(work)
        out = DATA_DIR / f"export-{mode}.prof"
        profiler.dump_stats(out)
        stats = pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime")
        stats.print_stats(30)
        stats.sort_stats("cumulative").print_stats(40)
        print(f"profile written to {out}", file=sys.stderr)
    result["mode"] = mode
    emit(result)


def ensure_roster(rows: int) -> None:
    from generate_members import ensure_tree, xlsx_path

    ensure_tree()
    path = xlsx_path(rows)
    if member_count() != rows:
        reset_members()
        result = run_child("members_import.py", "floor", str(path))
        print(f"loaded {result['rows']} members from {path} in {result['seconds']} s")
        from _setup import vacuum_members

        vacuum_members()


def orchestrate(rounds: int, rows: int) -> dict:
    django_setup()
    print_machine()
    ensure_roster(rows)
    runs: dict[str, list[dict]] = {m: [] for m in MODES}
    ratios = []
    for number in range(1, rounds + 1):
        for mode in MODES:
            result = run_child("members_export.py", mode)
            if result["rows"] != rows:
                raise SystemExit(f"{mode} wrote {result['rows']} rows, expected {rows}")
            runs[mode].append(result)
            print(
                f"round {number} {mode:6s} {result['seconds']:6.2f} s  "
                f"(cpu {result['cpu_seconds']:6.2f} s)  "
                f"peak RSS {result['peak_rss_mb']:6.1f} MB  load {result['loadavg_1m']:.2f}"
            )
        ratios.append(runs["export"][-1]["seconds"] / runs["floor"][-1]["seconds"])
    figures = {
        mode: {
            "seconds": summary([r["seconds"] for r in results]),
            "peak_rss_mb": summary([r["peak_rss_mb"] for r in results]),
        }
        for mode, results in runs.items()
    }
    figures["export/floor"] = summary(ratios)
    verdict = {
        f"export ≤ {WALL_LIMIT:.0f} s (median)": figures["export"]["seconds"]["median"]
        <= WALL_LIMIT,
        f"export ≤ {FLOOR_FACTOR:.0f}× floor (median ratio)": statistics.median(ratios)
        <= FLOOR_FACTOR,
    }
    print()
    for mode in MODES:
        s, m = figures[mode]["seconds"], figures[mode]["peak_rss_mb"]
        print(
            f"{mode:6s} best {s['best']:6.2f} s  median {s['median']:6.2f} s  "
            f"peak RSS median {m['median']:6.1f} MB"
        )
    r = figures["export/floor"]
    print(f"export/floor ratio: best {r['best']:.2f}  median {r['median']:.2f}")
    for label, ok in verdict.items():
        print(f"{'MET ' if ok else 'MISS'} {label}")
    payload = {
        "date": datetime.datetime.now().isoformat(timespec="minutes"),
        "rows": rows,
        "runs": runs,
        "figures": figures,
        "verdict": verdict,
    }
    print(f"raw figures: {save_results('export', payload)}")
    return payload


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--child", nargs=1, metavar="MODE", help=argparse.SUPPRESS)
    parser.add_argument("--profile", choices=MODES, help="run MODE once under cProfile")
    args = parser.parse_args()
    if args.child:
        child(args.child[0], profile=False)
    elif args.profile:
        django_setup()
        ensure_roster(args.rows)
        child(args.profile, profile=True)
    else:
        orchestrate(args.rounds, args.rows)


if __name__ == "__main__":
    main()
