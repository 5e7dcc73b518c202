"""Decoding: from line-level scores to decisions, using context.

Boilerplate comes in blocks (an appeal runs from its opener to its closing button, a share bar
sits at the top or bottom, a UI error widget is a few short lines) and a short line inside the
article is still the article. As in jusText, a context-free verdict per line is revised by a
context-sensitive step; each step is a named function and records what it changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from cleaner.document import LABELS, Decisions, Line
from cleaner.rules import RuleHit

#: How far (in non-blank lines) a closer may follow its opener.
MAX_BLOCK_LINES = 15
#: Without its closer (or opener), a block goes on while its lines score at least this.
BLOCK_FLOOR = 0.5
#: Lines longer than this (in words) are prose: context may clear them but never condemn them.
LONG_LINE_WORDS = 15
#: Context never drops a line whose own P(boilerplate) is below this: the line model holds it
#: to be article, and an article sentence next to a widget is still the article.
CONTEXT_FLOOR = 0.25
#: Context keeps a line its own score drops only when the context probability is below this
#: and the own score below SURE: a confident line survives a neutral context.
RESCUE_BELOW = 0.3
SURE = 0.9
#: A heading is kept when article prose follows within this many lines (as in jusText).
MAX_HEADING_DISTANCE = 5
HEADING_WORDS = 20
#: Repeated lines (recurring across documents of their site) go from this probability on,
#: unless more than this share of the document's words recur (the document is a copy).
REPEATED_FLOOR = 0.1
MAX_REPEATED_SHARE = 0.7

_CLIP = 8.0
_WINDOW = 3

CONTEXT_FEATURES: tuple[str, ...] = (
    "z", "z_prev", "z_next", "z_prev2", "z_next2", "no_prev", "no_next",
    "z_window_mean", "z_neighbour_max", "z_neighbour_min",
    "rule", "rule_prev", "rule_next",
    "position", "top3", "bottom3", "log_words", "short",
    "blank_before", "blank_after", "log_run", "z_short", "z_edge",
)


class Spans:
    """The documents of a batch of lines, end to end: where each begins, and for every line the
    first and last line of its document. Decoding never looks across a document's edge, so a
    document decodes the same alone or in any batch."""

    def __init__(self, starts: Sequence[int], n: int) -> None:
        self.starts = np.asarray(starts, dtype=np.int64)  # ascending; no empty document
        self.ends = np.append(self.starts[1:], n)
        sizes = self.ends - self.starts
        self.doc = np.repeat(np.arange(len(sizes)), sizes)  # each line's document
        self.first = self.starts[self.doc]
        self.last = (self.ends - 1)[self.doc]

    @classmethod
    def of(cls, sizes: Sequence[int]) -> Spans:
        """The spans of documents of these (non-zero) numbers of lines."""
        ends = np.cumsum(np.asarray(sizes, dtype=np.int64))
        return cls(ends - sizes, int(ends[-1]) if len(ends) else 0)


def _one(n: int) -> Spans:
    return Spans([0] if n else [], n)


def context_features(
    numbers: np.ndarray, hits: Sequence[RuleHit], logits: np.ndarray, words: np.ndarray,
    spans: Spans | None = None,
) -> np.ndarray:
    """One row per non-blank line describing it and its neighbours (see CONTEXT_FEATURES)."""
    return np.column_stack(list(context_columns(numbers, hits, logits, words, spans)))


def context_columns(
    numbers: np.ndarray, hits: Sequence[RuleHit], logits: np.ndarray, words: np.ndarray,
    spans: Spans | None = None,
) -> Iterator[np.ndarray]:
    """The columns of context_features in order, one value per line of a batch of documents
    (``spans``; one document if None). ``numbers``: the lines' numbers in their texts (blank
    lines between them count), ``words``: line_lengths of the lines. Each value is computed
    from its own line and its document's lines alone, so batching changes no value."""
    n = len(numbers)
    spans = spans or _one(n)
    if not n:
        yield from (np.zeros(0) for _ in CONTEXT_FEATURES)
        return
    rows = np.arange(n)
    pos = rows - spans.first  # the line's place in its document
    size = spans.last - spans.first + 1
    top3, bottom3 = pos < 3, pos >= size - 3

    def near(values: np.ndarray, k: int, fill: object) -> tuple[np.ndarray, np.ndarray]:
        """The values of the lines k lines away in the same document (else ``fill``), and
        where there is such a line."""
        there = rows + k
        inside = (there >= spans.first) & (there <= spans.last)
        return np.where(inside, values[np.clip(there, 0, n - 1)], fill), inside

    z = np.clip(np.asarray(logits, dtype=np.float64), -_CLIP, _CLIP)
    z_prev, z_next = near(z, -1, 0.0)[0], near(z, 1, 0.0)[0]
    yield from (z, z_prev, z_next, near(z, -2, 0.0)[0], near(z, 2, 0.0)[0])
    yield from (pos == 0, pos == size - 1)
    total, count = np.zeros(n), np.zeros(n)
    for k in (*range(-_WINDOW, 0), *range(1, _WINDOW + 1)):
        value, inside = near(z, k, 0.0)
        total += value
        count += inside
    yield total / np.maximum(count, 1)  # z_window_mean
    yield from (np.maximum(z_prev, z_next), np.minimum(z_prev, z_next))
    ruled = ruled_lines(hits)
    yield from (ruled, near(ruled, -1, False)[0], near(ruled, 1, False)[0])
    yield from (pos / np.maximum(size - 1, 1), top3, bottom3)
    short = words <= 4
    yield from (np.log1p(words), short)
    gap = np.diff(numbers) > 1  # a blank line between a line and the next
    yield np.concatenate([[True], gap]) | (pos == 0)  # blank_before
    yield np.concatenate([gap, [True]]) | (pos == size - 1)  # blank_after
    yield np.log1p(_run_lengths(z > 0, spans.starts))
    yield from (z * short, z * (top3 | bottom3))


