"""backcare page weight: the scripts and styles each page makes the browser fetch.

    python bench/weight.py [--write]

Starts `backcare serve` on a scratch SQLite database, signs in, and for each
page sums the bytes of its scripts and style sheets as sent (whitenoise
serves gzip or Brotli when the browser accepts it) and uncompressed. Target:
under 100 KB compressed for the player page.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import tempfile
import urllib.request
from datetime import UTC, datetime

from load import machine
from run import free_port, record, wait_healthy

BACKCARE = [sys.executable, "-m", "backcare"]
PAGES = [
    "/",
    "/break/desk-reset/",
    "/break/team-dance-break/",
    "/progress/",
    "/checkin/",
    "/library/",
    "/settings/schedule/",
]
ASSET = re.compile(r'<(?:script[^>]*\bsrc|link[^>]*rel="stylesheet"[^>]*\bhref)="([^"]+)"')
IMPORT = re.compile(r'from\s+"(\./[^"]+)"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        env = {
            **os.environ,
            "BACKCARE_DATA_DIR": data,
            "DJANGO_SETTINGS_MODULE": "backcare.settings",
        }
        port = free_port()
        proc = subprocess.Popen(
            [*BACKCARE, "serve", "--no-browser", "--no-worker", "--port", str(port)],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            wait_healthy(port)
            login = subprocess.run(
                [*BACKCARE, "login-url", "--base-url", f"http://127.0.0.1:{port}"],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout.strip()
            subprocess.run(
                [
                    *BACKCARE,
                    "manage",
                    "shell",
                    "-c",
                    "from backcare.accounts.services import local_owner;"
                    "from backcare.safety.models import SafetyScreen;"
                    "SafetyScreen.objects.create(user=local_owner(), tier='none')",
                ],
                env=env,
                check=True,
                capture_output=True,
            )
            jar = http.cookiejar.CookieJar()
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
            opener.open(login).read()
            rows = [measure(opener, f"http://127.0.0.1:{port}", page) for page in PAGES]
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=15)
    for page, sent, raw, count in rows:
        print(f"{page:28} {count:2} files  {sent / 1024:6.1f} KB sent  {raw / 1024:6.1f} KB raw")
    if args.write:
        lines = [
            "## Page weight (bench/weight.py)",
            "",
            f"Machine: {machine()}; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Scripts and style "
            "sheets of each page, including ES module imports, as sent with "
            "`Accept-Encoding: br, gzip`. Target: player page < 100 KB compressed.",
            "",
            "| page | files | sent KB | uncompressed KB |",
            "|---|---:|---:|---:|",
            *(f"| {p} | {c} | {s / 1024:.1f} | {r / 1024:.1f} |" for p, s, r, c in rows),
            "",
        ]
        record(lines)
    return 0


def fetch(opener: urllib.request.OpenerDirector, url: str, encoding: str) -> bytes:
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding})
    with opener.open(request) as r:
        return bytes(r.read())


def measure(
    opener: urllib.request.OpenerDirector, base: str, page: str
) -> tuple[str, int, int, int]:
    html = fetch(opener, base + page, "identity").decode()
    todo = list(ASSET.findall(html))
    seen: set[str] = set()
    sent = raw = 0
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        body = fetch(opener, base + path, "identity")
        raw += len(body)
        sent += len(fetch(opener, base + path, "br, gzip"))
        if path.endswith(".js"):
            folder = path.rsplit("/", 1)[0]
            todo += [f"{folder}/{m[2:]}" for m in IMPORT.findall(body.decode())]
    return page, sent, raw, len(seen)


if __name__ == "__main__":
    sys.exit(main())
