"""Inputs: files, folders and stdin as a lazy, ordered stream of documents.

A ``Source`` is one input file (or stdin) with the output path it maps to; a ``Document`` is
one text to clean: a whole ``.txt`` or HTML file, or one record of a JSONL stream. Nothing is
read until it is needed and folders are walked one directory at a time, so a run over millions
of files never holds their list. A problem with one input (unreadable, not text, invalid JSON,
no text field) becomes that document's ``error`` with a reason a user can act on; it never stops
the run.

Kinds, by file name (case-insensitive): ``.txt`` text; ``.html`` and ``.htm`` HTML (text
extracted with trafilatura, cleaner.extract); ``.jsonl`` JSON Lines, one document per record;
each of them also compressed with gzip, zstd, bzip2 or xz (``.txt.gz``, ``.jsonl.zst``,
``.html.bz2``, ``.jsonl.xz``); ``.warc``, ``.wet`` and ``.warc.wet`` WARC files, one document
per HTML response or WET conversion record (cleaner.warc), compressed alike (``.warc.gz``,
``.warc.wet.gz``). ``--input-format`` names the kind of every input instead. A file named on the
command line with another suffix is read as text; in folders, a file of another kind becomes a
source of kind ``OTHER``, never read but counted and reported, so that nothing in a folder is
dropped silently (hidden files, cleaner's own state and temporary files among them, are not
inputs and are not counted). Any input that starts with one of those formats' magic bytes is
unpacked first, whatever its name, and one cut short is an error, never a silently shorter
text.
"""

from __future__ import annotations

import bz2
import codecs
import errno
import gzip
import io
import json
import lzma
import os
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import BinaryIO

from cleaner.utf8 import decode

_KINDS = {".txt": "txt", ".html": "html", ".htm": "html", ".jsonl": "jsonl",
          ".warc": "warc", ".wet": "warc", ".warc.wet": "warc"}
#: Input file suffixes (plain and compressed) and the kind each names.
SUFFIXES: dict[str, str] = {
    **_KINDS, **{f"{suffix}{packed}": kind for suffix, kind in _KINDS.items()
                 for packed in (".gz", ".zst", ".bz2", ".xz")},
}
STDIN_NAME = "<stdin>"
#: The kind of a file found in a folder that is none of the kinds cleaner reads.
OTHER = "other"
#: The first bytes of every gzip stream, zstd frame and xz stream; a bzip2 stream starts with
#: "BZh", its block size and the magic of a block (or of the end of an empty stream).
GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
XZ_MAGIC = b"\xfd7zXZ\x00"
_BZIP2_MAGIC = re.compile(rb"BZh[1-9](?:1AY&SY|\x17rE8P\x90)")
#: How many first bytes tell whether a stream is compressed.
_HEAD = 10
# What reading a truncated or corrupt compressed stream raises.
DECOMPRESS_ERRORS = (OSError, EOFError, zlib.error, lzma.LZMAError)
# A JSON escape of a UTF-16 surrogate: JSON may hold one alone, which is no Unicode text.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


@dataclass(frozen=True)
class Source:
    """One input and where its output goes: ``stem`` is the output path without a suffix,
    relative to the output folder (the input's path relative to the folder it was found in)."""

    path: Path | None  # None for stdin
    stem: Path
    kind: str  # "txt", "html", "jsonl", "warc", or OTHER (not read)
    error: str | None = None  # why it cannot be read at all (a folder that cannot be listed)

    @property
    def name(self) -> str:
        return STDIN_NAME if self.path is None else str(self.path)

    @property
    def is_record_stream(self) -> bool:
        """Whether the input holds a stream of records (JSONL, WARC), each a document with an
        output record, rather than being one document."""
        return self.kind in ("jsonl", "warc")


@dataclass(frozen=True)
class Document:
    """One text to clean. ``text`` is None for a file that the worker reads (``load_text``)
    and for a WARC response's page, ``html``, that the worker extracts; ``record`` is the JSON
    object a JSONL document came from (the fields of a WARC record's output); ``error`` says
    why the document could not be read, ``skipped`` why it has no text to clean (a record whose
    text is null), ``not_document`` why a WARC record is no document to clean (a request, an
    image): it is counted and reported, never written; ``warnings`` are about a text read all
    the same (stdin's, decoded when it was read), ``guessed_charset`` names the charset that
    was guessed for it. A JSONL record that is not cleaned is still written back unchanged."""

    source: Source
    id: str
    text: str | None = None
    record: dict | None = None
    error: str | None = None
    html: bytes | None = None
    not_document: str | None = None
    skipped: str | None = None
    warnings: tuple[str, ...] = ()
    guessed_charset: str | None = None


#: Hears a warning about a document that was read all the same, or the charset guessed for
#: its text (neither UTF-8 nor declared).
Warn = Callable[[str], None]


