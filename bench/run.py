"""backcare foundation benchmark: start-up, readiness and request latency.

    python bench/run.py [--duration 10] [--connections 20] [--servers granian,waitress]

Needs `wrk` (apt-get install wrk) and, for the waitress comparison, waitress
(pip install waitress). Prints a table and, with --write, records the figures
with the machine and date in bench/RESULTS.md. A script, not a test: figures
on a shared machine vary, so nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
BACKCARE = [sys.executable, "-m", "backcare"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(port: int, timeout_s: float = 60) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout_s:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                if r.status == 200:
                    return time.perf_counter() - start
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"no healthy /healthz on port {port}")


def record(lines: list[str]) -> None:
    """Put a section (LINES, starting with its "## " heading) first in bench/RESULTS.md.

    Newest first: it goes after the file's opening part (title and summary), before
    the first section already there.
    """
    results = HERE / "RESULTS.md"
    head, _, rest = results.read_text().partition("\n## ")
    results.write_text(head + "\n" + "\n".join(lines) + "\n## " + rest)


def tree_pids(pid: int) -> list[int]:
    """PID and all its descendants."""
    found, pids = [], [pid]
    while pids:
        current = pids.pop()
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        found.append(current)
        pids.extend(int(c) for c in children)
    return found


def memory_kb(pid: int, field: str) -> int:
    """FIELD (VmRSS from status, or Pss from smaps_rollup) of one process, in kB."""
    source = "smaps_rollup" if field == "Pss" else "status"
    try:
        text = Path(f"/proc/{pid}/{source}").read_text()
    except OSError:
        return 0
    found = re.search(rf"^{field}:\s+(\d+)", text, re.MULTILINE)
    return int(found.group(1)) if found else 0


def rss_mb(pid: int) -> float:
    """Resident memory of PID and all its descendants, in MB (shared pages once per process)."""
    return sum(memory_kb(p, "VmRSS") for p in tree_pids(pid)) / 1024


def pss_mb(pid: int) -> float:
    """Proportional resident memory of PID and its descendants, in MB.

    Pages shared by several processes (a forked server's code, say) are split
    between them, so the sum over a group of processes is the physical memory
    the group holds; a sum of RSS counts shared pages once per process.
    """
    return sum(memory_kb(p, "Pss") for p in tree_pids(pid)) / 1024


def kill_tree(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def time_version(runs: int = 15) -> tuple[float, float]:
    exe = shutil.which("backcare") or ""
    cmd = [exe, "--version"] if exe else [*BACKCARE, "--version"]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times)


def start_serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """`backcare serve` (with its worker) in a session of its own, for kill_tree."""
    return subprocess.Popen(
        [*BACKCARE, "serve", "--no-browser", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def time_ready(env: dict[str, str]) -> float:
    port = free_port()
    start = time.perf_counter()
    proc = start_serve(env, port)
    try:
        wait_healthy(port)
        return time.perf_counter() - start
    finally:
        kill_tree(proc)


def prepare(env: dict[str, str]) -> str:
    """Seed the local owner with a clear safety screen and 50 sessions; return an API token."""
    code = """
import django, uuid
from datetime import timedelta
django.setup()
from django.utils import timezone
from backcare.cli import prepare_database
prepare_database()
from backcare.accounts.models import ApiToken
from backcare.accounts.services import local_owner
from backcare.practice.services import SessionResult, record_session
from backcare.safety.models import SafetyScreen
owner = local_owner()
SafetyScreen.objects.create(user=owner, tier="none")
now = timezone.now()
for i in range(50):
    start = now - timedelta(hours=i)
    record_session(owner, SessionResult(uuid.uuid4(), "desk-reset", "web", start,
        start + timedelta(minutes=5), 280, 8, True, "better", 3))
print(ApiToken.issue(owner, "bench")[1])
"""
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
    ).stdout.split()
    return out[-1]


def login_path(env: dict[str, str]) -> str:
    out = subprocess.run(
        [*BACKCARE, "login-url", "--base-url", "http://127.0.0.1"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip().removeprefix("http://127.0.0.1")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def session_cookie(port: int, login_path: str) -> str:
    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(f"http://127.0.0.1:{port}{login_path}")
    except urllib.error.HTTPError as exc:  # the 302 after sign-in
        cookies = exc.headers.get_all("Set-Cookie") or []
        for cookie in cookies:
            if cookie.startswith("sessionid="):
                return cookie.split(";")[0]
    raise RuntimeError("sign-in link gave no session cookie")


@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def to_ms(value: str) -> float:
    match = re.match(r"([\d.]+)(us|ms|s)", value)
    if match is None:
        raise ValueError(f"unexpected latency {value!r} from wrk")
    number, unit = match.groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url: str, header: str, duration: int, connections: int) -> Load:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-H", header, url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = to_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = to_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    errors = 0
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += sum(int(g) for g in m.groups())
    return Load(rps, p50, p99, errors)


def server_command(spec: str, port: int) -> list[str]:
    """SPEC is name:WORKERSxTHREADS, e.g. granian:2x2 or waitress:1x2."""
    name, _, shape = spec.partition(":")
    workers, _, threads = (shape or "1x2").partition("x")
    target = "backcare.wsgi:application"
    if name == "granian":
        return [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            "wsgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            workers,
            "--blocking-threads",
            threads,
            "--log-level",
            "warning",
            target,
        ]
    if name == "waitress":
        return [
            sys.executable,
            "-m",
            "waitress",
            "--host=127.0.0.1",
            f"--port={port}",
            f"--threads={threads}",
            target,
        ]
    raise SystemExit(f"unknown server {spec!r}: use granian:WxT or waitress:1xT")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per load run")
    parser.add_argument("--connections", type=int, default=20, help="concurrent clients")
    parser.add_argument(
        "--servers",
        default="granian:1x2,granian:2x2,waitress:1x2,granian:1x8,waitress:1x8",
        help="server:WORKERSxTHREADS to compare; the first two are backcare serve's "
        "defaults for local mode and for multi-user mode on 2 cores",
    )
    parser.add_argument("--write", action="store_true", help="record in bench/RESULTS.md")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")

    data_dir = Path(tempfile.mkdtemp(prefix="backcare-bench-"))
    env = {
        **os.environ,
        "BACKCARE_DATA_DIR": str(data_dir),
        "BACKCARE_MODE": "local",
        "PYTHONPATH": str(HERE),
        "DJANGO_SETTINGS_MODULE": "backcare.settings",
    }
    env.pop("BACKCARE_DATABASE_URL", None)

    rows: list[tuple[str, str, str]] = []
    version_median, version_max = time_version()
    rows.append(
        (
            "backcare --version",
            f"{version_median * 1000:.0f} ms median, {version_max * 1000:.0f} ms max",
            "< 300 ms",
        )
    )
    cold = time_ready(env)  # first run: creates the database
    warm = time_ready(env)
    rows.append(("serve → healthy, first run", f"{cold:.2f} s", "< 5 s"))
    rows.append(("serve → healthy, later runs", f"{warm:.2f} s", "< 5 s"))

    token = prepare(env)
    load_rows: list[tuple[str, str, Load, float]] = []
    for server in args.servers.split(","):
        port = free_port()
        server_env = {**env, "DJANGO_SETTINGS_MODULE": "bench_settings"}
        subprocess.run(
            [*BACKCARE, "manage", "collectstatic", "--noinput", "-v0"], env=env, check=True
        )
        proc = subprocess.Popen(
            server_command(server, port),
            env=server_env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_healthy(port)
            cookie = session_cookie(port, login_path(env))
            base = f"http://127.0.0.1:{port}"
            targets = [
                ("bare Django view (ceiling)", f"{base}/bench/bare", f"Cookie: {cookie}"),
                ("player page", f"{base}/break/desk-reset/", f"Cookie: {cookie}"),
                (
                    "sessions API (list)",
                    f"{base}/api/v1/sessions",
                    f"Authorization: Bearer {token}",
                ),
            ]
            for label, url, header in targets:
                wrk(url, header, 2, args.connections)  # warm up
                result = wrk(url, header, args.duration, args.connections)
                load_rows.append((server, label, result, rss_mb(proc.pid)))
        finally:
            kill_tree(proc)

    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    lines = [
        f"Machine: {machine}, {cpu}",
        f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; load: wrk, {args.connections} "
        f"connections, {args.duration} s per row; server column: name:processes x threads",
        "",
        "| measure | result | target |",
        "|---|---|---|",
        *[f"| {a} | {b} | {c} |" for a, b, c in rows],
        "",
        "| server | endpoint | req/s | p50 ms | p99 ms | errors | RSS MB |",
        "|---|---|---:|---:|---:|---:|---:|",
        *[
            f"| {s} | {label} | {r.rps:.0f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} "
            f"| {r.errors} | {mem:.0f} |"
            for s, label, r, mem in load_rows
        ],
    ]
    print("\n".join(lines))
    if args.write:
        record(["## Foundation run", "", *lines, ""])
    shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
