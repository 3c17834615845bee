"""What the forkserver imports before it forks the extraction workers (ingest's pool preloads it).

Every worker then starts with the extraction modules imported, the gazetteer loaded and the rules
built from the shipped lexicons: done once for all of them instead of once in each (cn2an and the
gazetteer alone took 0.6 s a worker), and the pages are shared. A worker given a user's lexicon
puts it in force with lexicon.use, which drops every @lexicon.cached rule and @lexicon.depends memo
built here, so nothing built from the shipped words outlives it.
"""
from .pipeline import extract
from .work import process_path  # noqa: F401 - what the workers run: imported to be inherited

# A made-up article that passes every stage building something on first use: a traditional form
# (the t2s table), a place (the gazetteer), figures and units (the rules).
_SAMPLE = "某某縣:開展宣講\n時間:2024-07-16\n今年以來,長豐縣吳山鎮開展宣講10場次,惠及群眾2500多人,發展黨員10名。"

try:
    extract(_SAMPLE)
except Exception:  # noqa: BLE001 - the forkserver would die of it; a worker meets it again on its first article
    pass
