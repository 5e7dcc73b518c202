"""The context step on hand-made scores: what context may keep and what it may drop."""

from __future__ import annotations

import numpy as np

from cleaner.decode import (
    CONTEXT_FLOOR,
    SURE,
    Spans,
    Verdicts,
    context_features,
    expand_blocks,
    revise_with_context,
)
from cleaner.rules import Rule, RuleHit, RuleSet

LIMITS = np.full(5, 0.5)
SHORT = np.full(5, 3.0)  # words per line


def _revise(line_p: list[float], context_p: list[float], ruled: list[bool] | None = None,
            words: np.ndarray = SHORT):
    verdicts = revise_with_context(np.array(line_p), np.array(context_p), LIMITS, words,
                                   np.array(ruled or [False] * 5))
    return verdicts.boilerplate.tolist(), verdicts.reason


def test_context_alone_drops_no_line_its_own_score_keeps():
    # The last line looks like boilerplate only to the context model (a short line at the edge
    # of the text): with no boilerplate beside it, it stays.
    assert _revise([0.1, 0.1, 0.1, 0.1, 0.3], [0.1, 0.1, 0.1, 0.2, 0.7]) == (
        [False] * 5, ["model"] * 5)


def test_context_drops_unsure_lines_joined_to_a_dropped_line():
    # Line 1 goes on its own score (context agrees). Lines 2-3 are unsure on their own, look
    # like boilerplate to the context model and are joined to it; so does line 5, but the kept
    # line 4 cuts it off.
    boiler, reasons = _revise([0.9, 0.3, 0.4, 0.1, 0.3], [0.9, 0.8, 0.6, 0.2, 0.7])
    assert boiler == [True, True, True, False, False]
    assert reasons == ["model", "context", "context", "model", "model"]


def test_a_line_its_own_score_holds_to_be_article_never_goes_with_its_neighbours():
    # A news sentence next to a newsletter prompt: context says boilerplate, the sentence's
    # own score says article.
    low = CONTEXT_FLOOR / 2
    boiler, reasons = _revise([low, 0.95, low, low, low], [0.9, 0.95, 0.9, 0.1, 0.1])
    assert boiler == [False, True, False, False, False]
    assert reasons == ["model"] * 5


def test_context_never_drops_a_long_line():
    words = np.array([3.0, 40.0, 3.0, 3.0, 3.0])
    boiler, _ = _revise([0.9, 0.4, 0.1, 0.1, 0.1], [0.9, 0.9, 0.1, 0.1, 0.1], words=words)
    assert boiler == [True, False, False, False, False]


def test_a_rule_line_starts_a_chain_like_a_dropped_one():
    boiler, _ = _revise([0.1, 0.3, 0.1, 0.1, 0.1], [0.1, 0.6, 0.1, 0.1, 0.1],
                        [True, False, False, False, False])
    assert boiler == [True, True, False, False, False]


def test_context_keeps_an_unsure_line_only_its_own_score_drops():
    boiler, reasons = _revise([0.1, 0.8, 0.1, 0.1, 0.1], [0.1, 0.2, 0.1, 0.1, 0.1])
    assert boiler == [False] * 5
    assert reasons[1] == "context"


def test_a_confident_line_survives_a_neutral_or_kind_context():
    for context in (0.45, 0.2):
        boiler, reasons = _revise([0.1, SURE, 0.1, 0.1, 0.1], [0.1, context, 0.1, 0.1, 0.1])
        assert boiler == [False, True, False, False, False]
        assert reasons[1] == "model"
    boiler, _ = _revise([0.1, 0.8, 0.1, 0.1, 0.1], [0.1, 0.45, 0.1, 0.1, 0.1])
    assert boiler[1], "a neutral context rescues nothing"


def test_scores_agree_with_the_decision():
    verdicts = revise_with_context(np.array([0.9, 0.3, 0.1, 0.8, 0.2]),
                                   np.array([0.9, 0.8, 0.6, 0.2, 0.7]), LIMITS, SHORT,
                                   np.zeros(5, dtype=bool))
    for score, boilerplate, limit in zip(verdicts.score, verdicts.boilerplate, LIMITS):
        assert (score >= limit) == boilerplate


def test_context_never_reaches_across_a_documents_edge():
    # Two documents end to end: the first ends with a line that goes, the second begins with
    # an unsure short line that context would drop next to it.
    line_p, context_p = np.array([0.1, 0.9, 0.3, 0.1]), np.array([0.1, 0.9, 0.8, 0.1])
    limits, words, ruled = np.full(4, 0.5), np.full(4, 3.0), np.zeros(4, dtype=bool)
    joined = revise_with_context(line_p, context_p, limits, words, ruled)
    assert joined.boilerplate.tolist() == [False, True, True, False]
    apart = revise_with_context(line_p, context_p, limits, words, ruled, Spans.of([2, 2]).starts)
    assert apart.boilerplate.tolist() == [False, True, False, False]


def test_context_features_of_a_batch_are_each_documents():
    hit = RuleSet().match("Share on Facebook")
    numbers, logits = np.array([1, 2, 4, 1, 3, 4, 5]), np.array([2.0, -1, 9, -3, 0.5, 1, -2])
    words, hits = np.array([3.0, 12, 1, 8, 2, 30, 5]), [hit] + [RuleSet().match("x")] * 6
    batch = context_features(numbers, hits, logits, words, Spans.of([3, 4]))
    alone = [context_features(numbers[a:b], hits[a:b], logits[a:b], words[a:b])
             for a, b in ((0, 3), (3, 7))]
    assert np.array_equal(batch, np.vstack(alone))


def test_a_block_ends_at_its_documents_edge():
    opener = RuleHit(Rule("appeal", "donation_appeal", "x", role="opener"), ())
    plain = RuleHit(None, ())
    hits = [plain, opener, plain, plain]  # the opener closes the first of two documents

    def blocks(spans):
        v = Verdicts(np.array([0.1, 0.9, 0.8, 0.8]), np.zeros(4, dtype=bool), [None] * 4,
                     ["model"] * 4)
        expand_blocks(v, hits, spans)
        return v.boilerplate.tolist()

    assert blocks(Spans.of([4])) == [False, True, True, True]
    assert blocks(Spans.of([2, 2])) == [False, True, False, False]
