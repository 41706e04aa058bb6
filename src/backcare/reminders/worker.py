"""`backcare worker`: the task queue's worker plus the beat that feeds it.

The main thread runs django-tasks' database worker (it claims one queued task
at a time with a locked, exclusive transaction). A second thread is the beat:
every second it enqueues the periodic jobs that are due (the reminder tick,
the calendar refresh). Any number of workers may run against one database:
the beat and each reminder are claimed with conditional updates, so a job is
enqueued once per period and a reminder sent once.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading

from django.db import DatabaseError, close_old_connections

log = logging.getLogger("backcare.worker")


def worker_id() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}"


def beat_loop(wid: str, stop: threading.Event, every_s: float = 1.0) -> None:
    from backcare.reminders.tasks import beat

    parent = int(os.environ.get("BACKCARE_WORKER_PARENT", "0") or 0)
    while not stop.is_set():
        if parent and os.getppid() != parent:
            log.warning("the server that started this worker is gone; stopping")
            os.kill(os.getpid(), signal.SIGTERM)
            return
        try:
            close_old_connections()
            for name in beat(wid):
                log.info("enqueued %s", name)
        except DatabaseError as exc:
            # The database is away for a moment: try again on the next beat.
            log.warning("beat: %s", exc)
        stop.wait(every_s)
    close_old_connections()


def run(interval_s: float = 1.0, once: bool = False) -> int:
    """Run until SIGINT or SIGTERM; with ONCE, enqueue due jobs, run every queued task, exit."""
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS
    from django_tasks_db.management.commands.db_worker import Worker

    wid = worker_id()
    worker = Worker(
        queue_names=["default"],
        interval=interval_s,
        batch=once,
        backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        startup_delay=False,
        max_tasks=None,
        worker_id=wid,
        excluded_queue_names=[],
    )
    if once:
        from backcare.reminders.tasks import beat

        beat(wid)
        worker.run()
        return 0

    stop = threading.Event()
    thread = threading.Thread(target=beat_loop, args=(wid, stop), name="beat", daemon=True)
    thread.start()
    worker.configure_signals()
    print(f"backcare worker {wid} running; Ctrl-C stops it.", flush=True)
    try:
        worker.run()
    finally:
        stop.set()
        thread.join(timeout=5)
        print("backcare worker stopped.", flush=True)
    return 0
