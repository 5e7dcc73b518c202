import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from cleaner.segment import blank_lines, render, segment, shown_lines, split_lines


def test_line_endings_and_numbers():
    lines = segment("a\r\nb\rc\n\nd\n")
    got = [(ln.number, ln.text) for ln in lines]
    assert got == [(1, "a"), (2, "b"), (3, "c"), (4, ""), (5, "d")]


def test_render_layout():
    lines = split_lines("Title  \n\n  x\n\n\nBody one\nBody two\n\n")
    keep = [True, True, False, True, True, True, True, True]
    assert render(lines, keep) == "Title\n\nBody one\nBody two\n"


def test_render_nothing_kept():
    assert render(split_lines("a\nb"), [False, False]) == ""


def test_render_collapses_breaks_around_dropped_lines():
    assert render(split_lines("A\n\nX\n\nB"), [True, True, False, True, True]) == "A\n\nB\n"


@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)),
       st.randoms())
def test_render_is_in_order_subset(parts, rnd):
    lines = split_lines("\n".join(parts))
    keep = [rnd.random() < 0.5 for _ in lines]
    out = render(lines, keep).split("\n")
    source = [text.rstrip() for text in lines]
    pos = 0
    for line in (x for x in out if x):
        pos = source.index(line, pos) + 1


@given(st.lists(st.tuples(st.sampled_from(["", " ", "a", "b  ", " c\t", "d e", "\u3000"]),
                          st.booleans()), max_size=30))
def test_shown_lines_are_the_rendered_text_segmented(rows):
    lines = split_lines("\n".join(text for text, _ in rows))
    keep = np.array([kept for _, kept in rows][: len(lines)], dtype=bool)
    shown = [line for line in segment(render(lines, keep)) if not line.blank]
    numbers, texts = shown_lines(lines, keep)
    assert (numbers.tolist(), texts) == ([line.number for line in shown],
                                         [line.text for line in shown])


@given(st.lists(st.text(max_size=6)))
def test_blank_lines_are_line_blank(texts):
    assert blank_lines(texts).tolist() == [not t.strip() for t in texts]
