"""The settings that decide a trained model: the training recipe, recorded in its manifest.

Apart from train.py so that the command line can name them in its help without importing
the training code (16 ms of every start).
"""

from __future__ import annotations

from dataclasses import dataclass

from cleaner.features import N_FEATURES


@dataclass
class Settings:
    """Everything that decides the trained model, recorded in its manifest."""

    seed: int = 13
    n_features: int = N_FEATURES
    line_c: float = 4.0
    kind_alpha: float = 1e-5
    team_weight: float = 20.0    # a team line, standalone
    corpus_weight: float = 0.3   # a page's line labelled by alignment alone
    real_weight: float = 3.0     # a page's line the team labelled (data/labels)
    read_weight: float = 10.0    # a line of a page the team labelled whole, by reading
    block_weight: float = 10.0   # a labelled paragraph from outside the extracted text
    ui_weight: float = 3.0       # a ui-strings row
    composed_per_body: int = 1
    team_body_repeats: int = 12
    keep_target: float = 0.995   # article lines kept out of fold at the chosen threshold
    # The sequence stage: gradient-boosted trees (scikit-learn's HistGradientBoosting).
    stage_trees: int = 100
    stage_leaves: int = 31
    stage_depth: int = 8
    stage_rate: float = 0.08
    stage_min_leaf: int = 40
    title_trees: int = 40        # the title forest's (title or content, of lines that stay)
