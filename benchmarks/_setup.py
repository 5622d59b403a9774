"""Shared plumbing of the benchmarks: Django on the benchmark database, resetting the
member tables, fresh-process measurements (wall time and peak RSS) and summaries.

Every benchmark script imports this module first; it points Django at a *separate*
PostgreSQL database (never the development one) unless DATABASE_URL says otherwise.
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

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
# The benchmarks TRUNCATE the member tables: they use BENCH_DATABASE_URL, never a
# DATABASE_URL left in the shell for the development database.
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
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

    if connection.vendor != "postgresql":
        raise SystemExit(
            "The benchmarks measure PostgreSQL; set DATABASE_URL=postgres://... "
            f"(now: {connection.vendor})."
        )
    if "bench" not in connection.settings_dict["NAME"]:
        raise SystemExit(
            "Refusing to run: the benchmarks empty the member tables, and the database "
            f"“{connection.settings_dict['NAME']}” is not a benchmark database (its name must "
            "contain “bench”)."
        )
    _django_ready = True


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
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    vacuum_members()


def vacuum_members() -> None:
    """Fresh planner statistics, so that runs after a bulk load compare fairly."""
    from django.db import connection

    with connection.cursor() as cursor:
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

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
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
        "postgresql": pg_version,
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
        f"PostgreSQL {info['postgresql']}  Python {info['python']}  Django {info['django']}  "
        f"import-export {info['django_import_export']}  openpyxl {info['openpyxl']}  "
        f"load={info['loadavg']}"
    )


def save_results(name: str, payload: dict) -> Path:
    """Raw figures of the last run, next to the generated data (not in the repository)."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / f"results-{name}.json"
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2))
    return path
