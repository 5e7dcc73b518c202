"""Decoding on hand-made stage probabilities: the threshold, rules and blocks."""

from __future__ import annotations

import numpy as np

from cleaner.decode import Spans, Verdicts, decode, expand_blocks, rule_codes, stage_verdicts
from cleaner.rules import Rule, RuleHit, RuleSet

PLAIN = RuleHit(None, ())
OPENER = RuleHit(Rule("appeal", "donation_appeal", "x", role="opener"), ())
CLOSER = RuleHit(Rule("remind", "donation_appeal", "x", role="closer"), ())
LABELS = np.zeros((5, 2), dtype=np.int8)  # likeliest labels: content / title for every line


def _decode(stage_p, hits=None, threshold=0.5, spans=None):
    n = len(stage_p)
    verdicts = decode(["x"] * n, hits or [PLAIN] * n, np.array(stage_p), LABELS[:n].copy(),
                      np.full(n, threshold), frozenset({"content", "title"}), np.full(n, 3.0),
                      spans=spans)
    return verdicts.boilerplate.tolist(), verdicts.reason


def test_a_line_goes_when_the_stage_reaches_the_threshold():
    boiler, reasons = _decode([0.1, 0.5, 0.49, 0.99, 0.0])
    assert boiler == [False, True, False, True, False]
    assert reasons == ["sequence"] * 5


def test_scores_agree_with_the_decision():
    verdicts = stage_verdicts(np.array([0.9, 0.3, 0.1, 0.8, 0.2]), np.full(5, 0.5))
    for score, boilerplate in zip(verdicts.score, verdicts.boilerplate):
        assert (score >= 0.5) == boilerplate


def test_a_rule_decides_its_line_whatever_the_stage_says():
    ruled = RuleSet().match("Share on Facebook")
    assert ruled.rule is not None
    boiler, reasons = _decode([0.1, 0.1, 0.1], [PLAIN, ruled, PLAIN])
    assert boiler == [False, True, False]
    assert reasons[1] == f"rule:{ruled.rule.name}"


def test_an_opener_runs_to_its_closer_and_no_further():
    hits = [PLAIN, OPENER, PLAIN, CLOSER, PLAIN]
    boiler, reasons = _decode([0.1, 0.1, 0.1, 0.1, 0.9], hits)
    assert boiler == [False, True, True, True, True]
    assert reasons[2] == "block:appeal" and reasons[4] == "sequence"


def test_an_opener_without_closer_runs_over_the_lines_the_stage_drops():
    hits = [PLAIN, OPENER, PLAIN, PLAIN, PLAIN]
    boiler, _ = _decode([0.9, 0.1, 0.8, 0.1, 0.9], hits)
    assert boiler == [True, True, True, False, True]


def test_a_block_ends_at_its_documents_edge():
    hits = [PLAIN, OPENER, PLAIN, PLAIN]  # the opener closes the first of two documents

    def blocks(spans):
        v = Verdicts(np.array([0.1, 0.9, 0.8, 0.8]), np.array([False, True, True, True]),
                     [None] * 4, ["sequence"] * 4)
        v.boilerplate[2:] = True
        expand_blocks(v, hits, spans)
        return v.reason

    assert blocks(Spans.of([4]))[2:] == ["block:appeal", "block:appeal"]
    assert blocks(Spans.of([2, 2]))[2:] == ["sequence", "sequence"]


def test_rule_codes_tell_openers_and_closers_apart():
    ruled = RuleSet().match("Share on Facebook")
    assert rule_codes([PLAIN, ruled, OPENER, CLOSER]).tolist() == [0, 1, 2, 3]
