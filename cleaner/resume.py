"""Resume: what a rerun keeps of the earlier runs into one output folder.

A small SQLite file in the output folder (``.cleaner-state.sqlite``) holds, for every output,
the input it came from (path, size, mtime, and the format it was read as: ``--input-format``
may read one file two ways), the settings that shaped it (``settings_key``: model weights,
policy, patterns, options), the sites its documents belong to with a digest of those sites'
repeated-line evidence, the output file's own size and mtime, and for each of its documents,
in input order, a key and two flags: whether it has an output (a record of a JSONL
output) and whether it failed. A failed document also keeps its id and reason. That is all a
rerun needs: about ten bytes a document, never the report's records.

A rerun takes an output whole (``fresh``: nothing is read) when its input, the settings, the
evidence of its sites and the output file are as recorded. Otherwise, when only the input or
the evidence changed, it reads the input again and redoes only the documents whose key changed:
``document_key`` hashes what decides a document's outcome, its record or text and the
repeated-line counts of its own lines, so another document of the site that gains a repeated
line redoes only the documents holding that line. An unchanged record of a JSONL output keeps
its earlier output line. A document that failed on its input (invalid JSON, not text) stays
failed until it changes; one that failed in a way that may pass on a rerun (the time limit,
an internal error, an output that could not be written) is redone. ``force`` redoes all.

The same file catches two inputs of one run that would write the same output: the second is
reported as failed, never written over the first.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cleaner.repetition import SiteRepeats
from cleaner.segment import split_lines
from cleaner.sources import Document, Source

if TYPE_CHECKING:
    from cleaner.pipeline import Cleaner
    from cleaner.run_options import Options

STATE_FILE = ".cleaner-state.sqlite"
#: The state file's layout; a file of another version (an older cleaner) is started afresh,
#: so its outputs are redone once.
SCHEMA = 3
#: A document's flags: it has an output; it failed; it failed in a way that may pass (redo).
WRITTEN, FAILED, RETRY = 1, 2, 4
_KEY = 8  # bytes of a document_key


@dataclass(frozen=True)
class Prior:
    """One document of an output as the last run left it: its key (empty: redo it), whether it
    has an output and, if it failed, its id and reason; ``line`` is its record in the earlier
    output of a record stream."""

    key: bytes
    written: bool
    failure: tuple[str, str] | None = None
    line: bytes | None = None


@dataclass(frozen=True)
class Claim:
    """What the state says of an output: ``verdict`` "todo", "fresh" (up to date whole) or
    "collision" (``other`` input writes it in this run); ``prior`` its documents as the last
    run left them (for "fresh", and for "todo" when only the input or the evidence changed)."""

    verdict: str
    other: str | None = None
    prior: tuple[Prior, ...] | None = None


class Evidence:
    """Digests of each site's repeated-line evidence (cleaner.repetition), once a run."""

    def __init__(self, repeats: dict[str, SiteRepeats] | None) -> None:
        self.repeats = repeats or {}
        self._digests: dict[str, str] = {}

    def of(self, sites: Iterable[str]) -> str:
        """One digest of the evidence of ``sites``."""
        h = hashlib.sha256()
        for site in sorted(sites):
            if site not in self._digests:
                counts = self.repeats.get(site, SiteRepeats()).counts
                self._digests[site] = hashlib.sha256(
                    json.dumps(sorted(counts.items())).encode()).hexdigest()
            h.update(f"{site}\0{self._digests[site]}\0".encode("utf-8", "surrogatepass"))
        return h.hexdigest()


