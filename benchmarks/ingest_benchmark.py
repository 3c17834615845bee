#!/usr/bin/env python3
"""Ingest throughput and memory benchmark.

For each N: generate N distinct articles from seeds/*.txt, then, in the same run,
  (a) the floor: read every file, SHA-256 it and insert (path, raw text) into a fresh SQLite table;
  (b) `extractor ingest DIR --db sqlite:///fresh.db --workers W` as a subprocess, sampling the
      resident memory of its whole process tree every 50 ms;
  (c) the same command again on the unchanged corpus and the same database (re-ingest).
Prints articles/s, the ratios, peak memory, and PASS/FAIL per target.

    .venv/bin/python benchmarks/ingest_benchmark.py --n 2000 [--n 20000] [--workers 2] [--keep DIR]
    .venv/bin/python benchmarks/ingest_benchmark.py --n 0 --profile 300     # only the profiles

Only the standard library and the project itself are used.
"""
from __future__ import annotations

import argparse
import cProfile
import gzip
import hashlib
import io
import os
import pickle
import pstats
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
try:  # the installed extractor (or one on PYTHONPATH); else the checkout this file is in
    import extractor  # noqa: F401
except ImportError:
    sys.path.insert(0, str(REPO))

from extractor import gazetteer  # noqa: E402
from extractor.cleaning import clean, normalise, strip_pinyin  # noqa: E402

SEEDS = REPO / "seeds"
PAGE = os.sysconf("SC_PAGE_SIZE")
FLOOR_BATCH = 200  # the same batch size as extractor.ingest.BATCH_SIZE

# Targets (from the issue)
TARGET_RATIO = 0.06  # ingest articles/s ≥ 0.06 × floor articles/s at the largest N (issue: speed and scale)
TARGET_FLAT = 0.20  # peak memory within 20 % between the smallest and the largest N
TARGET_MB = 400.0
TARGET_REINGEST = 10.0  # re-ingest ≥ 10× faster than the first ingest
TARGET_EXTRACT_MS = 2.0  # extract() per generated article, one process
TARGET_LINEAR = 1.5  # one 1 MB report costs at most 1.5 × ten 100 KB ones


# ---------------------------------------------------------------------------------------------
# Corpus generation
# ---------------------------------------------------------------------------------------------

_DIGITS = re.compile(r"\d+")
_TOWN_NAME = re.compile(r"(?:镇|乡|街道)$")
_COUNTY_NAME = re.compile(r"(?:县|区|市|旗)$")


