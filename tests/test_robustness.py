"""Writes survive kill -9 and concurrent writers, on SQLite and PostgreSQL.

A corpus of a few hundred distinct articles (the seeds with their figures shifted by a counter,
plus a few copies under other names) is ingested once, cleanly, for reference. Then:

- an ``extractor ingest`` process is killed with SIGKILL while it is writing a batch (after an
  earlier batch was committed); what it left must be whole batches only, and a second run must
  finish the job;
- two ``extractor ingest`` processes write overlapping parts of the corpus into one database
  at the same time; and two write the same file at the same time.

Every input file must end up logged exactly once (``ingested`` if its article was stored from
it, else ``duplicate``), with one article per distinct body, each file's article carrying
exactly the metrics of the reference run. On PostgreSQL a gate (a table lock held by the test)
makes the writers collide every time rather than now and then, so the outcome does not depend
on timing. The ingest processes use ``--workers 1``.
"""
from __future__ import annotations

import contextlib
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text

from extractor.db.engine import make_engine
from extractor.db.migrate import upgrade
from extractor.ingest import BATCH_SIZE, ingest

from .conftest import SEEDS


EXE = str(Path(sys.executable).parent / "extractor")
VARIANTS = BATCH_SIZE // 5 + 12  # per seed: 5 × VARIANTS distinct articles, more than one batch
COPIES = 10  # the same text again under another name: must become `duplicate`, not a new article
BATCH = BATCH_SIZE  # files per transaction (one article a file here): the corpus spans more than one
# A figure written in digits and followed by a counting word: shifting it changes the body
# (so the content hash) without touching dates, phone numbers or URLs.
FIGURE = re.compile(r"(?<![\d.:/+-])(\d+)(?=[个個名人户戶项項场場次余多万元%])")

Metric = tuple  # (value, unit, qualifier, subject, span_text, char_start, char_end, locality, initiative)


@dataclass(frozen=True)
class Corpus:
    files: list[str]
    distinct: int  # distinct article texts among files
    metrics: dict[str, Counter[Metric]]  # reference: each file's article's metrics


# Each logged file with the metrics of the article it was stored as (its own, or the one it
# duplicates). Tables, not the metric_facts view: the view may leave out reposts.
FILE_METRICS = """
    SELECT l.file, m.value, m.unit, m.qualifier, m.subject, m.span_text, m.char_start, m.char_end,
           p.name AS locality, i.name AS initiative
    FROM ingest_log l JOIN metrics m ON m.article_id = l.article_id
    LEFT JOIN localities p ON p.id = m.locality_id LEFT JOIN initiatives i ON i.id = m.initiative_id"""


def file_metrics(url: str) -> dict[str, Counter[Metric]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            out: dict[str, Counter[Metric]] = {}
            for row in conn.execute(text(FILE_METRICS)):
                out.setdefault(row[0], Counter())[tuple(row[1:])] += 1
            return out
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    root = tmp_path_factory.mktemp("corpus")
    files: list[str] = []
    texts: set[str] = set()
    for seed in sorted(SEEDS.glob("*.txt")):
        original = seed.read_text(encoding="utf-8")
        assert FIGURE.search(original), f"{seed.name} has no figure to vary"
        for k in range(VARIANTS):
            body = FIGURE.sub(lambda m, k=k: str(int(m.group(1)) + k), original)
            path = root / f"{seed.stem}_{k:03d}.txt"
            path.write_text(body, encoding="utf-8")
            files.append(str(path))
            texts.add(body)
    for i in range(COPIES):  # copies spread through the corpus, named to sort beside others
        source = Path(files[i * 29 + 3])
        copy = source.with_name(f"{source.stem}_copy.txt")
        shutil.copy(source, copy)
        files.append(str(copy))
    files.sort()
    assert len(texts) == VARIANTS * 5 and len(files) > BATCH

    url = f"sqlite:///{root.parent / 'reference.db'}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        summary = ingest(files, engine, workers=1)
    finally:
        engine.dispose()
    assert summary.counts["ingested"] == len(texts) and summary.counts["duplicate"] == COPIES, summary.counts
    reference = file_metrics(url)
    assert set(reference) == set(files)  # every file's article has metrics to compare
    return Corpus(files, len(texts), reference)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'robust.db'}"
    return request.getfixturevalue("pg_url")


