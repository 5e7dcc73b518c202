"""Batch cleaning: documents in bounded chunks over worker processes, resumable, audited.

The run reads its inputs lazily (cleaner.sources), groups the documents into chunks of at most
``CHUNK_DOCS`` documents and ``CHUNK_CHARS`` characters, and hands a window of a few chunks per
worker to the workers at a time (the next window while this one is written), so memory stays
flat however many files there are. Local workers are forked once per run with the loaded
Cleaner (see _Workers); on Dask the chunks go through joblib. Results come back in input order
and are written by one sink (cleaner.sinks), so the output, the report and the summary are the
same bytes whatever the number of jobs.

A document gets at most ``Options.doc_timeout`` seconds (reading, HTML extraction and
cleaning), so one pathological page cannot stall a run: it fails with its reason instead.

Resume (cleaner.resume): a rerun takes an output that is up to date whole, and of one whose
input or repeated-line evidence changed redoes only the documents that changed; a document
that failed on its own input stays failed, counted as failed earlier, until it changes. The
report of a rerun holds what it redid, the earlier failures, and one ``up to date`` record
per output for the documents it left as they were. Two inputs of one run that would write the
same output: the second is reported as failed, never written over the first.

A JSONL record that is not cleaned (its text is null, not a string, or cleaning it failed) is
written back unchanged, with the reason under ``cleaner``: output records = input records.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import os
import signal
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TextIO

from cleaner.document import Result
from cleaner.extract import NO_TEXT_EXTRACTED
from cleaner.outcome import Outcome
from cleaner.pipeline import Cleaner
from cleaner.progress import Progress, add
from cleaner.repetition import (
    RepeatIndex,
    SiteRepeats,
    document_keys,
    site_of_path,
    site_of_url,
)
from cleaner.resume import Evidence, Prior, State, document_key, with_lines
from cleaner.run_options import Options
from cleaner.sinks import Sink
from cleaner.sources import OTHER, Document, ReadError, Source, charset_notice, documents, load_text

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing.sharedctypes import Synchronized

    _Adopted = tuple[Cleaner, "Options", Synchronized | None]

CHUNK_DOCS = 128
CHUNK_CHARS = 4_000_000
#: Characters of documents a worker cleans as one batch (their new lines scored at once).
BATCH_CHARS = 1_000_000
#: Seconds of reading after which a worker cleans the batch it has, so that progress moves.
BATCH_SECONDS = 0.25
UP_TO_DATE = "output up to date"
#: Why a file of a walked folder is not read (sources.OTHER).
IGNORED = "a file of another kind"
#: Signals that stop a run between windows, every output whole (SIGTERM as Ctrl-C does).
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
#: How many flagged documents (--max-removed-ratio) are named on stderr; the report has all.
FLAGGED_NAMED = 5


def clean_chunk(cleaner: Cleaner, docs: Sequence[Document], options: Options,
                done: Synchronized | None = None,
                keys: Sequence[bytes | None] | None = None) -> list[Outcome]:
    """The worker's job: read, clean and check a chunk of documents; any problem becomes that
    document's outcome ``error``. ``done`` counts the documents finished, for the progress
    display. With ``keys`` (each document's key in the last run, for resume), each outcome has
    its key, and a document whose key is the same is not cleaned again: it is ``unchanged``.

    The documents are cleaned in batches of up to BATCH_CHARS characters, or what was read in
    BATCH_SECONDS, whose new lines are scored together (Cleaner.explain_many), so few files are
    held in memory at once (a line's score does not depend on its batch). Reading (and
    extracting) a document has its own time limit; a batch that takes longer than one
    document may is cleaned again one document at a time, each within the limit.
    """
    outcomes = [Outcome(warnings=list(doc.warnings), guessed_charset=doc.guessed_charset)
                for doc in docs]
    batch: dict[int, tuple[str, SiteRepeats | None]] = {}  # position -> text, site evidence
    size, started = 0, time.monotonic()
    for i, doc in enumerate(docs):
        outcome, text = outcomes[i], None
        repeats = (options.repeats or {}).get(site_of(doc, options.site_field))
        try:
            if doc.error is not None:
                raise ReadError(doc.error)
            if doc.skipped is not None:
                outcome.skipped = doc.skipped
            else:
                with time_limit(options.doc_timeout):
                    text = load_text(doc, outcome.warnings.append, outcome.guessed)
                if (doc.source.kind == "html" or doc.html is not None) and not text.strip():
                    outcome.skipped = NO_TEXT_EXTRACTED
        except ReadError as exc:
            outcome.error = str(exc)
        except DocumentTimeout:
            outcome.error = _timed_out(options)
        except Exception as exc:  # a bug must cost one document, not the run
            outcome.error = _internal(exc)
        if keys is not None:
            outcome.key = _resume_key(doc, text, repeats, outcome)
            if outcome.key is not None and outcome.key == keys[i]:
                outcome = outcomes[i] = Outcome(key=outcome.key, unchanged=True)
        if text is not None and outcome.error is None and outcome.skipped is None \
                and not outcome.unchanged:
            started = started if batch else time.monotonic()
            batch[i] = text, repeats
            size += len(text)
        if i not in batch and done is not None:
            add(done, 1)
        if batch and (size >= BATCH_CHARS or i == len(docs) - 1
                      or time.monotonic() - started >= BATCH_SECONDS):
            _clean_batch(cleaner, batch, outcomes, options)
            if done is not None:
                add(done, len(batch))
            batch, size = {}, 0
    return outcomes


def _clean_batch(cleaner: Cleaner, batch: dict[int, tuple[str, SiteRepeats | None]],
                 outcomes: list[Outcome], options: Options) -> None:
    work = list(batch.values())
    try:
        with time_limit(options.doc_timeout):
            results = cleaner.explain_many([w[0] for w in work], [w[1] for w in work])
    except (Exception, DocumentTimeout):  # find the document at fault
        results = [_explain_one(cleaner, text, repeats, options) for text, repeats in work]
    for i, result in zip(batch, results):
        if isinstance(result, str):  # a time limit or a bug: it may pass on a rerun
            outcomes[i].error, outcomes[i].key = result, None
        else:
            outcomes[i] = dataclasses.replace(_outcome(batch[i][0], result, options),
                                              warnings=outcomes[i].warnings,
                                              guessed_charset=outcomes[i].guessed_charset,
                                              key=outcomes[i].key)


def _explain_one(cleaner: Cleaner, text: str, repeats: SiteRepeats | None,
                 options: Options) -> Result | str:
    """The document's result within its time limit, or what went wrong."""
    try:
        with time_limit(options.doc_timeout):
            return cleaner.explain(text, repeats)
    except DocumentTimeout:
        return _timed_out(options)
    except Exception as exc:
        return _internal(exc)


def _resume_key(doc: Document, text: str | None, repeats: SiteRepeats | None,
                outcome: Outcome) -> bytes | None:
    """The document's resume key, or None when a rerun must try it again: it failed, and not
    on a record's own content (invalid JSON, no text) but reading a file, which a rerun may
    read (permissions, a link), or within the time limit."""
    if outcome.error is None:
        return document_key(doc, text, repeats)
    if doc.error is not None and doc.source.is_record_stream and doc.id != doc.source.name:
        return document_key(doc, None, None)
    return None


def _internal(exc: Exception) -> str:
    return f"internal error ({type(exc).__name__}: {exc})"


def _timed_out(options: Options) -> str:
    return f"time limit exceeded ({options.doc_timeout:g} s, see --doc-timeout)"


def _outcome(text: str, result: Result, options: Options) -> Outcome:
    """What cleaning gave, flagged (and with --on-excess keep, uncleaned) if too much went."""
    words = sum(map(len, map(str.split, result.decisions.texts)))
    outcome = Outcome(result.text, result.removed, len(result.decisions), words)
    limit = options.max_removed_ratio
    if limit is not None and words and outcome.removed_words / words > limit:
        outcome.flagged = True
        if options.on_excess == "keep":
            outcome.text = text
    return outcome


class DocumentTimeout(BaseException):
    """A document ran past its time limit. Not an Exception, so that no ``except Exception`` in
    the code it stops (trafilatura has many) can swallow it."""


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise DocumentTimeout in the ``with`` block once ``seconds`` (wall clock) have passed.

    An interval timer and SIGALRM: POSIX only, and only in a process's main thread, which is
    where cleaner and its local worker processes clean documents; elsewhere (Windows, the
    threads of Dask workers) there is no limit. Python code stops between two bytecodes; a long
    call into C (lxml parsing one page) stops when it returns. The Cleaner's memos stay valid:
    an entry is stored only once computed.
    """
    if not seconds or not hasattr(signal, "setitimer") or \
            threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum: int, frame: object) -> None:
        raise DocumentTimeout

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def site_of(doc: Document, site_field: str) -> str:
    """A document's site: the host of its record's URL field, else its file's folder."""
    url = (doc.record or {}).get(site_field)
    if isinstance(url, str) and url.strip():
        return site_of_url(url)
    return site_of_path(doc.source.path or Path(doc.source.name))


def repeated_lines(sources: Iterable[Source], options: Options,
                   jobs: int = 1) -> dict[str, SiteRepeats]:
    """The first pass of a run with repetition: the repeated lines of each site.

    Text and JSONL files and the WET records of WARC files only (HTML would be extracted twice,
    stdin cannot be read twice); a document that cannot be read is left to the second pass to
    report. With more than one job, forked workers read and hash batches of files and this
    process adds up their hashes in input order, so the counts are the same as one process's.
    """
    index = RepeatIndex()
    readable = (s for s in sources if s.path is not None and s.kind not in ("html", OTHER))
    batches = iter(lambda: list(islice(readable, COUNT_FILES)), [])
    first = list(islice(batches, 2))
    batches = chain(first, batches)
    count = functools.partial(_document_keys, options=options)
    workers = _n_workers(jobs) if len(first) > 1 else 1
    with _forked_pool(workers) if workers > 1 else contextlib.nullcontext() as pool:
        for counted in (_ordered(pool, count, batches, 4 * workers) if pool
                        else map(count, batches)):
            for site, doc_key, keys in counted:
                index.add_keys(site, doc_key, keys)
    return {site: repeats for site in sorted(index.documents)
            if (repeats := index.site(site)).counts}


#: Files a worker reads and hashes at a time in the first pass.
COUNT_FILES = 64


def _document_keys(sources: list[Source], options: Options) -> list[tuple[str, int, set[int]]]:
    """Each readable document's site and repetition.document_keys."""
    out = []
    for source in sources:
        for doc in documents(source, options.text_field, options.id_field):
            try:
                if (doc.error is None and doc.skipped is None and doc.html is None
                        and doc.not_document is None):
                    out.append((site_of(doc, options.site_field), *document_keys(load_text(doc))))
            except ReadError:
                continue
    return out


def _ordered(pool: ProcessPoolExecutor, fn, items: Iterable, ahead: int) -> Iterator:
    """pool.map that submits at most ``ahead`` items before their results are taken."""
    pending: deque = deque()
    for item in items:
        pending.append(pool.submit(fn, item))
        if len(pending) >= ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _forked_pool(jobs: int, adopt: _Adopted | None = None) -> ProcessPoolExecutor:
    """A pool of worker processes forked from this one (spawned where fork is missing), each
    given ``adopt`` (see _clean_adopted) when it starts."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    return ProcessPoolExecutor(
        _n_workers(jobs), mp_context=multiprocessing.get_context(
            "fork" if "fork" in methods else None), initializer=_start_worker, initargs=(adopt,))


@dataclass
class Summary:
    """Per-run counters, datatrove style: documents, lines and words, removals per label,
    skips and failures per reason, records that are no documents per reason, files of other
    kinds ignored, documents that failed in an earlier run and have not changed since."""

    documents: int = 0
    lines: int = 0
    words: int = 0
    flagged: int = 0
    ignored: int = 0
    failed_earlier: int = 0
    removed_lines: Counter[str] = field(default_factory=Counter)
    removed_words: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)
    not_documents: Counter[str] = field(default_factory=Counter)

    @property
    def not_cleaned(self) -> int:
        """Documents that were not cleaned, other than those already up to date."""
        return sum(self.failed.values()) + sum(
            n for reason, n in self.skipped.items() if reason != UP_TO_DATE)

    @property
    def handled(self) -> int:
        """Documents and records of the run, whatever became of them (files of other kinds
        aside)."""
        return self.documents + sum(self.failed.values()) + sum(self.skipped.values()) + sum(
            self.not_documents.values()) + self.failed_earlier

    def add(self, outcome: Outcome) -> None:
        if outcome.earlier is not None:
            failures = sum(p.failure is not None for p in outcome.earlier)
            self.failed_earlier += failures
            self.skipped[UP_TO_DATE] += len(outcome.earlier) - failures
        elif outcome.error is not None:
            self.failed[_reason_key(outcome.error)] += 1
        elif outcome.not_document is not None:
            self.not_documents[_reason_key(outcome.not_document)] += 1
        elif outcome.skipped == IGNORED:
            self.ignored += 1
        elif outcome.skipped is not None:
            self.skipped[_reason_key(outcome.skipped)] += 1
        else:
            self.documents += 1
            self.lines += outcome.lines
            self.words += outcome.words
            self.flagged += outcome.flagged
            for d in outcome.removed:
                self.removed_lines[d.label] += 1
                self.removed_words[d.label] += len(d.text.split())

    def table(self, report: str | None = None) -> str:
        """The end-of-run table for stderr; ``report`` names the --report file, if any."""
        total_lines = sum(self.removed_lines.values())
        total_words = sum(self.removed_words.values())
        rows = [f"cleaner: {self.documents:,} document(s) cleaned, {self.lines:,} lines, "
                f"{self.words:,} words; removed {total_lines:,} lines, {total_words:,} words "
                f"({_share(total_words, self.words)})"]
        if self.removed_lines:
            rows.append(f"  {'label':<22} {'lines':>10} {'words':>10}")
            for label, n in sorted(self.removed_lines.items(), key=lambda kv: (-kv[1], kv[0])):
                rows.append(f"  {label:<22} {n:>10,} {self.removed_words[label]:>10,}")
        if self.flagged:
            rows.append(f"  flagged (more than --max-removed-ratio removed): {self.flagged:,} "
                        f"({_flagged_where(self.flagged, report)})")
        for title, counts in (("skipped", self.skipped), ("failed", self.failed),
                              ("skipped, not a document", self.not_documents)):
            for reason, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
                rows.append(f"  {title}: {n:,} ({reason})")
        if self.ignored:
            rows.append(f"  ignored: {self.ignored:,} files of other kinds (not read; listed "
                        "in --report)")
        if self.failed_earlier:
            where = (f'listed in {report} with "earlier": true' if report
                     else "--report FILE lists them")
            rows.append(f"  failed earlier: {self.failed_earlier:,} (in an earlier run, and their "
                        f"input has not changed since; {where}; --force tries them again)")
        if self.not_cleaned:
            rows.append(f"cleaner: {self.not_cleaned:,} document(s) skipped or failed, each "
                        "named above with its reason")
        return "\n".join(rows)


def _flagged_where(flagged: int, report: str | None) -> str:
    """Where the flagged documents are named: above (the first FLAGGED_NAMED), the report."""
    if flagged <= FLAGGED_NAMED:
        return "each named above"
    rest = f"all in {report} (status flagged)" if report else "--report FILE lists them all"
    return f"the first {FLAGGED_NAMED} named above; {rest}"


def _reason_key(reason: str) -> str:
    """The reason without its particulars, to count alike failures together."""
    return reason.split(" (")[0]


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "0%"


# One item of work: a document; when it needs no cleaning, its outcome already; and with
# resume, the document at its place in the last run.
_Item = tuple[Document, Outcome | None, Prior | None]


def run(
    cleaner: Cleaner,
    sources: Iterable[Source],
    sink: Sink,
    options: Options = Options(),
    *,
    jobs: int = -1,
    state: State | None = None,
    report: BinaryIO | None = None,
    progress: Progress | None = None,
    errors: TextIO = sys.stderr,
    stdin: BinaryIO | None = None,
    chunk_docs: int = CHUNK_DOCS,
) -> Summary:
    """Clean every document of ``sources`` into ``sink`` and return the run's counters.

    ``jobs`` is joblib's ``n_jobs`` (-1: all cores); under another joblib backend (Dask) pass
    its number of workers. ``stdin`` is read for a source without a path. Each failed document
    is named on ``errors`` with its reason as soon as its turn comes; ``report`` gets one JSON
    line per document (and per file of another kind), in input order, and with ``state`` one
    per output for its documents left as the last run wrote them. ``chunk_docs`` is the most
    documents a worker gets at once.
    """
    summary = Summary()
    evidence = Evidence(options.repeats)
    chunks_in = _chunks(_items(sources, sink, options, state, evidence, stdin), chunk_docs)
    window = 2 * _n_workers(jobs)
    out = _Delivery(sink, summary, errors, report, state, progress, evidence, options.site_field)
    done = progress.documents if progress is not None else None
    try:
        with _Workers(jobs, cleaner, options, done) as workers:
            upcoming = _next_window(workers, chunks_in, window, state is not None)
            failure = None
            while upcoming is not None:
                chunks, fresh = upcoming
                with _interrupts_held():  # a stop waits for the window's documents
                    try:  # workers go on with the next window while this one is written
                        upcoming = _next_window(workers, chunks_in, window, state is not None)
                    except BaseException as exc:  # reading it failed: write this one first
                        upcoming, failure = None, exc
                    for doc, known, prior in (item for chunk in chunks for item in chunk):
                        out.deliver(doc, known, known or next(fresh), prior)
                    if state is not None:
                        state.commit()
                if failure is not None:
                    raise failure
        with _interrupts_held():
            out.finish()
    except BaseException as exc:
        sink.abort()
        if isinstance(exc, Interrupted):
            exc.written = sink.written
        if progress is not None:
            progress.settle(out.delivered)
        raise
    finally:
        if state is not None:
            state.close()
    return summary


def _next_window(workers: _Workers, chunks_in: Iterator[list[_Item]], window: int,
                 keyed: bool) -> tuple[list[list[_Item]], Iterator[Outcome]] | None:
    """The next ``window`` chunks, handed to the workers, with their new outcomes in order
    (None after the last): without a barrier at each window's end, a worker that finishes
    early, or waits while the outputs are written, has the next chunk to clean. ``keyed``:
    each document goes with its key in the last run (clean_chunk's ``keys``)."""
    chunks = list(islice(chunks_in, window))
    if not chunks:
        return None
    todo = []
    for chunk in chunks:
        work = [(doc, prior) for doc, known, prior in chunk if not known]
        if work:
            todo.append(([doc for doc, _ in work],
                         [prior and prior.key for _, prior in work] if keyed else None))
    return chunks, chain.from_iterable(workers.map(todo))


class Interrupted(KeyboardInterrupt):
    """SIGINT (Ctrl-C) or SIGTERM: the run stops; ``signum`` says which."""

    def __init__(self, signum: int = signal.SIGINT) -> None:
        super().__init__(signum)
        self.signum = signum
        self.written: int | None = None  # outputs written before the run stopped (see run)


def stop(signum: int, frame: object) -> None:
    """The handler of STOP_SIGNALS in ``cleaner clean`` (SIGINT's default raises alike)."""
    raise Interrupted(signum)


@contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM while a window is cleaned, written and recorded, then raise.

    An interrupt can land anywhere: inside a pool's bookkeeping of tasks in flight (joblib's
    manager thread then fails with a KeyError) or inside tempfile.mkstemp before the name is
    known (leaving a temporary file behind). Held, it waits for the window's documents (a
    second or two; a document stops at its time limit) and the run stops between windows with
    every output whole. A second signal stops at once. Only signals that would interrupt
    (default SIGINT, or ``stop``) are held, and only in the main thread.
    """
    held: list[int] = []

    def hold(signum: int, frame: object) -> None:
        held.append(signum)
        if len(held) > 1:  # asked again: the user will not wait
            raise Interrupted(signum)

    watched = [] if threading.current_thread() is not threading.main_thread() else [
        s for s in STOP_SIGNALS if signal.getsignal(s) in (signal.default_int_handler, stop)]
    previous = {s: signal.signal(s, hold) for s in watched}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    if held:
        raise Interrupted(held[0])


# A chunk's documents for a worker, with their keys in the last run (see clean_chunk).
_Work = tuple[list[Document], list[bytes | None] | None]


class _Workers:
    """Worker processes for a run's chunks, started only when a window has more than one chunk
    to share out (one small input is cleaned in this process, without a pool's start-up).

    Local workers are forked from this process once per run: each starts with the loaded
    Cleaner and the options (the model's pages are shared, not copied) and keeps that Cleaner,
    its memos warm, for every chunk it gets, so a chunk carries only its documents. Under
    another joblib backend (Dask, see cli._backend) the chunks go through joblib, which has
    sent the Cleaner to every worker once. Profiling showed a joblib task pickling the model's
    25 MB with every chunk and each worker starting cold: `--jobs 2` was slower than 1.
    """

    def __init__(self, jobs: int, cleaner: Cleaner, options: Options,
                 done: Synchronized | None = None) -> None:
        self.jobs, self.cleaner, self.options, self.done = jobs, cleaner, options, done
        self.pool: ProcessPoolExecutor | None = None
        self.joblib = None

    def map(self, chunks: list[_Work]) -> Iterator[list[Outcome]]:
        """Each chunk's outcomes, in order. A pool starts on the chunks at once and gives each
        as soon as it is ready; in this process, or through joblib, a chunk is cleaned only
        when its outcomes are asked for. Local workers count finished documents in ``done``
        (joblib's do not: progress then moves as chunks come back)."""
        if self.pool is None and (len(chunks) <= 1 or self.jobs == 1):
            return (clean_chunk(self.cleaner, docs, self.options, self.done, keys)
                    for docs, keys in chunks)
        if self.joblib or _other_joblib_backend():
            return self._joblib(chunks)
        if self.pool is None:
            self.pool = _forked_pool(self.jobs, adopt=(self.cleaner, self.options, self.done))
        return self.pool.map(_clean_adopted, chunks)

    def _joblib(self, chunks: list[_Work]) -> Iterator[list[Outcome]]:
        from joblib import Parallel, delayed

        self.joblib = self.joblib or Parallel(n_jobs=self.jobs).__enter__()
        yield from self.joblib(delayed(clean_chunk)(self.cleaner, docs, self.options, None, keys)
                               for docs, keys in chunks)

    def __enter__(self) -> _Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
        if self.joblib is not None:
            self.joblib.__exit__(*exc)


def _other_joblib_backend() -> bool:
    """Whether a joblib backend other than its local processes is in effect (Dask, through
    joblib.parallel_config; without joblib imported, none can be)."""
    if "joblib" not in sys.modules:
        return False
    from joblib.parallel import LokyBackend, get_active_backend

    return not isinstance(get_active_backend()[0], LokyBackend)


def _n_workers(jobs: int) -> int:
    """joblib's reading of n_jobs: -1 all cores, -2 all but one, and so on."""
    return jobs if jobs > 0 else max(1, (os.cpu_count() or 1) + 1 + jobs)


# A local worker process's Cleaner, options and count of finished documents (or None), set
# once when the process starts.
_adopted: _Adopted | None = None


def _start_worker(adopt: _Adopted | None) -> None:
    global _adopted
    _adopted = adopt
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle


def _clean_adopted(work: _Work) -> list[Outcome]:
    cleaner, options, done = _adopted
    docs, keys = work
    return clean_chunk(cleaner, docs, options, done, keys)


def _items(sources: Iterable[Source], sink: Sink, options: Options, state: State | None,
           evidence: Evidence, stdin: BinaryIO | None) -> Iterator[_Item]:
    """Every document to clean, or already decided (a file of another kind, an output up to
    date whole, a colliding output), each with its place in the last run (see resume)."""
    for source in sources:
        if source.kind == OTHER:
            yield Document(source, source.name), Outcome(skipped=IGNORED), None
            continue
        target = sink.target(source)
        prior: Iterator[Prior] = iter(())
        if state is not None and source.path is not None and target is not None \
                and source.error is None:
            if same_file(source.path, target):
                yield Document(source, source.name), Outcome(
                    error=f"output would overwrite the input ({target})"), None
                continue
            claim = state.claim(source, target, evidence)
            if claim.verdict == "collision":
                yield Document(source, source.name), Outcome(
                    error=f"output collision ({target} is written from {claim.other}; "
                          "rename one of them)"), None
                continue
            if claim.verdict == "fresh":
                yield Document(source, source.name), Outcome(earlier=claim.prior), None
                continue
            if claim.prior is not None:
                prior = (with_lines(target, claim.prior) if source.is_record_stream
                         else iter(claim.prior))
        stream = stdin if source.path is None else None
        for doc in documents(source, options.text_field, options.id_field, stream):
            known = None if doc.not_document is None else Outcome(
                not_document=doc.not_document, key=document_key(doc, None, None))
            yield doc, known, next(prior, None)


def same_file(a: Path, b: Path) -> bool:
    """Whether both paths name one existing file (two stat calls, not a resolve of each)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _chunks(items: Iterator[_Item], size: int) -> Iterator[list[_Item]]:
    """Consecutive items, at most ``size`` documents or CHUNK_CHARS characters each."""
    chunk: list[_Item] = []
    chars = 0
    for item in items:
        chunk.append(item)
        chars += len(item[0].text or item[0].html or "")
        if len(chunk) >= size or chars >= CHUNK_CHARS:
            yield chunk
            chunk, chars = [], 0
    if chunk:
        yield chunk


class _Delivery:
    """Takes each document's outcome in input order: writes its output (sink), counts it
    (summary), names its problems (errors), reports it, keeps it for resume (state) and
    moves the progress; publishes each source's output once its last document is in."""

    def __init__(self, sink: Sink, summary: Summary, errors: TextIO, report: BinaryIO | None,
                 state: State | None, progress: Progress | None, evidence: Evidence,
                 site_field: str) -> None:
        self.sink, self.summary, self.errors, self.report = sink, summary, errors, report
        self.state, self.progress, self.evidence = state, progress, evidence
        self.site_field = site_field
        self.current: Source | None = None
        self.up_to_date = 0  # documents of the current source left as the last run wrote them
        self.delivered = 0  # documents delivered in all

    def deliver(self, doc: Document, known: Outcome | None, outcome: Outcome,
                prior: Prior | None) -> None:
        """One document: ``known`` its outcome decided before cleaning, if it was; ``prior``
        the document at its place in the last run."""
        if outcome.unchanged:
            outcome = Outcome(key=outcome.key, earlier=(prior,))
        if doc.source is not self.current:
            self.finish()
            self.current = doc.source
        _deliver(doc, outcome, self.sink, self.summary, self.errors)
        documents = len(outcome.earlier) if outcome.earlier is not None else 1
        self.delivered += documents
        self._audit(doc, outcome, known is None or known.not_document is not None)
        if not doc.source.is_record_stream:  # its only document: done now
            self.finish()
        if self.progress is not None:
            self.progress.update(lines=outcome.lines, documents=documents if known else 0)

    def _audit(self, doc: Document, outcome: Outcome, keep: bool) -> None:
        """The document's report records (an earlier failure's again; the documents up to
        date are counted for one record at the source's end) and, when ``keep``, its resume
        record."""
        target = self.sink.target(doc.source)
        state = self.state if keep and target is not None else None
        site = site_of(doc, self.site_field)
        for p in outcome.earlier or ():
            if p.failure is None:
                self.up_to_date += 1
            elif self.report is not None:
                self.report.write(_json_line({"source": doc.source.name, "id": p.failure[0],
                                              "status": "failed", "reason": p.failure[1],
                                              "earlier": True}))
            if state is not None:
                state.keep(target, outcome.key, p.written, p.failure, site)
        if outcome.earlier is not None:
            return
        if self.report is not None:
            self.report.write(_report_line(doc, outcome, site))
        if state is not None:
            failure = None if outcome.error is None else (doc.id, outcome.error)
            state.keep(target, outcome.key, _has_output(doc, outcome), failure, site)

    def finish(self) -> None:
        """The current source's last document is in: publish its output, record it, report
        its documents up to date."""
        source, self.current = self.current, None
        if source is None:
            return
        self.sink.finish()
        target = self.sink.target(source)
        if self.up_to_date and self.report is not None:
            self.report.write(_json_line({"source": source.name, "status": "up to date",
                                          "output": str(target), "documents": self.up_to_date}))
        self.up_to_date = 0
        if self.state is not None and target is not None and source.kind != OTHER:
            self.state.done(target, self.evidence)
        if self.progress is not None:
            self.progress.update(files=1)


def _has_output(doc: Document, outcome: Outcome) -> bool:
    """Whether the document is written: with a text, or as a JSONL record (one that was not
    cleaned goes back unchanged); a WARC record that is no document or has no text is not."""
    return outcome.text is not None or (doc.record is not None and doc.source.kind == "jsonl")


def _deliver(doc: Document, outcome: Outcome, sink: Sink, summary: Summary,
             errors: TextIO) -> None:
    """Write one document's output (an unchanged record's: its earlier line), count it, name
    its problems (an earlier failure was named when it happened)."""
    try:
        if outcome.earlier is not None:
            for line in (p.line for p in outcome.earlier if p.line is not None):
                sink.write_line(doc.source, line)
        elif _has_output(doc, outcome):
            sink.write(doc, outcome)
    except OSError as exc:  # no output, so a rerun does it again
        outcome.error = f"cannot write output ({exc.strerror or exc})"
        outcome.earlier, outcome.key = None, None
    summary.add(outcome)
    if outcome.guessed_charset is not None:
        print(f"cleaner: {doc.id}: {charset_notice(outcome.guessed_charset)}", file=errors)
    for warning in outcome.warnings:
        print(f"cleaner: {doc.id}: warning: {warning}", file=errors)
    if outcome.error is not None:
        print(f"cleaner: {doc.id}: {outcome.error}", file=errors)
    elif outcome.skipped not in (None, UP_TO_DATE, IGNORED):
        print(f"cleaner: {doc.id}: skipped, {outcome.skipped}", file=errors)
    elif outcome.flagged and summary.flagged <= FLAGGED_NAMED:
        print(f"cleaner: {doc.id}: flagged, {_share(outcome.removed_words, outcome.words)} of "
              "its words removed (more than --max-removed-ratio)", file=errors)


def _report_line(doc: Document, outcome: Outcome, site: str) -> bytes:
    """One audit record: the document, its counts, its site (for ``cleaner review``'s per-site
    figures) and every removed line with its reason."""
    reason = outcome.error or outcome.skipped or outcome.not_document
    status = ("failed" if outcome.error is not None else "ignored" if outcome.skipped == IGNORED
              else "skipped" if reason is not None else "flagged" if outcome.flagged
              else "cleaned")
    record: dict[str, object] = {"source": doc.source.name, "id": doc.id, "status": status}
    if outcome.warnings:
        record["warnings"] = outcome.warnings
    if outcome.guessed_charset is not None:
        record["guessed_charset"] = outcome.guessed_charset
    if reason is not None:
        record["reason"] = reason
    else:
        record.update(site=site, lines=outcome.lines, words=outcome.words,
                      removed_lines=len(outcome.removed), removed_words=outcome.removed_words,
                      removed=[{k: v for k, v in d.as_dict().items() if k != "keep"}
                               for d in outcome.removed])
    return _json_line(record)


def _json_line(record: dict[str, object]) -> bytes:
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
