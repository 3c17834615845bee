"""What an extraction worker does with one input: read it, extract every article in it, and
turn each into the rows the writer stores (rows.py), which cross between processes cheaply.

Kept apart from the database code so that worker processes import only the extraction core: the
writer names process_path to them, and a worker imports the module of the function it runs.
"""
from __future__ import annotations

import gc
from typing import Any

from . import lexicon
from .readers import read, stamp
from .records import Item, ReadFailure
from .rows import article_rows


def start(lexicons: dict[str, Any]) -> None:
    """A worker's start: its lexicons in force and the gazetteer loaded, then frozen out of the cycle
    collector's sight. Each collection of the oldest generation would walk everything the process
    holds, and a new crawl's first articles, filling the memoized rules, set off such collections
    again and again (0.1 ms an article); what is alive now lives as long as the worker anyway.
    (Done here, in a process of ours, not when the gazetteer loads: frozen objects of a library's
    caller whose cycles it drops later would never be freed.)"""
    from .gazetteer import load

    lexicon.use(lexicons)
    load()
    gc.freeze()


def process_path(path: str) -> list[Item]:
    """Read one input and extract every article in it; failures become ReadFailure, never raise."""
    # Imported here: the writer imports this module to name the function, and never loads the rules.
    from .pipeline import extract, has_article

    size, mtime_ns = stamp(path)
    out: list[Item] = []
    for doc in read(path):
        if isinstance(doc, ReadFailure):
            out.append(Item(doc.file, doc, path, size, mtime_ns))
            continue
        try:
            record = extract(doc.text, doc.meta)
        except Exception as exc:  # one bad article must not cost the rest of the corpus
            failure = ReadFailure(doc.file, f"extraction failed: {type(exc).__name__}: {exc}")
            out.append(Item(doc.file, failure, path, size, mtime_ns))
            continue
        if not has_article(record):
            failure = ReadFailure(doc.file, "no article text after removing page furniture")
            out.append(Item(doc.file, failure, path, size, mtime_ns))
        else:
            out.append(Item(doc.file, article_rows(record), path, size, mtime_ns))
    return out