def _division_pool() -> dict[str, list[tuple[str, str]]]:
    """Real counties and towns (code, name) from the packaged gazetteer data."""
    towns, counties = [], []
    with gzip.open(gazetteer.DIVISIONS_FILE, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            code, name, *_ = line.rstrip("\n").split("\t")
            if gazetteer.NOT_A_PLACE.search(name) or name.startswith("市辖"):
                continue
            if len(code) == 9 and _TOWN_NAME.search(name) and gazetteer.town_stem(name):
                towns.append((code, name))
            elif len(code) == 6 and _COUNTY_NAME.search(name) and gazetteer.short_stem(name):
                counties.append((code, name))
    return {"town": towns, "county": counties}


def _stem(level: str, name: str) -> str | None:
    stem = gazetteer.town_stem(name) if level == "town" else gazetteer.short_stem(name)
    return stem if stem and len(stem) >= 2 else None


@dataclass
class Template:
    """One seed, split into what a generated article keeps and what it varies."""

    name: str
    lines: list[str]
    traditional: bool
    body_idx: list[int]  # lines that survive cleaning: numbers are perturbed there
    para_idx: list[int]  # long body lines: the paragraphs that are replaced or shuffled
    para_clauses: list[list[str]]  # the clauses of each of those paragraphs, as written
    places: list[tuple[str, str, list[str]]]  # (level, name, surfaces as written in the seed)


# Clauses (up to a comma, semicolon or full stop): the unit paragraphs are rebuilt from. Finer than
# sentences, so two generated articles overlap by about the same share of text but with far less
# spread, and none comes near the extractor's repost similarity (0.7).
_CLAUSE = re.compile(r"[^，,；;。！？!?]+(?:[，,；;。！？!?]+[”’\"]?|$)")


def _opencc(config: str):  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC(config)


def make_template(path: Path) -> Template:
    raw = path.read_text(encoding="utf-8")
    lines = raw.split("\n")
    cleaned = clean(raw)
    body_lines = {ln for ln in cleaned.body.split("\n") if ln}
    traditional = cleaned.script == "traditional"
    t2s = _opencc("t2s")

    def as_cleaned(line: str) -> str:
        s = strip_pinyin(normalise(line))[0].strip()
        return t2s.convert(s) if traditional else s

    body_idx = [i for i, ln in enumerate(lines) if ln.strip() and as_cleaned(ln) in body_lines]
    para_idx = [i for i in body_idx if len(as_cleaned(lines[i])) >= 60]
    para_clauses = [[m.group(0) for m in _CLAUSE.finditer(lines[i].strip())] for i in para_idx]

    # Counties and towns the article names (title and body), found by the gazetteer itself.
    simp = t2s.convert(raw) if traditional else raw
    seen_text = "\n".join(filter(None, [cleaned.title, cleaned.body]))
    gz = gazetteer.load()
    named: dict[str, str] = {}  # name → "county" | "town"
    for m in gz.find_mentions(seen_text):
        # places named in full (吴山镇) or in a chain (长丰县吴山镇), not chance matches of a stem (扩大新…)
        lengths = {len(c) for c in m.codes}
        if m.kind not in ("full", "chain") or len(lengths) != 1 or not lengths <= {6, 9}:
            continue
        chain = gz.path(m.codes[0]) if m.kind == "chain" else [gz.get(m.codes[0])]
        for div in chain:
            if div is not None and len(div.code) in (6, 9) and div.name in m.text:
                named[div.name] = "town" if len(div.code) == 9 else "county"
    places = []
    for name, level in named.items():
        wanted = [s for s in (name, _stem(level, name)) if s]
        surfaces: set[str] = set(wanted)
        for s in wanted:
            for m in re.finditer(re.escape(s), simp):
                # the same span in the original script (t2s keeps lengths for these texts)
                surfaces.add(raw[m.start() : m.end()] if len(simp) == len(raw) else s)
        places.append((level, name, sorted(surfaces, key=len, reverse=True)))
    return Template(path.name, lines, traditional, body_idx, para_idx, para_clauses, places)


def _perturb_number(m: re.Match[str], rng: random.Random) -> str:
    digits = m.group(0)
    n = int(digits)
    after = m.string[m.end() : m.end() + 1]
    if len(digits) == 4 and after == "年" and 1900 <= n <= 2100:
        return str(n + rng.randint(-3, 3))
    if n == 0:
        return str(rng.randint(0, 9))
    lo, hi = max(1, n // 2), max(n + 2, n * 3 // 2)
    value = rng.randint(lo, hi)
    if value == n:
        value += 1
    return str(value).zfill(len(digits)) if digits.startswith("0") else str(value)


class Generator:
    """Articles built on the seeds' pages (header, navigation, footer, subheadings kept).

    mode "distinct" (default): each paragraph is rebuilt from clauses drawn at random, without
    repeats, from the paragraphs of all seeds (in the page's script), so that two articles share
    few clauses and are neither duplicates nor near-duplicates (reposts) of each other.
    mode "variants": the seed's own paragraphs, shuffled — the same article edited, which the
    extractor's MinHash repost detection (where present) rightly sees as reposts of one another.
    In both modes every Arabic number in the body is perturbed and the counties and towns the seeds
    name are swapped for other real ones (with their stems: 斗山镇/斗山).
    """

    def __init__(self, seed: int, mode: str = "distinct") -> None:
        self.rng = random.Random(seed)
        self.mode = mode
        self.templates = [make_template(p) for p in sorted(SEEDS.glob("*.txt"))]
        if not self.templates:
            raise SystemExit(f"no seeds in {SEEDS}")
        self.pool = _division_pool()
        self.seen: set[bytes] = set()
        t2s, s2t = _opencc("t2s"), _opencc("s2t")
        clauses = [(t.traditional, x) for t in self.templates for para in t.para_clauses for x in para]
        self.clauses = {
            False: [t2s.convert(x) if trad else x for trad, x in clauses],
            True: [x if trad else s2t.convert(x) for trad, x in clauses],
        }
        self.places = [p for t in self.templates for p in t.places]
        for level, name, surfaces in list(self.places):  # the same names in the other script
            more = {c.convert(x) for x in surfaces for c in (t2s, s2t)} - set(surfaces)
            if more:
                self.places.append((level, name, sorted(more, key=len, reverse=True)))

    def article(self, i: int) -> str:
        t = self.templates[i % len(self.templates)]
        for _attempt in range(20):
            text, key = self._variant(t)
            if key not in self.seen:
                self.seen.add(key)
                return text
        raise RuntimeError(f"could not make a new variant of {t.name}")

    def _variant(self, t: Template) -> tuple[str, bytes]:
        rng = self.rng
        lines = list(t.lines)
        # 1. the paragraphs: rebuilt from random clauses of all seeds, or the seed's own shuffled
        if self.mode == "distinct":
            pool = self.clauses[t.traditional]
            picked = iter(rng.sample(pool, min(len(pool), sum(map(len, t.para_clauses)))))
            for slot, para in zip(t.para_idx, t.para_clauses):
                indent = t.lines[slot][: len(t.lines[slot]) - len(t.lines[slot].lstrip())]
                lines[slot] = indent + "".join(next(picked, "") for _ in para)
        else:
            order = list(t.para_idx)
            rng.shuffle(order)
            for slot, src in zip(t.para_idx, order):
                lines[slot] = t.lines[src]
        # 2. perturb every Arabic number in the body lines
        for i in t.body_idx:
            lines[i] = _DIGITS.sub(lambda m: _perturb_number(m, rng), lines[i])
        # 3. swap the counties and towns for other real ones (everywhere, title included)
        mapping: dict[str, str] = {}
        for level, name, surfaces in (self.places if self.mode == "distinct" else t.places):
            _code, new = rng.choice(self.pool[level])
            new_stem = _stem(level, new) or new
            for s in surfaces:
                mapping.setdefault(s, new if len(s) >= len(name) else new_stem)
        text = "\n".join(lines)
        if mapping:
            pattern = re.compile("|".join(map(re.escape, sorted(mapping, key=len, reverse=True))))
            text = pattern.sub(lambda m: mapping[m.group(0)], text)
        out_lines = text.split("\n")
        key = hashlib.sha256("\n".join(out_lines[i] for i in t.body_idx).encode()).digest()
        return text, key


def generate(n: int, folder: Path, seed: int, mode: str = "distinct") -> float:
    """Write n distinct articles into folder (1,000 per subfolder); returns seconds taken."""
    start = time.perf_counter()
    gen = Generator(seed, mode)
    for i in range(n):
        sub = folder / f"{i // 1000:03d}"
        if i % 1000 == 0:
            sub.mkdir(parents=True, exist_ok=True)
        (sub / f"{i:06d}.txt").write_text(gen.article(i), encoding="utf-8")
    return time.perf_counter() - start


def list_files(folder: Path) -> list[str]:
    found = []
    for root, _dirs, names in os.walk(folder):
        found.extend(os.path.join(root, n) for n in names if n.endswith(".txt"))
    return sorted(found)


# ---------------------------------------------------------------------------------------------
# Measurements
# ---------------------------------------------------------------------------------------------


def floor(folder: Path, db: Path, batch: int = FLOOR_BATCH) -> tuple[float, int]:
    """Read, hash and store the raw text of every file; (seconds, files)."""
    start = time.perf_counter()
    files = list_files(folder)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("CREATE TABLE raw (id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, sha256 TEXT NOT NULL, body TEXT NOT NULL)")
    rows: list[tuple[str, str, str]] = []

    def flush() -> None:
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO raw (path, sha256, body) VALUES (?, ?, ?)", rows)
        conn.execute("COMMIT")
        rows.clear()

    for path in files:
        with open(path, "rb") as fh:
            data = fh.read()
        rows.append((path, hashlib.sha256(data).hexdigest(), data.decode("utf-8")))
        if len(rows) >= batch:
            flush()
    if rows:
        flush()
    conn.close()
    return time.perf_counter() - start, len(files)


@dataclass
class MemoryPeaks:
    tree_rss: int = 0  # bytes: the largest sum of RSS over the process tree at one instant
    tree_pss: int = 0  # bytes: same with PSS (shared pages split among the sharers)
    parent_rss: int = 0  # the ingest process itself (the single writer)
    worker_rss: int = 0  # the largest single descendant that is no service (an extraction worker)
    service_rss: int = 0  # multiprocessing's forkserver and resource tracker together
    parent_cpu: float = 0.0  # seconds of CPU of the ingest process itself, as last sampled
    processes: int = 0  # most processes seen at once
    samples: int = 0


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(x) for x in fh.read().split()]
    except OSError:
        return []


def _tree(root: int) -> list[int]:
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(_children(pid))
    return out


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _is_service(pid: int) -> bool:
    """Whether pid is multiprocessing's forkserver or resource tracker (they run `-c from
    multiprocessing.… import main`); the workers the forkserver forks keep its command line."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            command = fh.read()
        with open(f"/proc/{pid}/stat", "rb") as fh:
            parent = int(fh.read().rsplit(b")", 1)[1].split()[1])
        with open(f"/proc/{parent}/cmdline", "rb") as fh:
            forked_by_forkserver = b"multiprocessing.forkserver" in fh.read()
    except (OSError, IndexError, ValueError):
        return False
    services = (b"multiprocessing.forkserver import main", b"multiprocessing.resource_tracker import main")
    return any(name in command for name in services) and not forked_by_forkserver


def _cpu(pid: int) -> float:
    """Seconds of CPU (user + system) a process has used itself, without its children's."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS
    except (OSError, IndexError, ValueError):
        return 0.0


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class Sampler(threading.Thread):
    """Samples the RSS of a process tree every `interval` seconds (PSS every 10th sample)."""

    def __init__(self, root: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.peaks = MemoryPeaks()
        self._halt = threading.Event()
        self._services: dict[int, bool] = {}  # pid → _is_service, asked once per process

    def run(self) -> None:
        p = self.peaks
        while not self._halt.is_set():
            pids = _tree(self.root)
            rss = {pid: _rss(pid) for pid in pids}
            p.tree_rss = max(p.tree_rss, sum(rss.values()))
            p.parent_rss = max(p.parent_rss, rss.get(self.root, 0))
            service = {pid: self._services.setdefault(pid, _is_service(pid)) for pid in pids if pid != self.root}
            p.worker_rss = max([p.worker_rss, *(v for k, v in rss.items() if k in service and not service[k])])
            p.service_rss = max(p.service_rss, sum(v for k, v in rss.items() if service.get(k)))
            p.processes = max(p.processes, len(pids))
            p.parent_cpu = _cpu(self.root) or p.parent_cpu
            if p.samples % 10 == 0:
                p.tree_pss = max(p.tree_pss, sum(_pss(pid) for pid in pids))
            p.samples += 1
            self._halt.wait(self.interval)

    def stop(self) -> MemoryPeaks:
        self._halt.set()
        self.join()
        return self.peaks


def _extractor_command() -> list[str]:
    script = Path(sys.executable).with_name("extractor")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from extractor.cli import app; sys.argv[0] = 'extractor'; sys.exit(app())"]


_COUNTS = re.compile(r"inputs: (\d+)\s+ingested: (\d+)\s+duplicate: (\d+)\s+unchanged: (\d+)\s+failed: (\d+)")


@dataclass
class Run:
    seconds: float
    exit_code: int
    counts: dict[str, int]
    memory: MemoryPeaks
    maxrss: int  # bytes: wait4's ru_maxrss (the largest single process of the tree)
    cpu: float  # seconds: wait4's user + system time of the ingest and the workers it reaped
    stderr: str = field(repr=False, default="")


def run_ingest(folder: Path, db: Path, workers: int) -> Run:
    cmd = [*_extractor_command(), "ingest", str(folder), "--db", f"sqlite:///{db}", "--workers", str(workers)]
    err = tempfile.TemporaryFile()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, cwd=db.parent)
    sampler = Sampler(proc.pid)
    sampler.start()
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    memory = sampler.stop()
    err.seek(0)
    text = err.read().decode("utf-8", "replace")
    m = _COUNTS.search(text)
    counts = dict(zip(("inputs", "ingested", "duplicate", "unchanged", "failed"), map(int, m.groups()))) if m else {}
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, proc.returncode, counts, memory, usage.ru_maxrss * 1024, cpu, text)


