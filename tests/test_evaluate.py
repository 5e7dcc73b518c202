"""Held-out evaluation: the model card states what `cleaner evaluate` prints, and the model
beats the uncleaned text where the issue says it must. Needs ../shared (skipped without)."""

from __future__ import annotations

import json

import pytest
from conftest import needs_shared

from cleaner import Cleaner
from cleaner.corpora import default_cache_dir
from cleaner.evaluate import evaluate, model_card
from cleaner.model import default_model_path, manifest_path
from cleaner.train import DATA_DIR

pytestmark = needs_shared


@pytest.fixture(scope="module")
def report(shared):
    return evaluate(Cleaner(), DATA_DIR, shared, default_cache_dir(), log=lambda *_: None)


def test_model_card_states_current_figures(report):
    path = default_model_path()
    manifest = json.loads(manifest_path(path).read_text(encoding="utf-8"))
    card = (path.parent / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert card == model_card(manifest, report, "cleaner evaluate")


def test_cleaner_beats_uncleaned_text(report):
    for corpus, res in report["corpora"].items():
        ours, raw = res["methods"]["cleaner"], res["methods"]["no cleaning"]
        assert ours["drop_absent"] > raw["drop_absent"], corpus
        assert ours["keep_kept"] >= 0.99, corpus
        assert ours["line_f1"] > raw["line_f1"], corpus
    wcxb = report["corpora"]["wcxb"]["methods"]
    assert wcxb["cleaner"]["word_r"] >= 0.995 * wcxb["no cleaning"]["word_r"]
