"""The parent's side of the worker pipes, worked by two threads of its own.

A feeder thread sends numbered chunks, a collector thread receives the replies into a buffer, and
the consumer takes them from it in order. The workers so never wait for the consumer, only for a
full window (chunks sent and not yet taken), which bounds memory. Sending and receiving in
threads apart, neither side can block the other for good, however large the chunks or replies:
a worker blocked sending a reply is read by the collector while the feeder waits to send to it.
"""
from __future__ import annotations

import os
import pickle
import threading
from collections import deque
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection, wait
from typing import Any

PER_WORKER = 2  # chunks queued at a worker: the one it works on and the next, so it never waits for a send


class WorkerError(RuntimeError):
    """A worker process failed or died; the message says how."""


class Pump:
    """Feeds chunks to the workers behind conns (one process each, in procs) and yields their replies in order."""

    def __init__(self, conns: list[Connection], procs: list[Any], chunks: Iterator[tuple[int, list[Any]]],
                 window: int) -> None:
        self._conns, self._procs, self._chunks, self._window = conns, procs, chunks, max(window, 1)
        self._lock = threading.Condition()
        self._queued: dict[Connection, deque[int]] = {c: deque() for c in conns}  # sent, reply not received
        self._replies: dict[int, bytes] = {}  # received, not taken; decoded by the consumer, not by these threads
        self._taken = 0
        self._end: int | None = None  # how many chunks there are, once the feeder knows
        self._failure: BaseException | Connection | None = None  # an error, or the pipe of a worker that died
        self._stopping = False
        self.finished = False  # every reply taken
        self._wake_r, self._wake_w = os.pipe()  # wakes the collector from waiting on the pipes
        self._threads = [threading.Thread(target=self._guard, args=(f,), daemon=True) for f in (self._feed, self._collect)]
        for thread in self._threads:
            thread.start()

    def replies(self) -> Iterator[list[Any]]:
        """Each chunk's results, in the order of the chunks; raises WorkerError if a worker failed."""
        seq = 0
        while True:
            with self._lock:
                while seq not in self._replies and self._failure is None and seq != self._end:
                    self._lock.wait()
                raw = self._replies.pop(seq, None)
                if raw is None:
                    if self._failure is not None:
                        raise self._error(self._failure)
                    self.finished = True
                    return
                self._taken = seq + 1
                self._lock.notify_all()  # room in the window
            ok, payload = pickle.loads(raw)
            if not ok:
                raise WorkerError(f"an extraction worker failed: {payload}")
            yield payload
            seq += 1

    def stop(self, join: bool = True) -> None:
        """End both threads; join=False when a thread may be blocked on a worker that is yet to be stopped."""
        with self._lock:
            self._stopping = True
            self._lock.notify_all()
        os.write(self._wake_w, b"\0")
        if join:
            self.join()

    def join(self) -> None:
        for thread in self._threads:
            thread.join()
        os.close(self._wake_r)
        os.close(self._wake_w)

    def _guard(self, work: Callable[[], None]) -> None:
        """Run a thread's work; what goes wrong there is the consumer's to raise."""
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 - handed over, not swallowed
            self._fail(exc)

    def _fail(self, failure: BaseException | Connection) -> None:
        with self._lock:
            if self._failure is None and not self._stopping:
                self._failure = failure
            self._lock.notify_all()

    def _feed(self) -> None:
        count = 0
        for seq, chunk in self._chunks:
            with self._lock:
                while not self._stopping and (seq >= self._taken + self._window or (conn := self._idlest()) is None):
                    self._lock.wait()
                if self._stopping:
                    return
                self._queued[conn].append(seq)
            try:
                conn.send(chunk)  # outside the lock: it may wait for the worker to read
            except OSError:  # BrokenPipeError: that worker is gone
                self._fail(conn)
                return
            count = seq + 1
        with self._lock:
            self._end = count
            self._lock.notify_all()

    def _idlest(self) -> Connection | None:
        conn = min(self._conns, key=lambda c: len(self._queued[c]))
        return conn if len(self._queued[conn]) < PER_WORKER else None

    def _collect(self) -> None:
        while True:
            ready = wait([*self._conns, self._wake_r])
            if self._stopping:
                return
            for conn in ready:
                if not isinstance(conn, Connection):
                    continue
                try:
                    raw = conn.recv_bytes()
                except (EOFError, OSError):  # a worker died, busy or not
                    self._fail(conn)
                    return
                with self._lock:
                    self._replies[self._queued[conn].popleft()] = raw
                    self._lock.notify_all()

    def _error(self, failure: BaseException | Connection) -> BaseException:
        if not isinstance(failure, Connection):
            return failure
        proc = self._procs[self._conns.index(failure)]
        proc.join(1)  # here, in the consumer's thread: a process is joined from one thread only
        return WorkerError(f"an extraction worker died (exit code {proc.exitcode})")
