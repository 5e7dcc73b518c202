"""The two seed documents must come out exactly as ../shared/seeds/expected, every way in."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import SHARED, needs_shared

from cleaner import Cleaner, clean

SEEDS = sorted((SHARED / "seeds").glob("*.txt")) if SHARED else []

pytestmark = needs_shared


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_clean_function(seed):
    expected = (seed.parent / "expected" / seed.name).read_text(encoding="utf-8")
    assert clean(seed.read_text(encoding="utf-8")) == expected


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_labels_match(seed, cleaner: Cleaner):
    rows = (seed.parent / "labels" / seed.with_suffix(".tsv").name).read_text().splitlines()[1:]
    gold = {int(n): label for n, label, _ in (r.split("\t", 2) for r in rows)}
    got = {d.number: d.label for d in cleaner.explain(seed.read_text(encoding="utf-8")).decisions}
    assert got == gold


def test_cli_folder(tmp_path):
    out = tmp_path / "out"
    run = subprocess.run(
        [sys.executable, "-m", "cleaner.cli", "clean", str(SHARED / "seeds"), "-o", str(out)],
        capture_output=True, text=True,
    )
    assert run.returncode == 0, run.stderr
    for seed in SEEDS:
        expected = (seed.parent / "expected" / seed.name).read_text(encoding="utf-8")
        assert (out / seed.name).read_text(encoding="utf-8") == expected
    # expected/ holds .txt files too: the mirror keeps their relative paths
    assert (out / "expected" / SEEDS[0].name).is_file()


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_cli_stdin(seed):
    run = subprocess.run(
        [sys.executable, "-m", "cleaner.cli", "clean", "-"],
        input=seed.read_text(encoding="utf-8"), capture_output=True, text=True,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == (seed.parent / "expected" / seed.name).read_text(encoding="utf-8")
