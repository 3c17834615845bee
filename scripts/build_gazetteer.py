"""Build extractor/data/divisions.tsv.gz from the NBS division tables.

Usage:  python scripts/build_gazetteer.py [SOURCE_DIR]   (default /work/shared/data/divisions)

Input: provinces.csv, cities.csv, areas.csv, streets.csv from modood/Administrative-divisions-of-China
(NBS 统计用区划代码 2022, WTFPL).  Output: one gzipped TSV line per division, `code<TAB>name[<TAB>pinyin]`,
parents implied by the code prefix.  Derivations:
- placeholder city rows (市辖区, 县, 省直辖县级行政区划) are dropped, so a municipality's districts and a
  province's directly administered county-level cities hang under the province (上海市 → 崇明区 → 竖新镇);
- township-level rows that are not real towns (开发区, 农场, 管理处, ...) are dropped;
- province, city and county rows carry the pinyin of their short form, for matching URL host names.
  Needs pypinyin at build time only; without it the pinyin column is left out.
"""
from __future__ import annotations

import csv
import gzip
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractor.gazetteer import DIVISIONS_FILE, short_stem  # noqa: E402

DEFAULT_SOURCE = Path("/work/shared/data/divisions")
PLACEHOLDER_CITIES = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")
# Township-level names kept; the rest of streets.csv is parks, farms and offices.
TOWN_SUFFIXES = ("镇", "乡", "街道", "街道办事处", "苏木", "地区")
HEADER = (
    "# China's administrative divisions (NBS 统计用区划代码, 2022-10-31), derived from\n"
    "# modood/Administrative-divisions-of-China dist/*.csv (WTFPL) by scripts/build_gazetteer.py.\n"
    "# code<TAB>name[<TAB>pinyin of the short form]; parent = longest code prefix present.\n"
)


def read_rows(source: Path, name: str) -> list[dict[str, str]]:
    with open(source / f"{name}.csv", encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def pinyin_of(name: str) -> str:
    try:
        from pypinyin import lazy_pinyin
    except ImportError:
        return ""
    stem = short_stem(name)
    return "".join(lazy_pinyin(stem)) if stem else ""


def build_lines(source: Path) -> list[str]:
    lines = []
    for row in read_rows(source, "provinces"):
        lines.append((row["code"], row["name"], pinyin_of(row["name"])))
    for row in read_rows(source, "cities"):
        if row["name"] not in PLACEHOLDER_CITIES:
            lines.append((row["code"], row["name"], pinyin_of(row["name"])))
    for row in read_rows(source, "areas"):
        lines.append((row["code"], row["name"], pinyin_of(row["name"])))
    for row in read_rows(source, "streets"):
        if row["name"].endswith(TOWN_SUFFIXES):
            lines.append((row["code"], row["name"], ""))
    lines.sort()
    return ["\t".join(f for f in fields if f) + "\n" for fields in lines]


def main(argv: list[str]) -> None:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    lines = build_lines(source)
    DIVISIONS_FILE.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0 keeps the file byte-identical across rebuilds of the same data.
    with open(DIVISIONS_FILE, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write((HEADER + "".join(lines)).encode("utf-8"))
    print(f"{len(lines)} divisions -> {DIVISIONS_FILE} ({DIVISIONS_FILE.stat().st_size} bytes)")


if __name__ == "__main__":
    main(sys.argv)