@dataclass
class Result:
    n: int
    gen_s: float
    floor_s: float
    startup_s: float
    first: Run
    again: Run
    reposts: int | None

    @property
    def floor_rate(self) -> float:
        return self.n / self.floor_s

    @property
    def ingest_rate(self) -> float:
        return self.n / self.first.seconds

    @property
    def reingest_rate(self) -> float:
        return self.n / self.again.seconds

    @property
    def peak_mb(self) -> float:
        return max(self.first.memory.tree_rss, self.again.memory.tree_rss) / 2**20


def _reposts(db: Path) -> int | None:
    """Articles the extractor stored as near-duplicates (reposts) of another; None if it has no such notion."""
    try:
        with sqlite3.connect(db) as conn:
            return conn.execute("SELECT count(*) FROM articles WHERE canonical_id IS NOT NULL").fetchone()[0]
    except sqlite3.Error:
        return None


def bench(n: int, workers: int, root: Path, seed: int, mode: str) -> Result:
    corpus, work = root / f"corpus_{n}", root / f"db_{n}"
    for d in (corpus, work):
        shutil.rmtree(d, ignore_errors=True)
    work.mkdir(parents=True)
    print(f"[N={n}] generating corpus in {corpus} ...", file=sys.stderr, flush=True)
    gen_s = generate(n, corpus, seed, mode)
    print(f"[N={n}] generated in {gen_s:.1f}s; floor ...", file=sys.stderr, flush=True)
    floor_s, files = floor(corpus, work / "floor.db")
    assert files == n, (files, n)
    # The fixed cost of one `extractor ingest` (interpreter, imports, schema check) on no input.
    empty = work / "empty"
    empty.mkdir()
    startup = run_ingest(empty, work / "startup.db", workers).seconds
    print(f"[N={n}] floor {floor_s:.2f}s; ingest ...", file=sys.stderr, flush=True)
    first = run_ingest(corpus, work / "fresh.db", workers)
    print(f"[N={n}] ingest {first.seconds:.1f}s {first.counts}; re-ingest ...", file=sys.stderr, flush=True)
    again = run_ingest(corpus, work / "fresh.db", workers)
    print(f"[N={n}] re-ingest {again.seconds:.1f}s {again.counts}", file=sys.stderr, flush=True)
    for label, run in (("ingest", first), ("re-ingest", again)):
        if run.exit_code != 0:
            print(f"[N={n}] {label} exited {run.exit_code}:\n{run.stderr}", file=sys.stderr)
    if first.counts.get("ingested") != n:
        print(f"[N={n}] WARNING: expected {n} new articles, got {first.counts} — the corpus has duplicates or failures",
              file=sys.stderr)
    return Result(n, gen_s, floor_s, startup, first, again, _reposts(work / "fresh.db"))


