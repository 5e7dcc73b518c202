"""How a change to the sequence stage's inputs moves held-out real text, beside the stage's own
variance.

On the 437 held-out pages read whole, "removed at 99.5% kept" moves by several points when the
stage is fitted on other data (issue 24), so one fit of each variant says little. Here the
stage is fitted as `cleaner train` fits it (on the line models' out-of-fold outputs of the
training documents), three times, each time without one fold (a third of its rows), and
applied to the held-out pages as the committed line and kind models score them: both
trafilatura texts of every page (HTML mode's default text, text mode's favor_recall text),
every line labelled by reading. A variant is the shipped stage without some of its columns.
For each: boilerplate lines removed when 99.5% and 99% of the article lines are kept (read off
the curve, the lines rules take counted as removed), the mean of the three fits and each fit.

    python benchmarks/stage_variants.py [--without spread window]

About 6 minutes on 2 cores with the extraction cache (~/.cache/cleaner); ../shared needed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from cleaner.model import Model, sigmoid
from cleaner.rules import RuleSet
from cleaner.sequence import WINDOW, feature_names
from cleaner.training.corpora import default_cache_dir, find_shared
from cleaner.training.evaluate import MODES, heldout_read_pages
from cleaner.training.labels import page_views
from cleaner.training.recipe import Settings
from cleaner.training.train import (
    DATA_DIR,
    N_FOLDS,
    TrainDoc,
    _fit_stage,
    keep_curve,
    stage_features,
    stage_training_rows,
    training_sets,
)

#: The column groups a variant can leave out, by the names of sequence.feature_names.
GROUPS = {
    "spread": lambda name: name.startswith(("above", "below")),  # SPREAD's means
    "window": lambda name: "@" in name,  # the WINDOW lines each way, one by one
}


def heldout_pages(shared: Path) -> list[tuple[str, TrainDoc]]:
    """Both texts of every held-out page read whole, as (mode, document)."""
    pages, read = heldout_read_pages(shared, DATA_DIR)
    return [(mode, TrainDoc.read_page(views.lines[view], read[(page.corpus, page.page_id)],
                                      page.corpus, page.site))
            for page, views in zip(pages, page_views(pages, {}, default_cache_dir()))
            for mode, view in MODES.items() if views.lines[view]]


def removed_at(p: np.ndarray, y: np.ndarray, ruled: np.ndarray, keep: float) -> float:
    """Boilerplate lines removed (``y`` 1) when ``keep`` of the article lines (``y`` 0) stay,
    interpolated along the curve of thresholds; a line a rule takes is removed at any."""
    kept, removed = keep_curve(p, y, ruled, np.arange(0.05, 0.996, 0.005))
    return float(np.interp(keep, kept, removed))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--without", nargs="*", default=["spread", "window"],
                        choices=sorted(GROUPS), help="column groups to leave out, one variant each")
    args = parser.parse_args()
    shared = find_shared()
    if shared is None:
        sys.exit("stage_variants: ../shared not found (the corpora are read from it)")
    settings = Settings()
    docs, lines = training_sets(DATA_DIR, shared, default_cache_dir(), settings, log=print)
    train = stage_training_rows(docs, lines, settings, log=print)

    held = heldout_pages(shared)
    model, rules = Model.load(), RuleSet()
    hits = [[rules.match(line.text) for line in d.lines] for _, d in held]
    scored = [model.score_lines([line.text for line in d.lines], h)
              for (_, d), h in zip(held, hits)]
    x_held = stage_features([d for _, d in held], hits,
                            np.concatenate([z for z, _ in scored]),
                            np.concatenate([p for _, p in scored]))
    y_held = np.array([-1 if b is None else int(b) for _, d in held for b in d.boiler])
    mode = np.array([m for m, d in held for _ in d.lines])
    ruled = np.array([hit.rule is not None for h in hits for hit in h])
    print(f"held-out: {len(held)} texts, {len(y_held)} lines; the stage's window {WINDOW}")

    names = feature_names()
    variants = {"shipped stage": np.arange(len(names))}
    for group in args.without:
        variants[f"without {group}"] = np.array(
            [i for i, name in enumerate(names) if not GROUPS[group](name)])
    print("\n| stage | " + " | ".join(f"{m} at {k:.1%} kept" for m in MODES
                                      for k in (0.995, 0.99)) + " |")
    print("|---|" + "---:|" * 2 * len(MODES))
    y, folds = train.y, train.folds
    for name, columns in variants.items():
        fits = []
        for k in range(N_FOLDS):
            use = (y >= 0) & (folds != k)
            forest = _fit_stage(train.x[use][:, columns], y[use], settings)
            fits.append(sigmoid(forest.log_odds(x_held[:, columns])))
        cells = []
        for m in MODES:
            on = (mode == m) & (y_held >= 0)
            for keep in (0.995, 0.99):
                each = [removed_at(p[on], y_held[on], ruled[on], keep) for p in fits]
                cells.append(f"{np.mean(each):.1%} ({', '.join(f'{e:.0%}' for e in each)})")
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
