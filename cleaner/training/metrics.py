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


def page_counts(
    out: str, uncleaned: str, main_content: str | None,
    must_keep: Sequence[str], must_drop: Sequence[str],
) -> Counter[str]:
    """One page's sums behind the page-level figures (``page_figures``), to add up over pages.

    ``uncleaned`` is the text before cleaning: "removed" and "kept" count only the snippets it
    holds, so that the cleaning is not charged with what the extraction lost.
    """
    c: Counter[str] = Counter()
    if main_content and main_content.strip():
        p, r, f = word_prf(out, main_content)
        c.update(pages=1, wp=p, wr=r, wf=f)
    before = normalize(uncleaned)
    present_drop = [s for s in must_drop if normalize(s) in before]
    present_keep = [s for s in must_keep if normalize(s) in before]
    c.update(
        drop_total=len(must_drop), drop_left=snippets_present(out, must_drop),
        drop_present=len(present_drop), drop_present_left=snippets_present(out, present_drop),
        keep_total=len(must_keep), keep_kept=snippets_present(out, must_keep),
        keep_present=len(present_keep), keep_present_kept=snippets_present(out, present_keep),
    )
    return c


def page_figures(c: Counter[str]) -> dict[str, float]:
    """Mean word P/R/F1 over pages with a main text, and the snippet figures, from summed counts.

    Snippet P/R/F1 as trafilatura's evaluation: a must-keep snippet found is a true positive, a
    must-drop snippet found a false positive, a must-keep snippet missing a false negative.
    """
    n = max(1, c["pages"])
    sp, sr, sf = prf(c["keep_kept"], c["drop_left"], c["keep_total"] - c["keep_kept"])
    return {
        "word_p": c["wp"] / n, "word_r": c["wr"] / n, "word_f1": c["wf"] / n,
        "word_pages": c["pages"],
        "drop_absent": 1 - c["drop_left"] / max(1, c["drop_total"]),
        "drop_removed": 1 - c["drop_present_left"] / max(1, c["drop_present"]),
        "keep_all": c["keep_kept"] / max(1, c["keep_total"]),
        "keep_kept": c["keep_present_kept"] / max(1, c["keep_present"]),
        "snippet_p": sp, "snippet_r": sr, "snippet_f1": sf,
    }
