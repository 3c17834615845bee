"""benchmarks/instructions.py: a count of work per article that does not move with the machine's load."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "instructions.py"


# Two runs under valgrind take about 80 s: asked for, not part of every run of the suite.
@pytest.mark.skipif(not os.environ.get("EXTRACTOR_TEST_VALGRIND") or shutil.which("valgrind") is None,
                    reason="set EXTRACTOR_TEST_VALGRIND=1, with valgrind installed")
def test_two_runs_of_one_checkout_count_the_same_instructions() -> None:
    done = subprocess.run([sys.executable, str(SCRIPT), "--n", "2", "--warm", "1", "--texts", str(ROOT / "seeds"),
                           str(ROOT), str(ROOT)],
                          capture_output=True, text=True, check=True)
    rows = done.stdout.splitlines()
    assert len(rows) == 2
    counts = [float(row.split()[0]) for row in rows]  # millions of instructions per article
    assert counts[0] > 1  # an article is millions of instructions: extraction was counted, not skipped
    assert counts[0] == counts[1]
    assert rows[1].split()[5:] == ["1.000", "x", str(ROOT)]  # the ratio to the first checkout, and which


def test_without_valgrind_it_says_what_to_install(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": str(tmp_path)}  # a PATH with no valgrind on it
    done = subprocess.run([sys.executable, str(SCRIPT), "--n", "1"], capture_output=True, text=True, env=env)
    assert done.returncode == 2
    assert "needs valgrind (apt-get install valgrind)" in done.stderr
    assert "Traceback" not in done.stderr
