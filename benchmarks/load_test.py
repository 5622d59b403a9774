"""Load test: 50 concurrent users of a realistic mix against gunicorn on 127.0.0.1
with PostgreSQL and Redis, over the city data set of `seed_demo --scale city`.

    .venv/bin/pip install -e '.[load]'          # locust
    .venv/bin/python benchmarks/load_test.py    # ~3 min, plus ~15 min once to seed the city

Steps:
1. the database: `LOAD_DATABASE_URL` (default `…/portal_load_bench` on the benchmark
   server) is created when missing, migrated and seeded with `seed_demo --scale city`
   (idempotent: a second run adds nothing). The city needs a database of its own: the
   portal has one root organisation, and the member and funding benchmarks TRUNCATE
   their tables in `portal_bench`. The name must contain "bench"; the development
   database `portal` is never touched.
2. gunicorn with the production settings (DEBUG off; TLS-only cookies and redirects
   switched off because the test speaks plain HTTP on 127.0.0.1) and Redis db 1
   (`LOAD_REDIS_URL`) as cache and broker, off the tests' db 0.
3. locust headless (benchmarks/load/locustfile.py): `--users` (50) at `--spawn-rate`
   (5/s, so 10 s of ramp-up) for `--duration` (180 s in all), then gunicorn stops.
4. results: p50/p95/p99, requests/s and failures per endpoint and in total, the ratio of
   the list-saving POST to `/healthz` (the floor), the verdict against the target
   (p95 ≤ 500 ms, zero errors) — printed as a Markdown table and written to
   BENCH_DATA_DIR (/tmp/portal-bench) as results-load.json and load-report.md, with
   locust's own CSV files.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import math
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("BENCH_DATA_DIR", "/tmp/portal-bench"))
DEFAULT_DATABASE_URL = "postgres://portal:portal@127.0.0.1:5432/portal_load_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/1"
P95_TARGET_MS = 500
SAVE = "/checklists/[pk]/ POST (save list)"
ALL = "all requests"
MIX = "all requests except the logins"
#: the steady state starts this long after the last user was spawned (its login done)
STEADY_AFTER_RAMP_S = 20
FLOOR = "/healthz (floor)"
PYTHON = sys.executable
BIN = Path(sys.executable).parent


def database_url() -> str:
    url = os.environ.get("LOAD_DATABASE_URL", DEFAULT_DATABASE_URL)
    name = url.rsplit("/", 1)[1]
    if "bench" not in name:
        raise SystemExit(f"Refusing to load-test “{name}”: its name must contain “bench”.")
    return url


def ensure_database(url: str) -> None:
    """CREATE DATABASE when missing (the benchmark role may create databases)."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not exists.fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def bench_personal_data_key() -> str:
    sys.path.insert(0, str(ROOT))
    from core.encryption import development_key

    return development_key(ROOT / ".personal-data-key")


def django_env(url: str, redis_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        REDIS_URL=redis_url,
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(48),
        # the key the city was seeded with (the embedded run's own, made once)
        PERSONAL_DATA_KEYS=bench_personal_data_key(),
        DJANGO_DEBUG="false",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        # plain HTTP on the loopback: no TLS-only cookies, redirects or HSTS
        DJANGO_SECURE_COOKIES="false",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_HSTS_SECONDS="0",
        DJANGO_HSTS_PRELOAD="false",
        # no proxy in front: throttling sees the client address itself
        AXES_PROXY_COUNT="0",
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    started = time.perf_counter()
    subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], env=env, check=True, cwd=ROOT)
    print(f"manage.py {' '.join(args)}: {time.perf_counter() - started:.0f} s", flush=True)


def vacuum(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


def free_port(preferred: int) -> int:
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", preferred)) != 0:
            return preferred
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(env: dict[str, str], port: int, workers: int, threads: int) -> subprocess.Popen:
    log = open(DATA_DIR / "load-gunicorn.log", "w")  # noqa: SIM115 - closed with the process
    command = [
        str(BIN / "gunicorn"),
        "config.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--timeout",
        "60",
        "--access-logfile",
        "-",
        "--access-logformat",
        "%(m)s %(U)s %(s)s %(M)sms",
    ]
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as reply:
                if reply.status == 200:
                    return process
        except OSError:
            time.sleep(0.5)
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited ({process.returncode}); see load-gunicorn.log")
    stop(process)
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # graceful: the workers finish their requests
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def warm_up(port: int) -> None:
    """One request to each worker's imports before the clock starts."""
    for _ in range(8):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=10):
            pass


