"""ingest on a real Dask cluster (a LocalCluster of processes, and the `dask scheduler` and
`dask worker` commands) stores exactly what a plain ingest stores, into SQLite and PostgreSQL.

The corpus comes from the benchmark's generator (distinct articles built on the seeds, with other
figures and places), plus reposts, an exact copy, a JSON Lines file and a file with no article.
"""
from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import aliased
from typer.testing import CliRunner

from extractor.cli import app
from extractor.dask_runner import MISSING, _as_given, connect, extract_files, mismatch, results
from extractor.db.engine import make_engine
from extractor.db.migrate import upgrade
from extractor.db.models import Article, IngestLog, Metric
from extractor.ingest import ingest
from extractor.records import Item, ReadFailure

from .conftest import ROOT

distributed = pytest.importorskip("distributed")

CORPUS = "corpus"  # given relative to the test's working directory, as a user would
SMALL = 20  # files in CORPUS/small: a few tasks of several files each on two workers
POISON = "003.txt"  # the file of CORPUS/small that the failing tasks below refuse


def _benchmark() -> Any:
    spec = importlib.util.spec_from_file_location("ingest_benchmark", ROOT / "benchmarks" / "ingest_benchmark.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding CORPUS: about 300 inputs, among them reposts, a copy and failures."""
    root = tmp_path_factory.mktemp("dask")
    corpus = root / CORPUS
    bench = _benchmark()
    bench.generate(270, corpus / "distinct", seed=11)
    bench.generate(24, corpus / "reposts", seed=12, mode="variants")  # reposts of the seeds' articles
    shutil.copy(next((corpus / "distinct").rglob("000010.txt")), corpus / "copy.txt")  # a duplicate
    gen = bench.Generator(13)
    records = [{"title": f"第{i}篇", "text": gen.article(i)} for i in range(3)]
    (corpus / "feed.jsonl").write_text("\n".join(map(json.dumps, records)) + "\n{not json\n", encoding="utf-8")
    (corpus / "empty.txt").write_text("\n", encoding="utf-8")
    (corpus / "small").mkdir()
    for i in range(SMALL):  # POISON among them
        (corpus / "small" / f"{i:03d}.txt").write_text(gen.article(10 + i), encoding="utf-8")
    return root


def snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """What an ingest stored, in an order of its own: the log, the articles, the claims."""
    engine = make_engine(url)
    original = aliased(Article)
    try:
        with engine.connect() as conn:
            return {
                "log": sorted(conn.execute(select(IngestLog.file, IngestLog.status, IngestLog.reason,
                                                  IngestLog.source_file)).all()),
                "articles": sorted(conn.execute(
                    select(Article.file, Article.content_hash, original.content_hash)
                    .outerjoin(original, original.id == Article.canonical_id)).all(), key=str),
                "metrics": sorted(conn.execute(
                    select(Article.content_hash, Metric.value, Metric.unit, Metric.subject, Metric.char_start,
                           Metric.char_end).join(Article, Article.id == Metric.article_id)).all(), key=str),
            }
    finally:
        engine.dispose()


def _ingest(url: str, paths: list[str], **options: Any) -> Any:
    engine = make_engine(url)
    try:
        upgrade(engine)
        return ingest(paths, engine, **options)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def plain(workdir: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The corpus as a plain ingest (in this process) stores it."""
    url = f"sqlite:///{workdir / 'plain.db'}"
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(workdir)
        _ingest(url, [CORPUS], workers=1)
    stored = snapshot(url)
    files = {str(p.resolve()) for p in (workdir / CORPUS).rglob("*") if p.is_file()}
    assert {row[3] for row in stored["log"]} == files  # every input is in the log (once: its resolved path is its key)
    statuses = {row[1] for row in stored["log"]}
    assert statuses == {"ingested", "duplicate", "failed"}  # the corpus exercises each
    assert any(row[2] for row in stored["articles"])  # and reposts
    return stored


@pytest.fixture(scope="module")
def local_cluster() -> Iterator[Any]:
    with connect("local", workers=2) as client:
        yield client


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The address of a scheduler started by `dask scheduler`, with two `dask worker` processes.

    The workers run in a folder of their own, so the inputs' relative paths mean nothing there."""
    dask = Path(sys.executable).with_name("dask")
    assert dask.exists(), "distributed installs the dask command"
    folder = tmp_path_factory.mktemp("scheduler")
    file = folder / "scheduler.json"
    log = open(folder / "cluster.log", "wb")
    procs: list[subprocess.Popen[bytes]] = []
    try:
        procs.append(subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                       "--dashboard-address", "127.0.0.1:0",
                                       "--scheduler-file", file], cwd=folder, stdout=log, stderr=subprocess.STDOUT))
        deadline = time.monotonic() + 60
        while not file.exists():
            assert procs[0].poll() is None and time.monotonic() < deadline, (folder / "cluster.log").read_text()
            time.sleep(0.1)
        for _ in range(2):
            procs.append(subprocess.Popen([dask, "worker", "--scheduler-file", file, "--host", "127.0.0.1",
                                           "--nthreads", "1", "--no-dashboard", "--local-directory", folder],
                                          cwd=folder, stdout=log, stderr=subprocess.STDOUT))
        with distributed.Client(scheduler_file=str(file)) as client:
            client.wait_for_workers(2, timeout=60)
            yield client.scheduler.address
    finally:
        # The workers first, while the scheduler is there to see them go (else they wait for it).
        for group in (procs[1:], procs[:1]):
            for proc in group:
                proc.terminate()
            for proc in group:
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        log.close()