def weighted_sum(columns: Iterable[np.ndarray], weights: np.ndarray) -> np.ndarray:
    """The sum over j of ``weights[j] * columns[j]``, added in the columns' order, line by line:
    a line's sum does not depend on the lines beside it, as a BLAS product's rounding does."""
    total: np.ndarray | float = 0.0
    for weight, column in zip(weights, columns, strict=True):
        total = total + weight * column
    return np.asarray(total, dtype=np.float64)


def ruled_lines(hits: Sequence[RuleHit]) -> np.ndarray:
    """Whether a whole-line rule decides each line."""
    return np.array([hit.rule is not None for hit in hits], dtype=bool)


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


def _run_lengths(flags: np.ndarray, breaks: np.ndarray | None = None) -> np.ndarray:
    """For each position, the length of the run of equal flags it belongs to."""
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


def context_verdicts(
    line_p: np.ndarray, context_p: np.ndarray, limits: np.ndarray, words: np.ndarray,
    ruled: np.ndarray, breaks: np.ndarray | None = None,
) -> np.ndarray:
    """Which lines go once context has had its say (True: boilerplate).

    A line goes when its own score reaches its limit, unless context is sure it is article and
    its own score is not sure of itself (a short line of a table inside the article). Context
    drops a line its own score keeps only when that score is unsure (at least CONTEXT_FLOOR),
    the line is short, and it is joined to a line that goes on its own or by rule through
    lines context drops too (a share bar's short buttons next to its "Share this article:");
    a line its own score holds to be article never goes with its neighbours alone. ``breaks``:
    the first lines of the documents of a batch (a run never crosses into the next).
    """
    own = line_p >= limits
    rescued = own & (context_p < RESCUE_BELOW) & (line_p < SURE)
    seed = ruled | (own & ~rescued)
    cand = (~own & (context_p >= limits) & (line_p >= CONTEXT_FLOOR)
            & (words <= LONG_LINE_WORDS))
    member = seed | cand
    if not len(member):
        return member
    starts, lengths = _run_bounds(member, breaks)  # a run joined to a seed goes whole
    joined = member[starts] & (np.add.reduceat(seed, starts) > 0)
    return seed | (cand & np.repeat(joined, lengths))


def revise_with_context(
    line_p: np.ndarray, context_p: np.ndarray, limits: np.ndarray, words: np.ndarray,
    ruled: np.ndarray, breaks: np.ndarray | None = None,
) -> Verdicts:
    """Context-sensitive revision (context_verdicts); a line keeps its own score and the
    reason ``model`` unless context changed its verdict."""
    boiler = context_verdicts(line_p, context_p, limits, words, ruled, breaks)
    changed = boiler != (line_p >= limits)
    return Verdicts(np.where(changed, context_p, line_p), boiler, [None] * len(boiler),
                    ["context" if c else "model" for c in changed.tolist()])


def is_heading(text: str) -> bool:
    """Short, and not ending like a sentence or a label: a headline or subhead shape."""
    stripped = text.strip()
    return 0 < len(stripped.split()) <= HEADING_WORDS and stripped[-1] not in ".,;:!?|…»>"


