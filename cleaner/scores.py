"""The scores of lines: rule hit, line logit and label probabilities, each computed once.

Pages of one site repeat their menus, banners and appeals, so a batch meets the same lines again
and again; a memo keeps the scores of up to LINE_MEMO_SIZE distinct lines. A document with more
new lines than that (a 20 MB file of distinct lines) is scored straight into arrays: its lines
never enter the memo, so its memory is a few numbers a line and it is scored once, not once per
memo overflow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cleaner.document import ARTICLE_LABELS, LABELS
from cleaner.features import Memo
from cleaner.model import Model
from cleaner.rules import RuleHit, RuleSet

#: Distinct lines whose rule hits and scores a LineScorer remembers (tens of MB at most).
LINE_MEMO_SIZE = 50_000
#: Lines of a document too large for the memo scored (and named) at a time.
_PART_LINES = 8192


@dataclass(frozen=True)
class LineScores:
    """Per line: its rule hit, its logit (boilerplate vs article), and its label
    probabilities (what the sequence stage reads and the labels are named from)."""

    hits: list[RuleHit]
    logits: np.ndarray  # float64, one per line
    kind_p: np.ndarray  # float32, one row of len(LABELS) probabilities per line

    def narrow(self, rows: np.ndarray) -> LineScores:
        """The scores of the lines ``rows`` (ascending), moved to the front of these arrays
        rather than copied, so that a later round of decisions does not hold a second copy of
        every line's label probabilities (16 MB for 300,000 lines): these scores are not to be
        read again. A row moves to its place or before it, so no row is overwritten before it
        is moved."""
        for i in range(0, len(rows), _PART_LINES):
            part = rows[i : i + _PART_LINES]
            self.logits[i : i + len(part)] = self.logits[part]
            self.kind_p[i : i + len(part)] = self.kind_p[part]
        return LineScores([self.hits[i] for i in rows], self.logits[: len(rows)],
                          self.kind_p[: len(rows)])

    def put(self, at: Sequence[int], scores: LineScores, rows: Sequence[int]) -> None:
        """Copy the ``rows`` of ``scores`` to the positions ``at``."""
        for i, j in zip(at, rows):
            self.hits[i] = scores.hits[j]
        self.logits[at] = scores.logits[rows]
        self.kind_p[at] = scores.kind_p[rows]


class LineScorer:
    """Rules and model applied to lines, with a memo of the distinct lines already scored.

    Scores depend on a line's text alone (tests/test_fast_path.py), so where they come from
    (memo, a batch of documents, the document alone) never changes a result.
    """

    def __init__(self, model: Model, rules: RuleSet, memo_size: int = LINE_MEMO_SIZE) -> None:
        self.model = model
        self.rules = rules
        self.memo: Memo = Memo(memo_size)  # line text -> (rule hit, logit, label probs)

    def remember(self, texts: Sequence[str]) -> None:
        """Score, all at once, the lines of ``texts`` not in the memo yet, if they fit in it
        (else each document is scored on its own by ``scores``)."""
        new = self._new(texts)
        if new and len(new) <= self.memo.limit:
            self._score(new)

    def scores(self, texts: Sequence[str],
               previous: tuple[Sequence[str], LineScores] | None = None) -> LineScores:
        """The scores of ``texts``. ``previous``: texts and their scores, position by position
        (scores this call takes over and updates), which hold for the lines whose text is the
        same."""
        n = len(texts)
        rest: Sequence[int] = range(n)
        if previous is None:
            out = LineScores([None] * n, np.empty(n),  # type: ignore[list-item]
                             np.empty((n, len(LABELS)), np.float32))
        else:
            before, out = previous
            rest = [i for i, (a, b) in enumerate(zip(before, texts, strict=True)) if a != b]
            for i in rest:
                out.hits[i] = None  # type: ignore[call-overload]
        get = self.memo.get
        found = [(i, f) for i in rest if (f := get(texts[i])) is not None]
        if found:
            at = [i for i, _ in found]
            for i, f in found:
                out.hits[i] = f[0]
            out.logits[at] = [f[1] for _, f in found]
            out.kind_p[at] = [f[2] for _, f in found]
        todo = [i for i in rest if out.hits[i] is None]
        if len(todo) > self.memo.limit:  # too many to remember: scored as they come, in parts
            for k in range(0, len(todo), _PART_LINES):
                part = todo[k : k + _PART_LINES]
                out.put(part, self._score([texts[i] for i in part], remember=False),
                        range(len(part)))
        elif todo:
            new = self._new([texts[i] for i in todo])
            row = {text: j for j, text in enumerate(new)}
            out.put(todo, self._score(new), [row[texts[i]] for i in todo])
        return out

    def _new(self, texts: Sequence[str]) -> list[str]:
        """The distinct texts not in the memo, in first-seen order."""
        memo = self.memo
        return [t for t in dict.fromkeys(texts) if t not in memo]

    def _score(self, new: list[str], remember: bool = True) -> LineScores:
        """Match and score ``new`` lines; remember them if asked and they fit in the memo."""
        hits = self.rules.match_many(new)
        logits, kind_p = self.model.score_lines(new, hits)
        kind_p = kind_p.astype(np.float32)
        if remember and len(new) <= self.memo.limit:
            self.memo.make_room(len(new))
            self.memo.update(zip(new, zip(hits, logits.tolist(), kind_p)))
        return LineScores(hits, logits, kind_p)


def likeliest_labels(kind_p: np.ndarray) -> np.ndarray:
    """Per row of label probabilities, the index in LABELS of the likeliest article label and
    of the likeliest boilerplate label: all that naming a line needs (decode.assign_labels).
    Read _PART_LINES rows at a time: the masked copy of every row was 16 MB for 300,000 lines."""
    article = np.array([label in ARTICLE_LABELS for label in LABELS])
    out = np.empty((len(kind_p), 2), dtype=np.int8)
    for i in range(0, len(kind_p), _PART_LINES):
        part = kind_p[i : i + _PART_LINES]
        for j, boiler in enumerate((False, True)):
            out[i : i + _PART_LINES, j] = np.argmax(np.where(article != boiler, part, -np.inf),
                                                    axis=1)
    return out
