"""Jobs stop with the command that started them.

A sweep's ``python -m sim`` starts worker processes on this machine (joblib's, submitit's
local ones). Killed outright (``kill -9``, an out-of-memory kill), it cannot stop them, and
they would run on unseen. So the command writes ``host:pid`` into its environment, which its
workers inherit, and a worker that runs a job watches that pid: when the command is gone, it
stops its sibling workers (one that never received a job runs none of our code and cannot
watch) and exits. Jobs run in the command's own process, or on another machine, are left
alone, so a run detached with ``nohup`` is never stopped.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import socket
import threading
import time
from pathlib import Path

COMMAND = "SIM_COMMAND"
_watching: list[int] = []


def mark_command() -> None:
    """Called by the command: its workers will know whom to watch."""
    os.environ[COMMAND] = f"{socket.gethostname()}:{os.getpid()}"


def stop_with_the_command() -> None:
    """In a worker the command started on this machine, watch the command (once per process)."""
    host, _, pid = os.environ.get(COMMAND, "").partition(":")
    if _watching or host != socket.gethostname() or not pid.isdigit() or os.getppid() != int(pid):
        return
    _watching.append(int(pid))
    threading.Thread(target=_watch, args=(int(pid),), name="stop-with-the-command", daemon=True).start()


def _watch(command: int) -> None:
    siblings: set[int] = set()
    for beat in itertools.count():  # every half second
        if os.getppid() != command:
            break
        if beat % 10 == 0:  # the workers change rarely: look every five seconds
            siblings = _children(command) - {os.getpid()}
        time.sleep(0.5)
    for sibling in siblings:
        with contextlib.suppress(OSError):
            os.kill(sibling, signal.SIGTERM)
    os._exit(1)


def _children(pid: int) -> set[int]:
    """Processes whose parent is ``pid`` (Linux's /proc; none elsewhere)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(stat.parent.name))
    return found