def report(results: list[Result], workers: int, mode: str) -> bool:
    mb = 2**20
    print()
    print(f"workers={workers}  cpus={os.cpu_count()}  corpus={mode}  python={sys.version.split()[0]}  "
          f"extractor from {Path(gazetteer.__file__).parent.parent}")
    head = (f"{'N':>7} {'floor/s':>9} {'ingest/s':>9} {'ratio':>7} {'re-ing/s':>9} {'speed-up':>8} "
            f"{'peakRSS':>8} {'PSS':>7} {'parent':>7} {'worker':>7} {'service':>7} {'ingest s':>9} {'re-ing s':>8} {'startup':>7}")
    print(head)
    print("-" * len(head))
    for r in results:
        m1, m2 = r.first.memory, r.again.memory
        print(f"{r.n:>7} {r.floor_rate:>9.0f} {r.ingest_rate:>9.1f} {r.ingest_rate / r.floor_rate:>7.4f} "
              f"{r.reingest_rate:>9.1f} {r.reingest_rate / r.ingest_rate:>7.1f}x "
              f"{r.peak_mb:>8.0f} {max(m1.tree_pss, m2.tree_pss) / mb:>7.0f} "
              f"{max(m1.parent_rss, m2.parent_rss) / mb:>7.0f} {max(m1.worker_rss, m2.worker_rss) / mb:>7.0f} "
              f"{max(m1.service_rss, m2.service_rss) / mb:>7.0f} "
              f"{r.first.seconds:>9.1f} {r.again.seconds:>8.1f} {r.startup_s:>7.2f}")
        print(f"{'':>7} ingest: {r.first.counts}  re-ingest: {r.again.counts}  reposts: {r.reposts}  "
              f"processes: {max(m1.processes, m2.processes)}  "
              f"max single-process maxrss {max(r.first.maxrss, r.again.maxrss) / mb:.0f} MB")
        writer, total = r.first.memory.parent_cpu, r.first.cpu
        print(f"{'':>7} CPU per article of the first ingest: {1000 * writer / r.n:.2f} ms in the writer process "
              f"(reading results, storing), {1000 * (total - writer) / r.n:.2f} ms in the extraction workers, "
              f"{1000 * total / r.n:.2f} ms in all; {os.cpu_count()} cores x wall = {1000 * (os.cpu_count() or 1) * r.first.seconds / r.n:.2f} ms")
    print("(articles/s; memory in MB: peakRSS = largest sum of RSS over the ingest process tree, PSS = same "
          "with shared pages split, parent = the writer process, worker = largest extraction process, "
          "service = multiprocessing's forkserver + resource tracker; "
          "startup = `extractor ingest` on an empty folder)")
    print()
    ok = True
    largest = max(results, key=lambda r: r.n)
    ratio = largest.ingest_rate / largest.floor_rate
    note = "" if largest.n >= 20000 else f" (measured at N={largest.n}; the target is set at N=20000)"
    ok &= _verdict(ratio >= TARGET_RATIO, f"ingest >= {TARGET_RATIO} x floor: {ratio:.4f}{note}")
    worst = max(r.peak_mb for r in results)
    ok &= _verdict(worst < TARGET_MB, f"peak memory < {TARGET_MB:.0f} MB: {worst:.0f} MB")
    if len(results) > 1:
        small = min(results, key=lambda r: r.n)
        growth = largest.peak_mb / small.peak_mb - 1
        ok &= _verdict(abs(growth) <= TARGET_FLAT,
                       f"peak memory flat in N (within {TARGET_FLAT:.0%}): N={small.n} {small.peak_mb:.0f} MB -> "
                       f"N={largest.n} {largest.peak_mb:.0f} MB ({growth:+.0%})")
    else:
        print("SKIP peak memory flat in N: needs two values of --n")
    for r in results:
        speedup = r.reingest_rate / r.ingest_rate
        ok &= _verdict(speedup >= TARGET_REINGEST, f"re-ingest >= {TARGET_REINGEST:.0f} x first ingest at N={r.n}: {speedup:.1f}x")
    for r in results:
        clean_run = r.first.counts.get("ingested") == r.n and r.again.counts.get("unchanged") == r.n
        if mode == "distinct":
            clean_run &= not r.reposts
        ok &= _verdict(clean_run, f"corpus N={r.n}: {r.n} distinct articles ingested"
                       f"{' (none a repost)' if mode == 'distinct' else ''}, all unchanged on re-ingest")
    return ok


