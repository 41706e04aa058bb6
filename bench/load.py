"""backcare load benchmark: a workday with Locust at 50, 100 and 200 people.

    python bench/load.py [--people 50,100,200] [--seconds 20] [--postgres URL] [--write]

For each stack (backcare serve on SQLite; with --postgres, two app processes
on PostgreSQL) it makes demo people (`backcare demo`), gives each a one-time
sign-in link, starts the server(s) and a worker, and runs Locust headless
(bench/locustfile.py). It prints requests per second, p50/p95/p99 latency,
errors and the resident memory of the servers plus the worker, and beside
them the same stack serving a bare view as the ceiling. With --write the
figures go to bench/RESULTS.md with the machine and the date. A script, not a
test: figures on a shared machine vary.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import importlib.util
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from run import (
    free_port,
    kill_tree,
    login_path,
    pss_mb,
    record,
    rss_mb,
    session_cookie,
    start_serve,
    wait_healthy,
)

HERE = Path(__file__).resolve().parent
BACKCARE = [sys.executable, "-m", "backcare"]
TARGETS = "p99 < 100 ms at 100 people on SQLite, no errors, < 150 MB for server and worker"


@dataclass
class Row:
    stack: str
    people: int
    scenario: str
    rps: float
    p50: float
    p95: float
    p99: float
    errors: int
    requests: int
    rss: float
    pss: float


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {cpu}"
    )


def make_people(env: dict[str, str], people: int) -> None:
    subprocess.run(
        [*BACKCARE, "demo", "--users", str(people), "--days", "14"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def links(env: dict[str, str], people: int) -> Path:
    """For each demo person a fresh one-time sign-in link, and their calendar feed."""
    script = f"""
import json
from backcare.accounts.models import User
from backcare.accounts.services import login_url
from backcare.reminders.services import settings_for
people = []
for user in User.objects.filter(email__startswith="demo").order_by("pk")[:{people}]:
    people.append({{"login": login_url("", user), "feed": settings_for(user).feed_token}})
