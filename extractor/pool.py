"""Extraction worker processes, each fed over a pipe of its own.

multiprocessing.Pool shares its task and result queues between workers under named semaphores:
when its parent is killed (kill -9) the resource tracker reports them as leaked, and the workers
die with BrokenPipe tracebacks. A pipe per worker needs no lock, so nothing is left to leak, and a
worker whose parent is gone sees its pipe close and exits without a word. Workers ignore SIGINT:
Ctrl-C reaches the whole process group, and it is the parent's to act on (it stops the workers).
"""
from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from multiprocessing.connection import Connection, wait
from types import TracebackType
from typing import Any, Generic, NoReturn, TypeVar

A = TypeVar("A")
R = TypeVar("R")

_AHEAD = 4  # chunks per worker that may be done, waiting for an earlier one (bounds memory)


class WorkerError(RuntimeError):
    """A worker process failed or died; the message says how."""


class Workers(Generic[A, R]):
    """`count` processes applying `func`; setup(setup_arg) runs first in each (e.g. lexicon.use)."""

    def __init__(self, count: int, func: Callable[[A], R],
                 setup: Callable[[Any], None] | None = None, setup_arg: Any = None) -> None:
        # forkserver: workers share no database connections, threads or locks with the parent.
        ctx = multiprocessing.get_context("forkserver")
        self._procs: list[Any] = []
        self._conns: list[Connection] = []
        for _ in range(count):
            mine, theirs = ctx.Pipe()
            proc = ctx.Process(target=_serve, args=(theirs, func, setup, setup_arg), daemon=True)
            proc.start()
            theirs.close()  # the worker's end is the worker's: its death then closes the pipe
            self._procs.append(proc)
            self._conns.append(mine)

    def imap(self, items: Iterable[A], chunksize: int = 8) -> Iterator[R]:
        """func over items, results in the order of items; a bounded number of chunks in flight."""
        chunks = enumerate(_chunked(items, chunksize))
        # One chunk per worker at a time: a worker is always reading when it is sent one, so
        # neither side can block writing to the other (large chunks and results cannot deadlock).
        busy: set[Connection] = set()
        done: dict[int, list[R]] = {}
        sent = emitted = 0
        exhausted = False
        while True:
            for conn in self._conns:
                if exhausted or conn in busy or sent >= emitted + _AHEAD * len(self._conns):
                    continue
                task = next(chunks, None)
                if task is None:
                    exhausted = True
                    break
                self._send(conn, task)
                busy.add(conn)
                sent += 1
            while emitted in done:
                yield from done.pop(emitted)
                emitted += 1
            if not busy:
                if exhausted:
                    return
                continue
            for conn in wait(list(busy)):
                seq, result = self._receive(conn)  # type: ignore[arg-type]
                busy.discard(conn)  # type: ignore[arg-type]
                done[seq] = result

    def _send(self, conn: Connection, task: tuple[int, list[A]]) -> None:
        try:
            conn.send(task)
        except OSError:
            self._died(conn)

    def _receive(self, conn: Connection) -> tuple[int, list[R]]:
        try:
            seq, ok, payload = conn.recv()
        except (EOFError, OSError):
            self._died(conn)
        if not ok:
            raise WorkerError(f"an extraction worker failed: {payload}")
        return seq, payload

    def _died(self, conn: Connection) -> NoReturn:
        proc = self._procs[self._conns.index(conn)]
        proc.join(1)
        raise WorkerError(f"an extraction worker died (exit code {proc.exitcode})")

    def close(self) -> None:
        """Let the workers finish and exit."""
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
    """A worker's life: take a chunk, send back its results, until told to stop or the parent is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if setup is not None:
        setup(setup_arg)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if task is None:
            return
        seq, chunk = task
        try:
            reply = (seq, True, [func(x) for x in chunk])
        except Exception as exc:  # sent as text: not every exception pickles
            reply = (seq, False, f"{type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except OSError:  # BrokenPipeError: the parent is gone
            return
