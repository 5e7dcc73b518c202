"""Decoding: from line-level scores to decisions, using context.

Boilerplate comes in blocks (an appeal runs from its opener to its closing button, a share bar
sits at the top or bottom, a UI error widget is a few short lines) and a short line inside the
article is still the article. As in jusText, a context-free verdict per line is revised by a
context-sensitive step; each step is a named function and records what it changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cleaner.document import LABELS, Decision, Line
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


def context_features(
    lines: Sequence[Line], hits: Sequence[RuleHit], logits: np.ndarray, words: np.ndarray
) -> np.ndarray:
    """One row per non-blank line describing it and its neighbours (see CONTEXT_FEATURES);
    ``words``: line_lengths of the lines."""
    n = len(lines)
    out = np.empty((n, len(CONTEXT_FEATURES)))  # filled column by column: few temporaries
    col = dict(zip(CONTEXT_FEATURES, out.T))
    z = col["z"]
    z[:] = np.clip(np.asarray(logits, dtype=np.float64), -_CLIP, _CLIP)
    pad = np.concatenate([np.zeros(2), z, np.zeros(2)])
    col["z_prev"][:] = pad[1:-3]
    col["z_next"][:] = pad[3:-1]
    col["z_prev2"][:] = pad[:-4]
    col["z_next2"][:] = pad[4:]
    del pad
    idx = np.arange(n)
    col["no_prev"][:] = idx == 0
    col["no_next"][:] = idx == n - 1
    csum = np.concatenate([[0.0], np.cumsum(z)])
    lo = np.maximum(idx - _WINDOW, 0)
    hi = np.minimum(idx + _WINDOW + 1, n)
    col["z_window_mean"][:] = (csum[hi] - csum[lo] - z) / np.maximum(hi - lo - 1, 1)
    del csum, lo, hi
    np.maximum(col["z_prev"], col["z_next"], out=col["z_neighbour_max"])
    np.minimum(col["z_prev"], col["z_next"], out=col["z_neighbour_min"])
    ruled = col["rule"]
    ruled[:] = ruled_lines(hits)
    col["rule_prev"][:] = np.concatenate([[0.0], ruled[:-1]]) if n else ruled
    col["rule_next"][:] = np.concatenate([ruled[1:], [0.0]]) if n else ruled
    col["position"][:] = idx / max(n - 1, 1)
    col["top3"][:] = idx < 3
    col["bottom3"][:] = idx >= n - 3
    np.log1p(words, out=col["log_words"])
    short = col["short"]
    short[:] = words <= 4
    numbers = np.array([line.number for line in lines])
    gaps = np.diff(numbers) > 1
    col["blank_before"][:] = np.concatenate([[True], gaps]) if n else gaps
    col["blank_after"][:] = np.concatenate([gaps, [True]]) if n else gaps
    np.log1p(_run_lengths(z > 0), out=col["log_run"])
    np.multiply(z, short, out=col["z_short"])
    np.multiply(z, (idx < 3) | (idx >= n - 3), out=col["z_edge"])
    return out


def ruled_lines(hits: Sequence[RuleHit]) -> np.ndarray:
    """Whether a whole-line rule decides each line."""
    return np.array([hit.rule is not None for hit in hits], dtype=bool)


def runs(flags: Sequence) -> list[tuple[int, int]]:
    """The runs of equal consecutive flags, as ``(start, end)`` slices in order."""
    flags = np.asarray(flags)
    bounds = [0, *(np.flatnonzero(flags[1:] != flags[:-1]) + 1).tolist(), len(flags)]
    return list(zip(bounds[:-1], bounds[1:])) if len(flags) else []


def _run_bounds(flags: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The starts and lengths of the runs of equal consecutive flags (non-empty ``flags``)."""
    starts = np.concatenate([[0], np.flatnonzero(flags[1:] != flags[:-1]) + 1])
    return starts, np.diff(np.append(starts, len(flags)))