class ReadError(Exception):
    """An input that cannot be turned into text; the message is the reason."""


def kind_of(path: Path) -> str | None:
    """The input kind from the file name, or None when it is not one cleaner reads."""
    name = path.name.lower()
    return next((kind for suffix, kind in SUFFIXES.items() if name.endswith(suffix)), None)


def output_stem(rel: Path) -> Path:
    """The output path of an input without its input suffix (``a/b.html.gz`` -> ``a/b``)."""
    name = rel.name
    for suffix in sorted(SUFFIXES, key=len, reverse=True):
        if name.lower().endswith(suffix):
            return rel.with_name(name[: -len(suffix)])
    return rel.with_suffix("")


def find_sources(paths: Iterable[Path], exclude: Path | Iterable[Path] | None = None,
                 kind: str | None = None) -> Iterator[Source]:
    """The inputs named on the command line, folders walked recursively in sorted order.

    ``exclude`` (the output folder, the report file) is never read, so outputs written inside
    an input folder are not read back as inputs. A folder that cannot be listed becomes a
    source with an ``error``. ``kind`` (``--input-format``) is the kind of every file, named
    or found in a folder, whatever its name; without it a file's name tells.
    """
    skip = {os.path.realpath(p) for p in ([exclude] if isinstance(exclude, Path)
                                          else exclude or ())}
    for path in paths:
        if path.is_dir():
            for file, error in _walk(path, skip):
                found = kind or kind_of(file) or ("txt" if error else OTHER)
                yield Source(file, output_stem(file.relative_to(path)), found, error)
        else:
            yield Source(path, output_stem(Path(path.name)), kind or kind_of(path) or "txt")


def _walk(folder: Path, skip: set[str]) -> Iterator[tuple[Path, str | None]]:
    """Files under ``folder`` (not hidden, not in ``skip``), depth first, names sorted in each
    folder, each with None, or a folder that cannot be listed with the reason.

    Only one folder's names are held at a time (about 75 bytes a file), the price of an input
    order that is the same on every machine.
    """
    if os.path.realpath(folder) in skip:
        return
    skip_names = {os.path.basename(p) for p in skip}  # resolve only a name that may match
    names: list[str] = []
    folders: set[str] = set()
    try:
        with os.scandir(folder) as it:
            for e in it:
                if not e.name.startswith("."):
                    names.append(e.name)
                    if _is_dir(e):
                        folders.add(e.name)
    except OSError as exc:
        yield folder, f"cannot list folder ({read_problem(folder, exc)})"
        return
    names.sort()
    for name in names:
        path = folder / name
        if name in folders:
            yield from _walk(path, skip)
        elif name not in skip_names or os.path.realpath(path) not in skip:
            yield path, None


