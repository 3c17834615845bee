#!/usr/bin/env python3
"""Concurrent ingests: the races the ingest guarantees are about, run many times.

  schema   two `extractor ingest` processes released at the same moment on a database without a
           schema (a SQLite file that does not exist, an empty PostgreSQL database): both must
           exit 0 and every input must be logged once, ingested once.
  reposts  a corpus of reposts (ingest_benchmark.py's `variants`) ingested plainly, in reverse
           order, and by two processes at once (one forwards, one backwards) into one database:
           every article must have the same canonical article, and metric_facts the same rows.

    .venv/bin/python benchmarks/race.py --runs 20                      # both races on SQLite
    .venv/bin/python benchmarks/race.py --runs 20 --race schema --pg "$EXTRACTOR_TEST_PG"

Prints the passes per race and each failure's reason; exits 1 if any run failed.
tests/test_concurrency.py uses these functions for its smaller runs.
"""
from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # tests.pg (fresh PostgreSQL databases)
sys.path.insert(0, str(Path(__file__).resolve().parent))  # ingest_benchmark (the corpus)

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

SEEDS = REPO / "seeds"
_RELEASE_TIMEOUT = 120.0  # seconds for every process to be ready at the barrier

# Each process imports the CLI first (the slow part), says it is ready, and runs its command only
# when the parent creates the go file, so that the processes really start their work together.
_AT_THE_BARRIER = """
import os, sys, time
from alembic import command  # what the upgrade would import after the barrier: the race stays tight
from extractor.cli import app
ready, go = sys.argv[1], sys.argv[2]
open(ready, "w").close()
while not os.path.exists(go):
    time.sleep(0.001)
sys.argv = ["extractor", *sys.argv[3:]]
app()
"""


_CLI = [sys.executable, "-c", "import sys; from extractor.cli import app; sys.argv[0] = 'extractor'; app()"]


def together(commands: list[list[str]], barrier: Path) -> list[subprocess.CompletedProcess[str]]:
    """Run extractor commands (argument lists) in processes released at one moment."""
    barrier.mkdir(parents=True, exist_ok=True)
    go = barrier / "go"
    procs = [subprocess.Popen([sys.executable, "-c", _AT_THE_BARRIER, str(barrier / f"ready{i}"), str(go), *cmd],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
             for i, cmd in enumerate(commands)]
    deadline = time.monotonic() + _RELEASE_TIMEOUT
    while not all((barrier / f"ready{i}").exists() for i in range(len(procs))) and time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            break  # one died before the barrier: its output says why
        time.sleep(0.005)
    go.touch()
    return [subprocess.CompletedProcess(p.args, p.wait(), *p.communicate()) for p in procs]


def _failed(results: list[subprocess.CompletedProcess[str]]) -> str | None:
    for n, r in enumerate(results, start=1):
        if r.returncode != 0:
            last = (r.stderr.strip().splitlines() or ["(no output)"])[-1]
            return f"process {n} exited {r.returncode}: {last}"
    return None


def _scalar(url: str, sql: str) -> int:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(text(sql)) or 0)
    finally:
        engine.dispose()


def schema_race(url: str, inputs: list[str], barrier: Path) -> str | None:
    """Two ingests of the same inputs started together on url (no schema yet); None when both
    exit 0 and every input is logged once and ingested once, else what went wrong."""
    cmd = ["ingest", *inputs, "--db", url, "--workers", "1"]
    failure = _failed(together([cmd, cmd], barrier))
    if failure:
        return failure
    logged = _scalar(url, "SELECT COUNT(DISTINCT file) FROM ingest_log WHERE status = 'ingested'")
    rows = _scalar(url, "SELECT COUNT(*) FROM ingest_log")
    articles = _scalar(url, "SELECT COUNT(*) FROM articles")
    if (logged, rows, articles) != (len(inputs),) * 3:
        return f"{len(inputs)} inputs: {rows} log rows, {logged} ingested, {articles} articles"
    return None


