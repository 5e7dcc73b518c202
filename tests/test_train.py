"""`cleaner train` end to end on the team's data: deterministic, and a working model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from cleaner import Cleaner
from cleaner.cli import main
from cleaner.model import Model, sha256_of
from cleaner.sequence import feature_names
from cleaner.training.train import (
    DATA_DIR,
    N_FOLDS,
    Settings,
    choose_threshold,
    keep_curve,
    read_labelled,
    stage_training_rows,
    training_sets,
)

# A `cleaner clean --report` file whose labels a user corrected: the first document's second
# line was wrongly removed (now "content"); the failed document has no lines.
REPORT = "\n".join(json.dumps(record) for record in [
    {"source": "in/a.txt", "id": "in/a.txt", "status": "cleaned", "lines": 9, "words": 120,
     "removed_lines": 2, "removed_words": 14, "removed": [
         {"line": 2, "label": "navigation_share", "score": 1.0, "reason": "rule:share",
          "text": "Share on Facebook"},
         {"line": 7, "label": "content", "score": 0.71, "reason": "model",
          "text": "The harbour master said the pier would reopen in spring."}]},
    {"source": "in/b.txt", "id": "in/b.txt", "status": "failed", "reason": "not UTF-8 text"},
    {"source": "in/c.txt", "id": "in/c.txt", "status": "cleaned", "removed": [
        {"line": 1, "label": "signup_prompt", "score": 0.93, "reason": "model",
         "text": "Get the Harbour Briefing every morning"}]},
]) + "\n"


def _team_lines() -> int:
    return len(training_sets(DATA_DIR, None, None, Settings(), log=lambda *a: None)[1])


def test_report_records_become_blocks_with_corrected_labels(tmp_path: Path):
    for name in ("report.jsonl", "report.txt"):  # by extension, or by content
        path = tmp_path / name
        path.write_text(REPORT, encoding="utf-8")
        assert read_labelled(path) == [
            [("navigation_share", "Share on Facebook"),
             ("content", "The harbour master said the pier would reopen in spring.")],
            [("signup_prompt", "Get the Harbour Briefing every morning")],
        ]


def test_a_bad_report_is_named_with_its_line(tmp_path: Path, capsys):
    path = tmp_path / "report.jsonl"
    path.write_text(REPORT + '{"removed": [{"label": "footer", "text": "x"}]}\n',
                    encoding="utf-8")
    with pytest.raises(ValueError, match=r"report\.jsonl:4: .*'footer'"):
        read_labelled(path)
    assert main(["train", "--no-corpora", "--extra", str(path),
                 "-o", str(tmp_path / "m.npz")]) == 2
    assert "report.jsonl:4" in capsys.readouterr().err
    assert not (tmp_path / "m.npz").exists()


def test_train_is_deterministic_and_usable(tmp_path: Path):
    extra = tmp_path / "mine.tsv"
    extra.write_text("navigation_share\tBack to the shop front page\n\n"
                     "content\tThe shop reopened on Monday after a long renovation.\n",
                     encoding="utf-8")
    report = tmp_path / "report.jsonl"
    report.write_text(REPORT, encoding="utf-8")
    paths = [tmp_path / "a" / "m.npz", tmp_path / "b" / "m.npz"]
    for path in paths:
        assert main(["train", "--no-corpora", "--extra", str(extra), str(report),
                     "-o", str(path)]) == 0
    assert sha256_of(paths[0]) == sha256_of(paths[1])

    model = Model.load(paths[0])
    assert model.info["sources"]["corpora"] is False
    assert model.info["sources"]["lines"] == {"team": _team_lines() + 2 + 3}
    cleaner = Cleaner(model)
    text = ("Ministers agree on new rail timetable\n\n"
            "The new timetable adds forty trains a day between the two largest cities and takes "
            "effect in December, the transport ministry said on Friday.\n\n"
            "Subscribe to our newsletter\n\nAccept all cookies\n")
    out = cleaner.clean(text)
    assert "forty trains" in out and "Accept all cookies" not in out


def test_the_threshold_is_the_lowest_thousandth_that_keeps_the_target():
    rng = np.random.default_rng(7)
    y = (rng.random(20_000) < 0.2).astype(int)
    stage_p = np.where(y == 1, rng.beta(5, 1, len(y)), rng.beta(1, 6, len(y)))
    ruled = rng.random(len(y)) < 0.001  # lost at every threshold
    t = choose_threshold(stage_p, y, ruled, 0.995, log=lambda _: None)
    kept, _ = keep_curve(stage_p, y, ruled, np.array([t - 0.001, t]))
    assert kept[1] >= 0.995 > kept[0]
    assert t == round(t, 3)


def test_the_stage_rows_benchmarks_measure_are_every_line_of_the_documents():
    """benchmarks/stage_variants.py fits stages on stage_training_rows: without the corpora,
    every line of every document, each a row of the stage's features with its target, fold
    and the line model's out-of-fold logit (a model that saw the line would be surer)."""
    docs, lines = training_sets(DATA_DIR, None, None, Settings(), log=lambda *a: None)
    rows = stage_training_rows(docs, lines, Settings(), log=lambda *a: None)
    n = sum(len(d.lines) for d in docs)
    assert rows.x.shape == (n, len(feature_names())) and rows.documents == len(docs)
    assert rows.pages == 0 and rows.on_page.all() and not rows.read.any()
    assert set(rows.y.tolist()) == {0, 1} and set(rows.folds.tolist()) <= set(range(N_FOLDS))
    assert rows.y.tolist() == [int(b) for d in docs for b in d.boiler]
    z = rows.line_logit
    assert np.isfinite(z).all() and z[rows.y == 1].mean() > z[rows.y == 0].mean()


