"""Work started ahead of need (the other images' builds, the next image's MinIO), in daemon
threads: a Ctrl-C or a failed run must not wait for work nobody will use, and the result, or
the exception, is handed over through a Future when the work is asked for."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

T = TypeVar("T")


def in_background(call: Callable[[], T], name: str) -> Future[T]:
    """Run `call` in a daemon thread named `name`; its result or exception in the Future."""
    future: Future[T] = Future()

    def run() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(call())
        except BaseException as exc:
            future.set_exception(exc)

    threading.Thread(target=run, name=name, daemon=True).start()
    return future
