"""gunicorn settings of `wsis serve`: stop the background-task worker that `wsis serve` started beside the
server when the server stops, so that no worker outlives its site."""

from __future__ import annotations

import os
import signal
import time
from typing import Any

#: How long the worker may take to finish its running task before it is killed. A killed refresh leaves
#: the previous publication current, and a killed page warm-up only leaves pages cold: both are safe.
GRACE_SECONDS = 10


def on_exit(server: Any) -> None:
    pid = int(os.environ.get("WSIS_TASK_WORKER_PID", "0"))
    if not pid:
        return
    try:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + GRACE_SECONDS
        while time.monotonic() < deadline:
            finished, _ = os.waitpid(pid, os.WNOHANG)
            if finished:
                return
            time.sleep(0.2)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass  # it had stopped already
