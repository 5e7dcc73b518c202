"""The batch job on a real Dask cluster (LocalCluster on loopback) gives the local bytes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from inputs import ARTICLE, PAGE

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")


def test_dask_run_equals_local_run(tmp_path: Path):
    src = tmp_path / "in"
    src.mkdir()
    for i in range(6):
        (src / f"{i}.txt").write_text(ARTICLE.replace("six", str(i + 2)), encoding="utf-8")
    (src / "page.html").write_text(PAGE, encoding="utf-8")
    (src / "r.jsonl").write_text("".join(json.dumps({"n": i, "text": ARTICLE}) + "\n"
                                         for i in range(5)), encoding="utf-8")

    def clean(out: str, *extra: str) -> dict[str, bytes]:
        r = subprocess.run([sys.executable, "-m", "cleaner.cli", "clean", str(src), "-o",
                            str(tmp_path / out), "--report", str(tmp_path / f"{out}.jsonl"),
                            "-q", "--chunk-size", "2", *extra],
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
        files = {p.name: p.read_bytes() for p in (tmp_path / out).iterdir()
                 if p.suffix in (".txt", ".jsonl")}
        return {**files, "report": (tmp_path / f"{out}.jsonl").read_bytes()}

    local = clean("local", "--jobs", "1")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  host="127.0.0.1", protocol="tcp",
                                  dashboard_address=None) as cluster:
        on_dask = clean("dask", "--dask", cluster.scheduler_address)
        assert cluster.scheduler.transition_counter > 0, "no task ran on the cluster"
    assert on_dask == local and len(local) == 9
    assert b"ring road" in local["3.txt"] and b"Advertisement" not in local["3.txt"]
