"""Scores as the corpora define them, so figures compare with the benchmarks' own.

- WCXB (``evaluate.py``): word-level precision/recall/F1 of lowercased ``\\w+`` tokens, counted as
  a bag of words with multiplicity, against ``main_content``.
- trafilatura (``tests/eval_common.py``): a snippet counts as present when its whitespace-normalised
  form is a substring of the whitespace-normalised output (case-sensitive).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

_WORD = re.compile(r"\w+", re.UNICODE)
_SPACE = re.compile(r"\s+")


def word_counts(text: str) -> Counter[str]:
    """Lowercased word tokens with their multiplicity (the WCXB bag of words)."""
    return Counter(_WORD.findall(text.lower()))


def word_prf(predicted: str, truth: str) -> tuple[float, float, float]:
    """Word-bag P, R, F1 of a predicted text against the truth.

    Both empty scores 1, 1, 1 (nothing to find, nothing found); one empty scores 0, 0, 0.
    """
    pred, gold = word_counts(predicted), word_counts(truth)
    if not pred and not gold:
        return 1.0, 1.0, 1.0
    if not pred or not gold:
        return 0.0, 0.0, 0.0
    common = sum((pred & gold).values())
    p = common / sum(pred.values())
    r = common / sum(gold.values())
    return p, r, (2 * p * r / (p + r) if common else 0.0)


def normalize(text: str) -> str:
    """Whitespace runs collapsed to one space and trimmed, as trafilatura's evaluation does."""
    return _SPACE.sub(" ", text).strip()


def snippets_present(text: str, snippets: Sequence[str]) -> int:
    """How many snippets occur (whitespace-normalised substrings) in the text."""
    normed = normalize(text)
    return sum(1 for s in snippets if normalize(s) in normed)


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall, F1 from counts; each 0 when its denominator is empty."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return p, r, f
