"""Scoring as WCXB (word bag P/R/F1) and trafilatura (normalised snippet matching) define it."""

from __future__ import annotations

import pytest

from cleaner.training.metrics import normalize, prf, snippets_present, word_counts, word_prf


def test_word_counts_lowercase_bag_with_multiplicity() -> None:
    assert word_counts("The cat, the HAT! Straße 42") == {
        "the": 2, "cat": 1, "hat": 1, "straße": 1, "42": 1,
    }


def test_word_prf_multiset_overlap() -> None:
    # predicted: a a b c (4 words), truth: a b b d (4 words); overlap {a: 1, b: 1} = 2
    p, r, f = word_prf("a a b c", "A b, b d")
    assert (p, r) == (0.5, 0.5)
    assert f == pytest.approx(0.5)


def test_word_prf_edge_cases() -> None:
    assert word_prf("", "") == (1.0, 1.0, 1.0)
    assert word_prf("...", " ") == (1.0, 1.0, 1.0)
    assert word_prf("", "some text") == (0.0, 0.0, 0.0)
    assert word_prf("some text", "") == (0.0, 0.0, 0.0)
    assert word_prf("x y", "z") == (0.0, 0.0, 0.0)


def test_normalize_collapses_whitespace_only() -> None:
    assert normalize("  Foo\n\tbar \u00a0 Baz  ") == "Foo bar Baz"


def test_snippets_present_is_case_sensitive_substring_over_lines() -> None:
    text = "First line of text\nsecond   line.\nShare to Facebook"
    snippets = ["of text second line", "share to facebook", "Share to  Facebook", "absent"]
    assert snippets_present(text, snippets) == 2


def test_prf_counts_and_empty_denominators() -> None:
    assert prf(3, 1, 1) == (0.75, 0.75, pytest.approx(0.75))
    assert prf(0, 0, 0) == (0.0, 0.0, 0.0)
    assert prf(0, 2, 0) == (0.0, 0.0, 0.0)