print(json.dumps(people))
"""
    out = subprocess.run(
        [*BACKCARE, "manage", "shell", "-c", script],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    path = Path(tempfile.mkstemp(suffix=".json")[1])
    path.write_text(out.strip().splitlines()[-1])
    return path


def start(env: dict[str, str], ports: list[int]) -> list[subprocess.Popen[bytes]]:
    procs = [
        subprocess.Popen(
            [*BACKCARE, "serve", "--no-browser", "--no-worker", "--port", str(p)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for p in ports
    ]
    for p in ports:
        wait_healthy(p)
    procs.append(
        subprocess.Popen(
            [*BACKCARE, "worker"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    )
    return procs


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def locust(
    env: dict[str, str],
    people_file: Path,
    hosts: list[str],
    users: int,
    seconds: int,
    user_class: str,
) -> dict[str, float]:
    prefix = Path(tempfile.mkdtemp()) / "run"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(HERE / "locustfile.py"),
            user_class,
            "--headless",
            "-u",
            str(users),
            "-r",
            str(max(10, users // 2)),
            "--run-time",
            f"{seconds}s",
            "--host",
            hosts[0],
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "ERROR",
        ],
        env={
            **env,
            "BACKCARE_BENCH_PEOPLE": str(people_file),
            "BACKCARE_BENCH_HOSTS": ",".join(hosts),
        },
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with open(f"{prefix}_stats.csv") as f:
        stats = list(csv.DictReader(f))
    total = next(r for r in stats if r["Name"] == "Aggregated")
    slowest = max((r for r in stats if r["Name"] != "Aggregated"), key=lambda r: float(r["95%"]))
    print(
        f"    slowest: {slowest['Name']} p95 {slowest['95%']} ms; failures "
        f"{[(r['Name'], r['Failure Count']) for r in stats if int(r['Failure Count'])]}"
    )
    return {
        "rps": float(total["Requests/s"]),
        "p50": float(total["50%"]),
        "p95": float(total["95%"]),
        "p99": float(total["99%"]),
        "errors": int(total["Failure Count"]),
        "requests": int(total["Request Count"]),
    }


def stack(
    name: str, env: dict[str, str], servers: int, people: list[int], seconds: int
) -> list[Row]:
    rows = []
    ports = [free_port() for _ in range(servers)]
    hosts = [f"http://127.0.0.1:{p}" for p in ports]
    make_people(env, max(people))
    procs = start(env, ports)
    try:
        for n in people:
            for scenario, user_class in (("workday", "Person"), ("bare view (ceiling)", "Ceiling")):
                # Sign-in links work once: every run gets fresh ones.
                found = locust(env, links(env, n), hosts, n, seconds, user_class)
                memory = sum(rss_mb(p.pid) for p in procs)
                physical = sum(pss_mb(p.pid) for p in procs)
                rows.append(
                    Row(
                        name,
                        n,
                        scenario,
                        found["rps"],
                        found["p50"],
                        found["p95"],
                        found["p99"],
                        int(found["errors"]),
                        int(found["requests"]),
                        memory,
                        physical,
                    )
                )
                print(
                    f"{name:26} {n:4} {scenario:20} {rows[-1].rps:7.1f} req/s  "
                    f"p50 {rows[-1].p50:5.0f}  p95 {rows[-1].p95:5.0f}  p99 {rows[-1].p99:5.0f} ms"
                    f"  errors {rows[-1].errors}  RSS {memory:.0f} MB  PSS {physical:.0f} MB",
                    flush=True,
                )
    finally:
        stop(procs)
    return rows


LOCAL_PAGES = ["/", "/plan/", "/library/", "/break/desk-reset/", "/progress/", "/checkin/"]


def local_memory(env: dict[str, str]) -> tuple[float, float]:
    """RSS and PSS (MB) of `backcare serve` in local mode with the worker it starts.

    One person, as on a laptop: sign in, open each page three times, give the
    worker 20 s to run its ticks, then measure the whole process tree.
    """
    port = free_port()
    proc = start_serve(env, port)
    try:
        wait_healthy(port)
        cookie = session_cookie(port, login_path(env))
        for _ in range(3):
            for page in LOCAL_PAGES:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}{page}", headers={"Cookie": cookie}
                )
                with urllib.request.urlopen(request) as answer:
                    answer.read()
        time.sleep(20)
        return rss_mb(proc.pid), pss_mb(proc.pid)
    finally:
        kill_tree(proc)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", default="50,100,200")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--postgres", help="a PostgreSQL URL for the two-process stack")
    parser.add_argument("--write", action="store_true", help="record in bench/RESULTS.md")
    args = parser.parse_args()
    if importlib.util.find_spec("locust") is None:
        print("bench/load.py needs Locust: .venv/bin/pip install locust", file=sys.stderr)
        return 2
    people = [int(n) for n in args.people.split(",")]
    common = {
        **os.environ,
        "BACKCARE_MODE": "multi",
        "BACKCARE_SECURE_COOKIES": "false",
        "BACKCARE_SECRET_KEY": "bench-" + "k" * 50,
        "DJANGO_SETTINGS_MODULE": "backcare.settings",
        "BACKCARE_LOG_LEVEL": "ERROR",
    }
    with tempfile.TemporaryDirectory() as data:
        local_env = {**common, "BACKCARE_MODE": "local", "BACKCARE_DATA_DIR": data}
        local = local_memory(local_env)
    print(f"local mode, server and its worker: RSS {local[0]:.0f} MB, PSS {local[1]:.0f} MB")
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as data:
        rows += stack(
            "serve on SQLite", {**common, "BACKCARE_DATA_DIR": data}, 1, people, args.seconds
        )
    if args.postgres:
        with tempfile.TemporaryDirectory() as data:
            env = {
                **common,
                "BACKCARE_DATA_DIR": data,
                "BACKCARE_DATABASE_URL": args.postgres,
                "BACKCARE_WORKERS": "1",
            }
            rows += stack("2 processes on PostgreSQL", env, 2, people, args.seconds)
    if args.write:
        write(rows, args.seconds, local)
    return 0


def write(rows: list[Row], seconds: int, local: tuple[float, float]) -> None:
    lines = [
        "## Load: a workday with Locust (bench/load.py)",
        "",
        f"Machine: {machine()}; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {seconds} s per row; "
        "each person waits 0.5-1.5 s between steps; the ceiling row sends without waiting.",
        f"Targets: {TARGETS}. Memory of all server processes and the worker: RSS summed "
        "(a page shared by forked processes counts once per process) and PSS summed (shared "
        "pages split between the processes that share them: the physical memory they hold).",
        "",
        "| stack | people | scenario | req/s | p50 ms | p95 ms | p99 ms | errors "
        "| RSS MB | PSS MB |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|",
        *(
            f"| {r.stack} | {r.people} | {r.scenario} | {r.rps:.0f} | {r.p50:.0f} | {r.p95:.0f} "
            f"| {r.p99:.0f} | {r.errors} of {r.requests} | {r.rss:.0f} | {r.pss:.0f} |"
            for r in rows
        ),
        "",
        "Local mode, one person (`backcare serve` with the worker it forks; pages opened, "
        f"then 20 s idle): RSS {local[0]:.0f} MB summed, PSS {local[1]:.0f} MB summed.",
        "",
    ]
    record(lines)


if __name__ == "__main__":
    sys.exit(main())
