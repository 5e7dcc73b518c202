"""Text to lines and back: the only place that knows about line breaks and layout."""

from __future__ import annotations

from collections.abc import Sequence

from cleaner.document import Line


def segment(text: str) -> list[Line]:
    """Split ``text`` into numbered lines; CRLF and lone CR count as line breaks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    if not text:
        return []
    return [Line(number, raw) for number, raw in enumerate(text.split("\n"), start=1)]


def render(lines: Sequence[Line], keep: Sequence[bool]) -> str:
    """Join the kept lines in order, keeping paragraph breaks.

    Blank input lines become paragraph breaks; at most one blank line in a row, none at the
    start or end, no trailing whitespace, one final newline (or nothing when nothing is kept).
    """
    out: list[str] = []
    pending_break = False
    for line, kept in zip(lines, keep, strict=True):
        if line.blank:
            pending_break = True
        elif kept:
            if pending_break and out:
                out.append("")
            out.append(line.text.rstrip())
            pending_break = False
    return "\n".join(out) + "\n" if out else ""


def shown_lines(lines: Sequence[Line], keep: Sequence[bool]) -> list[Line]:
    """The non-blank lines of ``segment(render(lines, keep))``, without rendering and splitting
    the text again: each kept line, its trailing whitespace gone, numbered as the output shows
    it (one blank line where render puts a paragraph break)."""
    out: list[Line] = []
    number = 0
    pending_break = False
    for line, kept in zip(lines, keep, strict=True):
        if line.blank:
            pending_break = True
        elif kept:
            number += 2 if pending_break and out else 1
            out.append(Line(number, line.text.rstrip()))
            pending_break = False
    return out
