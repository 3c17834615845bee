"""Scoring: how the extractor's rows compare with a gold file, article by article.

Predicted rows are dicts shaped like the rows of `extractor export` (metrics, articles,
initiatives), so what is scored is exactly what a user's export holds. The matching rules are
the project's reference scorer's, so the figures agree with it:

- a predicted claim matches a gold one of the same article when value (to 1e-6) and unit (after
  NFKC, whitespace removed, ％ and 百分之 read as %) are equal; within one (value, unit) each
  prediction takes the first gold entry whose subject it matches, else the first one left;
- optional gold entries absorb leftover predictions without counting them right or wrong;
- on matched pairs, qualifier, subject (one contains the other) and period are checked; a
  "strict" match has qualifier and subject right;
- a programme matches when the names are equal or one contains the other (both at least two
  characters), quotes stripped; each gold programme counts once per article;
- article fields are compared as normalised text, the date on its first ten characters.
"""
from __future__ import annotations

import math
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import astuple, dataclass, field
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from .gold import GoldClaim, GoldDoc
from .segment import sentences

if TYPE_CHECKING:
    from sqlalchemy import Engine

Row = Mapping[str, Any]  # one export row: column name → cell

ARTICLE_FIELDS = ("title", "published", "source", "publisher", "author", "url", "locality")
PATH_FIELD = "locality_path"
_QUOTES = "“”\"'「」《》"
_PERCENT = ("%", "百分之", "percent")


def norm(text: object) -> str:
    """NFKC with all whitespace removed, so full-width and spaced forms compare equal."""
    if text is None:
        return ""
    return "".join(unicodedata.normalize("NFKC", str(text)).split())


def norm_unit(unit: object) -> str:
    u = norm(unit)
    return "%" if u in _PERCENT else u


def norm_value(value: object) -> float | None:
    """Rounded to 1e-6 so 0.1 + 0.2 and 0.3 are the same figure; None when not a number."""
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else round(x, 6)


def doc_key(file: object) -> str:
    """The file name a gold `doc` is matched to: the last part of the ingested path."""
    return PurePath(str(file or "").replace("\\", "/")).name


def subject_match(predicted: object, gold: object) -> bool:
    p, g = norm(predicted), norm(gold)
    return bool(p and g) and (p in g or g in p)


def _initiative_name(name: object) -> str:
    return norm(name).strip(_QUOTES)


def _names_match(gold: str, predicted: str) -> bool:
    return gold == predicted or (min(len(gold), len(predicted)) >= 2 and (gold in predicted or predicted in gold))


@dataclass(frozen=True, slots=True)
class Finding:
    """One disagreement, for --errors: a missed or false claim or programme, a wrong field."""

    doc: str
    part: str  # "claim", "programme" or "field"
    kind: str  # "missed", "false" (a false hit) or "wrong" (a matched claim with qualifier/subject/period off, a field)
    what: str  # "10 名", a programme's name, or an article field's name
    text: str = ""  # the gold text or the predicted span
    sentence: str = ""
    want: str = ""
    got: str = ""


@dataclass(slots=True)
class ClaimCounts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    strict_tp: int = 0
    qualifier_ok: int = 0
    subject_ok: int = 0
    period_ok: int = 0

    def __add__(self, other: ClaimCounts) -> ClaimCounts:
        return ClaimCounts(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))


@dataclass(slots=True)
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)


@dataclass(slots=True)
class DocScore:
    claims: ClaimCounts
    fields: dict[str, bool]  # article field → right
    initiatives: Counts
    findings: list[Finding]


@dataclass(slots=True)
class Evaluation:
    by_doc: dict[str, DocScore]  # in gold order
    fields: tuple[str, ...]  # the article fields scored
    docs_not_in_gold: int  # articles with predicted claims that the gold file does not annotate
    docs_not_in_input: tuple[str, ...] = field(default=())  # gold docs no article row was found for

    @property
    def claims(self) -> ClaimCounts:
        return sum((d.claims for d in self.by_doc.values()), ClaimCounts())

    @property
    def initiatives(self) -> Counts:
        return sum((d.initiatives for d in self.by_doc.values()), Counts())

    @property
    def findings(self) -> list[Finding]:
        return [f for d in self.by_doc.values() for f in d.findings]

    def field_accuracy(self) -> dict[str, float]:
        n = len(self.by_doc)
        return {f: sum(d.fields[f] for d in self.by_doc.values()) / n if n else 0.0 for f in self.fields}


