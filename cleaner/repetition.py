"""Repetition across documents: lines that recur in many documents of one site.

A site's boilerplate (its donation appeal, its newsletter box, its footer) closes every one of
its articles, while an article's sentences appear in one document, or in a few that carry the
same quote. A first pass over a folder or a JSONL stream counts, per site, in how many distinct
documents each normalised line occurs; the decode step ``revise_with_repetition`` then weighs
that evidence against the model, so a repeated line the model is sure is article stays.

Memory is an 8-byte hash and a 4-byte count per distinct line per site (plus an 8-byte hash
per document, so a page crawled twice counts once); counts are sums, so the result does not depend
on the order of the documents or on how the pass is split.
"""

from __future__ import annotations

import hashlib
import math
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from urllib.parse import urlsplit

import numpy as np

from cleaner.segment import split_lines

#: A line is repeated when it occurs in at least max(MIN_DOCS, SHARE x documents of the site).
MIN_DOCS = 3
SHARE = 0.05
#: Sites with fewer documents give no evidence: three of five documents is a coincidence.
MIN_SITE_DOCS = 10


def line_key(text: str) -> int:
    """An 8-byte hash of the line, casefolded and with whitespace folded."""
    return _key(_norm(text.casefold()))


def line_keys(texts: Sequence[str]) -> list[int]:
    """line_key of each text, casefolded all at once (case folding has no context, so the
    texts joined by line breaks fold as each one does)."""
    return list(map(_key, map(_norm, _casefolded(texts))))


def _casefolded(texts: Sequence[str]) -> list[str]:
    folded = "\n".join(texts).casefold().split("\n")
    if len(folded) != len(texts):  # a text holding a line break itself
        folded = [text.casefold() for text in texts]
    return folded


def _norm(folded: str) -> bytes:
    """The text's words joined by single spaces, as bytes (a lone surrogate too)."""
    return " ".join(folded.split()).encode("utf-8", "surrogatepass")


def _key(norm: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(norm, digest_size=8).digest(), "big")


def document_keys(text: str) -> tuple[int, set[int]]:
    """A document's own hash (line_key of the whole text) and the hashes of its distinct
    non-blank lines. The whole text's words are its lines' words in order, so its normalised
    form is theirs joined by spaces, and the text is folded and split once."""
    norms = list(map(_norm, _casefolded([t for t in split_lines(text) if t.strip()])))
    return _key(b" ".join(norms)), set(map(_key, norms))


def site_of_url(url: str) -> str:
    """The host of a URL without ``www.`` (``https://www.x.org/a`` -> ``x.org``); "" if none."""
    host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    return host.removeprefix("www.")


def site_of_path(path: PurePath) -> str:
    """A file's site is its folder."""
    return str(path.parent)


@dataclass(frozen=True)
class SiteRepeats:
    """The repeated lines of one site: line hash -> number of documents it occurs in."""

    counts: dict[int, int] = field(default_factory=dict)

    def of(self, lines: Sequence[str]) -> list[int]:
        """For each line, the number of documents it recurs in, or 0 if it is not repeated."""
        return [self.counts.get(key, 0) if text.strip() else 0
                for text, key in zip(lines, line_keys(lines))]


class LineCounts:
    """Line hash -> number of documents, as two sorted arrays (12 bytes a distinct line).

    New hashes wait in a flat buffer (8 bytes each), folded in by ``np.unique`` once it holds
    FOLD_EVERY of them or when the counts are read.
    """

    def __init__(self) -> None:
        self.keys = np.zeros(0, dtype=np.uint64)
        self.counts = np.zeros(0, dtype=np.uint32)
        self._pending = array("Q")

    def add(self, keys: Iterable[int]) -> None:
        """Count each hash once more (one document's distinct lines)."""
        self._pending.extend(keys)
        if len(self._pending) >= FOLD_EVERY:
            self.fold()

    def fold(self, keys: np.ndarray | None = None, counts: np.ndarray | None = None) -> None:
        """Fold the waiting hashes, and ``keys`` with their ``counts`` if given, into the arrays."""
        new = np.frombuffer(self._pending, dtype=np.uint64) if self._pending else self.keys[:0]
        all_keys = [self.keys, new] + ([] if keys is None else [keys])
        weights = [self.counts, np.ones(len(new), np.uint32)] + ([] if counts is None else [counts])
        self.keys, inverse = np.unique(np.concatenate(all_keys), return_inverse=True)
        self.counts = np.bincount(inverse, weights=np.concatenate(weights)).astype(np.uint32)
        self._pending = array("Q")

    def at_least(self, least: int) -> dict[int, int]:
        """The hashes counted at least ``least`` times, with their counts."""
        self.fold()
        chosen = self.counts >= least
        return dict(zip(self.keys[chosen].tolist(), self.counts[chosen].tolist()))


