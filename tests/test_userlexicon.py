"""A user's own lexicon (--lexicon my.toml): merged over the shipped words, checked, in force in
the worker processes too, and a bad file is one line naming it and the key."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from extractor import lexicon
from extractor.claims import extract_metrics
from extractor.cli import app
from extractor.initiatives import extract_initiatives
from extractor.userlexicon import UserLexiconError, load, merge

from .conftest import ROOT

runner = CliRunner()

MY_TOML = """
[units.items]
units = ["羽"]

[phrases]
verbs = ["出栏"]

[exclusions]
numeral_idioms = ["百户千企"]

[initiatives]
kinds = ["示范区"]
"""

POULTRY = "全县今年出栏家禽12万羽，存栏生猪3.2万头。"
ARTICLE = "某某县:畜牧业稳步发展\n时间:2024-07-16 来源:某某县融媒体中心\n今年以来,某某县出栏家禽{n}万羽,新建养殖场3个。"


@pytest.fixture
def my_toml(tmp_path: Path) -> Path:
    path = tmp_path / "my.toml"
    path.write_text(MY_TOML, encoding="utf-8")
    return path


def _claims(sentence: str) -> list[tuple[float, str]]:
    return [(m.value, m.unit) for m in extract_metrics(sentence)]


@pytest.mark.parametrize(("sentence", "shipped", "mine"), [
    # a unit of my own: 羽, for poultry
    (POULTRY, [(32000.0, "头")], [(120000.0, "羽"), (32000.0, "头")]),
    # an exclusion idiom: the numeral of a programme's name is no count of households
    ("深入开展百户千企结对帮扶。", [(100.0, "户")], []),
    # a sentence neither lexicon finds a claim in
    ("全县畜牧业稳步发展。", [], []),
])
def test_claims_with_and_without_my_words(my_toml: Path, sentence: str, shipped: list, mine: list) -> None:
    assert _claims(sentence) == shipped
    with lexicon.using(load(str(my_toml)).tables):
        assert _claims(sentence) == mine
    assert _claims(sentence) == shipped  # the shipped words are back in force


def test_verb_of_my_own_is_the_predicate(my_toml: Path) -> None:
    with lexicon.using(load(str(my_toml)).tables):
        poultry = [m for m in extract_metrics(POULTRY) if m.unit == "羽"]
    assert [(m.subject, m.predicate) for m in poultry] == [("家禽", "出栏")]


def test_programme_kind_of_my_own(my_toml: Path) -> None:
    sentence = "开展“稻渔共生”示范区建设，带动农户120户。"
    assert [(i.name, i.kind) for i in extract_initiatives(sentence)] == [("稻渔共生", None)]
    with lexicon.using(load(str(my_toml)).tables):
        assert [(i.name, i.kind) for i in extract_initiatives(sentence)] == [("稻渔共生", "示范区")]


def test_merge_extends_lists_merges_tables_replaces_values() -> None:
    base = {"words": ["a", "b"], "table": {"x": ["1"], "n": 3}, "n": 11}
    extra = {"words": ["b", "c"], "table": {"x": ["2"], "y": "new"}, "n": 9}
    assert merge(base, extra) == {"words": ["a", "b", "c"], "table": {"x": ["1", "2"], "n": 3, "y": "new"}, "n": 9}
    assert base["words"] == ["a", "b"]  # the shipped lexicon is not changed


def test_open_table_takes_new_words(tmp_path: Path) -> None:
    path = tmp_path / "implied.toml"
    path.write_text('[unit_context.implied]\n"出栏量" = "头"\n', encoding="utf-8")
    implied = load(str(path)).tables["unit_context"]["implied"]
    assert implied["出栏量"] == "头" and implied["人口"] == "人"


@pytest.mark.parametrize(("content", "says"), [
    ("[unit]\nunits = ['羽']\n", "[unit] is no lexicon"),
    ("[units.item]\nunits = ['羽']\n", "units.item: no such key in the shipped units lexicon"),
    ("[units.items]\nunit = ['羽']\n", "units.items.unit: no such key"),
    ("[phrases]\nverbs = '出栏'\n", "phrases.verbs must be a list of strings"),
    ("[phrases]\nverbs = [1, 2]\n", "phrases.verbs must be a list of strings"),
    ("[exclusions]\ncode_min_digits = 'eleven'\n", "exclusions.code_min_digits must be a whole number"),
    ("[unit_context.implied]\n\"出栏量\" = 3\n", "unit_context.implied.出栏量 must be a string"),
    ("[phrases\nverbs = []\n", "not valid TOML"),
    ("[exclusions]\nnumeral_idioms = ['四个(意识']\n", "the rules do not build with this lexicon"),
])
def test_bad_lexicon_is_one_line_naming_file_and_key(tmp_path: Path, content: str, says: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UserLexiconError) as caught:
        load(str(path))
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and says in message and "\n" not in message
    assert _claims(POULTRY) == [(32000.0, "头")]  # nothing of it stays in force


def test_missing_or_undecodable_lexicon(tmp_path: Path) -> None:
    with pytest.raises(UserLexiconError, match="cannot read the lexicon"):
        load(str(tmp_path / "none.toml"))
    (tmp_path / "gbk.toml").write_bytes("[phrases]\nverbs = ['出栏']\n".encode("gbk"))
    with pytest.raises(UserLexiconError, match="not UTF-8"):
        load(str(tmp_path / "gbk.toml"))


@pytest.mark.parametrize("workers", ["1", "2"])
def test_ingest_with_my_lexicon_in_every_worker(my_toml: Path, tmp_path: Path, workers: str) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(48):  # enough for a worker pool to start
        (corpus / f"{i}.txt").write_text(ARTICLE.format(n=i + 1), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'my.db'}"
    result = runner.invoke(app, ["ingest", str(corpus), "--db", url, "--workers", workers, "--lexicon", str(my_toml)])
    assert result.exit_code == 0, result.output
    assert re.search(rf"lexicon: {re.escape(str(my_toml))} \(sha256 [0-9a-f]{{12}}\)", result.output)
    with create_engine(url).connect() as conn:
        poultry = conn.execute(text("SELECT value, subject, predicate FROM metrics WHERE unit = '羽'")).all()
    assert sorted(poultry) == sorted((float((i + 1) * 10000), "家禽", "出栏") for i in range(48))


def test_reextract_with_my_lexicon(my_toml: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'my.db'}"
    (tmp_path / "a.txt").write_text(ARTICLE.format(n=12), encoding="utf-8")
    assert runner.invoke(app, ["ingest", str(tmp_path / "a.txt"), "--db", url]).exit_code == 0
    query = text("SELECT COUNT(*) FROM metrics WHERE unit = '羽'")
    with create_engine(url).connect() as conn:
        assert conn.scalar(query) == 0
    result = runner.invoke(app, ["reextract", "--all", "--db", url, "--workers", "1", "--lexicon", str(my_toml)])
    assert result.exit_code == 0, result.output
    assert "re-extracted 1 articles" in result.output and "lexicon" in result.output
    with create_engine(url).connect() as conn:
        assert conn.scalar(query) == 1


@pytest.mark.parametrize("command", ["ingest", "reextract"])
def test_bad_lexicon_on_the_command_line_changes_nothing(tmp_path: Path, command: str) -> None:
    (tmp_path / "bad.toml").write_text("[units.item]\nunits = ['羽']\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text(ARTICLE.format(n=12), encoding="utf-8")
    db = tmp_path / "never.db"
    args = [command, *([str(tmp_path / "a.txt")] if command == "ingest" else []),
            "--db", f"sqlite:///{db}", "--lexicon", str(tmp_path / "bad.toml")]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        f"error: {tmp_path / 'bad.toml'}: units.item: no such key in the shipped units lexicon (it has: people, ")
    assert not db.exists()


def test_readme_example_is_a_valid_lexicon(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Your own words"):]
    example = re.search(r"```toml\n(.*?)```", section, re.S)
    assert example, "README: no TOML example in 'Your own words'"
    path = tmp_path / "readme.toml"
    path.write_text(example.group(1), encoding="utf-8")
    with lexicon.using(load(str(path)).tables):
        assert (120000.0, "羽") in _claims(POULTRY)


def test_rule_builders_reading_lexicons_are_lexicon_cached() -> None:
    """A rule cached with functools.cache would keep the shipped words after lexicon.use()."""
    offenders = []
    for source in sorted((ROOT / "extractor").glob("*.py")):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef):
                continue
            plain_cache = any(isinstance(d, ast.Name) and d.id in ("cache", "lru_cache") for d in node.decorator_list)
            reads = any(isinstance(n, ast.Attribute) and n.attr == "load" and isinstance(n.value, ast.Name)
                        and n.value.id == "lexicon" for n in ast.walk(node))
            if plain_cache and reads:
                offenders.append(f"{source.name}:{node.name}")
    assert offenders == []
