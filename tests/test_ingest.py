"""Ingest at corpus scale: every format and encoding accounted for, unchanged files skipped,
shards, workers and re-extraction from stored bodies."""
from __future__ import annotations

import gzip
import json
import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from extractor.db.engine import make_engine
from extractor.db.migrate import upgrade
from extractor.ingest import ingest, parse_shard
from extractor.reextract import reextract

from .conftest import SEEDS

ARTICLE = "某某镇:党建引领乡村振兴\n时间:2024-07-16 来源:某某先锋\n今年以来,某某镇开展宣讲{n}余场次,惠及群众2500多人,发展党员10名,全镇党员干部积极参与。"
TRADITIONAL = "某某鎮:黨建引領鄉村振興\n時間:2024-07-16 來源:某某先鋒\n今年以來,某某鎮開展宣講{n}餘場次,惠及群眾2500多人,發展黨員10名,全鎮黨員幹部積極參與。"


def _engine(db_url: str):  # type: ignore[no-untyped-def]
    engine = make_engine(db_url)
    upgrade(engine)
    return engine


def _mixed_folder(root: Path) -> dict[str, str]:
    """A folder with every supported format and encoding; returns file → expected status."""
    root.mkdir()
    expected = {}

    def put(name: str, data: bytes, status: str) -> None:
        (root / name).write_bytes(data)
        expected[str(root / name)] = status

    put("utf8.txt", ARTICLE.format(n=101).encode("utf-8"), "ingested")
    put("utf8_bom.txt", b"\xef\xbb\xbf" + ARTICLE.format(n=102).encode("utf-8"), "ingested")
    put("gbk.txt", ARTICLE.format(n=103).encode("gbk"), "ingested")
    put("gb18030.txt", ARTICLE.format(n=104).encode("gb18030"), "ingested")
    put("big5.txt", TRADITIONAL.format(n=105).encode("big5"), "ingested")
    put("utf16.txt", ARTICLE.format(n=106).encode("utf-16"), "ingested")
    html = f"<html><head><title>某某镇:党建引领</title><meta name='date' content='2024-07-16'></head><body><article><p>{ARTICLE.format(n=107).splitlines()[2]}</p></article></body></html>"
    put("page.html", html.encode("utf-8"), "ingested")
    put("page.htm.gz", gzip.compress(html.replace("107", "108").encode("utf-8")), "ingested")
    put("txt.txt.gz", gzip.compress(ARTICLE.format(n=109).encode("utf-8")), "ingested")
    lines = [json.dumps({"text": ARTICLE.format(n=110 + i), "url": f"http://x.gov.cn/{i}"}, ensure_ascii=False) for i in range(3)]
    put("batch.jsonl", "\n".join([*lines, "{not json"]).encode("utf-8"), "ingested")
    expected.pop(str(root / "batch.jsonl"))
    expected.update({f"{root / 'batch.jsonl'}#{i}": "ingested" for i in (1, 2, 3)})
    expected[f"{root / 'batch.jsonl'}#4"] = "failed"
    put("empty.txt", b"", "failed")
    put("noise.txt", os.urandom(3000).replace(b"\x00", b"\x01"), "failed")
    put("image.png.txt", b"\x89PNG\r\n\x1a\n" + bytes(200), "failed")
    put("notes.csv", b"a,b", "skipped")  # not an article format: logged, not read
    return expected


def test_mixed_folder_every_input_accounted_for(db_url: str, tmp_path: Path) -> None:
    expected = _mixed_folder(tmp_path / "corpus")
    summary = ingest([str(tmp_path / "corpus")], _engine(db_url), workers=1)
    with create_engine(db_url).connect() as conn:
        log = dict(conn.execute(text("SELECT file, status FROM ingest_log")).all())
        bodies = conn.execute(text("SELECT body FROM articles")).scalars().all()
    assert log == expected
    assert summary.counts["ingested"] == sum(s == "ingested" for s in expected.values())
    assert any("某某镇开展宣讲105余场次" in b for b in bodies)  # Big5 traditional, converted
    assert any("宣讲103余场次" in b for b in bodies)  # GBK


