"""`backcare serve`: prepare everything, print the sign-in link, run Granian."""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import multiprocessing
import os
import socket
import subprocess
import sys
import threading
import time
import webbrowser
from collections.abc import Callable

from backcare.cli import fail, prepare_database

# Measured in bench/RESULTS.md: under the GIL, two threads per process beat
# eight, and extra processes scale with cores. Local mode serves one person,
# so one process keeps memory low; multi-user mode uses one per core.
DEFAULT_THREADS = 2


def default_workers(local_mode: bool) -> int:
    return 1 if local_mode else max(1, os.cpu_count() or 1)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def port_problem(host: str, port: int) -> str | None:
    """Why HOST:PORT cannot be listened on, in words a person can act on; None if free."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host.strip("[]"), port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return (
                    f"port {port} on {host} is already in use (is backcare already running?). "
                    "Stop the other program, or choose a free port: "
                    f"backcare serve --port {port + 1}"
                )
            if exc.errno == errno.EACCES:
                return (
                    f"no permission to listen on port {port}. Ports below 1024 need admin "
                    "rights: choose a higher one, for example --port 8000"
                )
            if exc.errno == errno.EADDRNOTAVAIL:
                return f"this computer has no address {host}. Use --host 127.0.0.1"
            return f"cannot listen on {host}:{port}: {exc.strerror}"
    return None


def url_host(host: str) -> str:
    # Naming the wildcard address, not binding it.
    if host in ("0.0.0.0", "::", ""):  # noqa: S104  # nosec B104
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def collect_static() -> None:
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


def open_when_ready(host: str, port: int, url: str, timeout_s: float = 15) -> None:
    """Open the browser once the server accepts connections."""

    def wait_and_open() -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((host.strip("[]"), port), timeout=0.5):
                    webbrowser.open(url)
                    return
            except OSError:
                time.sleep(0.1)

    threading.Thread(target=wait_and_open, daemon=True).start()


# Seconds an HTTP process gets to finish its requests after Ctrl-C.
HTTP_STOP_S = 10

# glibc's malloc gives threads arenas of their own (up to 8 per core), each
# holding on to memory it freed. Python threads take turns under the GIL and
# gain nothing from that. Two arenas save about 20 MB for a local server with
# its worker (bench/RESULTS.md); MALLOC_ARENA_MAX in the environment wins.
M_ARENA_MAX = -8  # mallopt's parameter, from glibc's malloc.h
MALLOC_ARENAS = 2


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """Cap glibc's malloc arenas for this process and those it forks.

    Call it before any thread starts. Returns whether the cap was set: not on
    other systems, nor when MALLOC_ARENA_MAX is already set.
    """
    if not sys.platform.startswith("linux") or os.environ.get("MALLOC_ARENA_MAX"):
        return False
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_ARENA_MAX, arenas))


def preload_app() -> None:
    """Load the WSGI app, every view and the API, then get ready to fork.

    Granian's HTTP processes and the local worker are forked from this process:
    what it has loaded they share, where each would otherwise load a copy of
    its own on its first request (about 17 MB less for a local server with its
    worker). Its objects are then frozen out of the garbage collector, whose
    full collections in a child would otherwise write to every one of them and
    so copy their pages (another 20 MB or so in the HTTP process; figures in
    bench/RESULTS.md). No database connection crosses the fork.
    """
    import gc

    from django.db import connections
    from django.urls import get_resolver

    import backcare.wsgi  # noqa: F401

    get_resolver().url_patterns  # noqa: B018  # imports every view and the API
    connections.close_all()
    gc.freeze()


def _worker_main(parent: int) -> None:
    """The forked worker's body (see ``start_worker``)."""
    from backcare.reminders.worker import run

    # A name of its own in ps and top; what it prints is not the server's to show.
    with contextlib.suppress(OSError), open("/proc/self/comm", "w") as comm:
        comm.write("backcare-worker")
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115  # for the life of the process
    os.environ["BACKCARE_WORKER_PARENT"] = str(parent)
    run()


def start_worker() -> Callable[[], None]:
    """Start the background worker beside a local server; returns what stops it.

    Where the system can fork, the worker is forked from this process, which has
    Django and the app loaded already, so it shares those pages with the server
    instead of loading a copy of its own (about 30 MB less memory in all, see
    bench/RESULTS.md); elsewhere it is a `backcare worker` process. Either way
    it stops by itself if the server dies without stopping it.
    """
    if "fork" not in multiprocessing.get_all_start_methods():  # Windows
        popen = subprocess.Popen(
            [sys.executable, "-m", "backcare", "worker"],
            stdout=subprocess.DEVNULL,
            env={**os.environ, "BACKCARE_WORKER_PARENT": str(os.getpid())},
        )

        def stop_popen() -> None:
            popen.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                popen.wait(timeout=10)

        return stop_popen

    from django.db import connections

    # Called before this process starts any thread; no connection crosses the fork.
    connections.close_all()
    forked = multiprocessing.get_context("fork").Process(
        target=_worker_main, args=(os.getpid(),), name="backcare-worker"
    )
    forked.start()

    def stop_forked() -> None:
        forked.terminate()
        forked.join(timeout=10)

    return stop_forked


def serve(host: str, port: int, open_browser: bool, worker: bool = True) -> int:
    from django.conf import settings

    if problem := port_problem(host, port):
        return fail(problem)

    limit_malloc_arenas()
    try:
        prepare_database()
        collect_static()
    except KeyboardInterrupt:  # Ctrl-C while getting ready: stop as quietly as when serving
        print("backcare stopped.")
        return 130

    base_url = f"http://{url_host(host)}:{port}"
    if settings.LOCAL_MODE:
        from backcare.accounts.services import local_owner, login_url

        entry_url = login_url(base_url, local_owner())
        print(f"backcare is running at {base_url}")
        print("Open this link to sign in (it works once, for the next few minutes):")
        print(f"\n    {entry_url}\n")
        print("Lost the link? Run `backcare login-url` for a new one. Press Ctrl-C to stop.")
    else:
        entry_url = base_url
        print(f"backcare is running at {base_url} for several users (BACKCARE_MODE=multi).")
        print("Run `backcare worker` beside it to send reminders. Press Ctrl-C to stop.")
    # Forks follow: first the worker, then Granian's HTTP processes.
    preload_app()
    stop_worker = start_worker() if worker and settings.LOCAL_MODE else None
    if open_browser:
        open_when_ready(url_host(host), port, entry_url)

    from granian import Granian
    from granian.constants import Interfaces
    from granian.log import LogLevels

    server = Granian(
        "backcare.wsgi:application",
        address=host.strip("[]"),
        port=port,
        interface=Interfaces.WSGI,
        workers=settings.SERVER_WORKERS or default_workers(settings.LOCAL_MODE),
        blocking_threads=settings.SERVER_THREADS,
        log_level=LogLevels.warning,
        respawn_failed_workers=True,
        # After a minute or so of serving, an HTTP process can miss the stop signal
        # (it lands on one of its runtime threads while the main thread waits):
        # Ctrl-C then hung until pressed twice. Stop it by force after this long.
        workers_kill_timeout=HTTP_STOP_S,
    )
    try:
        with contextlib.suppress(KeyboardInterrupt):
            server.serve()
    finally:
        if stop_worker is not None:
            stop_worker()
    print("backcare stopped.")
    return 0