def _run_lengths(flags: np.ndarray) -> np.ndarray:
    """For each position, the length of the run of equal flags it belongs to."""
    if not len(flags):
        return np.zeros(0)
    _, lengths = _run_bounds(flags)
    return np.repeat(lengths, lengths).astype(np.float64)


@dataclass(slots=True)
class Verdict:
    """A line's state while decoding; becomes a Decision at the end."""

    score: float
    boilerplate: bool
    label: str | None = None
    reason: str = "model"


def line_lengths(lines: Sequence[Line]) -> np.ndarray:
    """Words per line, the unit in which a wrongly dropped line costs."""
    return np.fromiter((len(line.text.split()) for line in lines), dtype=np.float64,
                       count=len(lines))


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
    ruled: np.ndarray,
) -> np.ndarray:
    """Which lines go once context has had its say (True: boilerplate).

    A line goes when its own score reaches its limit, unless context is sure it is article and
    its own score is not sure of itself (a short line of a table inside the article). Context
    drops a line its own score keeps only when that score is unsure (at least CONTEXT_FLOOR),
    the line is short, and it is joined to a line that goes on its own or by rule through
    lines context drops too (a share bar's short buttons next to its "Share this article:");
    a line its own score holds to be article never goes with its neighbours alone.
    """
    own = line_p >= limits
    rescued = own & (context_p < RESCUE_BELOW) & (line_p < SURE)
    seed = ruled | (own & ~rescued)
    cand = (~own & (context_p >= limits) & (line_p >= CONTEXT_FLOOR)
            & (words <= LONG_LINE_WORDS))
    member = seed | cand
    if not len(member):
        return member
    starts, lengths = _run_bounds(member)  # a run of members joined to a seed goes whole
    joined = member[starts] & (np.add.reduceat(seed, starts) > 0)
    return seed | (cand & np.repeat(joined, lengths))


def revise_with_context(
    line_p: np.ndarray, context_p: np.ndarray, limits: np.ndarray, words: np.ndarray,
    ruled: np.ndarray,
) -> list[Verdict]:
    """Context-sensitive revision (context_verdicts); a line keeps its own score and the
    reason ``model`` unless context changed its verdict."""
    boiler = context_verdicts(line_p, context_p, limits, words, ruled)
    changed = boiler != (line_p >= limits)
    reasons = ["context" if c else "model" for c in changed.tolist()]
    return list(map(Verdict, np.where(changed, context_p, line_p).tolist(), boiler.tolist(),
                    [None] * len(reasons), reasons))


def is_heading(text: str) -> bool:
    """Short, and not ending like a sentence or a label: a headline or subhead shape."""
    stripped = text.strip()
    return 0 < len(stripped.split()) <= HEADING_WORDS and stripped[-1] not in ".,;:!?|…»>"


def revise_headings(verdicts: list[Verdict], lines: Sequence[Line]) -> None:
    """A heading condemned by its neighbours alone is kept if article prose follows it.

    Headlines sit right above share bars, bylines and error widgets, so context alone would
    drag them into the block; jusText keeps headings near good paragraphs the same way.
    """
    for i, (v, line) in enumerate(zip(verdicts, lines)):
        if v.reason != "context" or not is_heading(line.text):
            continue
        following = range(i + 1, min(len(lines), i + 1 + MAX_HEADING_DISTANCE))
        if any(not verdicts[j].boilerplate and len(lines[j].text.split()) > LONG_LINE_WORDS
               for j in following):
            v.boilerplate, v.reason = False, "context:heading"