def _claim_key(value: object, unit: object) -> tuple[float | None, str]:
    return norm_value(value), norm_unit(unit)


def _label(key: tuple[float | None, str]) -> str:
    value, unit = key
    return f"{value:g} {unit}" if value is not None else f"? {unit}"


def _sentence_of(text: str, body: str) -> str:
    """The sentence of body that holds a gold text, for showing a miss in its context."""
    needle = norm(text)
    if needle:
        for start, end in sentences(body):
            if needle in norm(body[start:end]):
                return body[start:end]
    return ""


def _pair_findings(doc: str, key: tuple[float | None, str], gold: GoldClaim, row: Row,
                   checks: tuple[bool, bool, bool]) -> list[Finding]:
    if all(checks):
        return []
    names = [n for n, ok in zip(("qualifier", "subject", "period"), checks, strict=True) if not ok]
    want = " ".join(f"{n}={getattr(gold, n) or '-'}" for n in names)
    got = " ".join(f"{n}={row.get(n) or '-'}" for n in names)
    return [Finding(doc, "claim", "wrong", _label(key), gold.text, str(row.get("sentence") or ""), want, got)]


def score_claims(gold: GoldDoc, rows: Sequence[Row], body: str = "") -> tuple[ClaimCounts, list[Finding]]:
    """One article's claims: counts and the findings behind them. body (optional) gives misses a sentence."""
    required: dict[tuple[float | None, str], list[GoldClaim]] = defaultdict(list)
    optional: dict[tuple[float | None, str], int] = defaultdict(int)
    for claim in gold.claims:
        key = _claim_key(claim.value, claim.unit)
        if claim.optional:
            optional[key] += 1
        else:
            required[key].append(claim)
    predicted: dict[tuple[float | None, str], list[Row]] = defaultdict(list)
    for row in rows:
        predicted[_claim_key(row.get("value"), row.get("unit"))].append(row)

    counts, findings = ClaimCounts(), []
    for key in dict.fromkeys([*required, *predicted]):
        wanted, got = list(required.get(key, ())), list(predicted.get(key, ()))
        unpaired: list[Row] = []
        for row in got:
            if not wanted:
                unpaired.append(row)
                continue
            best = next((g for g in wanted if subject_match(row.get("subject"), g.subject)), wanted[0])
            wanted.remove(best)
            checks = (
                norm(row.get("qualifier") or "exact") == norm(best.qualifier),
                subject_match(row.get("subject"), best.subject),
                norm(row.get("period")) == norm(best.period),
            )
            counts.tp += 1
            counts.qualifier_ok += checks[0]
            counts.subject_ok += checks[1]
            counts.period_ok += checks[2]
            counts.strict_tp += checks[0] and checks[1]
            findings += _pair_findings(gold.doc, key, best, row, checks)
        false = unpaired[min(len(unpaired), optional.get(key, 0)):]
        counts.fp += len(false)
        counts.fn += len(wanted)
        findings += [Finding(gold.doc, "claim", "false", _label(key), str(r.get("span_text") or ""), str(r.get("sentence") or ""),
                             got=f"qualifier={r.get('qualifier') or '-'} subject={r.get('subject') or '-'}")
                     for r in false]
        findings += [Finding(gold.doc, "claim", "missed", _label(key), g.text, _sentence_of(g.text, body),
                             want=f"qualifier={g.qualifier} subject={g.subject or '-'}") for g in wanted]
    return counts, findings