#: Hashes a site buffers before they are folded into its sorted arrays.
FOLD_EVERY = 1 << 20


class KeySet:
    """Distinct 8-byte hashes (the documents seen): a sorted array, 8 bytes a hash, and a set
    of at most FOLD_DOCS new ones; a set of Python ints would take about 75 bytes a hash."""

    def __init__(self) -> None:
        self.known = np.zeros(0, dtype=np.uint64)
        self.new: set[int] = set()

    def add(self, key: int) -> bool:
        """Add ``key``; False when it was there already."""
        if key in self.new:
            return False
        if len(self.known):
            i = int(np.searchsorted(self.known, np.uint64(key)))
            if i < len(self.known) and int(self.known[i]) == key:
                return False
        self.new.add(key)
        if len(self.new) >= FOLD_DOCS:
            self.fold()
        return True

    def fold(self, other: np.ndarray | None = None) -> None:
        """Move the new hashes, and the sorted ``other`` if given, into the sorted array."""
        new = np.fromiter(self.new, dtype=np.uint64, count=len(self.new))
        self.known = np.union1d(self.known, new if other is None else np.union1d(new, other))
        self.new = set()

    def __len__(self) -> int:
        return len(self.known) + len(self.new)


#: Document hashes a site keeps in a Python set before they are folded into its sorted array.
FOLD_DOCS = 1 << 16


@dataclass
class RepeatIndex:
    """Per site, in how many distinct documents each line occurs (the first pass)."""

    min_docs: int = MIN_DOCS
    share: float = SHARE
    min_site_docs: int = MIN_SITE_DOCS
    lines: dict[str, LineCounts] = field(default_factory=dict)
    documents: dict[str, KeySet] = field(default_factory=dict)

    def add(self, site: str, text: str) -> None:
        """Count one document; a document seen before (same text) is not counted again."""
        self.add_keys(site, *document_keys(text))

    def add_keys(self, site: str, doc_key: int, keys: Iterable[int]) -> None:
        """Count one document from its document_keys (hashed elsewhere, in a worker)."""
        if not self.documents.setdefault(site, KeySet()).add(doc_key):
            return
        self.lines.setdefault(site, LineCounts()).add(keys)

    def update(self, other: RepeatIndex) -> None:
        """Merge the counts of another pass over other documents (a pass split over workers)."""
        for site, seen in other.documents.items():
            seen.fold()
            self.documents.setdefault(site, KeySet()).fold(seen.known)
        for site, counts in other.lines.items():
            counts.fold()
            self.lines.setdefault(site, LineCounts()).fold(counts.keys, counts.counts)

    def least_docs(self, site: str) -> int | None:
        """How many documents a line of ``site`` must occur in to count as repeated."""
        n = len(self.documents.get(site, ()))
        if n < self.min_site_docs:
            return None
        return max(self.min_docs, math.ceil(round(self.share * n, 9)))

    def site(self, site: str) -> SiteRepeats:
        """The repeated lines of ``site`` only: small enough to send to every worker."""
        least = self.least_docs(site)
        if least is None:
            return SiteRepeats()
        return SiteRepeats(self.lines[site].at_least(least))

    def repeated(self, site: str, lines: Sequence[str]) -> list[int]:
        """For each line, the number of documents of ``site`` it occurs in if repeated, else 0."""
        return self.site(site).of(lines)


def count_repeats(docs: Iterable[tuple[str, str]], **options) -> RepeatIndex:
    """The first pass: count ``(site, text)`` documents into a RepeatIndex."""
    index = RepeatIndex(**options)
    for site, text in docs:
        index.add(site, text)
    return index
