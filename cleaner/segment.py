"""Text to lines and back: the only place that knows about line breaks and layout."""

from __future__ import annotations

from collections.abc import Sequence

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
    if out:
        out.append("")  # the final newline, without copying the joined text to add it
    return "\n".join(out)


def shown_lines(lines: Sequence[Line], keep: Sequence[bool]) -> tuple[list[int], list[str]]:
    """The numbers and texts of the non-blank lines of ``segment(render(lines, keep))``,
    without rendering and splitting the text again: each kept line, its trailing whitespace
    gone, numbered as the output shows it (one blank line where render puts a paragraph
    break)."""
    numbers: list[int] = []
    texts: list[str] = []
    number = 0
    pending_break = False
    for line, kept in zip(lines, keep, strict=True):
        if line.blank:
            pending_break = True
        elif kept:
            number += 2 if pending_break and texts else 1
            numbers.append(number)
            texts.append(line.text.rstrip())
            pending_break = False
    return numbers, texts
