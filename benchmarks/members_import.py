"""Import of 50,000 members from one .xlsx, against its floor.

    python benchmarks/members_import.py [--sqlite] [--rounds 2] [--rows 50000]

PostgreSQL (BENCH_DATABASE_URL) by default; `--sqlite` runs on a separate SQLite file under
the benchmarks' data directory (the embedded default's engine, with its settings).
Each measurement runs in a fresh interpreter, so its peak RSS is its own. One round:

    floor     "calamine read-and-insert": python-calamine reading of the file + plain
              Member.objects.bulk_create (batches of 1,000, one transaction; no validation,
              no history)
    dry-run   the import under test with --dry-run, into an empty roster
    import    exactly `manage.py import_data members FILE`: core.tables.read_table +
              members.resources.roster.MemberResource(user=None) + core.importing.run_import
    reimport  the same file again: every row unchanged, nothing may be written

Times are the work itself (reading the file to commit), without interpreter and Django
start-up (reported separately as process_seconds). `--profile MODE` runs one measurement
under cProfile and prints the 30 most expensive functions.
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import sys
from pathlib import Path

from _setup import (
    Timer,
    django_setup,
    emit,
    machine,
    member_count,
    print_machine,
    reset_members,
    run_child,
    save_results,
    summary,
)

MODES = ("floor", "dry-run", "import", "reimport")
#: the targets: the import within 10× the floor and 8 s, the re-import within 4 s, a dry
#: run no slower than the import, peak memory within 400 MB
WALL_LIMIT = 8.0
REIMPORT_LIMIT = 4.0
RSS_LIMIT_MB = 400.0
FLOOR_FACTOR = 10.0


def history_rows() -> int:
    from members.models import Member

    return Member.history.count()


def floor(path: Path) -> dict:
    """The least any importer must do: read the cells, write the rows."""
    from django.db import transaction
    from generate_members import member_objects
    from python_calamine import CalamineWorkbook

    from members.models import Member
    from orgs.models import Organization

    with Timer() as timer:
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        headers = rows[0]
        records = (dict(zip(headers, r, strict=False)) for r in rows[1:])
        orgs_by_code = dict(Organization.objects.values_list("code", "pk"))
        objects = list(member_objects(records, orgs_by_code))
        with transaction.atomic():
            Member.objects.bulk_create(objects, batch_size=1000)
    return {
        "seconds": round(timer.seconds, 2),
        "cpu_seconds": round(timer.cpu_seconds, 2),
        "rows": len(objects),
    }


def import_under_test(path: Path, *, dry_run: bool) -> dict:
    """What `manage.py import_data members FILE [--dry-run]` does, step by step."""
    from core.importing import run_import
    from core.tables import read_table
    from members.models import Member
    from members.resources.roster import MemberResource

    history_before = history_rows()
    with Timer() as timer:
        with Timer() as read:
            dataset = read_table(path.read_bytes(), path.name)
        resource = MemberResource(user=None, source=path.name)
        report = run_import(resource, dataset, dry_run=dry_run)
    if not report.ok:
        raise SystemExit("\n".join(str(e) for e in report.errors[:20]))
    return {
        "seconds": round(timer.seconds, 2),
        "read_table_seconds": round(read.seconds, 2),
        "cpu_seconds": round(timer.cpu_seconds, 2),
        "rows": report.total,
        "new": report.new,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "members_after": Member.objects.count(),
        "history_rows_written": history_rows() - history_before,
        "summary": report.summary(),
    }


def child(mode: str, path: Path, profile: bool) -> None:
    django_setup()

    def work() -> dict:
        if mode == "floor":
            return floor(path)
        return import_under_test(path, dry_run=mode == "dry-run")

    if not profile:
        result = work()
    else:
        import cProfile
        import pstats

        from _setup import DATA_DIR

        profiler = cProfile.Profile()
        result = profiler.runcall(work)
        out = DATA_DIR / f"import-{mode}.prof"
        profiler.dump_stats(out)
        stats = pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime")
        stats.print_stats(30)
        stats.sort_stats("cumulative").print_stats(40)
        print(f"profile written to {out}", file=sys.stderr)
    result["mode"] = mode
    emit(result)


def check(mode: str, result: dict, rows: int) -> None:
    """A measurement only counts if the import did what it should."""
    expected = {
        "floor": {"rows": rows},
        "dry-run": {"new": rows, "members_after": 0, "history_rows_written": 0},
        "import": {"new": rows, "members_after": rows, "history_rows_written": rows},
        "reimport": {"unchanged": rows, "members_after": rows, "history_rows_written": 0},
    }[mode]
    wrong = {k: (result.get(k), v) for k, v in expected.items() if result.get(k) != v}
    if wrong:
        raise SystemExit(f"{mode}: unexpected outcome {wrong}")


def orchestrate(rounds: int, rows: int) -> dict:
    from generate_members import ensure_tree, xlsx_path

    django_setup()
    print_machine()
    ensure_tree()
    path = xlsx_path(rows)
    runs: dict[str, list[dict]] = {m: [] for m in MODES}
    ratios = []
    for number in range(1, rounds + 1):
        for mode in MODES:
            if mode in ("floor", "dry-run"):
                reset_members()
            result = run_child("members_import.py", mode, str(path))
            check(mode, result, rows)
            runs[mode].append(result)
            print(
                f"round {number} {mode:9s} {result['seconds']:6.2f} s  "
                f"(cpu {result['cpu_seconds']:6.2f} s)  peak RSS {result['peak_rss_mb']:6.1f} MB  "
                f"load {result['loadavg_1m']:.2f}"
                + (
                    f"  (read_table {result['read_table_seconds']:.2f} s)"
                    if "read_table_seconds" in result
                    else ""
                )
            )
        ratios.append(runs["import"][-1]["seconds"] / runs["floor"][-1]["seconds"])
    assert member_count() == rows
    figures = {
        mode: {
            "seconds": summary([r["seconds"] for r in results]),
            "peak_rss_mb": summary([r["peak_rss_mb"] for r in results]),
        }
        for mode, results in runs.items()
    }
    figures["import/floor"] = summary(ratios)
    best_import = figures["import"]["seconds"]["best"]
    median = {mode: figures[mode]["seconds"]["median"] for mode in MODES}
    worst_rss = max(figures[mode]["peak_rss_mb"]["worst"] for mode in MODES if mode != "floor")
    verdict = {
        f"import ≤ {WALL_LIMIT:.0f} s (median)": median["import"] <= WALL_LIMIT,
        f"import ≤ {FLOOR_FACTOR:.0f}× floor (median ratio)": statistics.median(ratios)
        <= FLOOR_FACTOR,
        f"reimport ≤ {REIMPORT_LIMIT:.0f} s (median)": median["reimport"] <= REIMPORT_LIMIT,
        "dry-run ≤ import (median)": median["dry-run"] <= median["import"],
        f"peak RSS ≤ {RSS_LIMIT_MB:.0f} MB (worst of all imports)": worst_rss <= RSS_LIMIT_MB,
    }
    print()
    for mode in MODES:
        s, m = figures[mode]["seconds"], figures[mode]["peak_rss_mb"]
        print(
            f"{mode:9s} best {s['best']:6.2f} s  median {s['median']:6.2f} s  "
            f"peak RSS median {m['median']:6.1f} MB (worst {m['worst']:.1f})"
        )
    r = figures["import/floor"]
    print(f"import/floor ratio: best {r['best']:.2f}  median {r['median']:.2f}")
    print(f"import best {best_import:.2f} s")
    for label, ok in verdict.items():
        print(f"{'MET ' if ok else 'MISS'} {label}")
    payload = {
        "date": datetime.datetime.now().isoformat(timespec="minutes"),
        "machine": machine(),
        "rows": rows,
        "runs": runs,
        "figures": figures,
        "verdict": verdict,
    }
    print(f"raw figures: {save_results('import', payload)}")
    return payload


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--rows", type=int, default=50_000)
    # Read (and removed from argv) by _setup on import; listed here for --help.
    parser.add_argument("--sqlite", action="store_true", help="a separate SQLite file")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "FILE"), help=argparse.SUPPRESS)
    parser.add_argument(
        "--profile", choices=MODES, help="run MODE once under cProfile (needs the right data)"
    )
    args = parser.parse_args()
    if args.child:
        mode, file = args.child
        child(mode, Path(file), profile=bool(args.profile))
    elif args.profile:
        from generate_members import ensure_tree, xlsx_path

        django_setup()
        ensure_tree()
        path = xlsx_path(args.rows)
        if args.profile in ("floor", "dry-run", "import"):
            reset_members()
        child(args.profile, path, profile=True)
    else:
        orchestrate(args.rounds, args.rows)


if __name__ == "__main__":
    main()
