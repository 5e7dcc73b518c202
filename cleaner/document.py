"""The types that flow through the pipeline: labels, lines and per-line decisions."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

#: Every non-blank line gets exactly one of these labels.
LABELS: tuple[str, ...] = (
    "content",
    "title",
    "donation_appeal",
    "subscription_paywall",
    "signup_prompt",
    "cookie_legal",
    "ui_message",
    "navigation_share",
    "related_promo",
    "ad_sponsored",
    "caption_credit",
    "byline_meta",
    "comments_prompt",
)

#: Labels that belong to the article itself; kept by the default policy.
ARTICLE_LABELS: frozenset[str] = frozenset({"content", "title"})

#: Labels that are not the article.
BOILERPLATE_LABELS: tuple[str, ...] = tuple(lb for lb in LABELS if lb not in ARTICLE_LABELS)


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the input, as it was (without its line break)."""

    number: int  # 1-based, as in an editor and in ../shared/seeds/labels
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip()


@dataclass(frozen=True, slots=True)
class Decision:
    """What happened to one non-blank line, and why.

    ``score`` is the final probability that the line is boilerplate; ``reason`` names what
    decided: ``rule:<name>``, ``model``, or a context step such as ``context`` or
    ``block:<name>`` when the line's neighbours changed the line-level verdict; ``…:again``
    when it went in a later round, once the boilerplate around it was gone.
    """

    number: int
    text: str
    label: str
    keep: bool
    score: float
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {
            "line": self.number,
            "label": self.label,
            "keep": self.keep,
            "score": round(self.score, 4),
            "reason": self.reason,
            "text": self.text,
        }


class Decisions(Sequence[Decision]):
    """A document's decisions, held as columns (the lines' numbers, texts, labels, keep flags,
    scores and reasons) and made into Decision objects as they are read.

    A Decision object a line costs about 140 bytes with its number and score; a document of
    300,000 lines held 43 MB of them. Reading gives Decisions equal to those that were held;
    a Decisions equals any sequence of equal Decisions (a tuple included).
    """

    __slots__ = ("_numbers", "_texts", "_labels", "_keep", "_scores", "_reasons")
    _CHUNK = 4096  # rows made into objects at a time while iterating

    def __init__(self, numbers: np.ndarray, texts: Sequence[str], labels: Sequence[str],
                 keep: np.ndarray, scores: np.ndarray, reasons: Sequence[str]) -> None:
        self._numbers, self._texts, self._labels = numbers, texts, labels
        self._keep, self._scores, self._reasons = keep, scores, reasons

    @classmethod
    def of(cls, decisions: Iterable[Decision]) -> Decisions:
        """The columns of these Decision objects."""
        rows = list(decisions)
        return cls(np.array([d.number for d in rows], dtype=np.int64), [d.text for d in rows],
                   [d.label for d in rows], np.array([d.keep for d in rows], dtype=bool),
                   np.array([d.score for d in rows], dtype=np.float64),
                   [d.reason for d in rows])

    @property
    def texts(self) -> Sequence[str]:
        """The lines' texts, without making a Decision a line."""
        return self._texts

    def removed(self) -> tuple[Decision, ...]:
        """The decisions of the lines that go, made for those lines only."""
        return self._rows(np.flatnonzero(~self._keep))

    def __len__(self) -> int:
        return len(self._texts)

    def _rows(self, at: np.ndarray) -> tuple[Decision, ...]:
        rows = at.tolist()
        return tuple(map(Decision, self._numbers[at].tolist(),
                         map(self._texts.__getitem__, rows), map(self._labels.__getitem__, rows),
                         self._keep[at].tolist(), self._scores[at].tolist(),
                         map(self._reasons.__getitem__, rows)))

    def __getitem__(self, i: int | slice) -> Decision | tuple[Decision, ...]:
        if isinstance(i, slice):
            return self._rows(np.arange(len(self))[i])
        j = range(len(self))[i]  # negative indices, IndexError
        return self._rows(np.array([j]))[0]

    def __iter__(self) -> Iterator[Decision]:
        for start in range(0, len(self), self._CHUNK):
            yield from self._rows(np.arange(start, min(start + self._CHUNK, len(self))))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, (str, bytes)):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other))

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"Decisions({list(self)!r})"

    def __getstate__(self) -> tuple:
        return (self._numbers, self._texts, self._labels, self._keep, self._scores,
                self._reasons)

    def __setstate__(self, state: tuple) -> None:
        self.__init__(*state)


@dataclass(frozen=True, slots=True)
class Result:
    """A cleaned document: the rendered text and one decision per non-blank line.

    ``decisions`` may be given as any sequence of Decisions; it is held as a Decisions.
    ``skipped`` says why a document was not cleaned at all (an HTML page with no main text:
    extract.NO_TEXT_EXTRACTED), its text then empty and without decisions; else None.
    """

    text: str
    decisions: Decisions
    skipped: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.decisions, Decisions):
            object.__setattr__(self, "decisions", Decisions.of(self.decisions))

    @property
    def removed(self) -> tuple[Decision, ...]:
        return self.decisions.removed()
