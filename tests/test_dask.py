"""Determinism: `--jobs 1`, `--jobs 2` and a real Dask cluster (LocalCluster on loopback) write
the same bytes, outputs and report, on a mixed folder with repetition across documents."""

from __future__ import annotations

import gzip
import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from inputs import ARTICLE, PAGE
from test_repetition import DATA, SITE_BLOCK

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")


def mixed_folder(src: Path) -> None:
    """A site folder and a JSONL site whose articles share a footer, HTML, legacy encodings,
    and a file that fails."""
    site = src / "site"
    site.mkdir(parents=True)
    footer = "\n\n".join(SITE_BLOCK) + "\n"
    articles = [p.read_text(encoding="utf-8") for p in sorted((DATA / "articles").glob("*/*.txt"))]
    for i, article in enumerate(articles[:12]):
        (site / f"{i:02d}.txt").write_text(article + "\n" + footer, encoding="utf-8")
    (src / "page.html").write_text(PAGE, encoding="utf-8")
    (src / "page2.htm.gz").write_bytes(gzip.compress(PAGE.replace("forty", "fifty").encode()))
    (src / "r.jsonl").write_text("".join(
        json.dumps({"n": i, "url": f"https://www.example.org/{i}",
                    "text": article + "\n" + footer}) + "\n"
        for i, article in enumerate(articles[12:23])), encoding="utf-8")
    (src / "utf16.txt").write_bytes(ARTICLE.encode("utf-16"))
    (src / "cp1251.txt").write_bytes("Мост закроют на шесть недель с понедельника, сообщили "
                                     "в мэрии.\n".encode("cp1251"))
    (src / "bad.txt").write_bytes(b"\x00\x01binary")


def test_jobs_and_dask_write_the_same_bytes(tmp_path: Path):
    src = tmp_path / "in"
    mixed_folder(src)

    def clean(out: str, *extra: str) -> dict[str, bytes]:
        r = subprocess.run([sys.executable, "-m", "cleaner.cli", "clean", str(src), "-o",
                            str(tmp_path / out), "--report", str(tmp_path / f"{out}.jsonl"),
                            "--chunk-size", "2", *extra],
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 1 and "bad.txt: binary data, not text" in r.stderr, r.stderr
        files = {p.relative_to(tmp_path / out).as_posix(): p.read_bytes()
                 for p in sorted((tmp_path / out).rglob("*")) if p.suffix in (".txt", ".jsonl")}
        return {**files, "report": (tmp_path / f"{out}.jsonl").read_bytes(),
                "summary": r.stderr.encode()}

    one = clean("one", "--jobs", "1")
    two = clean("two", "--jobs", "2")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  host="127.0.0.1", protocol="tcp",
                                  dashboard_address=None) as cluster:
        on_dask = clean("dask", "--dask", cluster.scheduler_address)
        assert cluster.scheduler.transition_counter > 0, "no task ran on the cluster"
    assert two == one and on_dask == one
    assert len(one) == 19  # 12 + 2 + 1 + 2 outputs, the report, the summary
    # Repetition took part: the footer the model keeps alone goes as a repeated line.
    assert b'"reason": "repeated:' in one["report"]
    assert not any(line.encode() in one[f"site/{i:02d}.txt"] for line in SITE_BLOCK
                   for i in range(12))


def test_an_unreachable_scheduler_stops_before_anything_is_written(tmp_path: Path, capsys,
                                                                    monkeypatch):
    from cleaner.cli import main

    src = tmp_path / "in"
    mixed_folder(src)
    with socket.socket() as s:  # a loopback port that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setattr("cleaner.cli.DASK_TIMEOUT", 1, raising=False)
    out, report = tmp_path / "out", tmp_path / "report.jsonl"
    code = main(["clean", str(src), "-o", f"{out}/", "--report", str(report), "-q",
                 "--dask", f"tcp://127.0.0.1:{port}"])
    err = capsys.readouterr().err
    assert code == 2 and f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}" in err
    assert not out.exists() and not report.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]