def run_locust(args, port: int, secretaries: int) -> Path:
    prefix = DATA_DIR / "load"
    samples = DATA_DIR / "load-samples.tsv"
    samples.unlink(missing_ok=True)
    env = dict(os.environ)
    env.update(LOAD_SECRETARIES=str(secretaries), LOAD_WAIT_MIN=str(args.wait_min))
    env["LOAD_SAMPLES"] = str(samples)
    env["LOAD_WAIT_MAX"] = str(args.wait_max)
    command = [
        str(BIN / "locust"),
        "-f",
        str(BENCH_DIR / "load" / "locustfile.py"),
        "--headless",
        "--host",
        f"http://127.0.0.1:{port}",
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.spawn_rate),
        "--run-time",
        f"{args.duration}s",
        "--stop-timeout",
        "10",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    # exit code 1 means "some requests failed": the report says which
    subprocess.run(command, env=env, cwd=ROOT, check=False)
    return prefix


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile of sorted `values`."""
    rank = max(1, math.ceil(share * len(values)))
    return values[rank - 1]


def summarise(name: str, method: str, rows: list[tuple[float, int]], seconds: float) -> dict:
    times = sorted(ms for ms, _failed in rows)
    return {
        "method": method,
        "name": name,
        "requests": len(rows),
        "failures": sum(failed for _ms, failed in rows),
        "p50_ms": round(percentile(times, 0.50), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "p99_ms": round(percentile(times, 0.99), 1),
        "mean_ms": round(statistics.fmean(times), 1),
        "max_ms": round(times[-1], 1),
        "rps": round(len(rows) / seconds, 2),
    }


def read_stats(since: float = 0.0) -> tuple[list[dict], list[dict]]:
    """Exact percentiles per endpoint from every request's time (load-samples.tsv), plus
    all requests and the mix without the logins: for the whole run, and for the steady
    state from `since` (epoch seconds) on — after the ramp-up, whose 50 logins (each a
    deliberately slow password hash) arrive within seconds of each other."""
    rows = []
    with open(DATA_DIR / "load-samples.tsv") as handle:
        for line in handle:
            at, method, name, ms, failed = line.rstrip("\n").split("\t")
            rows.append((float(at), method, name, float(ms), int(failed)))
    rows.sort()
    return _stats(rows), _stats([row for row in rows if row[0] >= since])


def _stats(rows: list[tuple]) -> list[dict]:
    if not rows:
        return []
    seconds = max(1.0, rows[-1][0] - rows[0][0])
    groups: dict[tuple[str, str], list[tuple[float, int]]] = {}
    for _at, method, name, ms, failed in rows:
        groups.setdefault((method, name), []).append((ms, failed))
    stats = [summarise(n, m, group, seconds) for (m, n), group in groups.items()]
    stats.append(summarise(ALL, "", [(r[3], r[4]) for r in rows], seconds))
    mix = [(r[3], r[4]) for r in rows if not r[2].startswith("login")]
    if mix:
        stats.append(summarise(MIX, "", mix, seconds))
    return stats


def read_failures(prefix: Path) -> list[dict]:
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def report(stats: list[dict], failures: list[dict], meta: dict, title: str) -> str:
    by_name = {s["name"]: s for s in stats}
    total = by_name.get(MIX, {})
    lines = [
        f"### {title}",
        "",
        f"{meta['date']}: {meta['users']} users (spawn {meta['spawn_rate']}/s), "
        f"{meta['duration_s']} s, think time {meta['wait']} s, gunicorn {meta['workers']} "
        f"workers × {meta['threads']} threads, load average before/after "
        f"{meta['load_before']} / {meta['load_after']} (nproc {meta['nproc']}).",
        "",
        "| endpoint | requests | failures | p50 ms | p95 ms | p99 ms | req/s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for s in sorted(stats, key=lambda s: (s["name"] in (ALL, MIX), -s["requests"])):
        name = f"**{s['name']}**" if s["name"] in (ALL, MIX) else f"{s['method']} {s['name']}"
        lines.append(
            f"| {name} | {s['requests']} | {s['failures']} | {s['p50_ms']:.0f} | "
            f"{s['p95_ms']:.0f} | {s['p99_ms']:.0f} | {s['rps']} |"
        )
    save, floor = by_name.get(SAVE), by_name.get(FLOOR)
    if save and floor and floor["p50_ms"] and floor["p95_ms"]:
        lines += [
            "",
            f"Floor: saving a list vs `/healthz` under the same load — p50 "
            f"{save['p50_ms']:.0f} / {floor['p50_ms']:.0f} ms = "
            f"**{save['p50_ms'] / floor['p50_ms']:.1f}×**, p95 {save['p95_ms']:.0f} / "
            f"{floor['p95_ms']:.0f} ms = **{save['p95_ms'] / floor['p95_ms']:.1f}×**.",
        ]
    if total:
        met = total["p95_ms"] <= P95_TARGET_MS and by_name[ALL]["failures"] == 0
        worst = [
            s["name"] for s in stats if s["name"] not in (ALL, MIX) and s["p95_ms"] > P95_TARGET_MS
        ]
        lines += [
            "",
            f"Target p95 ≤ {P95_TARGET_MS} ms and zero errors: **{'met' if met else 'missed'}** "
            f"(all requests but the logins: p95 {total['p95_ms']:.0f} ms, "
            f"{by_name[ALL]['failures']} failures in all"
            + (f"; endpoints above the target: {', '.join(worst)}" if worst else "")
            + ").",
        ]
    if failures:
        lines += ["", "Failures:"]
        lines += [
            f"- {f['Method']} {f['Name']}: {f['Error']} ×{f['Occurrences']}" for f in failures
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--duration", type=int, default=180, help="seconds, ramp-up included")
    parser.add_argument("--wait-min", type=float, default=2, help="think time, seconds")
    parser.add_argument("--wait-max", type=float, default=6)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--port", type=int, default=8871)
    parser.add_argument("--secretaries", type=int, default=200, help="load secretary accounts")
    parser.add_argument("--orgs", type=int, default=2000, help="size of the city (seed_demo)")
    parser.add_argument("--members", type=int, default=500_000, help="size of the city")
    parser.add_argument("--skip-seed", action="store_true", help="the data set is in place")
    args = parser.parse_args()
    if args.duration > 600 or args.users > 200:
        raise SystemExit("Bounded run: at most 600 s and 200 users.")

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    url = database_url()
    redis_url = os.environ.get("LOAD_REDIS_URL", DEFAULT_REDIS_URL)
    env = django_env(url, redis_url)
    if not args.skip_seed:
        ensure_database(url)
        manage(env, "migrate", "--noinput", "-v0")
        manage(
            env,
            "seed_demo",
            "--scale=city",
            "--force",
            f"--orgs={args.orgs}",
            f"--members={args.members}",
            f"--secretaries={args.secretaries}",
        )
        vacuum(url)
    port = free_port(args.port)
    load_before = round(os.getloadavg()[0], 2)
    server = start_gunicorn(env, port, args.workers, args.threads)
    try:
        warm_up(port)
        started = datetime.datetime.now().astimezone()
        prefix = run_locust(args, port, args.secretaries)
    finally:
        stop(server)
    meta = {
        "date": started.isoformat(timespec="minutes"),
        "users": args.users,
        "spawn_rate": args.spawn_rate,
        "duration_s": args.duration,
        "wait": f"{args.wait_min:g}–{args.wait_max:g}",
        "workers": args.workers,
        "threads": args.threads,
        "load_before": load_before,
        "load_after": round(os.getloadavg()[0], 2),
        "nproc": os.cpu_count(),
        "database": url.rsplit("/", 1)[1],
        "redis": redis_url,
    }
    steady_from = started.timestamp() + args.users / args.spawn_rate + STEADY_AFTER_RAMP_S
    whole, steady = read_stats(steady_from)
    failures = read_failures(prefix)
    text = (
        report(whole, failures, meta, "Whole run (ramp-up and logins included)")
        + "\n\n"
        + report(steady, [], meta, f"Steady state (from {STEADY_AFTER_RAMP_S} s after the ramp-up)")
    )
    stats = {"whole": whole, "steady": steady}
    (DATA_DIR / "results-load.json").write_text(
        json.dumps(
            {"meta": meta, "stats": stats, "failures": failures}, ensure_ascii=False, indent=2
        )
    )
    (DATA_DIR / "load-report.md").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
