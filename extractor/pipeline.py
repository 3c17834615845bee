"""The pure core: one article's text in, an ArticleRecord out. No database, no files.

    from extractor.pipeline import extract
    record = extract(page_text)            # or extract(text, {"title": ..., "url": ...})
    [(m.value, m.unit, m.subject) for m in record.metrics]
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator

from .claims import extract_metrics
from .cleaning import clean, layout_warning
from .dedupe import signature
from .initiatives import extract_initiatives, link_initiatives
from .measures import annotate
from .metadata import extract_meta
from .places import locate
from .records import ArticleMeta, ArticleRecord, CleanText, Metric, replace_metric

log = logging.getLogger(__name__)


# Fewer letters, digits and characters than this below the headline is a page without an
# article (furniture only): such a page is no article, and so never a duplicate of another.
MIN_ARTICLE_CHARS = 20  # one short sentence of news is an article
# A longer cleaned body (a yearbook, a statistics report of many towns) has its claims read in parts
# of at most this many characters, cut at line breaks: no sentence crosses a line, so the parts
# give the claims the whole would, while the work on each part stays bounded.
MAX_PART_CHARS = 200_000


def content_hash(body: str) -> str:
    """Identity of an article: the SHA-256 of its cleaned body (title line included)."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def extract(text: str, supplied: dict[str, str] | None = None) -> ArticleRecord:
    """Clean text, read its metadata, and extract its claims, programmes and places."""
    cleaned = clean(text)
    meta = extract_meta(cleaned, supplied)
    # The headline is part of what the article states (83个集体经济薄弱村成功“摘帽”),
    # so it leads the body that offsets refer to.
    head = f"{meta.title}\n" if meta.title and cleaned.title else ""
    return analyse(head + cleaned.body, len(head), meta, cleaned)


def reanalyse(body: str, meta: ArticleMeta, flags: CleanText) -> ArticleRecord:
    """Extract again from a stored body (after a rules upgrade), without the original file."""
    return analyse(body, _head_length(body, meta.title), meta, flags)


def has_article(record: ArticleRecord) -> bool:
    """Whether enough text stands below the headline to be an article, not page furniture alone."""
    text = record.body[_head_length(record.body, record.meta.title) :]
    return len(text) >= 4 * MIN_ARTICLE_CHARS or sum(c.isalnum() for c in text) >= MIN_ARTICLE_CHARS


def _head_length(body: str, title: str | None) -> int:
    """Length of the headline line leading a body (0 when the body does not start with it)."""
    return len(title) + 1 if title and body.startswith(f"{title}\n") else 0


def analyse(body: str, body_start: int, meta: ArticleMeta, cleaned: CleanText) -> ArticleRecord:
    """Claims, programmes and places of a cleaned body whose article text starts at body_start."""
    text = body[body_start:]
    initiatives = extract_initiatives(body)
    metrics = _metrics(body)
    programmes = link_initiatives(metrics, initiatives)
    context = [c for c in (meta.source, meta.publisher, *cleaned.meta_lines) if c]
    places = locate(meta.title, text, body_start, context, meta.url, metrics)
    return ArticleRecord(
        body=body,
        content_hash=content_hash(body),
        meta=meta,
        script=cleaned.script,
        converted=cleaned.converted,
        pinyin_stripped=cleaned.pinyin_stripped,
        garbled=cleaned.garbled,
        locality_path=places.path,
        locality_method=places.method,
        minhash=signature(text),
        place_mentions=places.mentions,
        place_paths=places.place_paths,
        metrics=annotate(metrics, body_start, places.localities, programmes),
        initiatives=initiatives,
        warning=layout_warning(cleaned),
    )


def _metrics(body: str) -> list[Metric]:
    """extract_metrics over the body, in parts when it is long; offsets refer to the whole body."""
    if len(body) <= MAX_PART_CHARS:
        return extract_metrics(body)
    parts = list(_parts(body, MAX_PART_CHARS))
    log.info("a body of %d characters is read in %d parts", len(body), len(parts))
    out: list[Metric] = []
    for start, end in parts:
        out += [replace_metric(m, char_start=m.char_start + start, char_end=m.char_end + start,
                                    sentence_start=m.sentence_start + start)
                for m in extract_metrics(body[start:end])]
    return out


def _parts(body: str, size: int) -> Iterator[tuple[int, int]]:
    """(start, end) of consecutive parts of at most `size` characters, each ending after a line
    break where there is one (else after a sentence end, else anywhere)."""
    start = 0
    while len(body) - start > size:
        window = start + size
        cut = body.rfind("\n", start, window)
        if cut < 0:
            cut = body.rfind("。", start, window)
        end = cut + 1 if cut >= 0 else window  # cut >= start: every part holds a character at least
        yield start, end
        start = end
    yield start, len(body)
