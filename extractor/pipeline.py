"""The pure core: one article's text in, an ArticleRecord out. No database, no files."""
from __future__ import annotations

import hashlib

from .claims import extract_metrics
from .cleaning import clean
from .dedupe import signature
from .initiatives import extract_initiatives, link_initiatives
from .metadata import extract_meta
from .places import locate
from .records import ArticleRecord

EXTRACTOR_VERSION = "0.1.0"


def content_hash(body: str) -> str:
    """Identity of an article: the SHA-256 of its cleaned body (title line included)."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def extract(text: str, supplied: dict[str, str] | None = None) -> ArticleRecord:
    """Clean text, read its metadata, and extract its claims and programmes."""
    cleaned = clean(text)
    meta = extract_meta(cleaned, supplied)
    # The headline is part of what the article states (83个集体经济薄弱村成功“摘帽”),
    # so it leads the body that offsets refer to.
    head = f"{meta.title}\n" if meta.title and cleaned.title else ""
    body = head + cleaned.body
    initiatives = extract_initiatives(body)
    metrics = link_initiatives(extract_metrics(body), initiatives)
    context = [c for c in (meta.source, meta.publisher, *cleaned.meta_lines) if c]
    places = locate(meta.title, cleaned.body, len(head), context, meta.url, metrics)
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
        minhash=signature(cleaned.body),
        place_mentions=places.mentions,
        place_paths=places.place_paths,
        metrics=places.metrics,
        initiatives=initiatives,
    )