def document_key(doc: Document, text: str | None, repeats: SiteRepeats | None,
                 problem: str | None = None) -> bytes:
    """A hash of what decides a document's outcome: its id, its record, its text (or why it
    has none: ``problem``) and the repeated-line counts of its own lines (not the rest of its
    site's evidence, which changes nothing in it)."""
    h = hashlib.blake2b(digest_size=_KEY)
    h.update(json.dumps([doc.id, doc.record, doc.error, doc.skipped, doc.not_document, problem],
                        ensure_ascii=False, sort_keys=True, default=str)
             .encode("utf-8", "surrogatepass"))
    if text is not None:
        h.update(text.encode("utf-8", "surrogatepass"))
        if repeats is not None and repeats.counts:
            lines = split_lines(text)
            h.update(json.dumps([(i, n) for i, n in enumerate(repeats.of(lines)) if n])
                     .encode())
    return h.digest()


class State:
    """The resume and collision records of one output folder (see the module docstring)."""

    def __init__(self, out_dir: Path, settings: str, force: bool = False) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(out_dir / STATE_FILE)
        if self.db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA:
            self.db.executescript(
                "DROP TABLE IF EXISTS outputs; DROP TABLE IF EXISTS reports;"
                "DROP TABLE IF EXISTS failures;"
                "CREATE TABLE outputs (output TEXT PRIMARY KEY, input TEXT, kind TEXT, "
                "size INTEGER, mtime_ns INTEGER, settings TEXT, sites TEXT, evidence TEXT, "
                f"output_stat TEXT, documents BLOB, run TEXT); PRAGMA user_version = {SCHEMA};"
                "CREATE TABLE failures (output TEXT, seq INTEGER, id TEXT, reason TEXT, "
                "PRIMARY KEY (output, seq));")
        self.settings, self.force = settings, force
        self.run = f"{os.getpid()}-{time.time_ns()}"
        self._claimed: dict[str, _Claimed] = {}  # output claimed in this run -> what it gets

    def claim(self, source: Source, target: Path, evidence: Evidence) -> Claim:
        """Claim ``target`` for ``source`` in this run (see Claim)."""
        key, name = str(target), os.path.realpath(source.path)
        row = self.db.execute("SELECT input, kind, size, mtime_ns, settings, sites, evidence, "
                              "output_stat, documents, run FROM outputs WHERE output = ?",
                              (key,)).fetchone()
        if row is not None and row[9] == self.run:
            return Claim("collision", row[0])
        stat = _stat(source.path)
        prior = None
        # The format it was read as (--input-format) decides its documents, as the settings do.
        if (not self.force and row is not None
                and (row[0], row[1], row[4]) == (name, source.kind, self.settings)
                and row[7] == _stat_text(target)):
            prior = self._prior(key, row[8])
            if row[2:4] == stat and row[6] == evidence.of(json.loads(row[5])):
                self.db.execute("UPDATE outputs SET run = ? WHERE output = ?", (self.run, key))
                return Claim("fresh", prior=prior)
        # The earlier record stays until this run's output is published (done): an interrupt
        # leaves the earlier output, and the record that describes it, as they were.
        self.db.execute("INSERT INTO outputs (output, input, run) VALUES (?, ?, ?) "
                        "ON CONFLICT (output) DO UPDATE SET run = excluded.run",
                        (key, name, self.run))
        self._claimed[key] = _Claimed(name, source.kind, stat)
        return Claim("todo", prior=prior)

    def _prior(self, output: str, documents: bytes) -> tuple[Prior, ...]:
        failures = {seq: (doc_id, reason) for seq, doc_id, reason in self.db.execute(
            "SELECT seq, id, reason FROM failures WHERE output = ?", (output,))}
        step = _KEY + 1
        return tuple(
            Prior(b"" if flags & RETRY else documents[at:at + _KEY], bool(flags & WRITTEN),
                  failures.get(seq))
            for seq, (at, flags) in enumerate((at, documents[at + _KEY])
                                              for at in range(0, len(documents), step)))

    def keep(self, target: Path, key: bytes | None, written: bool,
             failure: tuple[str, str] | None, site: str) -> None:
        """Keep one document of the output being written to ``target``, in order: its key
        (None when it is to be redone), whether it has an output, its failure, its site."""
        claimed = self._claimed.get(str(target))
        if claimed is None:  # not claimed in this run (a folder that cannot be listed)
            return
        flags = (WRITTEN if written else 0) | (FAILED if failure else 0) | (
            RETRY if key is None else 0)
        if failure is not None and key is not None:
            claimed.failures.append((len(claimed.documents) // (_KEY + 1), *failure))
        claimed.documents += (key or bytes(_KEY)) + bytes([flags])
        claimed.sites.add(site)

    def done(self, target: Path, evidence: Evidence) -> None:
        """Record what ``target`` was written from, now that it is published. With a document
        to redo, the input's stat is left out, so that a rerun reads the input again."""
        key = str(target)
        claimed = self._claimed.pop(key, None)
        if claimed is None:
            return
        redo = any(flags & RETRY for flags in claimed.documents[_KEY::_KEY + 1])
        size, mtime = (None, None) if redo or claimed.stat is None else claimed.stat
        self.db.execute("UPDATE outputs SET input = ?, kind = ?, size = ?, mtime_ns = ?, "
                        "settings = ?, sites = ?, evidence = ?, output_stat = ?, documents = ? "
                        "WHERE output = ?",
                        (claimed.input, claimed.kind, size, mtime, self.settings,
                         json.dumps(sorted(claimed.sites)), evidence.of(claimed.sites),
                         _stat_text(target), bytes(claimed.documents), key))
        self.db.execute("DELETE FROM failures WHERE output = ?", (key,))
        self.db.executemany("INSERT INTO failures VALUES (?, ?, ?, ?)",
                            [(key, *failure) for failure in claimed.failures])

    def commit(self) -> None:
        self.db.commit()

    def close(self) -> None:
        self.db.commit()
        self.db.close()


@dataclass
class _Claimed:
    """An output claimed in this run: its input (real path), the format it is read as and the
    input's stat then, and its documents so far."""

    input: str
    kind: str
    stat: tuple[int, int] | None
    documents: bytearray = dataclasses.field(default_factory=bytearray)
    failures: list[tuple[int, str, str]] = dataclasses.field(default_factory=list)
    sites: set[str] = dataclasses.field(default_factory=set)


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _stat_text(path: Path) -> str:
    """An output file's size and mtime, "" when there is none (a failed input's)."""
    stat = _stat(path)
    return "" if stat is None else f"{stat[0]}:{stat[1]}"


def with_lines(target: Path, prior: tuple[Prior, ...]) -> Iterator[Prior]:
    """The prior documents of a record stream's output, each with its line in the earlier
    output ``target`` (read as they are asked for)."""
    with open(target, "rb") if any(p.written for p in prior) else nullcontext() as lines:
        for p in prior:
            yield dataclasses.replace(p, line=next(lines, None)) if p.written else p


def settings_key(cleaner: Cleaner, options: Options) -> str:
    """A digest of everything that shapes every output: weights, policy, rules and options.
    The repeated-line evidence is not in it: it goes into each document's key, for the lines
    it touches (document_key)."""
    from cleaner.extract import HTML_MODE_SETTINGS
    from cleaner.model import _ARRAYS

    h = hashlib.sha256()
    for name in _ARRAYS:
        h.update(getattr(cleaner.model, name).tobytes())
    h.update(json.dumps({
        "threshold": cleaner.threshold, "word_cost": cleaner.word_cost,
        "keep": sorted(cleaner.keep),
        "patterns": [(r.name, r.label, r.regex.pattern, r.regex.flags) for r in cleaner.patterns],
        # The time limit changes which documents fail, never the output of one that succeeds.
        "options": dataclasses.asdict(dataclasses.replace(options, doc_timeout=None,
                                                          repeats=None)),
        "html": repr(sorted(HTML_MODE_SETTINGS.items())),
    }, sort_keys=True, default=str).encode())
    return h.hexdigest()
