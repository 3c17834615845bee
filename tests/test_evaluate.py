"""`extractor eval`: the matching rules on hand-built rows, the gold loader, and the command on the seeds.

tests/data/gold_seeds.jsonl annotates two seeds by hand; its entry 修建党支部活动室 → 1 个 is wrong on
purpose (no figure is stated there), so every run has a miss to list.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.evalreport import as_json
from extractor.evaluate import doc_key, evaluate, score_claims, score_fields, score_initiatives
from extractor.gold import GoldDoc, GoldError, load_gold, parse_doc

from .conftest import SEEDS

GOLD = Path(__file__).parent / "data" / "gold_seeds.jsonl"
DOC = "a.txt"
runner = CliRunner()

# The keys of the reference scorer's --json; eval must have all of them (and may add its own).
REFERENCE_KEYS = {
    "": {"docs", "metrics", "articles", "initiatives"},
    "metrics": {"tp", "fp", "fn", "strict_tp", "strict_precision", "strict_recall", "strict_f1", "qualifier_acc",
                "subject_acc", "docs_not_in_gold", "precision", "recall", "f1"},
    "articles": {"title", "published", "source", "publisher", "author", "url", "locality", "locality_path"},
    "initiatives": {"tp", "fp", "fn", "precision", "recall", "f1"},
}


def gold_doc(metrics: list[dict[str, Any]] = (), initiatives: list[dict[str, Any]] = (),  # type: ignore[assignment]
             article: dict[str, Any] | None = None) -> GoldDoc:
    return parse_doc(json.dumps({"doc": DOC, "article": article or {}, "metrics": list(metrics),
                                 "initiatives": list(initiatives)}, ensure_ascii=False))


def g(value: float, unit: str, subject: str | None = None, qualifier: str = "exact", period: str | None = None,
      optional: bool = False, text: str = "") -> dict[str, Any]:
    return {"text": text, "value": value, "unit": unit, "subject": subject, "qualifier": qualifier, "period": period,
            "optional": optional}


def p(value: Any, unit: str, subject: str = "", qualifier: str = "exact", period: str = "") -> dict[str, Any]:
    return {"file": f"corpus/{DOC}", "value": value, "unit": unit, "subject": subject, "qualifier": qualifier,
            "period": period, "span_text": f"{value}{unit}", "sentence": f"句子{value}{unit}。"}


def counts(gold: list[dict[str, Any]], rows: list[dict[str, Any]]) -> tuple[int, int, int, int]:
    c, _ = score_claims(gold_doc(gold), rows)
    return c.tp, c.fp, c.fn, c.strict_tp


@pytest.mark.parametrize("gold, rows, expected", [
    # value and unit decide a match; qualifier and subject decide a strict one
    ([g(10, "名", "党员")], [p(10, "名", "党员")], (1, 0, 0, 1)),
    ([g(10, "名", "党员")], [p(10, "人", "党员")], (0, 1, 1, 0)),
    ([g(10, "名", "党员")], [p(11, "名", "党员")], (0, 1, 1, 0)),
    ([g(10, "名", "党员")], [p("10", "名", "党员")], (1, 0, 0, 1)),  # CSV cells are text
    ([g(10, "名", "党员", "over")], [p(10, "名", "党员")], (1, 0, 0, 0)),
    ([g(10, "名", "党员")], [p(10, "名", "党员", qualifier="")], (1, 0, 0, 1)),  # no qualifier reads as exact
    # subject: one contains the other; an empty one matches nothing
    ([g(3, "个", "党支部")], [p(3, "个", "机关党支部")], (1, 0, 0, 1)),
    ([g(3, "个", "机关党支部")], [p(3, "个", "党支部")], (1, 0, 0, 1)),
    ([g(3, "个", "党支部")], [p(3, "个", "")], (1, 0, 0, 0)),
    ([g(3, "个", None)], [p(3, "个", "党支部")], (1, 0, 0, 0)),
    # percent folding and value rounding
    ([g(70, "%", "覆盖率")], [p(70, "％", "覆盖率")], (1, 0, 0, 1)),
    ([g(70, "百分之", "覆盖率")], [p(70.0000001, "%", "覆盖率")], (1, 0, 0, 1)),
    ([g(0.3, "%", "增长")], [p(0.1 + 0.2, "%", "增长")], (1, 0, 0, 1)),
    ([g(2.3, "个百分点", "提高")], [p(2.3, "%", "提高")], (0, 1, 1, 0)),
    # whitespace and full-width forms
    ([g(5, "千米", "道路")], [p(5, " 千米 ", "道 路")], (1, 0, 0, 1)),
    # one entry per mention: a repeated claim must be found each time
    ([g(10, "名", "党员"), g(10, "名", "党员")], [p(10, "名", "党员")], (1, 0, 1, 1)),
    ([g(10, "名", "党员")], [p(10, "名", "党员"), p(10, "名", "党员")], (1, 1, 0, 1)),
    # optional entries absorb a prediction, and are not missed when nothing is predicted
    ([g(3, "道", "防线", optional=True)], [p(3, "道", "防线")], (0, 0, 0, 0)),
    ([g(3, "道", "防线", optional=True)], [], (0, 0, 0, 0)),
    ([g(3, "道", "防线", optional=True)], [p(3, "道", "防线"), p(3, "道", "防线")], (0, 1, 0, 0)),
    # a required entry is paired first; the optional one absorbs only what is left
    ([g(1, "次", "党课"), g(1, "次", "宣讲", optional=True)], [p(1, "次", "宣讲"), p(1, "次", "党课")], (1, 0, 0, 0)),
    # pairing takes the gold entry with a matching subject first, whatever the order
    ([g(10, "名", "党员"), g(10, "名", "群众")], [p(10, "名", "群众"), p(10, "名", "党员")], (2, 0, 0, 2)),
    # ... in turn, greedily (as the reference scorer): a prediction with no subject match takes the first
    # entry left, even one a later prediction would have matched
    ([g(10, "名", "党员"), g(10, "名", "群众")], [p(10, "名", "志愿者"), p(10, "名", "党员")], (2, 0, 0, 0)),
    # nothing on either side
    ([], [], (0, 0, 0, 0)),
    ([], [p(5, "个", "村")], (0, 1, 0, 0)),
])
def test_claim_matching(gold: list[dict[str, Any]], rows: list[dict[str, Any]], expected: tuple[int, int, int, int]) -> None:
    assert counts(gold, rows) == expected


def test_qualifier_subject_and_period_are_scored_on_matched_pairs() -> None:
    gold = [g(10, "名", "党员", period="三年来"), g(25000, "人", "群众", "over", "去年"), g(8, "个", "支部")]
    rows = [p(10, "名", "党员", period="三年来"), p(25000, "人", "群众", "exact"), p(9, "个", "支部")]
    c, findings = score_claims(gold_doc(gold), rows)
    assert (c.tp, c.qualifier_ok, c.subject_ok, c.period_ok) == (2, 1, 2, 1)
    wrong = next(f for f in findings if f.kind == "wrong")
    assert wrong.what == "25000 人" and "qualifier=over" in wrong.want and "period=去年" in wrong.want
    assert {(f.kind, f.what) for f in findings if f.kind != "wrong"} == {("missed", "8 个"), ("false", "9 个")}


def test_a_miss_shows_the_sentence_of_the_body_that_holds_it() -> None:
    body = "全镇共有村12个。今年新建党员活动室3个,覆盖全部村。"
    _, findings = score_claims(gold_doc([g(3, "个", "党员活动室", text="新建党员活动室3个")]), [], body)
    assert findings[0].kind == "missed" and findings[0].sentence == "今年新建党员活动室3个,覆盖全部村。"


@pytest.mark.parametrize("gold, names, expected", [
    ([{"name": "三会一课"}], ["三会一课"], (1, 0, 0)),
    ([{"name": "红雁领航"}], ["“红雁领航”工程"], (1, 0, 0)),  # quotes stripped, containment
    ([{"name": "我为群众办实事实践活动"}], ["我为群众办实事"], (1, 0, 0)),
    ([{"name": "三会一课"}], ["三"], (0, 1, 1)),  # containment needs two characters on both sides
    ([{"name": "三会一课"}], [], (0, 0, 1)),
    ([{"name": "首峰夜话", "optional": True}], ["首峰夜话"], (0, 0, 0)),  # optional: not right, not a false hit
    ([{"name": "首峰夜话", "optional": True}], [], (0, 0, 0)),
    ([{"name": "三会一课"}], ["三会一课", "《三会一课》", "小、散、弱"], (1, 1, 0)),  # a name counts once
    ([], ["最后一公里"], (0, 1, 0)),
])
def test_initiative_matching(gold: list[dict[str, Any]], names: list[str], expected: tuple[int, int, int]) -> None:
    c, _ = score_initiatives(gold_doc(initiatives=gold), names)
    assert (c.tp, c.fp, c.fn) == expected


@pytest.mark.parametrize("field, want, got, right", [
    ("title", "斗山镇:锻造坚强有力的机关党支部", "斗山镇:锻造坚强有力的机关党支部", True),
    ("title", "立足落实抓成效 激发活动大能量", "立足落实抓成效激发活动大能量", True),  # whitespace does not count
    ("published", "2022-06-07", "2022-06-07 09:43:00", True),  # the date part only
    ("published", "2022-06-07", "2022-06-08", False),
    ("author", None, "", True),  # null and empty are the same: not stated
    ("author", None, "佚名", False),
    ("locality_path", ["广东省", "江门市", "台山市", "斗山镇"], "广东省/江门市/台山市/斗山镇", True),
    ("locality_path", ["广东省", "江门市", "台山市", "斗山镇"], "广东省/江门市/台山市", False),
    ("locality_path", None, "", True),
])
def test_article_fields(field: str, want: Any, got: str, right: bool) -> None:
    ok, findings = score_fields(gold_doc(article={field: want}), {field: got}, [field])
    assert ok == {field: right} and len(findings) == (not right)


def test_evaluate_counts_docs_outside_the_gold_and_scores_the_path_only_when_exported() -> None:
    gold = {DOC: gold_doc([g(10, "名", "党员")], article={"title": "标题", "locality_path": ["湖南省"]})}
    metrics = [p(10, "名", "党员"), {"file": "other/b.txt", "value": 1, "unit": "个"}]
    articles = [{"file": f"x/{DOC}", "title": "标题"}]  # an export without a locality_path column
    ev = evaluate(gold, metrics, articles, [])
    out = as_json(ev)
    assert out["metrics"]["docs_not_in_gold"] == 1 and out["metrics"]["tp"] == 1
    assert "locality_path" not in out["articles"] and out["articles"]["title"] == 1.0
    assert out["docs_not_in_input"] == []
    assert evaluate(gold, [], [], []).docs_not_in_input == (DOC,)


def test_figures_have_no_division_by_zero() -> None:
    out = as_json(evaluate({DOC: gold_doc()}, [], [], []))
    assert out["metrics"]["f1"] == out["metrics"]["qualifier_acc"] == out["initiatives"]["precision"] == 0.0


@pytest.mark.parametrize("file, key", [
    ("seeds/000_e78e95ea709d0ece.txt", "000_e78e95ea709d0ece.txt"),
    (r"C:\articles\a.txt", "a.txt"),
    ("crawl/day1.jsonl#12", "day1.jsonl#12"),
    ("a.txt", "a.txt"),
])
def test_doc_key_is_the_file_name(file: str, key: str) -> None:
    assert doc_key(file) == key


@pytest.mark.parametrize("lines, message", [
    (['{"doc": "a.txt"}', "{not json"], ":2: not JSON"),
    (['{"article": {}}'], ':1: no "doc"'),
    (['["a.txt"]'], ":1: not a JSON object"),
    (['{"doc": "a.txt", "metrics": [{"value": 1}]}'], ':1: metrics[0]: no "unit"'),
    (['{"doc": "a.txt", "metrics": [{"value": "many", "unit": "个"}]}'], ":1: metrics[0]: value must be a number"),
    (['{"doc": "a.txt", "metrics": [{"value": 1, "unit": "个", "qualifier": "about"}]}'], "qualifier must be one of"),
    (['{"doc": "a.txt", "initiatives": [{"title": "x"}]}'], ':1: initiatives[0]: no "name"'),
    (['{"doc": "a.txt", "article": {"locality_path": "广东省"}}'], "locality_path must be a list"),
    (['{"doc": "a.txt"}', "", '{"doc": "a.txt"}'], ":3: doc 'a.txt' is already annotated on line 1"),
    ([""], "has no articles"),
])
def test_bad_gold_files_name_file_and_line(tmp_path: Path, lines: list[str], message: str) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(GoldError) as err:
        load_gold(path)
    assert str(err.value).startswith(str(path)) and message in str(err.value)


def test_gold_file_of_the_tests_loads() -> None:
    gold = load_gold(GOLD)
    assert list(gold) == ["000_e78e95ea709d0ece.txt", "004_e4975b498e3e3feb.txt"]
    assert any(c.optional for c in gold["000_e78e95ea709d0ece.txt"].claims)


# --- the command, end to end on the seeds ---

def eval_json(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["eval", str(GOLD), *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_eval_on_the_seeds_has_the_reference_keys_and_finds_the_planted_miss() -> None:
    out = eval_json(str(SEEDS), "--by-doc")
    for part, keys in REFERENCE_KEYS.items():
        assert keys <= set(out[part] if part else out), part
    assert "period_acc" in out["metrics"]
    assert out["docs"] == 2 and out["metrics"]["docs_not_in_gold"] == 3  # the other three seeds
    assert out["metrics"]["fn"] >= 1 and out["metrics"]["tp"] >= 10
    assert set(out["by_doc"]) == {"000_e78e95ea709d0ece.txt", "004_e4975b498e3e3feb.txt"}
    assert out["by_doc"]["000_e78e95ea709d0ece.txt"]["metrics"]["fn"] >= 1
    assert sum(d["metrics"]["tp"] for d in out["by_doc"].values()) == out["metrics"]["tp"]
    assert out["articles"]["title"] == 1.0 and out["articles"]["published"] == 1.0


def test_eval_errors_list_the_miss_with_its_sentence() -> None:
    result = runner.invoke(app, ["eval", str(GOLD), str(SEEDS / "000_e78e95ea709d0ece.txt"), "--errors"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("  missed claim 1 个"))
    assert "修建党支部活动室" in lines[at]
    assert lines[at + 1].strip().startswith("in: 修建党支部活动室,为机关党员学习")
    assert lines[-1].startswith("claims") and "F1=" in lines[-1]
    # the other gold article was not among the inputs: said once, on stderr
    assert "1 of 2 gold articles have no input" in result.stderr and "004_e4975b498e3e3feb.txt" in result.stderr


def test_eval_scores_an_existing_database(db_url: str) -> None:
    assert runner.invoke(app, ["ingest", str(SEEDS), "--db", db_url]).exit_code == 0
    assert eval_json("--db", db_url) == eval_json(str(SEEDS))


@pytest.mark.parametrize("content", [None, '{"doc": "a.txt"}\n{"doc": \n', '{"metrics": []}\n'])
def test_bad_gold_file_is_one_line_and_exit_2(tmp_path: Path, content: str | None) -> None:
    path = tmp_path / "gold.jsonl"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["eval", str(path), str(SEEDS)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.output.strip().count("\n") == 0 and result.output.startswith(f"error: {path}")


def test_eval_needs_inputs_or_a_database() -> None:
    result = runner.invoke(app, ["eval", str(GOLD)])
    assert result.exit_code == 2 and "--db" in result.output


def test_eval_has_help_and_documentation() -> None:
    result = runner.invoke(app, ["eval", "--help"])
    assert result.exit_code == 0 and "--errors" in result.output and "--by-doc" in result.output
    root = Path(__file__).resolve().parent.parent
    assert "extractor eval" in (root / "README.md").read_text(encoding="utf-8")
    guide = (root / "docs" / "ANNOTATING.md").read_text(encoding="utf-8")
    assert all(word in guide for word in ('"optional"', '"qualifier"', '"subject"', '"period"', "extractor eval"))
