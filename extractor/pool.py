"""Extraction worker processes, each fed over a pipe of its own.

multiprocessing.Pool shares its task and result queues between workers under named semaphores:
when its parent is killed (kill -9) the resource tracker reports them as leaked, and the workers
die with BrokenPipe tracebacks. A pipe per worker needs no lock, so nothing is left to leak, and a
worker whose parent is gone sees its pipe close and exits without a word. Workers ignore SIGINT:
Ctrl-C reaches the whole process group, and it is the parent's to act on (it stops the workers).

The workers must not wait for the parent: it is the writer, and a batch it writes takes hundreds
of milliseconds. So the parent sends a window of chunks ahead, and a worker hands each reply to a
thread of its own that sends it when the parent reads, and goes on with the next chunk. The parent
needs no thread (one would take the GIL from the writer at every reply): it reads a reply when the
caller asks for it, and tops the window up then.
"""
from __future__ import annotations

import multiprocessing
import queue
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from multiprocessing.connection import Connection, wait
from multiprocessing.reduction import ForkingPickler
from types import TracebackType
from typing import Any, Generic, NoReturn, TypeVar

A = TypeVar("A")
R = TypeVar("R")


class WorkerError(RuntimeError):
    """A worker process failed or died; the message says how."""


class Workers(Generic[A, R]):
    """`count` processes applying `func`; setup(setup_arg) runs first in each (e.g. work.start)."""

    def __init__(self, count: int, func: Callable[[A], R],
                 setup: Callable[[Any], None] | None = None, setup_arg: Any = None) -> None:
        # spawn: workers share no database connections, threads or locks with the parent, and no
        # forkserver process stays up beside them (14 MB of RSS for an interpreter start saved per
        # worker). Forking them from a server that had built the rules and loaded the gazetteer did
        # not pay either: they copy its pages as they touch them (reference counts) while it keeps
        # its own: 20,000 articles took 50 MB more RSS over the tree (22 MB PSS) for 0.7 s of CPU.
        ctx = multiprocessing.get_context("spawn")
        self._procs: list[Any] = []
        self._conns: list[Connection] = []
        self._unfinished = False  # an imap has chunks out whose replies nobody read
        for _ in range(count):
            mine, theirs = ctx.Pipe()
            proc = ctx.Process(target=_serve, args=(theirs, func, setup, setup_arg), daemon=True)
            proc.start()
            theirs.close()  # the worker's end is the worker's: its death then closes the pipe
            self._procs.append(proc)
            self._conns.append(mine)

    def imap(self, items: Iterable[A], chunksize: int = 8, window: int | None = None) -> Iterator[R]:
        """func over items, results in the order of items.

        window: chunks sent whose results the caller has not taken (bounds memory: they are done
        or in the works), by default two per worker. The workers keep working while the caller is
        busy, until they have done the window.
        """
        if self._unfinished:
            raise RuntimeError("an earlier imap of these workers is unfinished")
        self._unfinished = True
        window = window or 2 * len(self._conns)
        chunks = _chunked(items, chunksize)
        queued: dict[Connection, deque[int]] = {conn: deque() for conn in self._conns}  # sent, reply unread
        early: dict[int, bytes] = {}  # replies read before their turn, to see which worker has room
        taken = sent = 0
        while True:
            for conn in wait(self._conns, 0):  # replies there already (or a worker gone)
                early[queued[conn][0]] = self._receive(conn)
                queued[conn].popleft()
            # the chunk about to be taken is the caller's already: `window` more may be in the works
            while sent <= taken + window and (chunk := next(chunks, None)) is not None:
                conn = min(self._conns, key=lambda c: len(queued[c]))
                self._send(conn, chunk)
                queued[conn].append(sent)
                sent += 1
            if taken == sent:
                self._unfinished = False
                return
            if taken not in early:  # a worker's replies come in the order it was sent chunks
                conn = next(c for c in self._conns if queued[c] and queued[c][0] == taken)
                early[taken] = self._receive(conn)
                queued[conn].popleft()
            ok, payload = ForkingPickler.loads(early.pop(taken))
            taken += 1
            if not ok:
                raise WorkerError(f"an extraction worker failed: {payload}")
            yield from payload

    def _send(self, conn: Connection, chunk: list[A]) -> None:
        try:
            conn.send(chunk)
        except OSError:
            self._died(conn)

    def _receive(self, conn: Connection) -> bytes:
        try:
            return conn.recv_bytes()
        except (EOFError, OSError):
            self._died(conn)

    def _died(self, conn: Connection) -> NoReturn:
        proc = self._procs[self._conns.index(conn)]
        proc.join(1)
        raise WorkerError(f"an extraction worker died (exit code {proc.exitcode})")

    def close(self) -> None:
        """Let the workers finish and exit (at once if an imap is unfinished: nobody takes its results)."""
        if self._unfinished:
            self.terminate()
            return
        for conn in self._conns:
            try:
                conn.send(None)
            except OSError:  # that worker is gone already
                pass
        self._stop(timeout=10)

    def terminate(self) -> None:
        """Stop the workers now (SIGTERM), whatever they are doing."""
        for proc in self._procs:
            proc.terminate()
        self._stop(timeout=10)

    def _stop(self, timeout: float) -> None:
        for proc in self._procs:
            proc.join(timeout)
            if proc.is_alive():
                proc.kill()
                proc.join()
        for conn in self._conns:
            conn.close()

    def __enter__(self) -> Workers[A, R]:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if kind is None:
            self.close()
        else:
            self.terminate()


def _chunked(items: Iterable[A], size: int) -> Iterator[list[A]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _serve(conn: Connection, func: Callable[[Any], Any], setup: Callable[[Any], None] | None, setup_arg: Any) -> None:
    """A worker's life: take a chunk, hand its results to the sender, until told to stop or the parent is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if setup is not None:
        setup(setup_arg)
    replies: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()  # at most the parent's window
    sender = threading.Thread(target=_send_replies, args=(conn, replies), daemon=True)
    sender.start()
    while True:
        try:
            chunk = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if chunk is None:
            break
        try:
            reply = (True, [func(x) for x in chunk])
        except Exception as exc:  # sent as text: not every exception pickles
            reply = (False, f"{type(exc).__name__}: {exc}")
        replies.put(ForkingPickler.dumps(reply))  # pickled here: the sender holds the GIL only to write
    replies.put(None)
    sender.join()


def _send_replies(conn: Connection, replies: queue.SimpleQueue[bytes | None]) -> None:
    """The worker's sending thread: a reply waits here, not in the worker, for the parent to read it."""
    while (data := replies.get()) is not None:
        try:
            conn.send_bytes(data)
        except OSError:  # BrokenPipeError: the parent is gone (its reading end closes the worker too)
            return
