"""What cleaning one document of a batch run gave, apart from cleaner.batch so that the outputs
(cleaner.sinks) read it without importing the run: no import cycle."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from cleaner.document import Decision
from cleaner.resume import Prior


@dataclass
class Outcome:
    """What cleaning one document gave: the text to write, or why there is none;
    ``not_document`` why a record was no document to clean (a WARC request, an image);
    ``warnings`` about a document read all the same; ``guessed_charset``, the charset guessed
    for its text (neither UTF-8 nor declared). For resume: ``key`` the document's
    resume.document_key (None: redo it on a rerun, it failed in a way that may pass);
    ``unchanged`` when it equals the last run's; ``earlier`` the documents, as the last run
    left them, that an unchanged document (or an output up to date whole) stands for."""

    text: str | None = None
    removed: tuple[Decision, ...] = ()
    lines: int = 0
    words: int = 0
    flagged: bool = False
    error: str | None = None
    skipped: str | None = None
    not_document: str | None = None
    warnings: list[str] = field(default_factory=list)
    guessed_charset: str | None = None
    key: bytes | None = None
    unchanged: bool = False
    earlier: tuple[Prior, ...] | None = None

    def guessed(self, charset: str) -> None:
        """Hears the charset guessed for the document's text."""
        self.guessed_charset = charset

    @property
    def removed_words(self) -> int:
        return sum(len(d.text.split()) for d in self.removed)

    def summary(self) -> dict[str, object]:
        """The short account that goes into a JSONL output record."""
        labels = Counter(d.label for d in self.removed)
        out: dict[str, object] = {"removed_lines": len(self.removed),
                                  "removed_words": self.removed_words,
                                  "labels": dict(sorted(labels.items()))}
        if self.flagged:
            out["flagged"] = "max_removed_ratio"
        if self.error is not None:
            out["failed"] = self.error
        elif self.skipped is not None:
            out["skipped"] = self.skipped
        return out