def _verdict(passed: bool, text: str) -> bool:
    print(f"{'PASS' if passed else 'FAIL'} {text}")
    return passed


# ---------------------------------------------------------------------------------------------
# Profiles: where one process spends an ingest's time
# ---------------------------------------------------------------------------------------------


def _print_profile(prof: cProfile.Profile, title: str, units: int, top: int = 15) -> None:
    stats = pstats.Stats(prof, stream=io.StringIO())
    rows = stats.stats  # type: ignore[attr-defined]  # {(file, line, func): (cc, nc, tt, ct, callers)}
    total = max(stats.total_tt, max(v[3] for v in rows.values()))  # type: ignore[attr-defined]
    print(f"\n== {title}: {total:.2f}s over {units} articles = {1000 * total / units:.1f} ms/article (profiled)")

    def where(key: tuple[str, int, str]) -> str:
        file, line, func = key
        if file == "~":
            return func
        p = Path(file)
        for marker in ("site-packages", "extractor"):
            if marker in p.parts:
                i = p.parts.index(marker)
                rel = "/".join(p.parts[i + (marker == "site-packages"):])
                return f"{rel}:{line}({func})"
        return f"{p.name}:{line}({func})"

    by_module: dict[str, float] = {}
    for (file, _line, func), (_cc, _nc, tt, _ct, _callers) in rows.items():
        if file == "~":
            mod = "builtins: " + (func.split(" of ")[0].strip("<>{}").split(" ")[-1] if " of " in func else func.strip("<>{}"))
        else:
            p = Path(file)
            if "site-packages" in p.parts:
                mod = p.parts[p.parts.index("site-packages") + 1]
            elif "extractor" in p.parts:
                mod = "/".join(p.parts[p.parts.index("extractor"):])
            else:
                mod = "stdlib: " + p.name
        by_module[mod] = by_module.get(mod, 0.0) + tt
    print("  self time by module:")
    for mod, tt in sorted(by_module.items(), key=lambda kv: -kv[1])[:top]:
        print(f"    {100 * tt / total:5.1f}%  {tt:7.2f}s  {mod}")
    print("  top functions by self time:")
    for key, (_cc, nc, tt, ct, _c) in sorted(rows.items(), key=lambda kv: -kv[1][2])[:top]:
        print(f"    {100 * tt / total:5.1f}%  self {tt:6.2f}s  cum {ct:6.2f}s  calls {nc:>8}  {where(key)}")
    print("  top project functions by cumulative time:")
    ours = [(k, v) for k, v in rows.items() if "/extractor/" in k[0]]
    for key, (_cc, nc, tt, ct, _c) in sorted(ours, key=lambda kv: -kv[1][3])[:top]:
        print(f"    {100 * ct / total:5.1f}%  cum {ct:6.2f}s  self {tt:6.2f}s  calls {nc:>8}  {where(key)}")


