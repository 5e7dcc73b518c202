"""The options of a batch run (cleaner.batch), apart from it so that the modules the run uses
(cleaner.resume) name them without importing the run: no import cycle."""

from __future__ import annotations

from dataclasses import dataclass

from cleaner.repetition import SiteRepeats


@dataclass(frozen=True)
class Options:
    """How a run reads and writes, besides the Cleaner's own policy.

    ``max_removed_ratio`` flags a document when a larger share of its words was removed;
    ``on_excess`` says what then happens: ``keep`` writes it uncleaned, ``report`` writes it
    cleaned and only flags it in the summary and the report. ``repeats`` is the evidence of a
    first pass (repeated_lines): per site, its repeated lines (cleaner.repetition); a JSONL
    record's site is the host of its ``site_field`` URL, any other document's its folder.
    ``doc_timeout`` is the most seconds one document may take (None: no limit, see time_limit).
    """

    text_field: str = "text"
    id_field: str | None = None
    format: str = "txt"
    max_removed_ratio: float | None = None
    on_excess: str = "report"
    site_field: str = "url"
    repeats: dict[str, SiteRepeats] | None = None
    doc_timeout: float | None = None
