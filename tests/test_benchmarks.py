"""The benchmark scripts run (on a few documents) so they cannot rot; no timing is asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_speed_benchmark_runs():
    r = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "speed.py"), "--files", "5",
                        "--runs", "1"], capture_output=True, text=True, check=True)
    assert "| text mode, one process: MB/s |" in r.stdout
    assert "| peak RSS of the batch run: MB |" in r.stdout


def test_batch_benchmark_runs(tmp_path: Path):
    r = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "batch.py"), "--files", "20",
                        "--tmp", str(tmp_path), "--interrupt-after", "0.5"],
                       capture_output=True, text=True, check=True)
    assert "| 20 |" in r.stdout and "rerun:" in r.stdout
