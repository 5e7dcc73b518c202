"""The command line on real files: folders mirrored, stdin/stdout, failures named, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ARTICLE = (
    "Harbour bridge to close for repairs\n\n"
    "Share\n\n"
    "The harbour bridge will close for six weeks from Monday while engineers replace worn "
    "expansion joints, the port authority said.\n\n"
    "Advertisement\n\n"
    "Drivers are advised to use the ring road, which will have an extra lane during the works.\n"
)


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cleaner.cli", *args], input=stdin,
                          capture_output=True, text=True)


def test_folder_is_mirrored(tmp_path: Path):
    src = tmp_path / "in"
    (src / "a" / "b").mkdir(parents=True)
    (src / "a" / "b" / "one.txt").write_text(ARTICLE, encoding="utf-8")
    (src / "two.txt").write_text(ARTICLE, encoding="utf-8")
    (src / "notes.md").write_text("not a text input", encoding="utf-8")
    r = run("clean", str(src), "-o", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    out = tmp_path / "out"
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        ".cleaner-state.sqlite", "a/b/one.txt", "two.txt"]
    cleaned = (out / "two.txt").read_text(encoding="utf-8")
    assert "Share" not in cleaned and "Advertisement" not in cleaned
    assert "expansion joints" in cleaned and cleaned.startswith("Harbour bridge")
    assert (src / "two.txt").read_text(encoding="utf-8") == ARTICLE  # input untouched


def test_stdin_to_stdout():
    r = run("clean", stdin=ARTICLE)
    assert r.returncode == 0
    assert "Advertisement" not in r.stdout and "ring road" in r.stdout


def test_failures_are_named_and_exit_nonzero(tmp_path: Path):
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE, encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00binary\x00\x80")
    missing = tmp_path / "missing.txt"
    r = run("clean", str(good), str(bad), str(missing), "-o", str(tmp_path / "out"))
    assert r.returncode == 1
    assert "bad.txt" in r.stderr and "missing.txt" in r.stderr
    assert (tmp_path / "out" / "good.txt").is_file()
    assert not (tmp_path / "out" / "bad.txt").exists()


def test_explain_json_carries_label_score_reason(tmp_path: Path):
    f = tmp_path / "a.txt"
    f.write_text(ARTICLE, encoding="utf-8")
    r = run("explain", str(f), "--format", "json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    share = next(row for row in rows if row["text"] == "Share")
    assert share["keep"] is False and share["label"] == "navigation_share"
    assert share["reason"].startswith("rule:") and 0 <= share["score"] <= 1


def test_keep_option(tmp_path: Path):
    r = run("clean", "--keep", "ad_sponsored", stdin=ARTICLE)
    assert "Advertisement" in r.stdout and "Share" not in r.stdout
    r = run("clean", "--keep", "nonsense", stdin=ARTICLE)
    assert r.returncode == 2 and "unknown label" in r.stderr


def test_outputs_get_ordinary_permissions(tmp_path: Path):
    src = tmp_path / "a.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    assert run("clean", str(src), "-o", str(tmp_path / "out")).returncode == 0
    out = tmp_path / "out" / "a.txt"
    assert out.stat().st_mode & 0o777 == src.stat().st_mode & 0o777
    assert not list((tmp_path / "out").glob(".*.tmp"))
