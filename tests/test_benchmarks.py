"""The benchmark scripts run (on a few documents) so they cannot rot; no timing is asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import needs_shared

ROOT = Path(__file__).resolve().parent.parent


def test_speed_benchmark_runs():
    r = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "speed.py"), "--files", "5",
                        "--runs", "1", "--rss-files", "20", "--html-pages", "2",
                        "--big-lines", "300", "--jobs-files", "7",
                        "--baseline", str(ROOT)],  # this checkout against itself
                       capture_output=True, text=True, check=True)
    for row in ("| text mode, one process: MB/s per core (CPU time) |",
                "| text mode throughput / C4 filter's (CPU time) |",
                "| 300 distinct lines in one file (0 MB): peak RSS, MB |",
                "| text mode, one process: lines/s (wall) |",
                "| cold start, `cleaner clean one.txt`: s |",
                "| HTML mode time / trafilatura alone |",
                "| peak RSS, 20 files, one process: MB |",
                "| `--jobs 2` speed-up over `--jobs 1` (wall) |",
                "| two plain Python processes at once against one: throughput (what the "
                "machine's two cores gave, same runs) |",
                "| creating 5 files of 3 KB, plain Python, beside the outputs: s (wall) |",
                f"| `--jobs 1` CPU s, {ROOT.name} → this checkout (ratio) |",
                f"| outputs of {ROOT.name} and this checkout | byte-identical |"):
        assert row in r.stdout
    in_memory = [f"| `--jobs 2` speed-up over `--jobs 1` (wall), {n} files, folder and outputs "
                 "in memory (/dev/shm) |" for n in (5, 7)]
    assert all(row in r.stdout for row in in_memory) == Path("/dev/shm").is_dir()


def test_batch_benchmark_runs(tmp_path: Path):
    r = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "batch.py"), "--files", "20",
                        "--tmp", str(tmp_path), "--interrupt-after", "0.5"],
                       capture_output=True, text=True, check=True)
    assert "| 20 |" in r.stdout and "rerun:" in r.stdout


@needs_shared
def test_quality_benchmark_short_run_prints_its_tables(tmp_path):
    r = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "quality.py"), "--limit", "3",
                        "--jobs", "1", "--cache", str(tmp_path)],
                       capture_output=True, text=True, check=True)
    blocks = r.stdout.split("\n#### ")
    assert blocks[0].startswith("Quality, ")
    titles = [b.splitlines()[0] for b in blocks[1:]]
    assert titles == [
        "wcxb, HTML mode: 3 heldout pages",
        "wcxb, text mode (trafilatura favor_recall text): 3 heldout pages",
        "traf, HTML mode: 3 heldout pages",
        "traf, text mode (trafilatura favor_recall text): 3 heldout pages",
    ]
    html_methods = ["cleaner, HTML mode", "trafilatura default", "trafilatura favor_precision",
                    "trafilatura favor_recall", "jusText", "readability-lxml", "resiliparse"]
    text_methods = ["no cleaning", "C4 line rules", "FineWeb line rules", "cleaner", "oracle"]
    for block, methods, columns in zip(blocks[1:], [html_methods, text_methods] * 2,
                                       [7, 9, 7, 9]):
        rows = [line for line in block.splitlines() if line.startswith("|")]
        cells = [row.strip("|").split(" | ") for row in rows]
        assert len(cells[0]) == columns and all(len(c) == columns for c in cells[2:]), block
        assert [c[0].strip() for c in cells[2:]] == methods
        for c in cells[2:]:
            shares = [x.strip() for x in c[1:8]]  # P/R/F1 and snippet shares; not oracle gain
            assert all(x == "–" or 0 <= float(x) <= 1 for x in shares), c
        word_f1 = [c[3].strip() for c in cells[2:]]
        assert all(x != "–" for x in word_f1) == block.startswith("wcxb")
    assert len(list(tmp_path.rglob("*.txt"))) > 0
