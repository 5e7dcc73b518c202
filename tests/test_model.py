"""Model files: checked against their manifest before use, refused with a clear message;
a pickle never runs."""

from __future__ import annotations

import json
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from inputs import ARTICLE

import cleaner.model
from cleaner import Cleaner
from cleaner.model import FORMAT_VERSION, Model, ModelError, default_model_path, manifest_path


@pytest.fixture()
def model_copy(tmp_path: Path) -> Path:
    src = default_model_path()
    shutil.copy(src, tmp_path / src.name)
    shutil.copy(manifest_path(src), tmp_path / manifest_path(src).name)
    return tmp_path / src.name


def test_shipped_model_matches_manifest():
    path = default_model_path()
    manifest = json.loads(manifest_path(path).read_text())
    assert manifest["format_version"] == FORMAT_VERSION
    assert path.stat().st_size < 10 * 1024 * 1024
    Model.load(path)


def test_tampered_model_is_refused(model_copy: Path):
    with open(model_copy, "ab") as f:
        f.write(b"\0")
    with pytest.raises(ModelError, match="sha256"):
        Model.load(model_copy)


def test_missing_manifest_needs_trust(model_copy: Path):
    manifest_path(model_copy).unlink()
    with pytest.raises(ModelError, match="--trust-model"):
        Model.load(model_copy)
    assert Model.load(model_copy, trust=True).threshold == 0.5


def test_other_format_version_says_retrain(model_copy: Path):
    mpath = manifest_path(model_copy)
    manifest = json.loads(mpath.read_text())
    manifest["format_version"] = FORMAT_VERSION + 1
    mpath.write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match="cleaner train"):
        Model.load(model_copy)


def test_save_load_round_trip(tmp_path: Path):
    model = Model.load()
    manifest = model.save(tmp_path / "m.npz")
    again = Model.load(tmp_path / "m.npz")
    assert manifest["sha256"] and again.threshold == model.threshold
    assert (again.line_w == model.line_w).all() and (again.kind_w == model.kind_w).all()


def cli(*args: str, stdin: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cleaner.cli", *args], input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_the_shipped_model_is_checked_before_it_is_loaded(model_copy: Path, monkeypatch):
    with open(model_copy, "r+b") as f:  # one byte changed, size unchanged
        f.seek(100)
        byte = f.read(1)
        f.seek(100)
        f.write(bytes([byte[0] ^ 1]))
    monkeypatch.setattr(cleaner.model, "default_model_path", lambda: model_copy)
    with pytest.raises(ModelError, match="sha256 does not match its manifest"):
        Cleaner()


def test_cli_refuses_a_model_without_a_matching_manifest(model_copy: Path):
    with open(model_copy, "ab") as f:
        f.write(b"\0")
    r = cli("clean", "--model", str(model_copy), stdin=ARTICLE)
    assert r.returncode == 2 and "sha256 does not match its manifest" in r.stderr
    assert r.stdout == ""
    r = cli("clean", "--model", str(model_copy), "--trust-model", stdin=ARTICLE)
    assert r.returncode == 2, "--trust-model never overrides a manifest that disagrees"

    model_copy.write_bytes(model_copy.read_bytes()[:-1])
    manifest_path(model_copy).unlink()
    r = cli("clean", "--model", str(model_copy), stdin=ARTICLE)
    assert r.returncode == 2
    assert f"{model_copy}: no manifest cleaner.json beside it (use --trust-model)" in r.stderr
    r = cli("clean", "--model", str(model_copy), "--trust-model", stdin=ARTICLE)
    assert r.returncode == 0 and "ring road" in r.stdout


def test_cli_model_of_another_format_says_how_to_retrain(model_copy: Path):
    mpath = manifest_path(model_copy)
    manifest = json.loads(mpath.read_text(encoding="utf-8"))
    manifest["format_version"] = FORMAT_VERSION + 1
    mpath.write_text(json.dumps(manifest), encoding="utf-8")
    r = cli("explain", "--model", str(model_copy), stdin=ARTICLE)
    assert r.returncode == 2
    assert (f"{model_copy}: model format {FORMAT_VERSION + 1}, this cleaner reads format "
            f"{FORMAT_VERSION}; retrain it with `cleaner train -o {model_copy}`") in r.stderr


def test_a_pickle_posing_as_a_model_never_runs(tmp_path: Path):
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):
            return open, (str(marker), "w")

    evil = tmp_path / "evil.npz"
    evil.write_bytes(pickle.dumps(Payload()))
    r = cli("clean", "--model", str(evil), "--trust-model", stdin=ARTICLE)
    assert r.returncode == 2 and f"{evil}: not a cleaner model" in r.stderr
    assert not marker.exists()
