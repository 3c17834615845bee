#!/usr/bin/env python3
"""Freeze what `extract()` makes of articles, so that a speed change can prove it changed nothing.

    .venv/bin/python benchmarks/freeze.py write  OUT.json.gz [--seeds] [--generated N] [PATH ...]
    .venv/bin/python benchmarks/freeze.py compare OUT.json.gz [--seeds] [--generated N] [PATH ...]

Sources: `--seeds` (seeds/*.txt), `--generated N` (N articles of ingest_benchmark.py's generator with
`--seed`, default 20240601), and files or folders (read as `extractor ingest` reads them). Every record
field that a reader of the database sees is written in a canonical, compact JSON: title and metadata,
flags of cleaning, locality path and method, place mentions, programmes, MinHash, body hash, and every
metric field (value, unit, class, qualifier, subject, predicate, period, span, offsets, locality,
programme, base value, flags, echo). `compare` prints the first differences and exits 1 on any.
Never commit the frozen output of dev texts.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
try:  # the installed extractor, else the checkout this file is in
    import extractor  # noqa: F401
except ImportError:
    sys.path.insert(0, str(REPO))

from extractor.pipeline import extract  # noqa: E402
from extractor.readers import discover, read  # noqa: E402
from extractor.records import ArticleRecord, Metric, Place, ReadFailure  # noqa: E402

DEFAULT_SEED = 20240601


def _places(path: Iterable[Place]) -> list[list[str | None]]:
    return [[p.name, p.level, p.parent, p.code] for p in path]


def _metric(m: Metric) -> list[object]:
    return [m.value, m.unit, m.unit_class, m.qualifier, m.subject, m.predicate, m.period, m.span_text,
            m.char_start, m.char_end, m.sentence_start, len(m.sentence), m.locality, m.initiative,
            m.base_value, m.base_unit, m.is_rate, m.is_target, m.is_threshold, m.echo_of]


def frozen(record: ArticleRecord) -> dict[str, object]:
    """Every field of a record that matters, as plain JSON values."""
    meta = record.meta
    return {
        "hash": record.content_hash,
        "meta": [meta.title, meta.published, meta.source, meta.publisher, meta.author, meta.url],
        "cleaning": [record.script, record.converted, record.pinyin_stripped, record.garbled, record.warning],
        "locality": [_places(record.locality_path), record.locality_method],
        "mentions": [[p.text, p.char_start, p.char_end, _places(p.path), p.method] for p in record.place_mentions],
        "place_paths": {k: _places(v) for k, v in sorted(record.place_paths.items())},
        "initiatives": [[i.name, i.kind, i.char_start, i.char_end] for i in record.initiatives],
        "minhash": record.minhash.hex(),
        "metrics": [_metric(m) for m in record.metrics],
    }


def texts(seeds: bool, generated: int, seed: int, paths: list[str]) -> Iterator[tuple[str, str, dict[str, str]]]:
    """(key, text, supplied metadata) of every article of the sources, in a fixed order."""
    files = sorted(str(p) for p in (REPO / "seeds").glob("*.txt")) if seeds else []
    files += sorted(discover(paths)) if paths else []
    for f in files:
        for doc in read(f):
            if isinstance(doc, ReadFailure):
                yield f"{Path(doc.file).name}", "", {"failure": doc.reason}
            else:
                yield Path(doc.file).name, doc.text, doc.meta
    if generated:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from ingest_benchmark import Generator

        gen = Generator(seed)
        for i in range(generated):
            text = gen.article(i)
            # the text's own hash first: a generator that changed makes every comparison moot
            yield f"gen{i:06d}:{hashlib.sha256(text.encode()).hexdigest()[:16]}", text, {}


def freeze(sources: Iterable[tuple[str, str, dict[str, str]]]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, text, meta in sources:
        out[key] = {"failure": meta["failure"]} if "failure" in meta else frozen(extract(text, meta or None))
    return out


def dump(data: dict[str, object], path: Path) -> None:
    raw = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    with gzip.GzipFile(path, "wb", mtime=0) as fh:  # mtime 0: the same records give the same bytes
        fh.write(raw)


def load(path: Path) -> dict[str, object]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)  # type: ignore[no-any-return]


def differences(expected: dict[str, object], actual: dict[str, object], limit: int = 20) -> list[str]:
    """Readable lines naming the first `limit` fields that differ (after a JSON round trip)."""
    actual = json.loads(json.dumps(actual, ensure_ascii=False))
    out = [f"{k}: missing" for k in expected if k not in actual] + [f"{k}: new" for k in actual if k not in expected]
    for key in expected:
        if key not in actual or expected[key] == actual[key]:
            continue
        want, got = expected[key], actual[key]
        assert isinstance(want, dict) and isinstance(got, dict)
        for field in sorted(set(want) | set(got)):
            a, b = want.get(field), got.get(field)
            if a == b:
                continue
            if isinstance(a, list) and isinstance(b, list):
                for i in range(max(len(a), len(b))):
                    x, y = (a[i] if i < len(a) else None), (b[i] if i < len(b) else None)
                    if x != y:
                        out.append(f"{key} {field}[{i}]:\n  was {x}\n  now {y}")
                        break
                if len(a) != len(b):
                    out.append(f"{key} {field}: {len(a)} -> {len(b)} items")
            else:
                out.append(f"{key} {field}:\n  was {a}\n  now {b}")
        if len(out) >= limit:
            break
    return out[:limit]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("action", choices=("write", "compare"))
    ap.add_argument("frozen", type=Path)
    ap.add_argument("paths", nargs="*", help="files or folders of articles")
    ap.add_argument("--seeds", action="store_true", help="the articles of seeds/*.txt")
    ap.add_argument("--generated", type=int, default=0, metavar="N", help="N generated articles")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help="the generator's random seed")
    args = ap.parse_args()
    data = freeze(texts(args.seeds, args.generated, args.seed, args.paths))
    if args.action == "write":
        dump(data, args.frozen)
        print(f"{len(data)} articles frozen in {args.frozen}")
        return 0
    diff = differences(load(args.frozen), data)
    print("\n".join(diff) if diff else f"{len(data)} articles: identical")
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
