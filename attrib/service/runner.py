"""Checks run off the event loop: a bounded thread pool with a bounded queue."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable


class Busy(Exception):
    """Every worker is busy and the queue is full."""


class TimedOut(Exception):
    """The work took longer than the request may wait (it finishes in the background)."""


class CheckRunner:
    """``threads`` workers and at most ``queue`` waiting jobs; a job past that is refused
    at once (:class:`Busy`), and a caller waits at most its timeout (:class:`TimedOut`).

    A job that timed out keeps its slot until it really ends, so the bound holds.
    """

    def __init__(self, threads: int, queue: int):
        self.capacity = threads + queue
        self._pool: ThreadPoolExecutor | None = None
        self._threads = threads
        self._slots = threading.BoundedSemaphore(self.capacity)
        self._lock = threading.Lock()
        self.pending = 0

    def _executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self._threads, thread_name_prefix="attrib-check")
            return self._pool

    def _release(self, _future: Any) -> None:
        with self._lock:
            self.pending -= 1
        self._slots.release()

    async def run(self, fn: Callable[..., Any], *args: Any, timeout: float) -> Any:
        if not self._slots.acquire(blocking=False):
            raise Busy()
        with self._lock:
            self.pending += 1
        try:
            future = self._executor().submit(fn, *args)
        except BaseException:
            self._release(None)
            raise
        future.add_done_callback(self._release)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), timeout)
        except asyncio.TimeoutError:
            raise TimedOut() from None

    def shutdown(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
