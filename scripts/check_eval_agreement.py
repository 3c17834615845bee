"""Check that `extractor eval` and a reference scorer print the same figures.

Usage:  python scripts/check_eval_agreement.py SCORE_PY GOLD.jsonl INPUT [INPUT ...]

Ingests the inputs once into a temporary SQLite database, exports its metrics, articles and
initiatives as CSV and scores them with SCORE_PY (`--json`), then runs `extractor eval --db` on the
same database. Every key of the reference's JSON must be in eval's with the same value (eval may
add keys of its own). Prints each figure side by side; exit status 1 on any difference.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any


def extractor(*args: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "extractor", *args], capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"extractor {' '.join(args)} failed:\n{proc.stderr}")
    return proc.stdout


def differences(reference: dict[str, Any], ours: dict[str, Any], where: str = "") -> list[str]:
    """Keys of reference missing from ours or with another value (floats compared exactly)."""
    out = []
    for key, want in reference.items():
        name = f"{where}{key}"
        if key not in ours:
            out.append(f"{name}: missing (reference {want!r})")
        elif isinstance(want, dict) and isinstance(ours[key], dict):
            out += differences(want, ours[key], f"{name}.")
        elif want != ours[key]:
            out.append(f"{name}: reference {want!r}, eval {ours[key]!r}")
        else:
            print(f"  {name:<32} {want!r}")
    return out


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    score_py, gold, inputs = argv[0], argv[1], argv[2:]
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'check.db'}"
        extractor("ingest", *inputs, "--db", url)
        csvs = {}
        for table in ("metrics", "articles", "initiatives"):
            csvs[table] = str(Path(tmp) / f"{table}.csv")
            extractor("export", table, "--db", url, "-o", csvs[table])
        ref = subprocess.run([sys.executable, score_py, "--gold", gold, "--metrics", csvs["metrics"],
                              "--articles", csvs["articles"], "--initiatives", csvs["initiatives"], "--json"],
                             capture_output=True, text=True, check=True)
        reference = json.loads(ref.stdout)
        ours = json.loads(extractor("eval", gold, "--db", url, "--json"))
    problems = differences(reference, ours)
    for line in problems:
        print(f"DIFFERENT {line}")
    print("agree" if not problems else f"{len(problems)} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
