"""Extraction worker processes, each fed over a pipe of its own.

multiprocessing.Pool shares its task and result queues between workers under named semaphores:
when its parent is killed (kill -9) the resource tracker reports them as leaked, and the workers
die with BrokenPipe tracebacks. A pipe per worker needs no lock, so nothing is left to leak, and a
worker whose parent is gone sees its pipe close and exits without a word. Workers ignore SIGINT:
Ctrl-C reaches the whole process group, and it is the parent's to act on (it stops the workers).

The parent's side of the pipes is worked by two threads (extractor.pump), not by the consumer of
the results: the consumer (the writer) may spend hundreds of milliseconds on a batch, and workers
that waited for it to send their next chunk would sit idle meanwhile.
"""
from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any, Generic, TypeVar

from .pump import Pump, WorkerError

A = TypeVar("A")
R = TypeVar("R")

__all__ = ["WorkerError", "Workers"]


class Workers(Generic[A, R]):
    """`count` processes applying `func`; setup(setup_arg) runs first in each (e.g. lexicon.use)."""

    def __init__(self, count: int, func: Callable[[A], R],
                 setup: Callable[[Any], None] | None = None, setup_arg: Any = None) -> None:
        # forkserver: workers share no database connections, threads or locks with the parent.
        ctx = multiprocessing.get_context("forkserver")
        self._procs: list[Any] = []
        self._conns: list[Connection] = []
        self._pump: Pump | None = None
        for _ in range(count):
            mine, theirs = ctx.Pipe()
            proc = ctx.Process(target=_serve, args=(theirs, func, setup, setup_arg), daemon=True)
            proc.start()
            theirs.close()  # the worker's end is the worker's: its death then closes the pipe
            self._procs.append(proc)
            self._conns.append(mine)

    def imap(self, items: Iterable[A], chunksize: int = 8, window: int | None = None) -> Iterator[R]:
        """func over items, results in the order of items.

        window: chunks sent and not yet taken by the caller, done or in the works (bounds memory);
        by default two per worker. Workers keep working while the caller is busy until it is full.
        One imap at a time; left unfinished, the workers can only be terminated (or closed).
        """
        if self._pump is not None:
            raise RuntimeError("an earlier imap of these workers is unfinished")
        pump = self._pump = Pump(self._conns, self._procs, enumerate(_chunked(items, chunksize)),
                                 window or 2 * len(self._conns))
        for chunk in pump.replies():
            yield from chunk
        pump.stop()
        self._pump = None

    def close(self) -> None:
        """Let the workers finish and exit (stopped at once if an imap is unfinished: nobody takes its results)."""
        if self._pump is not None:
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
        pump, self._pump = self._pump, None
        if pump is not None:
            pump.stop(join=False)  # its threads may be blocked on a worker: they end when it does
        for proc in self._procs:
            proc.terminate()
        if pump is not None:
            pump.join()
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
    """A worker's life: take a chunk, send back its results, until told to stop or the parent is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if setup is not None:
        setup(setup_arg)
    while True:
        try:
            chunk = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if chunk is None:
            return
        try:
            reply = (True, [func(x) for x in chunk])
        except Exception as exc:  # sent as text: not every exception pickles
            reply = (False, f"{type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except OSError:  # BrokenPipeError: the parent is gone
            return