def revise_headings(verdicts: Verdicts, texts: Sequence[str], words: np.ndarray,
                    spans: Spans) -> None:
    """A heading condemned by its neighbours alone is kept if article prose follows it.

    Headlines sit right above share bars, bylines and error widgets, so context alone would
    drag them into the block; jusText keeps headings near good paragraphs the same way.
    """
    boiler, reason = verdicts.boilerplate, verdicts.reason
    for i in [i for i, r in enumerate(reason) if r == "context"]:
        if not is_heading(texts[i]):
            continue
        following = range(i + 1, min(spans.last[i] + 1, i + 1 + MAX_HEADING_DISTANCE))
        if any(not boiler[j] and words[j] > LONG_LINE_WORDS for j in following):
            boiler[i], reason[i] = False, "context:heading"


def revise_with_repetition(
    verdicts: Verdicts, words: np.ndarray, repeated: Sequence[int], spans: Spans | None = None
) -> None:
    """Lines that recur in many documents of their site go unless the model is sure of them.

    The length-aware threshold protects a long line on the model's word alone; recurring across
    a site's documents is evidence of its own. A run of consecutive repeated lines (a site's
    appeal, footer or newsletter box) goes whole when most of its lines reach REPEATED_FLOOR, a
    lone repeated line when it does: a sentence the model is sure of (a quote carried by many
    reports) stays. A document made mostly of repeated lines is itself a copy (a page fetched
    twice, a syndicated story) and is left be.
    """
    counts = np.asarray(repeated)
    if not len(counts):
        return
    spans = spans or _one(len(counts))
    copies = (np.add.reduceat(np.where(counts > 0, words, 0.0), spans.starts)
              > MAX_REPEATED_SHARE * np.add.reduceat(words, spans.starts))
    boiler, reason = verdicts.boilerplate, verdicts.reason
    for start, end in runs(counts > 0, spans.starts):
        unsure = np.count_nonzero(verdicts.score[start:end] >= REPEATED_FLOOR)
        if counts[start] and not copies[spans.doc[start]] and 2 * unsure > end - start:
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


def _extend(score: np.ndarray, hits: Sequence[RuleHit], start: int, step: int,
            spans: Spans) -> int:
    """Walk from ``start`` while the next line, in its document, scores at least BLOCK_FLOOR
    or is a rule line."""
    end = start
    first, last = spans.first[start], spans.last[start]
    while (first <= end + step <= last and abs(end + step - start) < MAX_BLOCK_LINES
           and (score[end + step] >= BLOCK_FLOOR or hits[end + step].rule)):
        end += step
    return end


def expand_blocks(verdicts: Verdicts, hits: Sequence[RuleHit], spans: Spans) -> None:
    """Blocks bounded by rules: an appeal runs from its opener to its closing button.

    An opener runs to its closer, or without one on while its lines score high; a closer
    without an opener reaches back the same way over the lines that score high above it.
    """
    i = 0  # the first line not yet in a block
    for at in [at for at, hit in enumerate(hits) if hit.rule is not None]:
        if at < i:
            continue
        i = at
        if _role(hits[i], "opener"):
            label = hits[i].rule.label
            end = next((j for j in range(i + 1, min(spans.last[i] + 1, i + MAX_BLOCK_LINES))
                        if _role(hits[j], "closer", label)), None)
            start, end = i, _extend(verdicts.score, hits, i, 1, spans) if end is None else end
        elif _role(hits[i], "closer"):
            start, end = _extend(verdicts.score, hits, i, -1, spans), i
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
    boiler = verdicts.boilerplate
    best = labels[np.arange(len(boiler)), boiler.astype(np.intp)]
    verdicts.label = [LABELS[b] if label is None else label
                      for label, b in zip(verdicts.label, best.tolist())]


def decode(
    texts: Sequence[str],
    hits: Sequence[RuleHit],
    line_p: np.ndarray,
    context_p: np.ndarray,
    labels: np.ndarray,
    threshold: float,
    word_cost: float,
    keep: frozenset[str],
    words: np.ndarray,
    repeated: Sequence[int] | None = None,
    spans: Spans | None = None,
) -> Verdicts:
    """Run the decoding steps in order and return the verdicts on the non-blank lines
    ``texts``, each named and kept or not.

    ``words``: line_lengths of the lines. ``repeated`` gives, per line, in how many documents
    of its site it recurs (0: not repeated). ``spans``: the documents the lines are, end to
    end (one if None).
    """
    spans = spans or _one(len(texts))
    limits = drop_thresholds(words, threshold, word_cost)
    verdicts = revise_with_context(line_p, context_p, limits, words, ruled_lines(hits),
                                   spans.starts)
    revise_headings(verdicts, texts, words, spans)
    if repeated is not None:
        revise_with_repetition(verdicts, words, repeated, spans)
    apply_line_rules(verdicts, hits)
    expand_blocks(verdicts, hits, spans)
    assign_labels(verdicts, labels)
    verdicts.keep = np.fromiter(map(keep.__contains__, verdicts.label), dtype=bool,
                                count=len(texts))
    return verdicts
