"""The whole pipeline on arbitrary text: never fails, only ever removes whole lines, in order."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import Cleaner, clean

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
