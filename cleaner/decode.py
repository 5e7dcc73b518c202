"""Decoding: from each line's probability to decisions.

The sequence stage (cleaner.sequence) has read each line in its document and given it one
P(boilerplate); a line goes when that reaches the threshold. Then the evidence that is not in
one document has its say: a line recurring across many documents of its site goes unless the
line model, reading it alone, is sure of it; a named rule decides its line; and an opener ("A
Message from …:") starts a block that runs to its closer. Each step is a named function and
records what it changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cleaner.document import LABELS, Decisions, Line
from cleaner.rules import RuleHit

#: How far (in non-blank lines) a closer may follow its opener.
MAX_BLOCK_LINES = 15
#: Repeated lines (recurring across documents of their site) go unless the line model is sure
#: they are article (the model's repeated_floor), or unless more than this share of the document's
#: words recur (the document is a copy).
MAX_REPEATED_SHARE = 0.7


class Spans:
    """The documents of a batch of lines, end to end: where each begins and ends. Decoding
    never looks across a document's edge, so a document decodes the same alone or in any
    batch. Nothing is held a line (7 MB for 300,000 lines): a line's document is looked up."""

    def __init__(self, starts: Sequence[int], n: int) -> None:
        self.starts = np.asarray(starts, dtype=np.int64)  # ascending; no empty document
        self.ends = np.append(self.starts[1:], n)

    def doc(self, lines: int | np.ndarray) -> np.ndarray | np.integer:
        """The document of each of these lines."""
        return np.searchsorted(self.starts, lines, side="right") - 1

    def bounds(self, i: int) -> tuple[int, int]:
        """The first and last line of line ``i``'s document."""
        d = self.doc(i)
        return int(self.starts[d]), int(self.ends[d]) - 1

    @classmethod
    def of(cls, sizes: Sequence[int]) -> Spans:
        """The spans of documents of these (non-zero) numbers of lines."""
        ends = np.cumsum(np.asarray(sizes, dtype=np.int64))
        return cls(ends - sizes, int(ends[-1]) if len(ends) else 0)


def _one(n: int) -> Spans:
    return Spans([0] if n else [], n)


_ROLES = {"opener": 2, "closer": 3}


def rule_codes(hits: Sequence[RuleHit]) -> np.ndarray:
    """Per line, what the sequence stage knows of its rule: 0 none, 1 a whole-line rule, 2 an
    opener, 3 a closer."""
    return np.fromiter((0 if hit.rule is None else _ROLES.get(hit.rule.role, 1) for hit in hits),
                       dtype=np.int8, count=len(hits))


def runs(flags: Sequence, breaks: np.ndarray | None = None) -> list[tuple[int, int]]:
    """The runs of equal consecutive flags, as ``(start, end)`` slices in order; a run also
    ends where a document begins (``breaks``: their first lines)."""
    flags = np.asarray(flags)
    if not len(flags):
        return []
    starts, lengths = _run_bounds(flags, breaks)
    return list(zip(starts.tolist(), (starts + lengths).tolist()))


