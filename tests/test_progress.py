"""The progress display: drawn at once, redrawn while nothing is delivered, an ETA only once
the rate means something."""

from __future__ import annotations

import io
import time

from cleaner.progress import ETA_AFTER_FILES, ETA_AFTER_SECONDS, Progress


def test_drawn_at_once_and_redrawn_by_its_own_clock():
    stream = io.StringIO()
    progress = Progress(total=10, stream=stream, interval=0.05)
    assert stream.getvalue().startswith("\r\x1b[Kcleaner: 0/10 files, 0 documents")
    time.sleep(0.5)
    progress.close()
    assert stream.getvalue().count("\r\x1b[K") >= 4  # no update was needed to redraw
    assert stream.getvalue().endswith("\n")


def test_documents_counted_as_they_finish_eta_only_when_worth_showing():
    stream = io.StringIO()
    progress = Progress(total=100, stream=stream, interval=60)
    progress.update(files=ETA_AFTER_FILES, documents=7, lines=40)
    progress.close()
    assert "3/100 files, 7 documents, 40 lines" in stream.getvalue()
    assert "ETA" not in stream.getvalue()  # a few files in the first second say little
    later = io.StringIO()
    progress = Progress(total=100, stream=later, interval=60)
    progress.start -= ETA_AFTER_SECONDS  # as if the run had been going for a while
    progress.update(files=ETA_AFTER_FILES)
    progress.close()
    assert "ETA" in later.getvalue().splitlines()[-1]


def test_eta_follows_documents_when_each_file_is_one():
    """Files are written a window at a time; a folder of text files is measured by documents."""
    stream = io.StringIO()
    progress = Progress(total=40, stream=stream, interval=60)
    progress.one_document_per_file = True
    progress.start -= 10  # 10 s in: 20 of 40 documents done, none written yet
    progress.update(documents=20)
    progress.close()
    assert stream.getvalue().splitlines()[-1].endswith("0/40 files, 20 documents, 0 lines, "
                                                       "2 documents/s, 0:10, ETA 0:10")
