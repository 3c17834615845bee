"""Ingest on a Dask cluster: the workers read and extract batches of files, this process stores.

`ingest.ingest(..., runner=partial(results, client))` does everything a plain ingest does (the
ingest log, unchanged files skipped, one transaction per batch, the summary); only the extraction
moves from this machine's processes to Dask tasks of FILES_PER_TASK files. The workers must import
the same extractor and read the files at the same paths as this process (a shared file system).

Results are stored in the order of the files, as a plain ingest stores them, so the database is the
same whatever the scheduling (which copy of a text is the original, which the duplicate). At most
IN_FLIGHT_PER_THREAD tasks per worker thread are submitted and not yet stored, so memory stays flat.
"""
from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from math import ceil
from typing import TYPE_CHECKING, Any

from .records import Item, ReadFailure

if TYPE_CHECKING:
    from distributed import Client, Future

FILES_PER_TASK = 64
IN_FLIGHT_PER_THREAD = 2
RETRIES = 2  # a task that raised or lost its worker runs again this many times before its files fail
MISSING = "--dask needs distributed: pip install 'extractor[dask]'"

Task = Callable[[list[tuple[str, str]], dict[str, Any]], list[list[Item]]]


class DaskError(Exception):
    """No cluster to run on; the message says why, in one line."""


def extract_files(files: list[tuple[str, str]], lexicons: dict[str, Any]) -> list[list[Item]]:
    """The task, on a worker: (path as given, absolute path) pairs → each file's items, named as given,
    extracted with the user's lexicons (empty: the shipped ones)."""
    from . import lexicon  # here: the worker loads the extraction rules, not this module's importer
    from .work import process_path

    with lexicon.using(lexicons):
        return [_as_given(process_path(absolute), given, absolute) for given, absolute in files]


def _as_given(items: list[Item], given: str, absolute: str) -> list[Item]:
    """Items named by the path as given (the ingest log's key), not by the worker's absolute path."""
    def rename(name: str) -> str:
        return given + name[len(absolute):] if name.startswith(absolute) else name  # "path#3" for JSON Lines

    return [item._replace(file=rename(item.file), source_file=given) for item in items]


def _failed(given: str, exc: BaseException) -> list[Item]:
    reason = f"extraction task failed on the cluster: {type(exc).__name__}: {exc}".strip().rstrip(":")
    return [Item(given, ReadFailure(given, reason), given)]


def results(client: Client, files: list[str], files_per_task: int = FILES_PER_TASK,
            task: Task = extract_files, lexicons: dict[str, Any] | None = None) -> Iterator[list[Item]]:
    """Each file's items, in file order, extracted by the cluster's workers (a runner for ingest)."""
    threads = max(1, sum(client.nthreads().values()))
    per_task = max(1, min(files_per_task, ceil(len(files) / (IN_FLIGHT_PER_THREAD * threads))))
    pairs = [(f, os.path.abspath(f)) for f in files]  # the workers' working directory is not ours
    chunks = iter([pairs[i : i + per_task] for i in range(0, len(pairs), per_task)])
    pending: deque[tuple[list[tuple[str, str]], Future]] = deque()

    def fill() -> None:
        # Recounted each time, so workers that join during the run get work too.
        bound = IN_FLIGHT_PER_THREAD * max(1, sum(client.nthreads().values()))
        while len(pending) < bound and (chunk := next(chunks, None)):
            pending.append((chunk, client.submit(task, chunk, lexicons or {}, retries=RETRIES, pure=False)))

    try:
        fill()
        while pending:
            chunk, future = pending.popleft()
            done = _settle(client, chunk, future, task, lexicons or {})
            fill()  # the workers go on while this process stores
            yield from done
    finally:  # stopped early (Ctrl-C, a failed write): the cluster need not finish the rest
        client.cancel([future for _, future in pending])


def _settle(client: Client, chunk: list[tuple[str, str]], future: Future, task: Task,
            lexicons: dict[str, Any]) -> list[list[Item]]:
    """The chunk's results; when its task failed for good, each file alone, so one bad file
    (one that kills its worker, say) fails only itself, with the reason in the ingest log."""
    try:
        return future.result()  # type: ignore[no-any-return]
    except Exception as exc:
        if len(chunk) == 1:
            return [_failed(chunk[0][0], exc)]
    out: list[list[Item]] = []
    for pair, single in zip(chunk, client.map(task, [[pair] for pair in chunk], [lexicons] * len(chunk), pure=False)):
        try:
            out.extend(single.result())
        except Exception as exc:
            out.append(_failed(pair[0], exc))
    return out


def _version() -> str:
    from . import __version__

    return __version__


def mismatch(versions: dict[str, str], ours: str) -> str | None:
    """Why the workers (address → extractor version) cannot extract for this ingest, if they cannot."""
    other = sorted({(v, w) for w, v in versions.items() if v != ours})
    if not other:
        return None
    v, w = other[0]
    return (f"the Dask worker {w} runs extractor {v}, this machine {ours} "
            f"({len(other)} of {len(versions)} workers differ): install the same extractor on every machine")


def _check(client: Client) -> None:
    """The workers import this extractor (the task is theirs to run), or DaskError saying what is wrong."""
    try:
        versions = client.run(_version)
    except Exception as exc:  # unpickling the function needs extractor on the worker
        raise DaskError(f"the Dask workers cannot import extractor ({type(exc).__name__}: {exc}): "
                        "install it in the workers' environment") from None
    problem = mismatch(versions, _version())
    if problem:
        raise DaskError(problem)


@contextmanager
def connect(address: str, workers: int | None = None) -> Iterator[Client]:
    """A client of the scheduler at address, or of a LocalCluster of `workers` processes for "local"."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise DaskError(MISSING) from None
    if address == "local":
        options: dict[str, Any] = {"n_workers": workers or os.cpu_count() or 1, "threads_per_worker": 1,
                                   "processes": True, "dashboard_address": None}
        with LocalCluster(**options) as cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(address)
    except (OSError, TimeoutError, ValueError) as exc:
        raise DaskError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    with client:
        _check(client)
        yield client
