"""The browser view: `extractor serve` driven by headless Chromium, its facets and canned queries
checked against SQL on the same file, which is never written to."""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.serve import QUERIES, ServeError, metadata, sqlite_path, unmerged_writes

from .conftest import ROOT, missing
from .seeded import db_rows

ARTIFACTS = ROOT / "tests" / "artifacts"
runner = CliRunner()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def server(seeds_db: Path) -> Iterator[str]:
    """`extractor serve` on a free port of 127.0.0.1; its base URL. Stopped whatever happens."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    before = digest(seeds_db)
    proc = subprocess.Popen([sys.executable, "-m", "extractor", "serve", "--db", f"sqlite:///{seeds_db}", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/-/versions.json", timeout=2).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    pytest.fail(f"extractor serve did not start: {proc.communicate()[0]}")
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert digest(seeds_db) == before, "serve wrote to the database"


def get_json(url: str) -> dict:  # type: ignore[type-arg]
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The command line of a headless Chromium with a profile of its own."""
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        missing("chromium (Debian's chromium package)")
    profile = tmp_path_factory.mktemp("chromium-profile")
    # --no-sandbox: the tests run as root in CI, where Chromium's sandbox refuses to start.
    return [exe, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--hide-scrollbars",
            f"--user-data-dir={profile}"]


def dump_dom(chromium: list[str], url: str) -> str:
    """The page as Chromium has it after loading and running its scripts."""
    return subprocess.run([*chromium, "--dump-dom", url], capture_output=True, text=True, timeout=60, check=True).stdout


