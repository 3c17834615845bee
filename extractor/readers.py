"""Input files to articles: find .txt, .html/.htm and .jsonl files (or their .gz), read each into text.

Reading never raises for bad input: a file or line that holds no readable article comes back as a
ReadFailure saying why, so nothing given on the command line is silently dropped.
"""
from __future__ import annotations

import gzip
import io
import json
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, TypeGuard

from extractor.decoding import UndecodableError, decode
from extractor.records import RawDocument, ReadFailure

if TYPE_CHECKING:
    from trafilatura.settings import Document

# What each file name ending holds; a further .gz wraps any of them.
_KINDS = {".txt": "text", ".html": "html", ".htm": "html", ".jsonl": "jsonl"}
_GZIP_SUFFIX = ".gz"

# Bigger inputs (or .gz archives that unpack to more) are refused rather than read into memory.
_MAX_BYTES = 256 * 1024 * 1024

# A charset named in an HTML meta tag (<meta charset=...> or http-equiv content), read from the
# first bytes of the page as browsers do before they parse it.
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_CHARSET_SCAN_BYTES = 4096

# trafilatura rejects markup without an <html> element, and JSON fields often hold just a fragment.
_HTML_ELEMENT = re.compile(r"<html[\s>]", re.IGNORECASE)

# JSON Lines fields copied into RawDocument.meta when they hold text.
_META_FIELDS = ("title", "url", "published", "source")


class _Unreadable(Exception):
    """The file cannot be read at all; the message says why, for people."""


def discover(paths: Iterable[str]) -> Iterator[str]:
    """Yield the input files named by `paths`, in the order given, each folder's files sorted.

    A folder gives every file below it with a readable kind (.txt, .html, .htm, .jsonl and their
    .gz), as folder-as-given joined with the relative path. Any other path is yielded as it is,
    even if it does not exist, so that reading it reports the problem. Repeats are dropped.
    """
    return (file for file, _, why in survey(paths) if why is None)


def survey(paths: Iterable[str]) -> Iterator[tuple[str, str, str | None]]:
    """Like discover, with the files of other kinds found in folders too: (file, the path it
    resolves to, why it is not read), why None for an input. Hidden files and folders (.git,
    .DS_Store) are no one's business. A file named twice (seeds/x.txt, ./seeds/x.txt, its absolute
    path, a link to it) is one file: the first name given, by the path it resolves to.
    """
    seen: set[str] = set()
    for path in paths:
        found = _files_below(path) if os.path.isdir(path) else [(path, os.path.realpath(path), None)]
        for file, real, why in found:
            if real not in seen:
                seen.add(real)
                yield file, real, why


def stamp(path: str) -> tuple[int | None, int | None]:
    """(size, modification time in ns) of a file, or (None, None) if it cannot be stat'ed."""
    try:
        st = os.stat(path)
    except OSError:
        return None, None
    return st.st_size, st.st_mtime_ns


def read(path: str) -> Iterator[RawDocument | ReadFailure]:
    """Yield the articles in the file at `path`: one for .txt/.html, one per non-blank .jsonl line."""
    try:
        data = _load(path)
        kind = _kind(path)
        if kind is None:
            raise _Unreadable(f"unsupported file type (expected {', '.join(_KINDS)}, optionally .gz)")
        text, encoding = decode(data, _declared_charset(data) if kind == "html" else None)
    except (_Unreadable, UndecodableError) as exc:
        yield ReadFailure(path, str(exc))
        return
    if kind == "jsonl":
        yield from _jsonl_documents(path, text, encoding)
    elif kind == "html":
        yield _html_document(path, text, encoding, {})
    else:
        yield _text_document(path, text, encoding, {})


def _files_below(folder: str) -> list[tuple[str, str, str | None]]:
    """The files below folder as os.walk finds them (links to folders are not followed), each with
    the path it resolves to. That is its folder's, resolved once, joined with its name unless it is
    a link itself: os.path.realpath on each file stats every part of its path, which cost a re-ingest
    of an unchanged corpus more than the stat of the file."""
    found: list[tuple[str, str, str | None]] = []
    pending = [(folder, os.path.realpath(folder), False)]  # (folder, resolved, hidden)
    while pending:
        root, real_root, hidden = pending.pop()
        try:
            with os.scandir(root) as listing:
                entries = list(listing)
        except OSError:
            continue  # a folder that cannot be listed is passed over, as os.walk does
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if not _is_link(entry):
                    pending.append((entry.path, os.path.join(real_root, name), hidden or name.startswith(".")))
                continue
            real = os.path.realpath(entry.path) if _is_link(entry) else os.path.join(real_root, name)
            if _kind(name) is not None:
                found.append((entry.path, real, None))
            elif not hidden and not name.startswith("."):
                found.append((entry.path, real, _unsupported(name)))
    return sorted(found)