def _is_dir(entry: os.DirEntry) -> bool:
    """As Path.is_dir (symlinks followed), from the listing where it says (no stat call)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def documents(source: Source, text_field: str = "text", id_field: str | None = None,
              stream: BinaryIO | None = None) -> Iterator[Document]:
    """The documents of one source; ``stream`` is read instead of ``source.path`` (stdin)."""
    if source.error is not None:
        yield Document(source, source.name, error=source.error)
        return
    if source.kind == "warc":
        yield from _warc_records(source, stream)
        return
    if source.kind != "jsonl":
        text, warnings, guessed = None, [], []
        if stream is not None:
            try:
                text = decode_text(read_stream(stream), source.kind, warnings.append,
                                   guessed.append)
            except ReadError as exc:
                yield Document(source, source.name, error=str(exc))
                return
        yield Document(source, source.name, text=text, warnings=tuple(warnings),
                       guessed_charset=next(iter(guessed), None))
        return
    yield from _records(source, text_field, id_field, stream)


def _records(source: Source, text_field: str, id_field: str | None,
             stream: BinaryIO | None) -> Iterator[Document]:
    """One document per JSONL record; a bad record is a failed document, not a failed run."""
    number = 0
    try:
        with _open(source, stream) as lines:
            for number, raw in enumerate(lines, start=1):
                if number == 1 and raw.startswith(codecs.BOM_UTF8):
                    raw = raw[len(codecs.BOM_UTF8):]
                if not raw.strip():
                    continue
                yield _record(source, number, raw, text_field, id_field)
    except DECOMPRESS_ERRORS as exc:
        yield _cut_short(source, f"line {number}" if number else "", exc)


def _warc_records(source: Source, stream: BinaryIO | None) -> Iterator[Document]:
    """One document per WARC record; a file cut short fails after its whole records."""
    from cleaner.warc import WarcError, records

    number = 0
    try:
        with _open(source, stream) as file:
            for number, record in enumerate(records(file), start=1):
                doc_id = record.id or f"{source.name}:{number}"
                fields = {"id": doc_id, "url": record.url, "date": record.date}
                yield Document(source, doc_id, text=record.text, record=fields,
                               error=record.error, html=record.html,
                               not_document=record.not_document)
    except (WarcError, *DECOMPRESS_ERRORS) as exc:
        yield _cut_short(source, f"record {number}" if number else "", exc)


def _cut_short(source: Source, last: str, exc: Exception) -> Document:
    """The failed document of a record stream that cannot be read on after ``last``."""
    where = f"after {last}: " if last else ""
    problem = read_problem(source.path, exc) if isinstance(exc, OSError) else str(exc)
    return Document(source, source.name, error=f"cannot read ({where}{problem})")


def _record(source: Source, number: int, raw: bytes, text_field: str,
            id_field: str | None) -> Document:
    fallback_id = f"{source.name}:{number}"
    try:
        record = json.loads(raw)
    except ValueError as exc:
        return Document(source, fallback_id, error=f"invalid JSON ({exc})")
    if not isinstance(record, dict):
        return Document(source, fallback_id, error="record is not a JSON object")
    if _SURROGATE_ESCAPE.search(raw):  # a pair is fine; one alone cannot be written as UTF-8
        try:
            json.dumps(record, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            return Document(source, fallback_id,
                            error="invalid JSON (a lone UTF-16 surrogate escape, not Unicode text)")
    doc_id = record.get(id_field) if id_field else None
    doc_id = fallback_id if doc_id is None else str(doc_id)
    if text_field not in record:
        return Document(source, doc_id, record=record,
                        error=f"no {text_field!r} field (see --text-field)")
    text = record[text_field]
    if text is None:
        return Document(source, doc_id, record=record, skipped=f"{text_field!r} field is null")
    if not isinstance(text, str):
        return Document(source, doc_id, record=record,
                        error=f"{text_field!r} field is not a string ({_json_type(text)})")
    return Document(source, doc_id, text=text, record=record)


def _json_type(value: object) -> str:
    """The JSON name of a parsed value's type."""
    return {bool: "a boolean", int: "a number", float: "a number", list: "an array",
            dict: "an object"}.get(type(value), type(value).__name__)


class _open:
    """The file of a record stream (JSONL, WARC), unpacked when it is compressed."""

    def __init__(self, source: Source, stream: BinaryIO | None) -> None:
        self.source, self.stream, self.file = source, stream, None

    def __enter__(self) -> BinaryIO:
        raw = self.stream if self.stream is not None else open(self.source.path, "rb")  # noqa: SIM115
        self.file = unpacked(raw)
        return self.file

    def __exit__(self, *exc: object) -> None:
        if self.stream is None and self.file is not None:
            self.file.close()


def load_text(doc: Document, warn: Warn | None = None, guessed: Warn | None = None) -> str:
    """The text of a document: its own, or its page or file read and, for HTML, extracted;
    ``warn`` hears of bytes that were replaced in decoding, ``guessed`` of a guessed charset."""
    if doc.text is not None:
        return doc.text
    if doc.html is not None:
        from cleaner.extract import html_to_text

        return html_to_text(doc.html, guessed=guessed)
    try:
        data = doc.source.path.read_bytes()
    except OSError as exc:
        raise ReadError(read_problem(doc.source.path, exc)) from None
    return decode_text(data, doc.source.kind, warn, guessed)


def charset_notice(charset: str) -> str:
    """What stderr says of a text whose charset was guessed."""
    return (f"charset guessed: {charset} (not UTF-8 and none declared; "
            "check the output, or convert the file to UTF-8)")


def read_problem(path: Path | None, exc: OSError) -> str:
    """Why a file could not be read, in words a user can act on."""
    if exc.errno == errno.ENOENT and path is not None and path.is_symlink():
        return f"broken symbolic link (to {os.readlink(path)})"
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return exc.strerror or str(exc)


def decode_text(data: bytes, kind: str, warn: Warn | None = None,
                guessed: Warn | None = None) -> str:
    """File bytes (unpacked first if compressed) as text: HTML through trafilatura, text as
    cleaner.utf8.decode reads it: UTF-8 (with or without a byte-order mark), mostly UTF-8 with
    a few bad bytes replaced (told to ``warn``), lines in another charset in the charset
    guessed for them (told to ``guessed``); binary data is refused."""
    opener = _unpacker(data[:_HEAD])
    if opener is not None:
        data = read_stream(opener(io.BytesIO(data)))
    if kind == "html":
        from cleaner.extract import html_to_text

        return html_to_text(data, guessed=guessed)
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if b"\x00" in data and not utf16:  # NUL bytes: not text in any charset we read
        raise ReadError("binary data, not text")
    decoded = decode(data)
    if "\x00" in decoded.text:
        raise ReadError("binary data, not text")
    if decoded.replaced and warn is not None:
        warn(f"{decoded.replaced:,} invalid UTF-8 byte sequence(s) replaced with U+FFFD")
    if decoded.guessed and guessed is not None:
        guessed(decoded.guessed)
    return decoded.text