def make_corpus(folder: Path, n: int, seed: int = 7) -> list[str]:
    """n generated reposts of the seeds (edited copies: paragraphs shuffled, numbers changed)."""
    from ingest_benchmark import generate, list_files

    generate(n, folder, seed, "variants")
    return list_files(folder)


Groups = tuple[dict[str, str], int]  # content hash → its canonical article's hash; metric_facts rows


def groups(url: str) -> Groups:
    """What must not depend on ingest order: each article's canonical article, and the facts."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            canonical = dict(conn.execute(text(
                "SELECT a.content_hash, COALESCE(c.content_hash, a.content_hash) FROM articles a "
                "LEFT JOIN articles c ON c.id = a.canonical_id")).all())
            facts = int(conn.scalar(text("SELECT COUNT(*) FROM metric_facts")) or 0)
    finally:
        engine.dispose()
    return canonical, facts


def _compare(label: str, got: Groups, want: Groups) -> str | None:
    if got == want:
        return None
    moved = sum(1 for h, c in want[0].items() if got[0].get(h) != c)
    return (f"{label}: {moved} of {len(want[0])} articles with another canonical article, "
            f"metric_facts {got[1]} vs {want[1]}")


def repost_race(files: list[str], urls: Callable[[], contextlib.AbstractContextManager[str]], barrier: Path,
                workers: int = 1) -> str | None:
    """files ingested plainly, reversed, and by two processes at once (one each way); None when all
    three give the same groups. urls() gives a new, empty database each time it is entered."""
    def ingest(order: list[str]) -> list[str]:
        return ["ingest", *order, "--workers", str(workers)]

    backwards = files[::-1]
    with urls() as plain, urls() as reverse, urls() as both:
        for url, order in ((plain, files), (reverse, backwards)):
            failure = _failed([subprocess.run([*_CLI, *ingest(order), "--db", url],
                                              capture_output=True, text=True, stdin=subprocess.DEVNULL)])
            if failure:
                return failure
        failure = _failed(together([[*ingest(files), "--db", both], [*ingest(backwards), "--db", both]], barrier))
        if failure:
            return f"concurrent: {failure}"
        want = groups(plain)
        return _compare("reversed", groups(reverse), want) or _compare("concurrent", groups(both), want)


def sqlite_databases(folder: Path) -> Callable[[], contextlib.AbstractContextManager[str]]:
    """For repost_race: a new SQLite file under folder each time the returned function is entered."""
    count = iter(range(10**9))
    return lambda: contextlib.nullcontext(f"sqlite:///{folder / f'race{next(count)}.db'}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--race", choices=("schema", "reposts", "both"), default="both")
    ap.add_argument("--files", type=int, default=1000, help="size of the reposts corpus (default 1000)")
    ap.add_argument("--workers", type=int, default=1, help="--workers of each ingest in the reposts race")
    ap.add_argument("--pg", metavar="URL", help="a PostgreSQL server whose role may create databases "
                    "(as EXTRACTOR_TEST_PG); SQLite when not given")
    args = ap.parse_args()
    from tests.pg import fresh_database

    with tempfile.TemporaryDirectory(prefix="extractor-race-") as tmp:
        root = Path(tmp)
        fresh = (lambda: fresh_database(args.pg)) if args.pg else sqlite_databases(root)
        files = make_corpus(root / "corpus", args.files) if args.race != "schema" else []
        inputs = [str(p) for p in sorted(SEEDS.glob("*.txt"))]
        failed = 0
        for race in ("schema", "reposts") if args.race == "both" else (args.race,):
            passed = 0
            start = time.perf_counter()
            for run in range(args.runs):
                barrier = root / f"barrier-{race}-{run}"
                if race == "schema":
                    with fresh() as url:
                        why = schema_race(url, inputs, barrier)
                else:
                    why = repost_race(files, fresh, barrier, args.workers)
                passed += why is None
                if why:
                    print(f"{race} run {run + 1}: FAIL {why}", flush=True)
            failed += args.runs - passed
            print(f"{race}: {passed}/{args.runs} passed ({'PostgreSQL' if args.pg else 'SQLite'}, "
                  f"{time.perf_counter() - start:.0f}s)", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
