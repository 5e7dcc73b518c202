"""A one-line progress display on stderr: files, lines, rate and ETA.

Hand-written rather than tqdm: it is a dozen lines, and the batch only needs counts, a rate and
an estimate, redrawn at most a few times a second.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Redraws ``files/total, lines, files/s, ETA`` in place; ``total`` may be unknown."""

    def __init__(self, total: int | None = None, stream: TextIO = sys.stderr,
                 interval: float = 0.2) -> None:
        self.total, self.stream, self.interval = total, stream, interval
        self.files = self.lines = 0
        self.start = self._drawn = time.monotonic()

    def update(self, files: int = 0, lines: int = 0) -> None:
        self.files += files
        self.lines += lines
        now = time.monotonic()
        if now - self._drawn >= self.interval:
            self._drawn = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        elapsed = max(now - self.start, 1e-9)
        rate = self.files / elapsed
        done = f"{self.files:,}" if self.total is None else f"{self.files:,}/{self.total:,}"
        eta = ""
        if self.total and rate > 0:
            eta = f", ETA {_clock((self.total - self.files) / rate)}"
        self.stream.write(f"\r\x1b[Kcleaner: {done} files, {self.lines:,} lines, "
                          f"{rate:,.0f} files/s, {_clock(elapsed)}{eta}")
        self.stream.flush()

    def close(self) -> None:
        self._draw(time.monotonic())
        self.stream.write("\n")
        self.stream.flush()


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