class Page(HTMLParser):
    """What a Datasette table page shows: its rows (cells by column) and its links."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.rows: list[dict[str, str]] = []
        self.links: list[str] = []
        self._column: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "tr":
            self.rows.append({})
        elif tag == "td" and (a.get("class") or "").startswith("col-"):
            self._column = (a["class"] or "").split()[0][len("col-"):]
            self.rows[-1][self._column] = ""
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._column = None

    def handle_data(self, data: str) -> None:
        if self._column:
            self.rows[-1][self._column] += data.strip()

    @property
    def table_rows(self) -> list[dict[str, str]]:
        return [r for r in self.rows if r]


def test_browser_applies_a_facet_and_shows_the_rows_in_the_database(server: str, seeds_db: Path,
                                                                    chromium: list[str]) -> None:
    table = f"{server}/{seeds_db.stem}/metric_facts"
    html = dump_dom(chromium, table)
    assert re.search(r"<h3>\s*(\d+) rows", html)[1] == str(db_rows(seeds_db, "SELECT COUNT(*) FROM metric_facts")[0][0])
    first = Page(html)
    # Apply a facet as a reader would: follow the link the unit_class facet shows for people, then
    # the province facet's link for 湖南省.
    people = next(link for link in first.links if link.endswith("/metric_facts?unit_class=people"))
    hunan = next(link for link in Page(dump_dom(chromium, people)).links
                 if link.endswith("locality_path__startswith=" + quote("湖南省")))
    shown = Page(dump_dom(chromium, hunan)).table_rows
    expected = db_rows(seeds_db, "SELECT metric_id, value, unit, subject, locality_path FROM metric_facts "
                             "WHERE unit_class = 'people' AND locality_path LIKE '湖南省/%' ORDER BY metric_id")
    assert len(expected) >= 5
    assert [(int(r["metric_id"]), float(r["value"]), r["unit"], r["subject"], r["locality_path"]) for r in shown] == expected

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "serve.png"
    shot.unlink(missing_ok=True)
    subprocess.run([*chromium, f"--screenshot={shot}", "--window-size=1400,900", people],
                   capture_output=True, timeout=60, check=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


@pytest.mark.parametrize(("facet", "column", "part"), [
    ("year", "published", "substr(published, 1, 4)"),
    ("province", "locality_path", "substr(locality_path, 1, instr(locality_path, '/') - 1)"),
])
def test_province_and_year_facets_count_as_sql_does(server: str, seeds_db: Path, facet: str, column: str, part: str) -> None:
    page = get_json(f"{server}/{seeds_db.stem}/metric_facts.json?unit_class=people")
    shown = {r["value"]: r["count"] for r in page["facet_results"][column]["results"]}
    assert page["facet_results"][column]["type"] == facet
    assert shown == dict(db_rows(seeds_db, f"SELECT {part}, COUNT(*) FROM metric_facts WHERE unit_class = 'people' GROUP BY 1"))
    value = min(shown)
    filtered = get_json(f"{server}/{seeds_db.stem}/metric_facts.json?{column}__startswith={quote(value)}")
    assert filtered["filtered_table_rows_count"] == db_rows(seeds_db, f"SELECT COUNT(*) FROM metric_facts WHERE {part} = ?", (value,))[0][0]
    assert [r["selected"] for r in filtered["facet_results"][column]["results"] if r["value"] == value] == [True]


def test_views_are_labelled_and_internals_hidden(server: str, seeds_db: Path) -> None:
    tables = {t["name"]: t for t in get_json(f"{server}/{seeds_db.stem}.json")["tables"]}
    assert tables["article_bands"]["hidden"] and tables["alembic_version"]["hidden"]
    html = urllib.request.urlopen(f"{server}/{seeds_db.stem}/metric_facts", timeout=10).read().decode()
    assert "Claims, each counted once" in html and "What the columns mean" in html


@pytest.mark.parametrize(("query", "params", "expected_sql"), [
    # A name finds the place and everything below it; a path works too; a part of a name does not.
    ("claims_of_a_place", {"place": "长沙县"}, "SELECT metric_id FROM metric_facts WHERE locality_path LIKE '%/长沙县/%' "
                                               "OR locality_path LIKE '%/长沙县'"),
    ("claims_of_a_place", {"place": "湖南省/衡阳市"}, "SELECT metric_id FROM metric_facts WHERE locality_path LIKE '湖南省/衡阳市%'"),
    ("claims_of_a_place", {"place": "长沙"}, "SELECT metric_id FROM metric_facts WHERE 0"),
    ("claim_with_its_sentence", {"metric_id": "3"}, "SELECT 3"),
])
def test_canned_queries(server: str, seeds_db: Path, query: str, params: dict[str, str], expected_sql: str) -> None:
    args = "&".join(f"{k}={quote(v)}" for k, v in params.items())
    rows = get_json(f"{server}/{seeds_db.stem}/{query}.json?_shape=array&{args}")
    assert sorted(r["metric_id"] for r in rows) == sorted(r[0] for r in db_rows(seeds_db, expected_sql))


def test_claim_with_its_sentence_shows_the_span_in_context(server: str, seeds_db: Path) -> None:
    metric_id, span, sentence = db_rows(seeds_db, "SELECT metric_id, span_text, sentence FROM metric_facts "
                                              "WHERE span_text = '25000多人'")[0]
    row, = get_json(f"{server}/{seeds_db.stem}/claim_with_its_sentence.json?_shape=array&metric_id={metric_id}")
    assert row["sentence"] == sentence and span in row["context"] and span in row["sentence"]


def test_programme_across_the_corpus(server: str, seeds_db: Path) -> None:
    rows = get_json(f"{server}/{seeds_db.stem}/programme_across_the_corpus.json?_shape=array&programme={quote('我为群众办实事')}")
    summary = db_rows(seeds_db, "SELECT articles, first_published, last_published FROM initiative_summary WHERE name = '我为群众办实事'")
    articles, first, last = summary[0]
    assert len(rows) == articles >= 2
    assert (rows[0]["published"], rows[-1]["published"]) == (first, last)


def test_every_canned_query_has_a_title_and_named_parameters() -> None:
    for name, query in metadata("x")["databases"]["x"]["queries"].items():
        assert query["title"] and query["description"] and ":" in query["sql"], name
    assert set(QUERIES) == {"claims_of_a_place", "programme_across_the_corpus", "claim_with_its_sentence"}


@pytest.mark.parametrize(("url", "message"), [
    ("postgresql+psycopg://u:p@localhost/claims", "serve needs a SQLite database; export or use Datasette against a copy"),
    ("sqlite://", "serve needs a SQLite database file, not an in-memory one"),
    ("sqlite:///{tmp}/none.db", "no database at"),
    ("sqlite:///{tmp}/other.db", "is not an extractor database"),
    ("sqlite:///{tmp}/old.db", "has an older schema; run `extractor db upgrade"),
])
def test_what_cannot_be_served(tmp_path: Path, url: str, message: str) -> None:
    with sqlite3.connect(tmp_path / "other.db") as conn:
        conn.execute("CREATE TABLE t (x)")
    with sqlite3.connect(tmp_path / "old.db") as conn:
        conn.execute("CREATE TABLE alembic_version (version_num TEXT)")
        conn.execute("INSERT INTO alembic_version VALUES ('0001')")
    with pytest.raises(ServeError, match=message.replace("(", r"\(")):
        sqlite_path(url.format(tmp=tmp_path))
    result = runner.invoke(app, ["serve", "--db", url.format(tmp=tmp_path)])
    assert result.exit_code == 2 and result.output.startswith("error: ") and result.output.count("\n") == 1


def test_without_datasette_serve_says_what_to_install(seeds_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "extractor.serve")
    monkeypatch.setitem(sys.modules, "datasette", None)  # import datasette now fails as if not installed
    result = runner.invoke(app, ["serve", "--db", f"sqlite:///{seeds_db}"])
    assert result.exit_code == 2
    assert result.output == "error: serve needs Datasette: pip install 'extractor[serve]'\n"


def test_writes_still_in_the_log_are_flagged(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    db.touch()
    assert not unmerged_writes(db)
    (tmp_path / "x.db-wal").write_bytes(b"")
    assert not unmerged_writes(db)
    (tmp_path / "x.db-wal").write_bytes(b"\0" * 32)
    assert unmerged_writes(db)
