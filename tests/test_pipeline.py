"""The whole pipeline on arbitrary text: never fails, only ever removes whole lines, in order,
and a second pass keeps what the model kept on a long line's own score."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import Cleaner, clean
from cleaner.decode import LONG_LINE_WORDS
from cleaner.document import ARTICLE_LABELS
from cleaner.repetition import count_repeats

LINE = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80),
    st.sampled_from([
        "", "Share", "Advertisement", "Oops!", "Something went wrong.", "Read more: x",
        "A Message from The Daily Planet:", "Remind me later.", "By Jane Doe",
        "The minister said the plan would be published next week.",
    ]),
)


def _is_ordered_subset(output: str, source: str) -> bool:
    candidates = [line.rstrip() for line in source.replace("\r\n", "\n").replace("\r", "\n")
                  .split("\n")]
    pos = 0
    for line in output.split("\n"):
        if not line:
            continue
        try:
            pos = candidates.index(line, pos) + 1
        except ValueError:
            return False
    return True


@settings(max_examples=150, deadline=None)
@given(st.lists(LINE, max_size=25))
def test_output_is_in_order_subset_of_input(lines):
    text = "\n".join(lines)
    out = clean(text)
    assert _is_ordered_subset(out, text)
    assert out == "" or (out.endswith("\n") and not out.endswith("\n\n"))
    assert "\n\n\n" not in out
    assert all(line == line.rstrip() for line in out.split("\n"))


@settings(max_examples=50, deadline=None)
@given(st.lists(LINE, max_size=25))
def test_one_decision_per_nonblank_line(lines):
    text = "\n".join(lines)
    result = _CLEANER.explain(text)
    nonblank = [i for i, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n")
                                           .split("\n"), start=1) if line.strip()]
    assert [d.number for d in result.decisions] == nonblank
    kept_text = "\n".join(d.text.rstrip() for d in result.decisions if d.keep)
    assert "\n".join(x for x in result.text.split("\n") if x) == kept_text


_CLEANER = Cleaner()

# Every code point: lone surrogates (JSON can hold them), controls, NUL, every line separator.
ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=()), max_size=300)


@settings(max_examples=150, deadline=None)
@given(ANY_TEXT)
def test_any_unicode_text_with_and_without_repetition_evidence(text):
    # The text is one of three documents of a one-document-minimum site: every line repeats.
    index = count_repeats([("s", text + suffix) for suffix in ("", "\na", "\nb")],
                          min_site_docs=1)
    for result in (_CLEANER.explain(text), _CLEANER.explain(text, index.site("s"))):
        assert _is_ordered_subset(result.text, text)
        assert all(0 <= d.score <= 1 and d.label for d in result.decisions)


WORD = st.text(alphabet=st.characters(whitelist_categories=("L", "N")), min_size=1, max_size=12)
LONG_LINE = st.lists(WORD, min_size=LONG_LINE_WORDS + 1, max_size=40).map(" ".join)


def _second_pass_losses(text: str) -> tuple[list[str], int]:
    """Lines the first pass kept on their own score, more than LONG_LINE_WORDS words long, that
    a second pass over the cleaned text drops; and how many such lines there were."""
    first = _CLEANER.explain(text)
    second = _CLEANER.explain(first.text)
    kept = [d for d in first.decisions if d.keep]
    assert [d.text.rstrip() for d in kept] == [d.text for d in second.decisions]
    assert all(d.label in ARTICLE_LABELS for d in kept)
    own = [(before, after) for before, after in zip(kept, second.decisions)
           if before.reason == "model" and len(before.text.split()) > LONG_LINE_WORDS]
    return [after.text for _, after in own if not after.keep], len(own)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(LINE, LONG_LINE), max_size=25))
def test_second_pass_keeps_long_lines_kept_on_their_own_score(lines):
    """Cleaning cleaned text again drops no line of more than LONG_LINE_WORDS words that the
    first pass kept as article on its own score (reason ``model``).

    Such a line's own P(boilerplate) is below its drop threshold, and a long line is dropped
    only when its own score and its context's both reach it (decode.revised_probability); the
    second pass sees no rule lines (the first dropped them all), so no block either.

    What does not hold: a shorter line, or one kept because of its context, may go on the second
    pass, whose context differs (the boilerplate around it is gone). With the model of
    2026-11-23, hypothesis finds ``"<\n0"`` (the model keeps "<" beside "0", drops it alone),
    and on the train pages of ../shared/corpora the second pass drops 148 of the 107,684 lines
    the first kept (849 of 2.24 million words; README, "What happens with bad input").
    """
    lost, _ = _second_pass_losses("\n".join(lines))
    assert lost == []


def test_second_pass_keeps_long_lines_of_the_samples():
    samples = sorted((Path(__file__).parent.parent / "data" / "samples").glob("*.txt"))
    checked = 0
    for path in samples:
        lost, n = _second_pass_losses(path.read_text(encoding="utf-8"))
        assert lost == [], path.name
        checked += n
    assert checked >= 20  # the property is not vacuous on real text


def test_cleaner_pickles_and_agrees(cleaner: Cleaner):
    text = "Title\n\nShare\n\nThe council met on Monday to discuss the budget for next year.\n"
    copy = pickle.loads(pickle.dumps(cleaner))
    assert copy.explain(text) == cleaner.explain(text)


def test_empty_and_blank_input(cleaner: Cleaner):
    assert cleaner.clean("") == ""
    assert cleaner.clean("\n\n  \n") == ""
    assert cleaner.explain("").decisions == ()


def test_unknown_keep_label_is_refused():
    with pytest.raises(ValueError, match="unknown labels"):
        Cleaner(keep={"content", "headline"})
