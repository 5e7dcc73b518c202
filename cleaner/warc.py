"""WARC and WET input: the records of a web crawl, each a page or a text, or no document.

A WARC file (``.warc``, ``.warc.gz``) holds a crawl's HTTP exchanges; a WET file (Common
Crawl's ``.warc.wet.gz``) the text extracted from each page, as ``conversion`` records. An HTML
response (an HTTP 2xx ``response`` record whose content type is HTML) gives its page, which the
worker extracts as it does an HTML file (cleaner.extract); a ``conversion`` record gives its text.
Every other record (a request, metadata, warcinfo, a revisit; an image, a PDF, a redirect) is no
document: it comes with the reason, to be counted and reported, never written.

The records are parsed by FastWARC (the ``warc`` extra: a maintained native parser, fast, with
wheels for Linux, macOS and Windows). The caller hands it the file already unpacked
(cleaner.sources), so a cut-short gzip member raises the EOFError of any compressed input.
FastWARC hands out a record cut short as if it were whole, so the length of every record is
checked here. Its own HTTP decoding (``auto_decode``) loses every later record of a file after a
chunked and gzip-encoded response (FastWARC 2.0.1), so payloads are decoded here too.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import BinaryIO

from cleaner.extract import decode_bytes

INSTALL_HINT = "pip install 'boilerplate-cleaner[warc]'"
#: Content types of the responses whose page is extracted.
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
#: Every WARC record starts so (``WARC/1.0``, ``WARC/1.1``).
MAGIC = b"WARC/"


class WarcError(Exception):
    """A WARC file that cannot be read on (cut short, not WARC); the message says why."""


@dataclass(frozen=True)
class Record:
    """One WARC record: its page (``html``), its text (``text``), why it could not be read
    (``error``), or why it is no document (``not_document``)."""

    id: str | None
    url: str | None
    date: str | None
    html: bytes | None = None
    text: str | None = None
    error: str | None = None
    not_document: str | None = None


def available() -> bool:
    """Whether FastWARC, the parser of WARC input, is installed."""
    try:
        import fastwarc  # noqa: F401
    except ImportError:
        return False
    return True


def records(stream: BinaryIO) -> Iterator[Record]:
    """The records of an (unpacked) WARC stream, in order; raises WarcError when the stream is
    not WARC or ends inside a record, after the records before it."""
    from fastwarc import ArchiveIterator

    head = stream.peek(len(MAGIC))[: len(MAGIC)] if hasattr(stream, "peek") else MAGIC
    if head and not head.startswith(MAGIC):
        raise WarcError(f"not a WARC file, it starts with {head!r}")
    for record in ArchiveIterator(_Counted(stream), parse_http=True, auto_decode="none",
                                  stream_detect=False):
        yield _record(record)


class _Counted:
    """``stream`` as FastWARC reads it.

    FastWARC asks a stream for its position (``tell``), which a pipe cannot give (FastWARC
    2.0.1 then panics): here it is counted. It reads 64 kB at a time, and a full read of a
    stream cut short raises, losing the bytes before the cut: ``read1`` gives the bytes there
    are, and the error comes with the next read, after the records they hold.
    """

    def __init__(self, stream: BinaryIO) -> None:
        self.stream, self.at = stream, 0
        self.reader = getattr(stream, "read1", stream.read)

    def read(self, size: int = -1) -> bytes:
        data = self.reader(size)
        self.at += len(data)
        return data

    def tell(self) -> int:
        return self.at


def _record(record) -> Record:
    """What one FastWARC record gives; its payload is read whole (only a page's or a text's
    is kept in memory), or it was cut short."""
    headers = record.headers
    make = partial(Record, *(headers.get(name) for name in
                             ("WARC-Record-ID", "WARC-Target-URI", "WARC-Date")))
    what, why = _what(record)
    payload = record.reader.read(record.content_length) if what in ("html", "text") else b""
    got = len(payload) if what in ("html", "text") else record.reader.consume()
    if not (headers.get("Content-Length") or "").strip().isdigit():
        raise WarcError("the next record is cut short in its headers")
    if got < record.content_length:
        raise WarcError(f"the next record is cut short, {got:,} of "
                        f"{record.content_length:,} bytes")
    if what == "text":
        return make(text=decode_bytes(payload))
    if what != "html":
        return make(**{what: why})
    http = record.http_headers if record.is_http else None
    try:
        page = _decoded(payload, http)
    except (ValueError, zlib.error) as exc:
        return make(error=f"cannot decode the HTTP payload ({exc})")
    return make(html=_as_utf8(page, record.http_charset if http is not None else None))


def _what(record) -> tuple[str, str | None]:
    """What a record holds, from its headers: ``("html", None)``, ``("text", None)``, or
    ``("not_document", reason)`` or ``("error", reason)``."""
    kind = str(record.record_type)
    if kind == "conversion":
        return "text", None
    if kind != "response":
        return "not_document", f"warc: {kind} record"
    http = record.http_headers if record.is_http else None
    if record.is_http and (http is None or http.status_code is None):
        return "error", "invalid HTTP headers"
    if http is not None and not 200 <= http.status_code < 300:
        return "not_document", f"warc: not a 2xx response (HTTP {http.status_code})"
    mime = (record.http_content_type if http is not None
            else (record.headers.get("Content-Type") or "").split(";")[0].strip())
    mime = (mime or record.headers.get("WARC-Identified-Payload-Type") or "").lower()
    if mime not in HTML_TYPES:
        return "not_document", f"warc: not HTML ({mime or 'no content type'})"
    return "html", None


def _decoded(payload: bytes, http) -> bytes:
    """The payload without its transfer and content encodings (chunked; gzip, deflate, br)."""
    if http is None:
        return payload
    if "chunked" in (http.get("Transfer-Encoding") or "").lower():
        payload = _unchunked(payload)
    codings = [c.strip().lower() for c in (http.get("Content-Encoding") or "").split(",")]
    for coding in reversed([c for c in codings if c]):
        payload = _uncompressed(payload, coding)
    return payload


def _unchunked(data: bytes) -> bytes:
    """The body of a chunked HTTP message, as far as it goes (a crawler may have cut it);
    raises ValueError when a chunk size is not one."""
    out, at = [], 0
    while (end := data.find(b"\r\n", at)) >= 0:
        size = int(data[at:end].split(b";")[0].strip(), 16)
        if size == 0:
            break
        out.append(data[end + 2 : end + 2 + size])
        at = end + 2 + size + 2
    return b"".join(out)


def _uncompressed(data: bytes, coding: str) -> bytes:
    """``data`` decoded from one HTTP content coding."""
    if coding in ("identity", "none"):
        return data
    if coding in ("gzip", "x-gzip", "deflate"):
        try:
            return zlib.decompressobj(47).decompress(data)  # a gzip or zlib header
        except zlib.error:
            return zlib.decompressobj(-15).decompress(data)  # raw deflate, as some servers send
    if coding == "br":
        import brotli  # a dependency of FastWARC

        try:
            return brotli.decompress(data)
        except brotli.error as exc:
            raise ValueError(f"invalid br data ({exc})") from None
    raise ValueError(f"unknown content coding {coding!r}")


def _as_utf8(page: bytes, charset: str | None) -> bytes:
    """The page in UTF-8 when it is not already and its HTTP charset decodes it; else as it
    came (cleaner.extract then detects its charset, as for an HTML file)."""
    if not charset:
        return page
    try:
        page.decode("utf-8")
        return page
    except UnicodeDecodeError:
        pass
    try:
        return page.decode(charset).encode("utf-8")
    except (LookupError, UnicodeDecodeError):
        return page
