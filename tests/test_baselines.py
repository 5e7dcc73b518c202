"""The C4 and FineWeb line rules the cleaner is compared with."""

from __future__ import annotations

import pytest

from cleaner.training.baselines import BASELINES, c4_keep, fineweb_keep

SENTENCE = "The council approved the budget on Wednesday."


@pytest.mark.parametrize("line", [
    SENTENCE,
    "Did the council approve the budget?",
    'He said: "we will build it."',
    "Il a dit : « nous le ferons »",
    "Sie sagte: „Wir bauen es.“",
    "And then the lights went out…",
])
def test_c4_keeps_sentences_ending_in_terminal_punctuation(line: str) -> None:
    assert c4_keep(line)
    assert fineweb_keep(line)


@pytest.mark.parametrize("line", [
    "Share this article",              # no terminal punctuation
    "Read more here",
    "Subscribe to our newsletter today",
])
def test_c4_drops_lines_without_terminal_punctuation(line: str) -> None:
    assert not c4_keep(line)
    assert fineweb_keep(line)


@pytest.mark.parametrize("line", [
    "Next.",                            # fewer than 3 words
    "Read more.",
    "Please enable JavaScript to view the comments.",
    "By using this site you agree to our Privacy Policy.",
    "This website uses cookies to improve your experience.",
    "We use cookies on this site.",
    "See our Cookie Policy for details.",
    "Read the Terms of Use before posting.",
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit.",
])
def test_both_drop_short_script_policy_and_placeholder_lines(line: str) -> None:
    assert not c4_keep(line)
    assert not fineweb_keep(line)


def test_baselines_table() -> None:
    assert list(BASELINES) == ["no cleaning", "C4 line rules", "FineWeb line rules"]
    assert BASELINES["no cleaning"]("")
    assert BASELINES["C4 line rules"] is c4_keep
    assert BASELINES["FineWeb line rules"] is fineweb_keep
