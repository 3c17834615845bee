#!/usr/bin/env python3
"""Instructions per `extract()` of a generated article, counted by valgrind: a measure that does
not move with the machine's load, for comparing two versions of the code.

    .venv/bin/python benchmarks/instructions.py [--n 300] [--warm 30] [CHECKOUT ...]

Each CHECKOUT (default: this one) is imported in a child process run under valgrind's callgrind
(`apt-get install valgrind`), with PYTHONHASHSEED=0 so that sets and dicts are laid out alike in
every run. The child generates warm + n articles with ingest_benchmark.py's generator (of this
checkout: every version reads the same texts), extracts the warm ones (rules built, memos filled
as in a running worker), then the n others inside a call of the builtin eval: callgrind counts
that call only (--toggle-collect), so imports, the gazetteer and the generator are not counted.
Wall and CPU time on a shared machine move 20-40 % within minutes; two runs of one checkout
count the same instructions. They count work, not time: a change of memory traffic (numpy's
block sizes, say) needs the timed benchmark. About a minute a checkout for 200 articles.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
_COLLECTED = re.compile(r"Collected : (\d+)")


def _child(n: int, warm: int, seed: int) -> None:
    """Run in the child, under valgrind: generate warm + n articles, extract the warm ones, then
    the n others inside a call of the builtin eval, the one stretch valgrind counts."""
    sys.path.insert(0, str(HERE))
    from ingest_benchmark import Generator

    from extractor.pipeline import extract

    gen = Generator(seed)
    texts = [gen.article(i) for i in range(warm + n)]
    for text in texts[:warm]:
        extract(text)
    counted = texts[warm:]
    eval("[extract(text) for text in counted]", {"extract": extract, "counted": counted})


def _instructions(checkout: Path, n: int, warm: int, seed: int) -> int:
    """Instructions of extracting n articles, counted by callgrind inside builtin_eval only."""
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": str(checkout)}
    done = subprocess.run(["valgrind", "--tool=callgrind", "--collect-atstart=no", "--toggle-collect=builtin_eval*",
                           "--callgrind-out-file=/dev/null", sys.executable, __file__,
                           "--n", str(n), "--warm", str(warm), "--seed", str(seed), "--child"],
                          env=env, capture_output=True, text=True)
    found = _COLLECTED.search(done.stderr)
    if done.returncode != 0 or not found:
        raise SystemExit(f"valgrind run of {checkout} failed:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("checkouts", nargs="*", type=Path, default=[HERE.parent], help="checkouts to compare (default: this one)")
    ap.add_argument("--n", type=int, default=300, help="articles counted (default 300)")
    ap.add_argument("--warm", type=int, default=30, help="articles extracted first, not counted (default 30)")
    ap.add_argument("--seed", type=int, default=20240601, help="random seed of the corpus generator")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)  # the run under valgrind
    args = ap.parse_args()
    if args.child:
        _child(args.n, args.warm, args.seed)
        return 0
    if shutil.which("valgrind") is None:
        print("instructions.py needs valgrind (apt-get install valgrind)", file=sys.stderr)
        return 2
    first = None
    for checkout in args.checkouts:
        per = _instructions(checkout, args.n, args.warm, args.seed) / args.n
        first = first or per
        print(f"{per / 1e6:8.3f} M instructions per article  {per / first:6.3f} x  {checkout}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