def _run_bounds(flags: np.ndarray,
                breaks: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The starts and lengths of the runs of runs() (non-empty ``flags``)."""
    begins = np.empty(len(flags), dtype=bool)  # not np.union1d: it imports numpy.ma (20 ms)
    begins[0] = True
    begins[1:] = flags[1:] != flags[:-1]
    if breaks is not None:
        begins[breaks] = True
    starts = np.flatnonzero(begins)
    return starts, np.diff(np.append(starts, len(flags)))


def run_lengths(flags: np.ndarray, breaks: np.ndarray | None = None) -> np.ndarray:
    """For each position, the length of the run of equal flags it belongs to (a run also ends
    where a document begins: ``breaks``)."""
    if not len(flags):
        return np.zeros(0)
    _, lengths = _run_bounds(flags, breaks)
    return np.repeat(lengths, lengths).astype(np.float64)


@dataclass
class Verdicts:
    """The lines' states while decoding, an entry per line in arrays and lists rather than an
    object a line (a document of 300,000 lines decodes in a few MB); decisions() makes them the
    Decisions of a Result."""

    score: np.ndarray  # float64: the P(boilerplate) that decided each line
    boilerplate: np.ndarray  # bool
    label: list[str | None]  # None until a step or assign_labels names the line
    reason: list[str]
    keep: np.ndarray | None = None  # bool, once the lines are named (decode)

    def decisions(self, numbers: np.ndarray, texts: Sequence[str], start: int = 0) -> Decisions:
        """The Decisions of the lines of these ``numbers`` and ``texts``, whose verdicts begin
        at ``start``."""
        end = start + len(texts)
        # Copies, not views: a Result must not hold on to its whole batch's arrays.
        return Decisions(numbers.copy(), texts, self.label[start:end],
                         self.keep[start:end].copy(), self.score[start:end].copy(),
                         self.reason[start:end])


def line_numbers(lines: Sequence[Line]) -> np.ndarray:
    """Each line's number in its text, as context_features takes them."""
    return np.fromiter((line.number for line in lines), dtype=np.int64, count=len(lines))


def line_lengths(texts: Sequence[str]) -> np.ndarray:
    """Words per line, the unit in which a wrongly dropped line costs."""
    return np.fromiter(map(len, map(str.split, texts)), dtype=np.float64, count=len(texts))


def drop_thresholds(words: np.ndarray, threshold: float, word_cost: float) -> np.ndarray:
    """The probability at which each line is dropped: at least ``threshold``, more if long.

    A wrong drop costs the line's words, a right one removes one boilerplate line, so the
    certainty asked for grows with length: ``max(threshold, c*w / (1 + c*w))`` for ``w`` words
    and word cost ``c`` (chosen at training time to keep the loss of article words in budget).
    """
    cw = word_cost * np.asarray(words, dtype=np.float64)
    return np.maximum(threshold, cw / (1.0 + cw))


def stage_verdicts(stage_p: np.ndarray, limits: np.ndarray) -> Verdicts:
    """The sequence stage's verdict on each line: it goes when its probability reaches its
    limit; the reason names the stage."""
    boiler = np.asarray(stage_p) >= limits
    return Verdicts(np.asarray(stage_p, dtype=np.float64), boiler, [None] * len(boiler),
                    ["sequence"] * len(boiler))


def revise_with_repetition(
    verdicts: Verdicts, words: np.ndarray, repeated: Sequence[int], spans: Spans | None = None,
    floor: float = 0.1, line_p: np.ndarray | None = None,
) -> None:
    """Lines that recur in many documents of their site go unless the line model is sure of
    them.

    Recurring across a site's documents is evidence about the line itself, so it is weighed
    against what the line model makes of the line alone (``line_p``; the verdicts' scores
    where not given), not against the stage, which reads the line's neighbours: in a short
    document beside a widget the stage is unsure of plain sentences. A run of consecutive
    repeated lines (a site's appeal, footer or newsletter box) goes whole when most of its
    lines reach ``floor``, a lone repeated line when it does: a sentence the line model is
    sure of (a quote carried by many reports) stays. A document made mostly of repeated lines
    is itself a copy (a page fetched twice, a syndicated story) and is left be.
    """
    counts = np.asarray(repeated)
    if not len(counts):
        return
    spans = spans or _one(len(counts))
    line_p = verdicts.score if line_p is None else line_p
    copies = (np.add.reduceat(np.where(counts > 0, words, 0.0), spans.starts)
              > MAX_REPEATED_SHARE * np.add.reduceat(words, spans.starts))
    boiler, reason = verdicts.boilerplate, verdicts.reason
    for start, end in runs(counts > 0, spans.starts):
        unsure = np.count_nonzero(line_p[start:end] >= floor)
        if counts[start] and not copies[spans.doc(start)] and 2 * unsure > end - start:
            for i in range(start, end):
                if not boiler[i]:
                    boiler[i], reason[i] = True, f"repeated:{counts[i]}docs"


def apply_line_rules(verdicts: Verdicts, hits: Sequence[RuleHit]) -> None:
    """A whole-line rule decides its line outright."""
    for i, hit in enumerate(hits):
        if hit.rule is not None:
            verdicts.boilerplate[i] = True
            verdicts.label[i], verdicts.reason[i] = hit.rule.label, f"rule:{hit.rule.name}"


def _role(hit: RuleHit, role: str, label: str | None = None) -> bool:
    rule = hit.rule
    return rule is not None and rule.role == role and label in (None, rule.label)


def _extend(boiler: np.ndarray, hits: Sequence[RuleHit], start: int, step: int,
            spans: Spans) -> int:
    """Walk from ``start`` while the next line, in its document, goes by the stage or is a
    rule line."""
    end = start
    first, last = spans.bounds(start)
    while (first <= end + step <= last and abs(end + step - start) < MAX_BLOCK_LINES
           and (boiler[end + step] or hits[end + step].rule)):
        end += step
    return end


def expand_blocks(verdicts: Verdicts, hits: Sequence[RuleHit], spans: Spans) -> None:
    """Blocks bounded by rules: an appeal runs from its opener to its closing button.

    An opener runs to its closer, or without one on over the lines that go; a closer without
    an opener reaches back the same way over the lines that go above it.
    """
    i = 0  # the first line not yet in a block
    for at in [at for at, hit in enumerate(hits) if hit.rule is not None]:
        if at < i:
            continue
        i = at
        if _role(hits[i], "opener"):
            label = hits[i].rule.label
            end = next((j for j in range(i + 1, min(spans.bounds(i)[1] + 1, i + MAX_BLOCK_LINES))
                        if _role(hits[j], "closer", label)), None)
            start, end = i, _extend(verdicts.boilerplate, hits, i, 1, spans) if end is None else end
        elif _role(hits[i], "closer"):
            start, end = _extend(verdicts.boilerplate, hits, i, -1, spans), i
        else:
            continue
        rule = hits[start].rule if _role(hits[start], "opener") else hits[end].rule
        for j in range(start, end + 1):
            if not verdicts.reason[j].startswith("rule:"):
                verdicts.boilerplate[j] = True
                verdicts.label[j], verdicts.reason[j] = rule.label, f"block:{rule.name}"
        i = end + 1


def assign_labels(verdicts: Verdicts, labels: np.ndarray) -> None:
    """Name each line: the likeliest boilerplate label if dropped, article label if kept
    (``labels``: scores.likeliest_labels)."""
    best = np.where(verdicts.boilerplate, labels[:, 1], labels[:, 0])
    label = verdicts.label  # named in place: no second list of every line's, nor of best
    for i, b in enumerate(best):
        if label[i] is None:
            label[i] = LABELS[b]


def decode(
    texts: Sequence[str],
    hits: Sequence[RuleHit],
    stage_p: np.ndarray,
    labels: np.ndarray,
    limits: np.ndarray,
    keep: frozenset[str],
    words: np.ndarray,
    repeated: Sequence[int] | None = None,
    spans: Spans | None = None,
    repeated_floor: float = 0.1,
    line_p: np.ndarray | None = None,
) -> Verdicts:
    """Run the decoding steps in order and return the verdicts on the non-blank lines
    ``texts``, each named and kept or not.

    ``stage_p``: the sequence stage's P(boilerplate); ``labels``: scores.likeliest_labels;
    ``limits``: each line's drop_thresholds; ``words``: line_lengths of the lines.
    ``repeated`` gives, per line, in how many documents of its site it recurs (0: not
    repeated). ``spans``: the documents the lines are, end to end (one if None);
    ``repeated_floor``: the line model's probability (``line_p``) from which a repeated line
    goes.
    """
    spans = spans or _one(len(texts))
    verdicts = stage_verdicts(stage_p, limits)
    if repeated is not None:
        revise_with_repetition(verdicts, words, repeated, spans, repeated_floor, line_p)
    apply_line_rules(verdicts, hits)
    expand_blocks(verdicts, hits, spans)
    assign_labels(verdicts, labels)
    verdicts.keep = np.fromiter(map(keep.__contains__, verdicts.label), dtype=bool,
                                count=len(texts))
    return verdicts
