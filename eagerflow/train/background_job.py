"""`BackgroundJob`: one function run by a thread, its error kept for whoever waits.

Asynchronous checkpoint writes and the checkpoint manager's deletions both run this way. The
thread is not a daemon, so the interpreter finishes the job before it exits.
"""

from __future__ import annotations

import threading
from typing import Callable


class BackgroundJob:
    """Runs `work()` once in a thread started by `start()`; `wait()` re-raises its error."""

    def __init__(self, name: str, work: Callable[[], None]) -> None:
        self._work: Callable[[], None] | None = work
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name)

    def start(self) -> BackgroundJob:
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            self._work()
        except BaseException as exc:  # re-raised by wait()
            self._error = exc
        finally:
            self._work = None  # what the work holds (arrays of a checkpoint) is freed now

    def running(self) -> bool:
        """Still running, or finished with an error nobody has waited for yet."""
        return self._thread.is_alive() or self._error is not None

    def wait(self) -> None:
        self._thread.join()
        if self._error is not None:
            raise self._error
