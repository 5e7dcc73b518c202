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


def test_cross_validation_scores_each_page_with_a_model_that_never_saw_its_site(
    shared, monkeypatch
):
    """`cleaner train --cv` on a slice: every fold's model is fitted without the documents of
    that fold's sites, and the pooled baselines equal scoring all those pages at once."""
    import cleaner.corpora
    import cleaner.train
    from cleaner.evaluate import corpus_scores, cross_validate, format_report
    from cleaner.train import Settings, cv_fold, training_sets

    load_pages = cleaner.corpora.load_pages
    monkeypatch.setattr(cleaner.corpora, "load_pages", lambda s, c: load_pages(s, c)[:30])
    settings = Settings(n_features=1 << 14)  # the same recipe, in seconds
    docs, team = training_sets(DATA_DIR, shared, default_cache_dir(), settings,
                               log=lambda *_: None)
    docs = docs[::40] + [d for d in docs if d.site and cv_fold(d.site) == 0][:3]
    fitted_sites = []
    fit = cleaner.train.fit

    def spy(docs, *args, **kwargs):
        fitted_sites.append({d.site for d in docs if d.site})
        return fit(docs, *args, **kwargs)

    monkeypatch.setattr(cleaner.train, "fit", spy)
    report = cross_validate(docs, team[::10], shared, default_cache_dir(), settings,
                            log=lambda *_: None)
    assert len(fitted_sites) == 3
    for k, sites in enumerate(fitted_sites):
        assert sites and all(cv_fold(site) != k for site in sites)
    assert fitted_sites[1] > {d.site for d in docs[-3:]}  # fold 0's sites, seen by the others
    whole = corpus_scores(Cleaner(), shared, default_cache_dir(), heldout=False)
    for corpus, res in report.items():
        assert res["pages"] == whole[corpus]["pages"] > 0
        for name in ("no cleaning", "C4 line rules"):
            assert res["methods"][name] == pytest.approx(whole[corpus]["methods"][name])
    text = format_report({"corpora": report, "scope": "train pages, cross-validated by site"})
    assert "train pages, cross-validated by site" in text and "Per label" not in text
