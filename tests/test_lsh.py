"""The writer's side of near-duplicate detection: band keys and similarity, without numpy."""
from __future__ import annotations

import subprocess
import sys

from extractor import dedupe, lsh


def test_similarity_is_the_share_of_equal_values() -> None:
    a = dedupe.signature("市政府召开常务会议，研究部署今年重点工作。")
    b = bytearray(a)
    b[:40] = bytes(40)  # ten values of 128 changed
    assert lsh.similarity(a, a) == 1.0
    assert lsh.similarity(a, bytes(b)) == 118 / 128
    assert len(lsh.bands(a)) == lsh.BANDS


def test_the_writer_does_not_import_numpy() -> None:
    # numpy cost the ingest process (the writer) 16 MB of RSS for nothing: it only compares signatures.
    code = ("import sys, extractor.cli, extractor.ingest, extractor.db.store, extractor.db.migrate; "
            "sys.exit('numpy' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
