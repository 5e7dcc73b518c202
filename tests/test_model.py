"""Model files: checked against their manifest before use, refused with a clear message."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

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