def _db(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    return f"sqlite:///{tmp_path / 'dask.db'}" if kind == "sqlite" else request.getfixturevalue("pg_url")


def test_local_cluster_stores_what_a_plain_ingest_stores(local_cluster: Any, workdir: Path, plain: dict[str, Any],
                                                         tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workdir)
    url = f"sqlite:///{tmp_path / 'dask.db'}"
    first = _ingest(url, [CORPUS], runner=partial(results, local_cluster, files_per_task=16))
    assert snapshot(url) == plain
    assert first.counts["ingested"] == len(plain["articles"])
    again = _ingest(url, [CORPUS], runner=partial(results, local_cluster))
    assert not again.changed and again.new_metrics == 0 and set(again.counts) == {"unchanged"}
    assert snapshot(url) == plain


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_dask_commands_through_the_cli(kind: str, scheduler: str, workdir: Path, plain: dict[str, Any],
                                       tmp_path: Path, request: pytest.FixtureRequest,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    url = _db(kind, tmp_path, request)
    monkeypatch.chdir(workdir)
    first = CliRunner().invoke(app, ["ingest", CORPUS, "--db", url, "--dask", scheduler])
    assert first.exit_code == 0, first.output
    assert f"ingested: {len(plain['articles'])}" in first.output
    assert snapshot(url) == plain
    again = CliRunner().invoke(app, ["ingest", CORPUS, "--db", url, "--dask", scheduler])
    assert again.exit_code == 0 and "nothing new: the database is unchanged" in again.output, again.output
    assert snapshot(url) == plain


def test_a_task_that_fails_for_good_fails_only_its_file(local_cluster: Any, workdir: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def refuses_poison(files: list[tuple[str, str]], lexicons: dict[str, Any]) -> list[list[Item]]:
        if any(given.endswith(POISON) for given, _ in files):
            raise RuntimeError("this worker cannot read it")
        return extract_files(files, lexicons)

    monkeypatch.chdir(workdir)
    url = f"sqlite:///{tmp_path / 'dask.db'}"
    small = [f"{CORPUS}/small"]
    summary = _ingest(url, small, runner=partial(results, local_cluster, task=refuses_poison))
    assert [(f.file, f.reason) for f in summary.failures] == [
        (str((workdir / CORPUS / "small" / POISON).resolve()),
         "extraction task failed on the cluster: RuntimeError: this worker cannot read it")]
    assert summary.counts["ingested"] == SMALL - 1  # the files that shared its task are stored
    again = _ingest(url, small, runner=partial(results, local_cluster))  # a failed file is read again
    assert again.counts["ingested"] == 1 and again.counts["unchanged"] == SMALL - 1 and not again.failures


def test_a_task_that_fails_once_is_retried(local_cluster: Any, workdir: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    marker = tmp_path / "failed-once"

    def fails_once(files: list[tuple[str, str]], lexicons: dict[str, Any]) -> list[list[Item]]:
        if not marker.exists():
            marker.touch()
            raise OSError("the shared file system went away for a moment")
        return extract_files(files, lexicons)

    monkeypatch.chdir(workdir)
    summary = _ingest(f"sqlite:///{tmp_path / 'dask.db'}", [f"{CORPUS}/small"],
                      runner=partial(results, local_cluster, files_per_task=8, task=fails_once))
    assert marker.exists() and summary.counts["ingested"] == SMALL and not summary.failures


@pytest.mark.parametrize(("given", "absolute", "named", "want"), [
    ("a/b.txt", "/x/a/b.txt", "/x/a/b.txt", "a/b.txt"),
    ("feed.jsonl", "/x/feed.jsonl", "/x/feed.jsonl#3", "feed.jsonl#3"),  # a record of a JSON Lines file
    ("/x/c.txt", "/x/c.txt", "/x/c.txt", "/x/c.txt"),  # given absolute already
])
def test_items_are_named_as_given(given: str, absolute: str, named: str, want: str) -> None:
    item = Item(named, ReadFailure(named, "why"), absolute, 1, 2)
    assert _as_given([item], given, absolute) == [Item(want, ReadFailure(named, "why"), given, 1, 2)]


@pytest.mark.parametrize(("versions", "want"), [
    ({"tcp://a:1": "1.2", "tcp://b:1": "1.2"}, None),
    ({}, None),  # no workers yet: the tasks wait for them
    ({"tcp://a:1": "1.2", "tcp://b:1": "1.1"},
     "the Dask worker tcp://b:1 runs extractor 1.1, this machine 1.2 (1 of 2 workers differ): "
     "install the same extractor on every machine"),
])
def test_workers_must_run_the_same_extractor(versions: dict[str, str], want: str | None) -> None:
    assert mismatch(versions, "1.2") == want


def test_without_distributed_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed raises ImportError
    result = CliRunner().invoke(app, ["ingest", str(ROOT / "seeds"), "--db", f"sqlite:///{tmp_path / 'x.db'}",
                                      "--dask", "local"])
    assert result.exit_code == 2
    assert result.output == f"error: {MISSING}\n"


def test_no_scheduler_there_one_line(tmp_path: Path) -> None:
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = CliRunner().invoke(app, ["ingest", str(ROOT / "seeds"), "--db", f"sqlite:///{tmp_path / 'x.db'}",
                                          "--dask", "tcp://127.0.0.1:9"])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error: cannot reach the Dask scheduler at tcp://127.0.0.1:9: ")
    assert result.output.count("\n") == 1


def test_a_user_lexicon_reaches_the_cluster_workers(local_cluster: Any, tmp_path: Path) -> None:
    from extractor.userlexicon import load as load_lexicon

    words = tmp_path / "my.toml"
    words.write_text('[units.items]\nunits = ["羽"]\n', encoding="utf-8")
    article = tmp_path / "poultry.txt"
    article.write_text("某某县畜牧业稳步发展\n今年以来,全县出栏家禽12万羽,新建养殖场3个,带动农户增收。", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'dask.db'}"
    _ingest(url, [str(article)], runner=partial(results, local_cluster, lexicons=load_lexicon(words).tables))
    with make_engine(url).connect() as conn:
        units = sorted(conn.scalars(select(Metric.unit)))
    assert units == ["个", "羽"]
