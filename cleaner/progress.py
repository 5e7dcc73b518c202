"""A one-line progress display on stderr: files, documents, lines, rate and ETA.

Hand-written rather than tqdm: the batch only needs counts, a rate and an estimate. It is
drawn as soon as it is made and then redrawn by a thread of its own a few times a second, so it
shows at once and its clock moves while a long document is cleaned. Documents are counted as
each is finished, by worker processes too (a shared counter), not as chunks come back.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from multiprocessing.sharedctypes import Synchronized

#: An ETA is shown once this many seconds have passed and this many files are done: before,
#: the rate says little (the model loads, the first chunks start together).
ETA_AFTER_SECONDS = 3.0
ETA_AFTER_FILES = 3

# Held while a line is drawn, and across a fork, so that a forked worker never inherits the
# stream's lock taken by the drawing thread.
_DRAWING = threading.Lock()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_DRAWING.acquire, after_in_parent=_DRAWING.release,
                        after_in_child=_DRAWING.release)


def add(counter: Synchronized, n: int) -> None:
    """Add ``n`` to a counter shared between processes."""
    with counter.get_lock():
        counter.value += n


class Progress:
    """Redraws ``files/total files, documents, lines, documents/s, time, ETA`` in place every
    ``interval`` seconds until ``close``; ``total`` (files) may be unknown or set later.

    ``documents`` is shared with worker processes (see ``add``); ``update`` is called by the
    process that writes the outputs. Files are done only when written, a window of chunks at a
    time, so when every file is one document (``one_document_per_file``: no JSONL), the ETA
    follows the documents instead.
    """

    def __init__(self, total: int | None = None, stream: TextIO = sys.stderr,
                 interval: float = 0.2) -> None:
        self.total, self.stream, self.interval = total, stream, interval
        self.files = self.lines = 0
        self.one_document_per_file = False
        self.documents: Synchronized = multiprocessing.Value("q", 0)
        self.start = time.monotonic()
        self._stop = threading.Event()
        self._draw()
        self._ticker = threading.Thread(target=self._tick, name="cleaner-progress", daemon=True)
        self._ticker.start()

    def update(self, files: int = 0, lines: int = 0, documents: int = 0) -> None:
        self.files += files
        self.lines += lines
        if documents:
            add(self.documents, documents)

    def settle(self, documents: int) -> None:
        """Show ``documents`` as the documents done: after an interrupt, those written, not
        also those the workers had finished for outputs that were then dropped."""
        with self.documents.get_lock():
            self.documents.value = documents

    def _tick(self) -> None:
        while not self._stop.wait(self.interval):
            self._draw()

    def _draw(self) -> None:
        elapsed = time.monotonic() - self.start
        documents = self.documents.value
        rate = documents / elapsed if elapsed > 0 else 0.0
        files = f"{self.files:,}" if self.total is None else f"{self.files:,}/{self.total:,}"
        done = documents if self.one_document_per_file else self.files
        eta = ""
        if (self.total and elapsed >= ETA_AFTER_SECONDS and done >= ETA_AFTER_FILES
                and done < self.total):
            eta = f", ETA {_clock((self.total - done) * elapsed / done)}"
        with _DRAWING:
            self.stream.write(f"\r\x1b[Kcleaner: {files} files, {documents:,} documents, "
                              f"{self.lines:,} lines, {rate:,.0f} documents/s, "
                              f"{_clock(elapsed)}{eta}")
            self.stream.flush()

    def close(self) -> None:
        """Stop redrawing; the last line shows the final counts."""
        self._stop.set()
        self._ticker.join()
        self._draw()
        with _DRAWING:
            self.stream.write("\n")
            self.stream.flush()


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
