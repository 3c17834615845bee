"""One claim in full: its fields, its article, and its sentence in the stored body with the span
highlighted and the sentences around it (segment.py cuts the body as extraction did)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, text

from .segment import sentences

# Columns of metrics shown under their own labels; any other column (added by a later schema) is
# shown too, and is_* columns are listed as flags.
_SHOWN = ("value", "unit", "unit_class", "qualifier", "subject", "predicate", "period")
_INTERNAL = frozenset({"id", "article_id", "locality_id", "initiative_id", "span_text", "char_start", "char_end", "sentence"})
COLOR_ON, COLOR_OFF = "\x1b[1;33;41m", "\x1b[0m"


class NotFound(Exception):
    """No claim has the id asked for."""


@dataclass(frozen=True)
class Sentence:
    text: str
    span: tuple[int, int] | None  # the claim's span within this sentence, if it is there


@dataclass(frozen=True)
class Claim:
    metric_id: int
    fields: list[tuple[str, str]]  # label, value: the claim
    article_id: int
    article: list[tuple[str, str]]  # label, value: its article
    context: list[Sentence]  # the claim's sentence and those around it, in order


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _context(body: str, start: int, end: int, around: int) -> list[Sentence]:
    spans = sentences(body)
    hit = next((i for i, (s, e) in enumerate(spans) if s <= start < e), None)
    if hit is None:
        return []
    out = []
    for s, e in spans[max(hit - around, 0):hit + around + 1]:
        inside = (max(start, s) - s, min(end, e) - s) if s <= start < e else None
        out.append(Sentence(body[s:e], inside))
    return out


def claim(engine: Engine, metric_id: int, around: int = 1) -> Claim:
    """The claim metric_id with its article and `around` sentences either side of its own."""
    with engine.connect() as conn:
        metric = conn.execute(text("SELECT * FROM metrics WHERE id = :id"), {"id": metric_id}).mappings().first()
        if metric is None:
            raise NotFound(f"no claim with id {metric_id}")
        facts = conn.execute(text(
            "SELECT locality_path, initiative, canonical_article_id FROM metric_mentions WHERE metric_id = :id"),
            {"id": metric_id}).mappings().one()
        article = conn.execute(text(
            "SELECT a.id, a.title, a.published, a.source, a.url, a.file, a.body, l.path AS place "
            "FROM articles a LEFT JOIN localities l ON l.id = a.locality_id WHERE a.id = :id"),
            {"id": metric["article_id"]}).mappings().one()
    fields = [(name, _text(metric[name])) for name in _SHOWN]
    fields += [("place", _text(facts["locality_path"])), ("programme", _text(facts["initiative"]))]
    extra = [name for name in metric.keys() if name not in _INTERNAL and name not in _SHOWN]
    flags = [name.removeprefix("is_") for name in extra if name.startswith("is_") and metric[name]]
    fields += [(name, _text(metric[name])) for name in extra if not name.startswith("is_")]
    if any(name.startswith("is_") for name in extra):
        fields.append(("flags", ", ".join(flags) or "none"))
    start, end = metric["char_start"], metric["char_end"]
    fields.append(("span", f"{metric['span_text']} (characters {start}–{end} of the body)"))
    about = [("title", _text(article["title"])), ("date", _text(article["published"])),
             ("source", _text(article["source"])), ("url", _text(article["url"])),
             ("file", _text(article["file"])), ("place", _text(article["place"]))]
    if facts["canonical_article_id"] != article["id"]:
        about.append(("repost of", f"article {facts['canonical_article_id']}"))
    body = article["body"]
    if body[start:end] == metric["span_text"]:
        context = _context(body, start, end, around)
    else:  # a body edited outside extractor: the sentence as stored at extraction, span found by text
        at = metric["sentence"].find(metric["span_text"])
        context = [Sentence(metric["sentence"], (at, at + len(metric["span_text"])) if at >= 0 else None)]
    return Claim(metric_id, fields, article["id"], about, context)


def highlight(sentence: Sentence, color: bool) -> str:
    if sentence.span is None:
        return sentence.text
    s, e = sentence.span
    on, off = (COLOR_ON, COLOR_OFF) if color else ("[", "]")
    return sentence.text[:s] + on + sentence.text[s:e] + off + sentence.text[e:]


def render(shown: Claim, color: bool = False) -> str:
    """The claim as text: fields, article, then the context with the span in colour or [brackets]."""
    width = max(len(label) for label, _ in shown.fields + shown.article)
    lines = [f"claim {shown.metric_id}"]
    lines += [f"  {label:<{width}}  {value}" for label, value in shown.fields]
    lines.append(f"article {shown.article_id}")
    lines += [f"  {label:<{width}}  {value}" for label, value in shown.article]
    lines.append("")
    lines += [("> " if s.span else "  ") + highlight(s, color) for s in shown.context]
    return "\n".join(lines) + "\n"
