"""Shared plumbing of the benchmarks: Django on the benchmark database, resetting the
member tables, fresh-process measurements (wall time and peak RSS) and summaries.

Every benchmark script imports this module first; it points Django at a *separate*
PostgreSQL database (never the development one): BENCH_DATABASE_URL, whatever DATABASE_URL
says. With `--sqlite` on the command line (or BENCH_ENGINE=sqlite, which child processes
inherit) it uses a separate SQLite file under DATA_DIR instead, migrated on first use — never
the development db.sqlite3.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_DATABASE_URL = "postgres://portal:portal@127.0.0.1:5432/portal_bench"
#: generated files (the 50,000-row .xlsx) live outside the repository
DATA_DIR = Path(os.environ.get("BENCH_DATA_DIR", "/tmp/portal-bench"))

SQLITE_PATH = DATA_DIR / "bench.sqlite3"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if "--sqlite" in sys.argv:
    sys.argv.remove("--sqlite")
    os.environ["BENCH_ENGINE"] = "sqlite"  # inherited by the measured child processes
ON_SQLITE = os.environ.get("BENCH_ENGINE") == "sqlite"
# The benchmarks empty the member tables: they use BENCH_DATABASE_URL (or their own SQLite
# file), never a DATABASE_URL left in the shell for the development database.
if ON_SQLITE:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
else:
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
# Production-like: the personal-data key comes from the environment, as in production (the
# embedded default's key file is read again at every encryption). The development key is
# used, so the benchmark databases stay readable by the portal.
if not os.environ.get("PERSONAL_DATA_KEYS") and (ROOT / ".personal-data-key").exists():
    os.environ["PERSONAL_DATA_KEYS"] = (ROOT / ".personal-data-key").read_text().strip()
# Production-like: DEBUG off (no query log, no debug templates); set DJANGO_DEBUG=true to
# compare.
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

_django_ready = False


def django_setup() -> None:
    global _django_ready
    if _django_ready:
        return
    import django

    django.setup()
    from django.db import connection

    if connection.vendor not in ("postgresql", "sqlite"):
        raise SystemExit(f"The benchmarks measure PostgreSQL or SQLite (now: {connection.vendor}).")
    if "bench" not in Path(str(connection.settings_dict["NAME"])).name:
        raise SystemExit(
            "Refusing to run: the benchmarks empty the member tables, and the database "
            f"“{connection.settings_dict['NAME']}” is not a benchmark database (its name must "
            "contain “bench”)."
        )
    if connection.vendor == "sqlite":
        migrate_if_needed()
    _django_ready = True


def migrate_if_needed() -> None:
    """The benchmark's SQLite file is created and kept migrated here (outside any timing)."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        print(f"migrating {connection.settings_dict['NAME']} …", file=sys.stderr)
        call_command("migrate", verbosity=0, interactive=False)


# --- the member tables ---------------------------------------------------------------------

MEMBER_TABLES = (
    "members_member",
    "members_historicalmember",
    "members_developmentcase",
    "members_historicaldevelopmentcase",
    "members_transfer",
    "members_historicaltransfer",
    "members_duesrecord",
    "members_historicalduesrecord",
    "members_trainingrecord",
    "members_historicaltrainingrecord",
    "portal_exportlog",
)


def reset_members() -> None:
    """Empty the member tables and their history (organisations and users stay)."""
    django_setup()
    from django.db import connection

    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        tables = [t for t in MEMBER_TABLES if t in existing]
        if connection.vendor == "sqlite":
            # Children before parents: SQLite checks the foreign keys of each DELETE.
            for table in reversed(tables):
                cursor.execute(f"DELETE FROM {table}")
            marks = ", ".join(["%s"] * len(tables))
            cursor.execute(f"DELETE FROM sqlite_sequence WHERE name IN ({marks})", tables)
        else:
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    vacuum_members()


def vacuum_members() -> None:
    """Fresh planner statistics, so that runs after a bulk load compare fairly."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
            return
        cursor.execute("VACUUM ANALYZE members_member")
        cursor.execute("VACUUM ANALYZE members_historicalmember")


def member_count() -> int:
    django_setup()
    from members.models import Member

    return Member.objects.count()


# --- measurements --------------------------------------------------------------------------


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Timer:
    def __enter__(self) -> Timer:
        self.start = time.perf_counter()
        self.cpu_start = time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self.start
        self.cpu_seconds = time.process_time() - self.cpu_start


def emit(result: dict) -> None:
    """A fresh child process reports its measurement as the last line of its stdout."""
    result.setdefault("peak_rss_mb", round(peak_rss_mb(), 1))
    result.setdefault("loadavg_1m", os.getloadavg()[0])
    print("RESULT " + json.dumps(result, ensure_ascii=False), flush=True)


def run_child(script: str, *args: str) -> dict:
    """Run `script --child ...` in a fresh interpreter and return its RESULT line."""
    command = [sys.executable, str(BENCH_DIR / script), "--child", *args]
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout[-4000:] + completed.stderr[-4000:])
        raise SystemExit(f"{script} {' '.join(args)} failed (exit {completed.returncode})")
    for line in reversed(completed.stdout.splitlines()):
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT ") :])
            result["process_seconds"] = round(elapsed, 2)
            return result
    raise SystemExit(f"{script} {' '.join(args)} printed no RESULT line")


def summary(values: list[float]) -> dict:
    return {
        "best": round(min(values), 2),
        "median": round(statistics.median(values), 2),
        "worst": round(max(values), 2),
        "runs": len(values),
    }


# --- the machine ---------------------------------------------------------------------------


def machine() -> dict:
    django_setup()
    from django.db import connection

    if connection.vendor == "sqlite":
        import sqlite3

        database = f"SQLite {sqlite3.sqlite_version}"
    else:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
    mem_kb = 0
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    cpu = ""
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    import django
    import import_export
    import openpyxl

    return {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="minutes"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "database": database,
        "python": platform.python_version(),
        "django": django.__version__,
        "django_import_export": import_export.__version__,
        "openpyxl": openpyxl.__version__,
        "loadavg": [round(x, 2) for x in os.getloadavg()],
    }


def print_machine() -> None:
    info = machine()
    print(
        f"# {info['date']}  nproc={info['nproc']} ({info['cpu']})  RAM={info['ram_gb']} GB  "
        f"{info['database']}  Python {info['python']}  Django {info['django']}  "
        f"import-export {info['django_import_export']}  openpyxl {info['openpyxl']}  "
        f"load={info['loadavg']}"
    )


def save_results(name: str, payload: dict) -> Path:
    """Raw figures of the last run, next to the generated data (not in the repository)."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / f"results-{name}{'-sqlite' if ON_SQLITE else ''}.json"
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2))
    return path
