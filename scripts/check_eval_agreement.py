"""Check that `extractor eval` and a reference scorer print the same figures.

Usage:  python scripts/check_eval_agreement.py SCORE_PY GOLD.jsonl INPUT [INPUT ...] [--mutations N]

Ingests the inputs once into a temporary SQLite database, exports its metrics, articles and
initiatives as CSV and scores them with SCORE_PY (`--json`), then runs `extractor eval --db` on the
same database. Every key of the reference's JSON must be in eval's with the same value (eval may
add keys of its own). Prints each figure; exit status 1 on any difference.

--mutations N then scores N randomly damaged copies of the exports both ways (rows dropped and
repeated, values, units, subjects and qualifiers changed, gold entries added as predictions,
fields cut short), to exercise the rules a good extraction never reaches (false hits, optional
entries absorbing predictions, pairing by subject).
"""
from __future__ import annotations

import csv
import json
import random
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


def differences(reference: dict[str, Any], ours: dict[str, Any], where: str = "", quiet: bool = False) -> list[str]:
    """Keys of reference missing from ours or with another value (floats compared exactly)."""
    out = []
    for key, want in reference.items():
        name = f"{where}{key}"
        if key not in ours:
            out.append(f"{name}: missing (reference {want!r})")
        elif isinstance(want, dict) and isinstance(ours[key], dict):
            out += differences(want, ours[key], f"{name}.", quiet)
        elif want != ours[key]:
            out.append(f"{name}: reference {want!r}, eval {ours[key]!r}")
        elif not quiet:
            print(f"  {name:<32} {want!r}")
    return out


def read_csv(path: str) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def write_csv(path: str, rows: list[dict[str, Any]], header: list[str]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def damaged(rnd: random.Random, tables: dict[str, list[dict[str, str]]], gold: str) -> dict[str, list[dict[str, Any]]]:
    """One random copy of the exports with errors of every kind the scorer must count."""
    with open(gold, encoding="utf-8") as fh:
        docs = [json.loads(line) for line in fh if line.strip()]
    from_gold = [{"file": f"in/{d['doc']}", "value": m["value"], "unit": m["unit"], "qualifier": m.get("qualifier") or "",
                  "subject": m.get("subject") or "", "period": m.get("period") or ""} for d in docs for m in d.get("metrics", [])]
    metrics = [dict(r) for r in tables["metrics"] if rnd.random() > 0.2]
    metrics += rnd.sample(from_gold, min(15, len(from_gold))) + rnd.sample(metrics, min(5, len(metrics)))
    for r in metrics:
        x = rnd.random()
        if x < 0.05:
            r["value"] = str(float(r["value"]) + 1)
        elif x < 0.10:
            r["subject"] = str(r["subject"])[:1]
        elif x < 0.13:
            r["unit"] = "％" if r["unit"] == "%" else f" {r['unit']}"
        elif x < 0.16:
            r["qualifier"] = "approx"
        elif x < 0.18:
            r["file"] = "not_in_gold.txt"
    rnd.shuffle(metrics)
    articles = [dict(r) for r in tables["articles"] if rnd.random() > 0.1]
    for r in articles:
        if rnd.random() < 0.2:
            r["locality_path"] = r["locality_path"].rpartition("/")[0]
        if rnd.random() < 0.1:
            r["published"] += " 10:00"
    initiatives = [dict(r) for r in tables["initiatives"] if rnd.random() > 0.2]
    sample = rnd.sample(initiatives, min(5, len(initiatives)))
    initiatives += [{"file": r["file"], "name": f"“{r['name'][:2]}”"} for r in sample]
    initiatives += [{"file": r["file"], "name": f"另一项目{i}"} for i, r in enumerate(sample)]
    return {"metrics": metrics, "articles": articles, "initiatives": initiatives}


def mutations(n: int, score_py: str, gold: str, csvs: dict[str, str], tmp: str) -> list[str]:
    from extractor.evalreport import as_json
    from extractor.evaluate import evaluate
    from extractor.gold import load_gold

    tables = {t: read_csv(path) for t, path in csvs.items()}
    headers = {t: list(rows[0]) if rows else ["file"] for t, rows in tables.items()}
    gold_docs, rnd, problems = load_gold(gold), random.Random(0), []
    for trial in range(n):
        copy = damaged(rnd, tables, gold)
        paths = {t: str(Path(tmp) / f"m{trial}.{t}.csv") for t in copy}
        for t, rows in copy.items():
            write_csv(paths[t], rows, headers[t])
        reference = score(score_py, gold, paths)
        # eval's rows are read back from the same CSV, as the reference reads them
        ours = as_json(evaluate(gold_docs, read_csv(paths["metrics"]), read_csv(paths["articles"]),
                                read_csv(paths["initiatives"])))
        problems += [f"mutation {trial}: {d}" for d in differences(reference, ours, quiet=True)]
    print(f"{n} mutations scored both ways")
    return problems


def score(score_py: str, gold: str, csvs: dict[str, str]) -> dict[str, Any]:
    ref = subprocess.run([sys.executable, score_py, "--gold", gold, "--metrics", csvs["metrics"],
                          "--articles", csvs["articles"], "--initiatives", csvs["initiatives"], "--json"],
                         capture_output=True, text=True, check=True)
    return json.loads(ref.stdout)


def main(argv: list[str]) -> int:
    n = 0
    if "--mutations" in argv:
        at = argv.index("--mutations")
        n = int(argv[at + 1])
        argv = argv[:at] + argv[at + 2:]
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
        reference = score(score_py, gold, csvs)
        ours = json.loads(extractor("eval", gold, "--db", url, "--json"))
        problems = differences(reference, ours)
        problems += mutations(n, score_py, gold, csvs, tmp) if n else []
    for line in problems:
        print(f"DIFFERENT {line}")
    print("agree" if not problems else f"{len(problems)} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