def test_cross_validation_needs_the_corpora(tmp_path: Path, capsys):
    assert main(["train", "--cv", "--no-corpora", "-o", str(tmp_path / "m.npz")]) == 2
    assert "--cv scores corpus pages" in capsys.readouterr().err
    assert not (tmp_path / "m.npz").exists()
    assert main(["train", "--json", "--no-corpora", "-o", str(tmp_path / "m.npz")]) == 2
    assert "give --cv too" in capsys.readouterr().err
    assert not (tmp_path / "m.npz").exists()


def test_set_changes_a_training_setting_and_the_manifest_records_it(tmp_path: Path, capsys):
    path = tmp_path / "m.npz"
    assert main(["train", "--no-corpora", "--set", "keep_target=0.99", "--set", "seed=5",
                 "-o", str(path)]) == 0
    settings = Model.load(path).info["settings"]
    assert settings["keep_target"] == 0.99 and settings["seed"] == 5
    for bad in ("nope=1", "keep_target=much", "keep_target"):
        with pytest.raises(SystemExit) as stop:
            main(["train", "--no-corpora", "--set", bad, "-o", str(tmp_path / "x.npz")])
        assert stop.value.code == 2
        err = capsys.readouterr().err
        assert "NAME=VALUE" in err or "keep_target takes a float" in err


def test_train_and_evaluate_name_a_missing_data_or_shared_folder(tmp_path: Path, capsys):
    # data/ is not in the wheel: an installed package must say so, not end in a traceback.
    for command in (["train", "--no-corpora", "-o", str(tmp_path / "m.npz")], ["evaluate"]):
        assert main([*command, "--data", str(tmp_path)]) == 2
        err = capsys.readouterr().err
        assert f"{tmp_path}: not the team's data folder" in err and "--data PATH" in err
    assert not (tmp_path / "m.npz").exists()
    for command in (["train", "-o", str(tmp_path / "m.npz")], ["evaluate"]):
        assert main([*command, "--shared", str(tmp_path)]) == 2
        assert f"--shared {tmp_path}: no corpora/ folder" in capsys.readouterr().err
    assert not (tmp_path / "m.npz").exists()


def test_evaluate_from_an_installed_wheel_says_it_needs_a_checkout(tmp_path: Path, capsys,
                                                                   monkeypatch):
    # An installed package: no data/ beside it, and that path never existed.
    wheel_data = tmp_path / "site-packages" / "data"
    monkeypatch.setattr("cleaner.training.train.DATA_DIR", wheel_data)
    for command in (["evaluate"], ["train", "-o", str(tmp_path / "m.npz")]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert str(wheel_data) not in err and "Traceback" not in err
        assert "need a checkout of the repository" in err
        assert "data/" in err and "../shared" in err
        assert "--data DIR" in err and "--shared DIR" in err
    assert not (tmp_path / "m.npz").exists()