# The stages of extractor.pipeline.extract, each timed by wrapping the functions it is made of
# (name, module, attribute). Times are exclusive: a stage called inside another (find_quantities in
# extract_metrics, flags in annotate) counts for itself only.
STAGES = (
    ("cleaning", "extractor.pipeline", "clean"),
    ("metadata", "extractor.pipeline", "extract_meta"),
    ("quantities", "extractor.claims", "find_quantities"),
    ("claims", "extractor.pipeline", "extract_metrics"),
    ("flags", "extractor.measures", "flags"),
    ("base units, echoes", "extractor.pipeline", "annotate"),
    ("programmes", "extractor.pipeline", "extract_initiatives"),
    ("programmes", "extractor.pipeline", "link_initiatives"),
    ("places", "extractor.pipeline", "locate"),
    ("minhash", "extractor.pipeline", "signature"),
)


def stage_times(texts: list[str]) -> dict[str, float]:
    """CPU seconds of `extract()` over texts, in total and per stage (exclusive), no profiler. CPU time,
    not wall time: the machines we measure on are shared, and CPU time varies less with their load."""
    import importlib

    from extractor.pipeline import extract

    spent: dict[str, float] = {}
    inner: list[float] = [0.0]  # time spent in timed stages below the current one

    def timed(name: str, fn):  # type: ignore[no-untyped-def]
        def wrapper(*a, **kw):  # type: ignore[no-untyped-def]
            inner.append(0.0)
            t = time.process_time()
            try:
                return fn(*a, **kw)
            finally:
                took = time.process_time() - t
                nested = inner.pop()
                inner[-1] += took
                spent[name] = spent.get(name, 0.0) + took - nested
        return wrapper

    patched = []
    for name, module, attr in STAGES:
        mod = importlib.import_module(module)
        patched.append((mod, attr, getattr(mod, attr)))
        setattr(mod, attr, timed(name, getattr(mod, attr)))
    try:
        t = time.process_time()
        for text in texts:
            extract(text)
        total = time.process_time() - t
    finally:
        for mod, attr, fn in reversed(patched):
            setattr(mod, attr, fn)
    spent["(the rest: glue, records)"] = total - sum(spent.values())
    spent["total"] = total
    return spent


