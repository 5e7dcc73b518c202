"""Pipelines: a datatrove block and a ``datasets.map`` function that clean document text.

Both hold a Cleaner, or None for the shipped model, loaded on first use in the process that
cleans (so a pipeline or map function pickles small and each worker loads the model once).
Install the extra: ``pip install 'boilerplate-cleaner[datatrove]'`` (datatrove, datasets, and
orjson, which datatrove's JSONL reader and writer need).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from cleaner.pipeline import Cleaner, default_cleaner

try:
    from datatrove.pipeline.base import PipelineStep
except ImportError:  # map_function works without datatrove; CleanerStep says what is missing

    class PipelineStep:  # type: ignore[no-redef]
        def __init__(self) -> None:
            raise ImportError(
                "CleanerStep needs datatrove: pip install 'boilerplate-cleaner[datatrove]'")


class CleanerStep(PipelineStep):
    """A datatrove block: cleans each ``Document.text`` and counts what it removed.

    Stats (in the executor's ``stats/`` and its summary): ``total`` documents,
    ``removed_lines`` and ``removed_lines_<label>`` per document, ``emptied`` for documents with
    nothing left. Documents are passed on even when emptied; filter them in a later block.
    """

    name = "🧹 cleaner"
    type = "✂️ - FORMAT"

    def __init__(self, cleaner: Cleaner | None = None) -> None:
        super().__init__()
        self.cleaner = cleaner

    def run(self, data, rank: int = 0, world_size: int = 1):
        cleaner = self.cleaner or default_cleaner()
        for doc in data:
            self.stat_update("total")
            with self.track_time():
                result = cleaner.explain(doc.text)
            self.stat_update("removed_lines", value=len(result.removed))
            for label, n in sorted(Counter(d.label for d in result.removed).items()):
                self.stat_update(f"removed_lines_{label}", value=n)
            if not result.text:
                self.stat_update("emptied")
            doc.text = result.text
            yield doc


class _CleanColumn:
    """The callable that map_function returns; a module-level class so that it pickles."""

    def __init__(self, cleaner: Cleaner | None, text_field: str) -> None:
        self.cleaner = cleaner
        self.text_field = text_field

    def __call__(self, batch: dict) -> dict:
        cleaner = self.cleaner or default_cleaner()
        texts = batch[self.text_field]
        if texts is None or isinstance(texts, str):  # map without batched=True: one example
            return {self.text_field: None if texts is None else cleaner.clean(texts)}
        return {self.text_field: [None if t is None else cleaner.clean(t) for t in texts]}


def map_function(
    cleaner: Cleaner | None = None, text_field: str = "text"
) -> Callable[[dict], dict]:
    """A function for ``Dataset.map(f, batched=True)`` that replaces ``text_field`` by its
    cleaned text (None stays None); picklable, so ``num_proc`` works."""
    return _CleanColumn(cleaner, text_field)