def revise_with_repetition(
    verdicts: list[Verdict], words: np.ndarray, repeated: Sequence[int]
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
    if words[counts > 0].sum() > MAX_REPEATED_SHARE * words.sum():
        return
    for start, end in runs(counts > 0):
        run = verdicts[start:end]
        unsure = [v.score >= REPEATED_FLOOR for v in run]
        if counts[start] and 2 * sum(unsure) > len(run):
            for v, docs in zip(run, counts[start:end]):
                if not v.boilerplate:
                    v.boilerplate, v.reason = True, f"repeated:{docs}docs"


def apply_line_rules(verdicts: list[Verdict], hits: Sequence[RuleHit]) -> None:
    """A whole-line rule decides its line outright."""
    for v, hit in zip(verdicts, hits):
        if hit.rule is not None:
            v.boilerplate, v.label, v.reason = True, hit.rule.label, f"rule:{hit.rule.name}"


def _role(hit: RuleHit, role: str, label: str | None = None) -> bool:
    rule = hit.rule
    return rule is not None and rule.role == role and label in (None, rule.label)


def _extend(verdicts: list[Verdict], hits: Sequence[RuleHit], start: int, step: int) -> int:
    """Walk from ``start`` while the next line scores at least BLOCK_FLOOR or is a rule line."""
    end = start
    while (0 <= end + step < len(verdicts) and abs(end + step - start) < MAX_BLOCK_LINES
           and (verdicts[end + step].score >= BLOCK_FLOOR or hits[end + step].rule)):
        end += step
    return end


def expand_blocks(verdicts: list[Verdict], hits: Sequence[RuleHit]) -> None:
    """Blocks bounded by rules: an appeal runs from its opener to its closing button.

    An opener runs to its closer, or without one on while its lines score high; a closer
    without an opener reaches back the same way over the lines that score high above it.
    """
    n = len(verdicts)
    i = 0
    while i < n:
        if _role(hits[i], "opener"):
            label = hits[i].rule.label
            end = next((j for j in range(i + 1, min(n, i + MAX_BLOCK_LINES))
                        if _role(hits[j], "closer", label)), None)
            start, end = i, _extend(verdicts, hits, i, 1) if end is None else end
        elif _role(hits[i], "closer"):
            start, end = _extend(verdicts, hits, i, -1), i
        else:
            i += 1
            continue
        rule = hits[start].rule if _role(hits[start], "opener") else hits[end].rule
        for v in verdicts[start : end + 1]:
            if not v.reason.startswith("rule:"):
                v.boilerplate, v.label, v.reason = True, rule.label, f"block:{rule.name}"
        i = end + 1


def assign_labels(verdicts: list[Verdict], labels: np.ndarray) -> None:
    """Name each line: the likeliest boilerplate label if dropped, article label if kept
    (``labels``: scores.likeliest_labels)."""
    boiler = np.fromiter((v.boilerplate for v in verdicts), dtype=np.intp, count=len(verdicts))
    best = labels[np.arange(len(verdicts)), boiler]
    for v, b in zip(verdicts, best.tolist()):
        if v.label is None:
            v.label = LABELS[b]


def decode(
    lines: Sequence[Line],
    hits: Sequence[RuleHit],
    line_p: np.ndarray,
    context_p: np.ndarray,
    labels: np.ndarray,
    threshold: float,
    word_cost: float,
    keep: frozenset[str],
    words: np.ndarray,
    repeated: Sequence[int] | None = None,
) -> list[Decision]:
    """Run the decoding steps in order and return one decision per non-blank line.

    ``words``: line_lengths of the lines. ``repeated`` gives, per line, in how many documents
    of its site it recurs (0: not repeated).
    """
    limits = drop_thresholds(words, threshold, word_cost)
    verdicts = revise_with_context(line_p, context_p, limits, words, ruled_lines(hits))
    revise_headings(verdicts, lines)
    if repeated is not None:
        revise_with_repetition(verdicts, words, repeated)
    apply_line_rules(verdicts, hits)
    expand_blocks(verdicts, hits)
    assign_labels(verdicts, labels)
    return [
        Decision(line.number, line.text, v.label, v.label in keep, v.score, v.reason)
        for line, v in zip(lines, verdicts)
    ]