def print_stages(texts: list[str], title: str) -> None:
    """ms per article per stage of extract(), measured in this process (lexicons loaded first)."""
    from extractor.pipeline import extract

    extract(texts[0])  # warm up: gazetteer, lexicons, OpenCC loaded once per process
    t = time.process_time()
    for text in texts:
        extract(text)
    plain = time.process_time() - t
    n = len(texts)
    stages = stage_times(texts)
    total = stages["total"]
    print(f"\n== extract() per article, one process, {title}: {1000 * plain / n:.2f} ms "
          f"= {n / plain:.0f} articles/s per core CPU time without timers; by stage (wrapped timers):")
    for name, sec in stages.items():
        print(f"    {1000 * sec / n:7.3f} ms  {100 * sec / total:5.1f}%  {name}")


def extraction_targets(k: int, seed: int, mode: str) -> bool:
    """Stage times over k generated articles, and the verdict on the ms per article."""
    gen = Generator(seed, mode)
    texts = [gen.article(i) for i in range(k)]
    from extractor.pipeline import extract

    extract(texts[0])
    t = time.process_time()
    for text in texts:
        extract(text)
    ms = 1000 * (time.process_time() - t) / k
    # The verdict below is this first pass; the table is a later one over the same texts, with every
    # memo warm, and so reads 0.4-0.7 ms an article lower.
    print_stages(texts, f"{k} generated articles, second pass")
    return _verdict(ms <= TARGET_EXTRACT_MS, f"extract() <= {TARGET_EXTRACT_MS} ms per generated article: {ms:.2f} ms")


def long_report(gen: Generator, size: int) -> tuple[str, int]:
    """One page of about `size` UTF-8 bytes: a headline, then the body paragraphs of as many generated
    articles as it takes (each with its own towns and counties), and how many articles went in."""
    lines, n, used = ["县域经济发展情况报告", "发布时间:2023-05-06 来源:县统计局", ""], 0, 0
    while used < size:
        cleaned = clean(gen.article(n))
        n += 1
        for ln in cleaned.body.split("\n"):
            lines.append(ln)
            used += len(ln.encode()) + 1
    return "\n".join(lines), n


