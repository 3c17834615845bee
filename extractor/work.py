"""What an extraction worker does with one input: read it and extract every article in it.

Kept apart from the database code so that worker processes import only the extraction core.
"""
from __future__ import annotations

import os

from .pipeline import extract
from .readers import read
from .records import Item, ReadFailure


def stamp(path: str) -> tuple[int | None, int | None]:
    """(size, modification time in ns) of a file, or (None, None) if it cannot be stat'ed."""
    try:
        st = os.stat(path)
    except OSError:
        return None, None
    return st.st_size, st.st_mtime_ns


def process_path(path: str) -> list[Item]:
    """Read one input and extract every article in it; failures become ReadFailure, never raise."""
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
        if not record.body.strip():
            failure = ReadFailure(doc.file, "no article text left after removing page boilerplate")
            out.append(Item(doc.file, failure, path, size, mtime_ns))
        else:
            out.append(Item(doc.file, record, path, size, mtime_ns))
    return out