def unpacked(raw: BinaryIO) -> BinaryIO:
    """``raw``, decompressed on the fly when it starts with a compressed format's magic (a
    file or a pipe: peeking reads nothing away)."""
    opener = _unpacker(raw.peek(_HEAD)[:_HEAD] if hasattr(raw, "peek") else b"")
    return raw if opener is None else opener(raw)


def _unpacker(head: bytes) -> Callable[[BinaryIO], BinaryIO] | None:
    """How to unpack a stream that starts with ``head``; None when it is not compressed."""
    if head.startswith(GZIP_MAGIC):
        return lambda raw: gzip.GzipFile(fileobj=raw)
    if head.startswith(ZSTD_MAGIC):
        return lambda raw: io.BufferedReader(_ZstdReader(raw), buffer_size=1 << 16)
    if head.startswith(XZ_MAGIC):
        return lambda raw: lzma.LZMAFile(raw)
    if _BZIP2_MAGIC.match(head):
        return lambda raw: bz2.BZ2File(raw)
    return None


class _ZstdReader(io.RawIOBase):
    """The bytes of a zstd stream, frame after frame, read as they are needed.

    zstandard's own stream reader returns a cut-short stream's bytes as if they were all; this
    one raises EOFError, as gzip does, and a corrupt frame is an OSError.
    """

    def __init__(self, raw: BinaryIO) -> None:
        import zstandard

        self.raw, self.errors = raw, zstandard.ZstdError
        self.dctx = zstandard.ZstdDecompressor()
        self.frame, self.fed = self.dctx.decompressobj(), False
        self.out, self.at = b"", 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while self.at == len(self.out):
            leftover = b""
            if self.frame.eof:  # a frame ended: the next one starts with its leftover bytes
                leftover = self.frame.unused_data
                self.frame, self.fed = self.dctx.decompressobj(), False
            chunk = leftover or self.raw.read(1 << 16)
            if not chunk:
                if self.fed:
                    raise EOFError("zstd stream ended before the end of its frame")
                return 0
            try:
                self.out, self.at, self.fed = self.frame.decompress(chunk), 0, True
            except self.errors as exc:
                raise OSError(f"corrupt zstd data ({exc})") from None
        n = min(len(buffer), len(self.out) - self.at)
        buffer[:n] = self.out[self.at : self.at + n]
        self.at += n
        return n


@contextmanager
def _decompressing() -> Iterator[None]:
    """A truncated or corrupt compressed stream met inside the block, as a ReadError."""
    try:
        yield
    except DECOMPRESS_ERRORS as exc:
        raise ReadError(f"cannot decompress ({exc})") from None


def read_stream(stream: BinaryIO) -> bytes:
    """All of ``stream``; a truncated or corrupt compressed stream is a ReadError."""
    with _decompressing():
        return stream.read()


def sniff_stdin(stream: BinaryIO, declared: str) -> tuple[str, BinaryIO]:
    """The kind of stdin and a stream that still starts at its first byte, unpacked when it
    is compressed (``zcat`` is not needed in front of ``cleaner clean -``).

    ``declared`` is ``--input-format``; with ``auto``, a first non-blank character ``{`` means
    JSONL, ``<!doctype`` or ``<html`` (any case) means HTML, ``WARC/`` a WARC file, anything
    else text. Raises
    ReadError when compressed input is corrupt before its first non-blank line.
    """
    stream = unpacked(stream)
    if declared != "auto":
        return declared, stream
    head: list[bytes] = []
    with _decompressing():
        for line in stream:
            head.append(line)
            if line.strip():
                break
    first = b"".join(head).lstrip(codecs.BOM_UTF8 + b" \t\r\n").lower()
    kind = ("jsonl" if first.startswith(b"{")
            else "html" if first.startswith((b"<!doctype", b"<html"))
            else "warc" if first.startswith(b"warc/") else "txt")
    return kind, _Chained(chain(head, stream))


class _Chained:
    """A binary stream made of already-read lines followed by the rest of the input."""

    def __init__(self, lines: Iterator[bytes]) -> None:
        self.lines, self.rest = lines, b""

    def __iter__(self) -> Iterator[bytes]:
        return self.lines

    def read(self) -> bytes:
        return b"".join(self.lines)

    def read1(self, size: int = -1) -> bytes:
        """At most ``size`` bytes of the next line (a WARC parser's reads)."""
        self.rest = self.rest or next(self.lines, b"")
        cut = len(self.rest) if size < 0 else size
        data, self.rest = self.rest[:cut], self.rest[cut:]
        return data