def linearity(seed: int, big_mb: float = 1.0, parts: int = 10) -> float:
    """CPU seconds of extract() on one report of big_mb MB over those of `parts` reports of a
    `parts`-th of its size, in the same run (1.0 is linear); prints both."""
    from extractor.pipeline import extract

    size = int(big_mb * 2**20)
    small = [long_report(Generator(seed + i), size // parts)[0] for i in range(parts)]
    big, n = long_report(Generator(seed + parts), size)
    extract(small[0][:5000])  # warm up
    t = time.process_time()
    for text in small:
        extract(text)
    small_s = time.process_time() - t
    t = time.process_time()
    record = extract(big)
    big_s = time.process_time() - t
    ratio = big_s / small_s
    print(f"\n== linearity: one {len(big.encode()) / 2**20:.2f} MB report ({n} articles' paragraphs, "
          f"{len(record.place_mentions)} place mentions, {len(record.metrics)} metrics) {big_s:.2f}s; "
          f"{parts} reports of {size // parts // 1024} KB {small_s:.2f}s; ratio {ratio:.2f} "
          f"(target <= {TARGET_LINEAR})")
    return ratio


def profile(k: int, root: Path, seed: int, mode: str, base: Path | None = None) -> None:
    from extractor.db.engine import make_engine
    from extractor.db.migrate import upgrade
    from extractor.db.store import Store
    from extractor.ingest import BATCH_SIZE
    from extractor.work import process_path

    corpus = root / f"profile_{k}"
    shutil.rmtree(corpus, ignore_errors=True)
    generate(k, corpus, seed + 1, mode)
    files = list_files(corpus)
    n = len(files)
    process_path(str(next(SEEDS.glob("*.txt"))))  # warm up: gazetteer, lexicons, OpenCC loaded once per process

    # 1. extraction, unprofiled, then stage by stage, then under cProfile
    start = time.perf_counter()
    per_file = [process_path(f) for f in files]
    extract_s = time.perf_counter() - start
    results = [item for items in per_file for item in items]
    print(f"\n== extraction (one process, no profiler): {1000 * extract_s / n:.1f} ms/article "
          f"= {n / extract_s:.0f} articles/s per core (process_path: reading included)")
    print_stages([Path(f).read_text(encoding="utf-8") for f in files], f"{n} profiled articles")
    prof = cProfile.Profile()
    prof.enable()
    for f in files:
        process_path(f)
    prof.disable()
    _print_profile(prof, "extraction under cProfile: extractor.work.process_path", n)
    crossing = crossing_costs(per_file)

    # 2. the writer, on fresh databases (or copies of --profile-db): unprofiled, then under cProfile,
    #    then the same batches again
    batches = [results[i : i + BATCH_SIZE] for i in range(0, len(results), BATCH_SIZE)]
    timings, cpu = [], []
    where = f"a copy of {base}" if base else "a fresh database"
    for profiled in (False, True):
        db = root / f"profile_{k}_{int(profiled)}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        if base:
            with sqlite3.connect(base) as src, sqlite3.connect(db) as dst:
                src.backup(dst)
        engine = make_engine(f"sqlite:///{db}")
        upgrade(engine)
        store = Store(engine)
        prof = cProfile.Profile()
        start, start_cpu = time.perf_counter(), time.process_time()
        if profiled:
            prof.enable()
        for b in batches:
            store.write_batch(b)
        prof.disable()
        timings.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        if profiled:
            _print_profile(prof, f"writer under cProfile: extractor.db.store.Store.write_batch into {where}", n)
            start = time.perf_counter()
            for b in batches:
                store.write_batch(b)  # all unchanged now: what re-ingest costs the writer
            timings.append(time.perf_counter() - start)
        engine.dispose()
    print(f"\n== per article, no profiler: extraction {1000 * extract_s / n:.1f} ms, first write into {where} "
          f"{1000 * timings[0] / n:.2f} ms ({1000 * cpu[0] / n:.2f} ms CPU), "
          f"write of an unchanged article {1000 * timings[2] / n:.3f} ms")
    print(f"   so {n} articles cost {extract_s:.1f}s of extraction and {timings[0]:.2f}s of writing in one process")
    print(f"   from worker to writer: {crossing[0] / n / 1024:.1f} KB pickled, pickling {1000 * crossing[1] / n:.3f} ms "
          f"(in the worker), unpickling {1000 * crossing[2] / n:.3f} ms (in the writer process)")


def crossing_costs(per_file: list[list[object]], chunk: int = 8, rounds: int = 3) -> tuple[int, float, float]:
    """What the items cost on their way from a worker to the writer, sent as the pool sends them
    (each chunk of `chunk` files' items pickled once): bytes, and the best of `rounds` CPU seconds
    of pickling and of unpickling, all of the files."""
    chunks = [per_file[i : i + chunk] for i in range(0, len(per_file), chunk)]
    size, dump_s, load_s = 0, float("inf"), float("inf")
    for _ in range(rounds):
        t = time.process_time()
        data = [pickle.dumps(c) for c in chunks]
        dump_s = min(dump_s, time.process_time() - t)
        t = time.process_time()
        for d in data:
            pickle.loads(d)
        load_s = min(load_s, time.process_time() - t)
        size = sum(map(len, data))
    return size, dump_s, load_s


# ---------------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, action="append", help="corpus size; repeat for several (default 2000); 0 = none")
    ap.add_argument("--workers", type=int, default=2, help="--workers for extractor ingest (default 2)")
    ap.add_argument("--keep", metavar="DIR", help="generate corpora and databases here and keep them (default: a temp dir, removed)")
    ap.add_argument("--seed", type=int, default=20240601, help="random seed of the corpus generator")
    ap.add_argument("--corpus", choices=("distinct", "variants"), default="distinct",
                    help="distinct: paragraphs rebuilt from random clauses of all seeds, no two articles alike "
                         "(default); variants: each seed's own paragraphs shuffled, i.e. reposts of 5 articles")
    ap.add_argument("--profile", type=int, default=0, metavar="K",
                    help="also cProfile process_path and Store.write_batch over K generated files in this process")
    ap.add_argument("--profile-db", metavar="FILE",
                    help="with --profile: write into a copy of this SQLite database (e.g. a kept db_20000/fresh.db) "
                         "instead of a fresh one, to see what the writer costs when the tables are large")
    ap.add_argument("--stages", type=int, default=300, metavar="K",
                    help="time extract() per stage over K generated articles in this process (default 300; 0 = skip)")
    ap.add_argument("--linearity", type=float, default=1.0, metavar="MB",
                    help="compare one report of MB megabytes with ten of a tenth of its size (default 1; 0 = skip)")
    args = ap.parse_args()
    sizes = [n for n in (args.n or [2000]) if n > 0]

    root = Path(args.keep).resolve() if args.keep else Path(tempfile.mkdtemp(prefix="extractor-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        ok = True
        if sizes:
            results = [bench(n, args.workers, root, args.seed, args.corpus) for n in sorted(sizes)]
            ok = report(results, args.workers, args.corpus)
        if args.stages or args.linearity or args.profile:
            from extractor.work import start

            start({})  # this process starts as an ingest worker does: rules loaded, then frozen
        if args.stages:
            ok &= extraction_targets(args.stages, args.seed + 2, args.corpus)
        if args.linearity:
            ratio = linearity(args.seed + 3, args.linearity)
            ok &= _verdict(ratio <= TARGET_LINEAR, f"one {args.linearity:g} MB report <= {TARGET_LINEAR} x ten of "
                           f"a tenth of its size: {ratio:.2f}")
        if args.profile:
            profile(args.profile, root, args.seed, args.corpus, Path(args.profile_db) if args.profile_db else None)
        return 0 if ok else 1
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