def ingest_proc(url: str, files: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen([EXE, "ingest", *files, "--db", url, "--workers", "1"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(proc: subprocess.Popen[str], timeout: float = 90) -> str:
    _, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err
    assert "Traceback" not in err, err
    return err


def check_consistent(url: str, corpus: Corpus, complete: bool = True) -> int:
    """What is in the database is whole: each logged file has its article with all its metrics,
    nothing is doubled, no article is unaccounted for. complete: every file of the corpus is
    there, one article per distinct text. Returns the number of files logged."""
    with _query(url) as q:
        log = q("SELECT file, status, article_id FROM ingest_log")
        (articles, hashes), = q("SELECT COUNT(*), COUNT(DISTINCT content_hash) FROM articles")
        (orphans,), = q("SELECT COUNT(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM ingest_log l WHERE l.article_id = a.id)")
        (childless,), = q("SELECT COUNT(*) FROM ingest_log l WHERE NOT EXISTS (SELECT 1 FROM metrics m WHERE m.article_id = l.article_id)")
        (metric_rows,), = q("SELECT COUNT(*) FROM metrics")
    files = Counter(f for f, _, _ in log)
    assert [f for f, n in files.items() if n > 1] == [], "files logged more than once"
    assert set(files) <= set(corpus.files)
    assert Counter(s for _, s, _ in log).keys() <= {"ingested", "duplicate"}, Counter(s for _, s, _ in log)
    assert all(a is not None for _, _, a in log)
    assert orphans == 0, "articles no ingest_log row points to: a batch was written in part"
    assert childless == 0, "logged files whose article has no metrics: a batch was written in part"
    assert articles == hashes
    got = file_metrics(url)
    wrong = [f for f in files if got.get(f) != corpus.metrics[f]]
    assert wrong == [], f"{len(wrong)} files whose metrics differ from the reference run, e.g. {wrong[:3]}"
    one_file_per_article = {a: f for f, _, a in log}.values()
    assert metric_rows == sum(sum(corpus.metrics[f].values()) for f in one_file_per_article), "metrics stored twice"
    if complete:
        assert set(files) == set(corpus.files), f"{len(set(corpus.files) - set(files))} files missing from ingest_log"
        assert articles == corpus.distinct
    return len(files)


def check_statuses(url: str, corpus: Corpus) -> None:
    """The file each article was stored from is logged `ingested`; every other file `duplicate`."""
    with _query(url) as q:
        own = Counter(s for (s,) in q("SELECT l.status FROM articles a JOIN ingest_log l ON l.file = a.file"))
        statuses = Counter(s for (s,) in q("SELECT status FROM ingest_log"))
    assert own == Counter(ingested=corpus.distinct), "files an article was stored from, by their logged status"
    assert statuses == Counter(ingested=corpus.distinct, duplicate=len(corpus.files) - corpus.distinct)


@contextlib.contextmanager
def _query(url: str) -> Iterator[Callable[[str], list[tuple]]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            yield lambda sql: [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


# --- kill -9 ------------------------------------------------------------------------------


def _logged(url: str) -> int:
    try:
        if url.startswith("sqlite"):
            with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"), timeout=0)) as conn:
                return int(conn.execute("SELECT COUNT(*) FROM ingest_log").fetchone()[0])
        with _pg_connect(url) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM ingest_log").fetchone()[0])
    except Exception:  # no table yet, or locked for a moment
        return 0


def _writing(url: str) -> bool:
    """Whether another connection is inside a write transaction right now."""
    if url.startswith("sqlite"):
        with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"), timeout=0, isolation_level=None)) as conn:
            try:
                conn.execute("BEGIN IMMEDIATE")  # fails at once while another connection holds the write lock
            except sqlite3.OperationalError:
                return True
            conn.execute("ROLLBACK")
            return False
    with _pg_connect(url) as conn:
        # backend_xid is set once a transaction has written something, until it ends
        return bool(conn.execute(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL").fetchone()[0])


def test_kill_9_mid_ingest_then_rerun(url: str, corpus: Corpus) -> None:
    proc = ingest_proc(url, corpus.files)
    deadline = time.monotonic() + 60
    try:
        # Wait for a committed batch, then for the next batch's write transaction; kill inside it.
        while _logged(url) == 0:
            assert proc.poll() is None, f"ingest ended before its first batch was seen: {proc.communicate()[1]}"
            assert time.monotonic() < deadline, "no batch committed in 60 s"
            time.sleep(0.05)
        while not _writing(url):
            assert proc.poll() is None, "ingest finished before its second batch could be caught being written"
            assert time.monotonic() < deadline, "no second batch written in 60 s"
            time.sleep(0.002)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL

    logged = check_consistent(url, corpus, complete=False)
    assert 0 < logged < len(corpus.files)
    assert logged % BATCH == 0, f"{logged} files logged: not a whole number of {BATCH}-file batches"

    err = finish(ingest_proc(url, corpus.files))
    assert f"unchanged: {logged}" in err, err
    check_consistent(url, corpus)
    check_statuses(url, corpus)


# --- two writers at once ------------------------------------------------------------------


class GateError(RuntimeError):
    """The test's own set-up went wrong (not an AssertionError, so no xfail swallows it)."""


@contextlib.contextmanager
def _gate(url: str) -> Iterator[Callable[[list[subprocess.Popen[str]]], None]]:
    """On PostgreSQL, hold every writer at its first write to metrics or ingest_log (it has read
    the ingest log and stored its first article by then) until each writer still running waits
    for a lock, then let them all go together. Yields the function that does this, given the
    writers. On SQLite writers take turns anyway (the file lock); there the gate does nothing."""
    if not url.startswith("postgresql"):
        yield lambda procs: None
        return
    conn = _pg_connect(url)
    conn.execute("BEGIN")
    conn.execute("LOCK TABLE metrics, ingest_log IN EXCLUSIVE MODE")  # blocks writes, not reads
    opened = False

    def open_when_all_wait(procs: list[subprocess.Popen[str]]) -> None:
        nonlocal opened
        deadline = time.monotonic() + 60
        with _pg_connect(url) as probe:
            while probe.execute("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
                                "AND wait_event_type = 'Lock'").fetchone()[0] < sum(p.poll() is None for p in procs):
                if time.monotonic() > deadline:
                    raise GateError("the writers did not reach the gate within 60 s")
                time.sleep(0.05)
        conn.execute("ROLLBACK")
        opened = True

    try:
        yield open_when_all_wait
    finally:
        if not opened:
            conn.execute("ROLLBACK")
        conn.close()


def _pg_connect(url: str):  # type: ignore[no-untyped-def]
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    return psycopg.connect(host=u.host, port=u.port, user=u.username, password=u.password, dbname=u.database,
                           autocommit=True)


@dataclass(frozen=True)
class Writers:
    url: str
    results: list[tuple[int, str]]  # (exit code, stderr) of each process


@pytest.fixture(scope="module")
def two_writers(request: pytest.FixtureRequest, corpus: Corpus, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Writers]:
    """A database (request.param: sqlite or postgresql) that two `extractor ingest` processes
    wrote at once: one the first two thirds of the corpus, the other the last two thirds, each
    starting with the same two articles in the opposite order (from places with nothing in
    common, so that on PostgreSQL each stores its first before it needs the other's). On
    PostgreSQL the gate lets both go only once both hold their first article."""
    with contextlib.ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('two_writers') / 'two.db'}"
        else:
            url = stack.enter_context(request.getfixturevalue("pg_databases")())
        # The schema first: the subject here is the rows, not two migrations racing.
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        n = len(corpus.files)
        x = next(f for f in corpus.files if Path(f).name.startswith("000_"))  # 广东省 台山市
        y = next(f for f in corpus.files if Path(f).name.startswith("004_"))  # 安徽省 长丰县
        first = [x, y] + [f for f in corpus.files[: 2 * n // 3] if f not in (x, y)]
        second = [y, x] + [f for f in corpus.files[n // 3:] if f not in (x, y)]
        yield Writers(url, _run_gated(url, [first, second], timeout=120))


def _run_gated(url: str, parts: list[list[str]], timeout: float) -> list[tuple[int, str]]:
    """Run one `extractor ingest` per part through the gate; (exit code, stderr) of each."""
    with _gate(url) as open_gate:
        procs = [ingest_proc(url, part) for part in parts]
        try:
            open_gate(procs)
            errs = [proc.communicate(timeout=timeout)[1] for proc in procs]
        finally:
            for proc in procs:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
    return [(proc.returncode, err) for proc, err in zip(procs, errs)]


def _both_succeeded(results: list[tuple[int, str]]) -> None:
    for code, err in results:
        assert code == 0, f"an ingest process failed ({code}):\n{err[-3000:]}"
        assert "Traceback" not in err, err[-3000:]


@pytest.mark.parametrize("two_writers", ["sqlite", "postgresql"], indirect=True)
def test_two_concurrent_ingests_lose_and_double_nothing(two_writers: Writers, corpus: Corpus) -> None:
    _both_succeeded(two_writers.results)
    check_consistent(two_writers.url, corpus)
    check_statuses(two_writers.url, corpus)


@pytest.mark.parametrize("url", ["sqlite", "postgresql"], indirect=True)
def test_same_file_from_two_writers_at_once_is_logged_ingested(url: str, corpus: Corpus) -> None:
    """Both processes read the ingest log before either writes (on PostgreSQL the gate sees to
    it); the file must still be logged as what it is: the file its article was stored from."""
    file = corpus.files[0]
    upgrade(engine := make_engine(url))
    engine.dispose()
    _both_succeeded(_run_gated(url, [[file], [file]], timeout=60))
    with _query(url) as q:
        assert q("SELECT file FROM articles") == [(file,)]
        assert q("SELECT file, status FROM ingest_log") == [(file, "ingested")]


def _long_page(chars: int) -> str:
    """A page of many paragraphs from the seeds' bodies, each time with other figures."""
    from extractor.cleaning import clean

    bodies = [clean(p.read_text(encoding="utf-8")).body for p in sorted(SEEDS.glob("*.txt"))]
    lines, size, i = ["全县经济社会发展情况汇编", "发布时间:2023-05-06"], 0, 0
    while size < chars:
        for line in bodies[i % len(bodies)].split("\n"):
            line = re.sub(r"\d+", lambda m: str(int(m.group()) + i), line)
            lines.append(line)
            size += len(line) + 1
        i += 1
    return "\n".join(lines)


def test_a_long_page_is_read_in_parts_with_offsets_into_the_whole_body() -> None:
    from extractor import pipeline
    from extractor.claims import extract_metrics

    text = _long_page(400_000)  # about 1.2 MB of UTF-8
    start = time.perf_counter()
    record = pipeline.extract(text)
    assert time.perf_counter() - start < 60  # bounded, even on a loaded machine
    assert len(record.body) > 2 * pipeline.MAX_PART_CHARS
    assert len(record.metrics) > 1000
    for m in record.metrics[:: 50]:
        assert record.body[m.char_start : m.char_end] == m.span_text
        assert record.body[m.sentence_start : m.sentence_start + len(m.sentence)] == m.sentence
    # no claim crosses a line, so the parts give what the whole body gives
    whole = extract_metrics(record.body)
    assert [(m.char_start, m.value, m.subject) for m in record.metrics] == [
        (m.char_start, m.value, m.subject) for m in whole]


@pytest.mark.parametrize(("body", "size", "parts"), [
    ("甲\n乙\n丙\n", 4, [(0, 4), (4, 6)]),  # after the last line break that fits
    ("甲乙。丙丁。戊", 4, [(0, 3), (3, 7)]),  # a line longer than a part: after a sentence end
    ("甲乙丙丁戊己", 4, [(0, 4), (4, 6)]),  # no break at all: where the part is full
    ("\n甲乙丙丁戊", 4, [(0, 1), (1, 5), (5, 6)]),  # a part always moves on
])
def test_parts(body: str, size: int, parts: list[tuple[int, int]]) -> None:
    from extractor.pipeline import _parts

    assert list(_parts(body, size)) == parts