def score_fields(gold: GoldDoc, row: Row | None, fields: Sequence[str]) -> tuple[dict[str, bool], list[Finding]]:
    """One article's fields: right or not, and a finding for each wrong one."""
    row = row or {}
    right, findings = {}, []
    for name in fields:
        if name == PATH_FIELD:
            want = "/".join(norm(p) for p in gold.article.get(name) or [])
            got = norm(row.get(name))
        else:
            want, got = norm(gold.article.get(name)), norm(row.get(name))
        if name == "published":
            got = got[:10]  # the gold date has no time of day
        right[name] = want == got
        if want != got:
            findings.append(Finding(gold.doc, "field", "wrong", name, want=want, got=got))
    return right, findings


def score_initiatives(gold: GoldDoc, names: Iterable[str]) -> tuple[Counts, list[Finding]]:
    """One article's programmes; names are the predicted ones as exported."""
    predicted = {n for n in map(_initiative_name, names) if n}
    counts, findings, matched = Counts(), [], set()
    for item in gold.initiatives:
        want = _initiative_name(item.name)
        hit = {p for p in predicted if _names_match(want, p)}
        matched |= hit  # an optional programme's matches are not false hits either
        if item.optional:
            continue
        if hit:
            counts.tp += 1
        else:
            counts.fn += 1
            findings.append(Finding(gold.doc, "programme", "missed", want))
    extra = sorted(predicted - matched)
    counts.fp = len(extra)
    findings += [Finding(gold.doc, "programme", "false", name) for name in extra]
    return counts, findings


def _by_doc(rows: Iterable[Row]) -> Iterator[tuple[str, Row]]:
    for row in rows:
        yield doc_key(row.get("file")), row


def evaluate(gold: Mapping[str, GoldDoc], metrics: Iterable[Row], articles: Iterable[Row],
             initiatives: Iterable[Row], bodies: Mapping[str, str] | None = None) -> Evaluation:
    """Score export rows against gold articles. Rows of files the gold does not name are only counted."""
    claims: dict[str, list[Row]] = defaultdict(list)
    unknown: set[str] = set()
    for doc, row in _by_doc(metrics):
        if doc in gold:
            claims[doc].append(row)
        else:
            unknown.add(doc)
    article_of: dict[str, Row] = {}
    has_path = None
    for doc, row in _by_doc(articles):
        if has_path is None:
            has_path = PATH_FIELD in row  # like the reference scorer: only when the export has the column
        article_of[doc] = row
    fields = ARTICLE_FIELDS + ((PATH_FIELD,) if has_path else ())
    programmes: dict[str, list[str]] = defaultdict(list)
    for doc, row in _by_doc(initiatives):
        programmes[doc].append(str(row.get("name") or ""))

    scores = {}
    for doc, g in gold.items():
        c, cf = score_claims(g, claims.get(doc, []), (bodies or {}).get(doc, ""))
        f, ff = score_fields(g, article_of.get(doc), fields)
        i, fi = score_initiatives(g, programmes.get(doc, []))
        scores[doc] = DocScore(c, f, i, cf + ff + fi)
    missing = tuple(doc for doc in gold if doc not in article_of)
    return Evaluation(scores, fields, len(unknown), missing)


# The database layer is imported only here: scoring rows needs none of it.
def export_rows(engine: Engine, table: str) -> Iterator[dict[str, Any]]:
    """An export's rows as dicts, through the same query as `extractor export`."""
    from .db.export import rows

    it = iter(rows(engine, table))
    header = next(it)
    for row in it:
        yield dict(zip(header, row, strict=True))


def evaluate_database(engine: Engine, gold: Mapping[str, GoldDoc], with_sentences: bool = False) -> Evaluation:
    """Score what the database at engine holds; with_sentences reads bodies so misses show their sentence."""
    bodies = None
    if with_sentences:
        from sqlalchemy import text

        with engine.connect() as conn:
            bodies = {doc_key(f): body for f, body in conn.execute(text("SELECT file, body FROM articles"))
                      if doc_key(f) in gold}
    return evaluate(gold, export_rows(engine, "metrics"), export_rows(engine, "articles"),
                    export_rows(engine, "initiatives"), bodies)
