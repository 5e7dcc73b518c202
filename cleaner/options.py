"""The checks of the cleaning options, shared by the command line and ``Cleaner``: both refuse
the same values with the same words (the command line adds ``cleaner: `` and exits 2, the
Python API raises ValueError, or TypeError for a value of the wrong type)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from pathlib import Path

from cleaner.document import ARTICLE_LABELS, LABELS
from cleaner.patterns import UserRule, load_patterns

#: ``--precision`` and ``--recall`` (``Cleaner(preset=...)``): how far from certainty each
#: moves the model's threshold t. precision drops from 1 - (1 - t)/2 (fewer article lines
#: lost, more boilerplate kept), recall from 1 - 2(1 - t) (more boilerplate removed, more short
#: article lines with it).
PRESETS: dict[str, float] = {"precision": 0.5, "recall": 2.0}


def _number(value: object) -> float:
    """``value`` as a float, NaN when it is none (every range check then fails)."""
    if isinstance(value, bool):
        return math.nan
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def check_threshold(value: object) -> float:
    """A drop threshold: a probability above 0 and at most 1."""
    threshold = _number(value)
    if not 0 < threshold <= 1:
        raise ValueError(f"{value!r} is not a number between 0 and 1 (the threshold is above 0, "
                         "1 at most)")
    return threshold


def check_word_cost(value: object) -> float:
    """The cost of a wrongly dropped word: a number of 0 or more."""
    cost = _number(value)
    if not 0 <= cost < math.inf:
        raise ValueError(f"{value!r} is not a word cost (a number of 0 or more)")
    return cost


def check_labels(labels: Iterable[str]) -> frozenset[str]:
    """Labels as a set, every one known."""
    if isinstance(labels, str):
        labels = [labels]  # keep="caption_credit" means that label, not its letters
    labels = frozenset(labels)
    unknown = labels - set(LABELS)
    if unknown:
        raise ValueError(f"unknown label(s) {', '.join(sorted(map(str, unknown)))}; known: "
                         f"{', '.join(LABELS)}")
    return labels


def policy(keep: Iterable[str], drop: Iterable[str]) -> frozenset[str]:
    """The labels kept: the article's, those in ``keep``, less those in ``drop``."""
    keep, drop = check_labels(keep), check_labels(drop)
    if keep & drop:
        raise ValueError(f"labels both kept and dropped: {sorted(keep & drop)}")
    kept = (ARTICLE_LABELS | keep) - drop
    if not kept & ARTICLE_LABELS:
        raise ValueError(f"this policy keeps no article label ({', '.join(sorted(ARTICLE_LABELS))})"
                         ": it would drop every article line")
    return kept


def check_preset(preset: str | None) -> str | None:
    if preset is not None and preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; known: {', '.join(PRESETS)}")
    return preset


def drop_threshold(model_threshold: float, threshold: object | None = None,
                   preset: str | None = None) -> float:
    """The threshold a cleaner drops at: ``threshold`` when given (it wins over a preset, as
    ``--threshold`` does over ``--recall``), else the model's moved by ``preset``, else the
    model's."""
    if threshold is not None:
        return check_threshold(threshold)
    if check_preset(preset) is None:
        return model_threshold
    return max(0.0, 1.0 - PRESETS[preset] * (1.0 - model_threshold))


def check_patterns(patterns: str | Path | Sequence[UserRule]) -> tuple[UserRule, ...]:
    """User rules: a patterns file's path (read as ``--patterns FILE`` reads it) or rules."""
    if isinstance(patterns, (str, Path)):
        return load_patterns(Path(patterns))
    rules = tuple(patterns)
    wrong = next((r for r in rules if not isinstance(r, UserRule)), None)
    if wrong is not None:
        raise TypeError(f"patterns are a patterns file's path or UserRules "
                        f"(cleaner.patterns.parse_patterns), not {type(wrong).__name__}")
    return rules