def _is_link(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_symlink()
    except OSError:  # gone since the folder was listed: reading it will say so
        return False


def _unsupported(name: str) -> str:
    name = name.lower()
    packed = _GZIP_SUFFIX if name.endswith(_GZIP_SUFFIX) and name != _GZIP_SUFFIX else ""
    suffix = os.path.splitext(name.removesuffix(packed))[1] + packed
    return f"unsupported file type {suffix}" if suffix else "unsupported file type (no file name extension)"


def _kind(path: str) -> str | None:
    """What the file holds by its name ("text", "html", "jsonl"), looking through .gz; None if unknown."""
    name = path.lower()
    if name.endswith(_GZIP_SUFFIX):
        name = name[: -len(_GZIP_SUFFIX)]
    return _KINDS.get(os.path.splitext(name)[1])


def _load(path: str) -> bytes:
    """The file's bytes, unpacked if it is .gz."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(_MAX_BYTES + 1)
    except OSError as exc:  # missing, permission denied, a directory, ...
        raise _Unreadable(f"cannot read file: {exc.strerror or exc}") from None
    if len(data) > _MAX_BYTES:
        raise _Unreadable(f"file is larger than {_MAX_BYTES // 2**20} MiB")
    return _gunzip(data) if path.lower().endswith(_GZIP_SUFFIX) else data


def _gunzip(data: bytes) -> bytes:
    # Read at most one byte past the limit, so a gzip bomb costs no more memory than that.
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as archive:
            unpacked = archive.read(_MAX_BYTES + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise _Unreadable(f"corrupt gzip archive: {exc}") from None
    if len(unpacked) > _MAX_BYTES:
        raise _Unreadable(f"gzip archive unpacks to more than {_MAX_BYTES // 2**20} MiB")
    return unpacked


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data, 0, _CHARSET_SCAN_BYTES)
    return match.group(1).decode("ascii") if match else None


def _text_document(file: str, text: str, encoding: str, meta: dict[str, str]) -> RawDocument | ReadFailure:
    if not text.strip():
        return ReadFailure(file, "no text (only whitespace)")
    return RawDocument(file, _unix_newlines(text), encoding, meta)


def _html_document(file: str, html: str, encoding: str, given: dict[str, str]) -> RawDocument | ReadFailure:
    """The page's main text, with its metadata under what the container (a JSON line) gave."""
    try:
        text, found = _extract_html(html)
    except Exception as exc:  # lxml/trafilatura on hostile markup: one failure, never a crash
        return ReadFailure(file, f"HTML extraction failed: {type(exc).__name__}: {exc}")
    if not text.strip():
        return ReadFailure(file, "no article text found in HTML")
    return RawDocument(file, _unix_newlines(text), encoding, {**found, **given})


def _extract_html(html: str) -> tuple[str, dict[str, str]]:
    """Main text (paragraphs on their own lines) and metadata, by trafilatura with its fallbacks."""
    import trafilatura  # here, not at the top: it takes ~0.2 s to import and only HTML needs it
    from trafilatura.settings import set_date_params

    # No extensive date search: it guesses from any year in the text ("2022年" gives 2022-01-01).
    dates = set_date_params(extensive=False)
    page = html if _HTML_ELEMENT.search(html) else f"<html>{html}</html>"
    document = trafilatura.bare_extraction(
        page, with_metadata=True, include_comments=False, date_extraction_params=dates
    )
    if document is None:  # no main text found: keep the metadata, try the plainer extractors
        document = trafilatura.extract_metadata(page, date_config=dates)
    text = document.text or trafilatura.baseline(page)[1] or trafilatura.html2txt(page)
    return text, _html_meta(document)


def _html_meta(document: Document) -> dict[str, str]:
    # trafilatura falls back to the URL's host for a missing site name; that names no source.
    sitename = document.sitename if document.sitename != document.hostname else None
    fields = {"title": document.title, "url": document.url, "published": document.date, "source": sitename}
    return {key: value.strip() for key, value in fields.items() if value and value.strip()}


def _jsonl_documents(path: str, text: str, encoding: str) -> Iterator[RawDocument | ReadFailure]:
    # Split on \n alone: JSON strings may hold raw U+2028 and other breaks str.splitlines() cuts at.
    records = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            records += 1
            yield _jsonl_document(f"{path}#{number}", line, encoding)
    if not records:
        yield ReadFailure(path, "no JSON records (only blank lines)")


def _jsonl_document(file: str, line: str, encoding: str) -> RawDocument | ReadFailure:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return ReadFailure(file, f"invalid JSON: {exc.msg} at column {exc.colno}")
    except RecursionError:
        return ReadFailure(file, "invalid JSON: nested too deeply")
    if not isinstance(record, dict):
        return ReadFailure(file, "JSON line is not an object")
    meta = {key: value.strip() for key in _META_FIELDS if _is_text(value := record.get(key))}
    if _is_text(body := record.get("text")):
        return _text_document(file, body, encoding, meta)
    if _is_text(html := record.get("html")):
        return _html_document(file, html, encoding, meta)
    return ReadFailure(file, "JSON record has no 'text' or 'html' field with text in it")


def _is_text(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and bool(value.strip())


def _unix_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
