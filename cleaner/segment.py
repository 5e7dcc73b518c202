"""Text to lines and back: the only place that knows about line breaks and layout."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import compress
from operator import not_

import numpy as np

from cleaner.document import Line


def segment(text: str) -> list[Line]:
    """Split ``text`` into numbered lines; CRLF and lone CR count as line breaks."""
    parts = split_lines(text)
    return list(map(Line, range(1, len(parts) + 1), parts))


def split_lines(text: str) -> list[str]:
    """The texts of segment's lines, without making Line objects."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    parts = text.split("\n")  # not text[:-1].split: a copy of a 20 MB text costs 40 MB
    if text.endswith("\n"):
        parts.pop()
    return [] if parts == [""] else parts


def blank_lines(texts: Sequence[str]) -> np.ndarray:
    """Whether each text is blank (Line.blank: empty or white space only), without a Python
    call a line: ``not t.strip()`` is ``not t or t.isspace()``."""
    n = len(texts)
    return np.fromiter(map(not_, texts), bool, n) | np.fromiter(map(str.isspace, texts), bool, n)


def render(texts: Sequence[str], keep: Sequence[bool]) -> str:
    """Join the kept lines (``texts``: every line's, as split_lines gives them) in order,
    keeping paragraph breaks.

    Blank input lines become paragraph breaks; at most one blank line in a row, none at the
    start or end, no trailing whitespace, one final newline (or nothing when nothing is kept).
    """
    out: list[str] = []
    pending_break = False
    for text, kept in zip(texts, keep, strict=True):
        if not text.strip():
            pending_break = True
        elif kept:
            if pending_break and out:
                out.append("")
            out.append(text.rstrip())
            pending_break = False
    if out:
        out.append("")  # the final newline, without copying the joined text to add it
    return "\n".join(out)


def shown_lines(texts: Sequence[str], keep: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """The numbers and texts of the non-blank lines of ``split_lines(render(texts, keep))``,
    without rendering and splitting the text again: each kept line, its trailing whitespace
    gone, numbered as the output shows it (one blank line where render puts a paragraph break:
    between two kept lines with a blank line anywhere between them)."""
    blank = blank_lines(texts)
    shown = keep & ~blank
    blanks_before = np.cumsum(blank)[shown]
    steps = np.ones(len(blanks_before), dtype=np.int64)
    steps[1:] += np.diff(blanks_before) > 0
    # in place, and the texts picked by flags, not positions: no more arrays or ints a line
    return np.cumsum(steps, out=steps), list(map(str.rstrip, compress(texts, shown.tolist())))
