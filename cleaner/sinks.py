"""Outputs: cleaned documents as ``.txt`` files, JSONL files, or one stream on stdout.

To a folder (``-o DIR``) every input file gives one output file at its mirrored path: a text or
HTML input gives ``<stem>.txt`` (or ``<stem>.jsonl`` holding one record with ``--format
jsonl``); a JSONL input gives ``<stem>.jsonl`` with one record per input record, in input order,
and a WARC input one with a record (``id``, ``url``, ``date``, the text) per page or WET text.
Every file is written atomically (cleaner.files), so an interrupted run leaves whole files only.
To one file (``-o out.txt`` with one input) the same way. To stdout (``-o -``, or one input
without ``-o``) the documents are written one after another: JSONL records, or the text of a
single document; when the reader goes away (``| head``), OutputClosed stops the run.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Protocol

from cleaner.files import atomic_file, write_atomic
from cleaner.sources import Document, Source

if TYPE_CHECKING:
    from cleaner.outcome import Outcome

FORMATS = ("txt", "jsonl")


def output_format(source: Source, fmt: str) -> str:
    """JSONL and WARC inputs give JSONL (a record stream keeps its records); others follow
    ``fmt``."""
    return "jsonl" if source.is_record_stream else fmt


def record_line(doc: Document, outcome: Outcome, text_field: str) -> bytes:
    """A JSONL output record: every field of the input record (or the document's id), the
    cleaned text in ``text_field`` and a short summary of what was removed under ``cleaner``.
    A record that was not cleaned keeps its text field as it was (or without one)."""
    record = dict(doc.record) if doc.record is not None else {"id": doc.id}
    if outcome.text is not None:
        record[text_field] = outcome.text
    record["cleaner"] = outcome.summary()
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


class Sink(Protocol):
    written: int  # outputs published so far: files, or documents on a stream

    def target(self, source: Source) -> Path | None: ...
    def write(self, doc: Document, outcome: Outcome) -> None: ...
    def write_line(self, source: Source, line: bytes) -> None: ...
    def finish(self) -> None: ...
    def abort(self) -> None: ...


class FolderSink:
    """Writes each input's output file under ``out_dir``; a JSONL output stays a temporary
    file until its input's last record is written (``finish``)."""

    def __init__(self, out_dir: Path, fmt: str = "txt", text_field: str = "text") -> None:
        self.out_dir, self.fmt, self.text_field = Path(out_dir), fmt, text_field
        self._open: tuple[Source, object, BinaryIO] | None = None
        self.written = 0

    def target(self, source: Source) -> Path:
        fmt = output_format(source, self.fmt)
        return self.out_dir / source.stem.with_name(f"{source.stem.name}.{fmt}")

    def write(self, doc: Document, outcome: Outcome) -> None:
        source = doc.source
        if not source.is_record_stream:
            data = (outcome.text if output_format(source, self.fmt) == "txt"
                    else record_line(doc, outcome, self.text_field))
            write_atomic(self.target(source), data)
            self.written += 1
            return
        self.write_line(source, record_line(doc, outcome, self.text_field))

    def write_line(self, source: Source, line: bytes) -> None:
        """Add a record to the JSONL output of ``source`` (an earlier run's, kept as it was)."""
        if self._open is None or self._open[0] != source:
            self.finish()
            context = atomic_file(self.target(source))
            self._open = (source, context, context.__enter__())
        self._open[2].write(line)

    def finish(self) -> None:
        """Publish the JSONL output being written, if any."""
        if self._open is not None:
            context = self._open[1]
            self._open = None
            context.__exit__(None, None, None)
            self.written += 1

    def abort(self) -> None:
        """Drop the JSONL output being written (the run was interrupted or failed)."""
        if self._open is not None:
            context = self._open[1]
            self._open = None
            try:
                context.__exit__(KeyboardInterrupt, KeyboardInterrupt(), None)
            except KeyboardInterrupt:
                pass


class FileSink(FolderSink):
    """Writes the output of a run's one input to the file ``path`` (``-o out.txt``),
    atomically: a JSONL output appears when its last record is written."""

    def __init__(self, path: Path, fmt: str = "txt", text_field: str = "text") -> None:
        super().__init__(Path(path).parent, fmt, text_field)
        self.path = Path(path)

    def target(self, source: Source) -> Path:
        return self.path


class OutputClosed(Exception):
    """The reader of the output stream went away (``cleaner clean big.jsonl | head``): not an
    error, the run just stops."""


class StreamSink:
    """Writes every document to one binary stream (stdout): JSONL records or plain text."""

    def __init__(self, stream: BinaryIO, fmt: str = "txt", text_field: str = "text") -> None:
        self.stream, self.fmt, self.text_field = stream, fmt, text_field
        self.written = 0

    def target(self, source: Source) -> None:
        return None

    def write(self, doc: Document, outcome: Outcome) -> None:
        if output_format(doc.source, self.fmt) == "jsonl":
            data = record_line(doc, outcome, self.text_field)
        else:
            data = outcome.text.encode("utf-8")
        self.write_line(doc.source, data)

    def write_line(self, source: Source, line: bytes) -> None:
        try:
            self.stream.write(line)
        except BrokenPipeError:
            raise OutputClosed from None
        self.written += 1

    def finish(self) -> None:
        try:
            self.stream.flush()
        except BrokenPipeError:
            raise OutputClosed from None

    def abort(self) -> None:
        with contextlib.suppress(BrokenPipeError):
            self.stream.flush()