def test_unchanged_files_are_not_read_again(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "c"
    shutil.copytree(SEEDS, corpus)
    engine = _engine(db_url)
    first = ingest([str(corpus)], engine, workers=1)
    assert first.counts["ingested"] == 5

    def fail(path: str) -> None:
        raise AssertionError(f"{path} was read again")

    monkeypatch.setattr("extractor.work.process_path", fail)
    again = ingest([str(corpus)], engine, workers=1)
    assert again.counts == {"unchanged": 5} and not again.changed
    monkeypatch.undo()
    (corpus / "000_e78e95ea709d0ece.txt").touch()  # same content, new mtime: read, still unchanged
    touched = ingest([str(corpus)], engine, workers=1)
    assert touched.counts == {"unchanged": 5}


def test_shards_split_the_inputs_stably(tmp_path: Path) -> None:
    files = [f"corpus/{i}.txt" for i in range(400)]
    from extractor.ingest import in_shard

    parts = [[f for f in files if in_shard(f, (k, 4))] for k in range(1, 5)]
    assert sorted(sum(parts, [])) == sorted(files)  # each file in exactly one shard
    assert all(60 < len(p) < 140 for p in parts)
    assert parse_shard("2/4") == (2, 4)
    for bad in ("0/4", "5/4", "x/4", "1"):
        with pytest.raises(ValueError):
            parse_shard(bad)


def test_shards_fill_one_database(db_url: str) -> None:
    engine = _engine(db_url)
    for k in (1, 2, 3):
        ingest([str(SEEDS)], engine, workers=1, shard=(k, 3))
    with create_engine(db_url).connect() as conn:
        assert conn.scalar(text("SELECT COUNT(*) FROM articles")) == 5


def test_workers_give_the_same_result_as_one_process(tmp_path: Path) -> None:
    corpus = tmp_path / "many"
    corpus.mkdir()
    for i in range(48):  # above the size where a worker pool starts
        (corpus / f"{i}.txt").write_text(ARTICLE.format(n=200 + i), encoding="utf-8")
    results = []
    for workers in (1, 2):
        url = f"sqlite:///{tmp_path / f'w{workers}.db'}"
        ingest([str(corpus)], _engine(url), workers=workers)
        with create_engine(url).connect() as conn:
            results.append(sorted(conn.execute(text("SELECT file, value, unit, span_text FROM metric_mentions")).all()))
    assert results[0] == results[1] and len(results[0]) == 48 * 3


def test_reextract_restores_claims_from_stored_bodies(db_url: str) -> None:
    engine = _engine(db_url)
    ingest([str(SEEDS)], engine, workers=1)
    query = text("SELECT article_id, value, unit, subject, span_text, char_start FROM metrics ORDER BY id")
    with engine.begin() as conn:
        before = sorted(conn.execute(query).all())
        conn.execute(text("DELETE FROM metrics"))
        conn.execute(text("UPDATE articles SET extractor_version = 'old'"))
    assert reextract(engine, workers=1) == 5
    with engine.connect() as conn:
        assert sorted(conn.execute(query).all()) == before
    assert reextract(engine, workers=1) == 0  # nothing outdated any more


def test_files_of_other_types_are_logged_skipped_once(tmp_path: Path) -> None:
    crawl = tmp_path / "crawl"
    (crawl / "docs").mkdir(parents=True)
    (crawl / ".git").mkdir()
    (crawl / "a.txt").write_text(ARTICLE.format(n=301), encoding="utf-8")
    for name in ("report.pdf", "docs/plan.docx", "docs/chart.PNG", "table.xls", "scan.pdf.gz", "README"):
        (crawl / name).write_bytes(b"\x00not an article")
    for hidden in (".DS_Store", ".notes.swp", ".git/config"):  # no one's business: not logged
        (crawl / hidden).write_bytes(b"x")
    url = f"sqlite:///{crawl / 'crawl.db'}"  # the database inside the folder is no input either
    engine = _engine(url)
    first = ingest([str(crawl)], engine, workers=1)
    again = ingest([str(crawl)], engine, workers=1)
    with create_engine(url).connect() as conn:
        log = sorted(conn.execute(text("SELECT file, status, reason FROM ingest_log")).all())
    skipped = [
        (str(crawl / "README"), "skipped", "unsupported file type (no file name extension)"),
        (str(crawl / "docs/chart.PNG"), "skipped", "unsupported file type .png"),
        (str(crawl / "docs/plan.docx"), "skipped", "unsupported file type .docx"),
        (str(crawl / "report.pdf"), "skipped", "unsupported file type .pdf"),
        (str(crawl / "scan.pdf.gz"), "skipped", "unsupported file type .pdf.gz"),
        (str(crawl / "table.xls"), "skipped", "unsupported file type .xls"),
    ]
    assert log == sorted([(str(crawl / "a.txt"), "ingested", None), *skipped])
    for summary in (first, again):
        assert sorted(summary.skipped) == [(f, why) for f, _, why in skipped]
        assert summary.seen == 1  # skipped files are no inputs
    assert again.counts == {"unchanged": 1} and not again.changed


def test_a_named_file_of_another_type_is_still_a_failure(db_url: str, tmp_path: Path) -> None:
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.4")
    summary = ingest([str(tmp_path / "report.pdf")], _engine(db_url), workers=1)
    assert summary.counts == {"failed": 1} and summary.skipped == []
    assert "unsupported file type" in (summary.failures[0].reason or "")


@pytest.mark.parametrize("workers", ["0", "-2"])
def test_workers_below_one_are_refused(tmp_path: Path, workers: str) -> None:
    from typer.testing import CliRunner

    from extractor.cli import app

    db = tmp_path / "never.db"
    for command in (["ingest", str(SEEDS)], ["reextract"]):
        result = CliRunner().invoke(app, [*command, "--db", f"sqlite:///{db}", "--workers", workers])
        assert result.exit_code == 2
        assert result.output.strip() == f"error: --workers must be at least 1 (got {workers})"
        assert not db.exists()


def test_more_workers_than_cores_is_a_warning(db_url: str) -> None:
    from typer.testing import CliRunner

    from extractor.cli import app

    many = str((os.cpu_count() or 1) + 1)
    result = CliRunner().invoke(app, ["ingest", str(SEEDS), "--db", db_url, "--workers", many])
    assert result.exit_code == 0, result.output
    assert f"warning: --workers {many} is more than this machine's" in result.output
    assert "ingested: 5" in result.output and "skipped: 0" in result.output


def test_summary_counts_the_skipped_files_by_type(db_url: str, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from extractor.cli import app

    (tmp_path / "a.txt").write_text(ARTICLE.format(n=401), encoding="utf-8")
    for name in ("1.pdf", "2.pdf", "3.png"):
        (tmp_path / name).write_bytes(b"x")
    result = CliRunner().invoke(app, ["ingest", str(tmp_path), "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "ingested: 1" in result.output and "failed: 0  skipped: 3" in result.output
    assert "skipped 3 files of other types (.pdf 2, .png 1): listed in `extractor export log`" in result.output


def test_files_that_give_no_items_count_in_the_progress(db_url: str, tmp_path: Path) -> None:
    from extractor.ingest import _batches
    from extractor.records import Item
    from extractor.work import process_path

    for i in range(3):
        (tmp_path / f"{i}.txt").write_text(ARTICLE.format(n=300 + i), encoding="utf-8")
    # A runner (a cluster's) may give a file no items; those after the last batch were not counted.
    def runner(files: list[str]) -> list[list[Item]]:
        return [process_path(files[0]), *([] for _ in files[1:])]

    calls: list[tuple[int, int]] = []
    summary = ingest([str(tmp_path)], _engine(db_url), batch_size=1, runner=runner, progress=lambda *p: calls.append(p))
    assert calls == [(1, 3), (3, 3)]
    assert summary.counts == {"ingested": 1}
    assert list(_batches([[], ["a"], [], []], 1)) == [(2, ["a"]), (2, [])]  # type: ignore[list-item]
