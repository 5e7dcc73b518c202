"""The context step on hand-made scores: what context may keep and what it may drop."""

from __future__ import annotations

import numpy as np

from cleaner.decode import revise_with_context

LIMITS = np.full(5, 0.5)


def _revise(line_p: list[float], context_p: list[float], ruled: list[bool] | None = None):
    verdicts = revise_with_context(np.array(line_p), np.array(context_p), LIMITS,
                                   np.array(ruled or [False] * 5))
    return [v.boilerplate for v in verdicts], [v.reason for v in verdicts]


def test_context_alone_drops_no_line_its_own_score_keeps():
    # The last line looks like boilerplate only to the context model (a short line at the edge
    # of the text): with no boilerplate beside it, it stays.
    assert _revise([0.1, 0.1, 0.1, 0.1, 0.3], [0.1, 0.1, 0.1, 0.2, 0.7]) == (
        [False] * 5, ["model"] * 5)


def test_context_drops_lines_joined_to_a_dropped_line():
    # Line 1 goes on its own score (context agrees). Lines 2-3 look like boilerplate only to
    # the context model and are joined to it; so does line 5, but the kept line 4 cuts it off.
    boiler, reasons = _revise([0.9, 0.3, 0.2, 0.1, 0.1], [0.9, 0.8, 0.6, 0.2, 0.7])
    assert boiler == [True, True, True, False, False]
    assert reasons == ["model", "context", "context", "model", "model"]


def test_a_rule_line_starts_a_chain_like_a_dropped_one():
    boiler, _ = _revise([0.1, 0.1, 0.1, 0.1, 0.1], [0.1, 0.6, 0.1, 0.1, 0.1],
                        [True, False, False, False, False])
    assert boiler == [True, True, False, False, False]


def test_context_keeps_a_line_only_its_own_score_drops():
    boiler, reasons = _revise([0.1, 0.8, 0.1, 0.1, 0.1], [0.1, 0.3, 0.1, 0.1, 0.1])
    assert boiler == [False] * 5
    assert reasons[1] == "context"


def test_scores_agree_with_the_decision():
    verdicts = revise_with_context(np.array([0.9, 0.3, 0.1, 0.8, 0.2]),
                                   np.array([0.9, 0.8, 0.6, 0.3, 0.7]), LIMITS,
                                   np.zeros(5, dtype=bool))
    for v, limit in zip(verdicts, LIMITS):
        assert (v.score >= limit) == v.boilerplate
