"""The review page of a report: one self-contained HTML file (``cleaner review``).

The page is the template ``review.html`` (its style and script inline, nothing fetched) with
the review's figures and sampled documents embedded as JSON. A sampled document's kept lines
are read again from the run's input, which the report names; when it is gone or changed, the
document shows its removed lines only and the problem is said once per input.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from cleaner.review import (
    Review,
    labels_in_order,
    recurring_by_label,
    share_removed,
    site_of_record,
)

#: Kept text the page holds at most; documents past it show their removed lines only.
KEPT_CHARS = 12_000_000

#: Where the figures go in the template.
DATA_MARK = "__REVIEW_DATA__"


def page_data(review: Review, report: str, kept: dict[int, list[str] | None]) -> dict:
    """Everything the page shows, as JSON-ready values; ``kept`` holds the input lines of
    each sampled document (by its place in review.sample()), or None when they are unknown."""
    sample = review.sample()
    docs = [_document(record, kept.get(i)) for i, record in enumerate(sample)]
    where: dict[tuple[str, str], tuple[int, int]] = {}  # a removed line's first document, line
    for i, record in enumerate(sample):
        for item in record["removed"]:
            where.setdefault((item["label"], " ".join(item["text"].split())), (i, item["line"]))
    at = {id(record): i for i, record in enumerate(sample)}
    labels = labels_in_order(review.labels)
    return {
        "report": report,
        "status": {k: v for k, v in review.status.items() if v},
        "earlier": review.earlier,
        "totals": review.totals,
        "labels": [[label, *review.labels[label]] for label in labels],
        "shares": review.shares,
        "sites": {"count": len(review.sites.counts), "approximate": review.sites.pruned,
                  "top": [[site, *row] for site, row in review.top_sites()]},
        "reasons": [[reason, row[0]] for reason, row in review.reasons.top(20)],
        "failed": review.failed_listed,
        "flagged": review.flagged_listed,
        "recurring": {"approximate": review.recurring.pruned, "labels": {
            label: [[text, n_docs, n_lines, *where.get((label, text), (-1, 0))]
                    for text, n_docs, n_lines in rows]
            for label, rows in recurring_by_label(review).items()}},
        "risky": {label: [[item["text"], item["score"], item.get("reason", ""),
                           at[id(record)], item["line"]] for item, record in lowest.items()]
                  for label, lowest in review.risky.items() if lowest.heap},
        "docs": docs,
    }


def _document(record: dict, kept: list[str] | None) -> dict:
    """A sampled document: its lines in order (kept ones from its input when known)."""
    removed = {item["line"]: item for item in record["removed"]}
    rows: list[list] = []
    numbers = range(1, len(kept) + 1) if kept is not None else sorted(removed)
    for number in numbers:
        item = removed.get(number)
        if item is not None:
            rows.append([number, item["text"], item["label"], item["score"],
                         item.get("reason", "")])
        elif kept[number - 1].strip():
            rows.append([number, kept[number - 1]])
    return {"id": str(record.get("id")), "source": record["source"],
            "site": site_of_record(record), "status": record["status"],
            "share": round(share_removed(record), 4), "words": record.get("words", 0),
            "removed_words": record.get("removed_words", 0), "inputs": kept is not None,
            "lines": rows}


def kept_lines(sample: list[dict], read: Callable[[str, set[str]], dict[str, str]],
               notice: Callable[[str], None]) -> dict[int, list[str] | None]:
    """The input lines of each sampled document, found by its source and id: ``read(source,
    ids)`` gives the texts of those documents of a source, or raises OSError or ValueError
    saying why it cannot. A document whose removed lines are not where the report says (its
    input changed since the run) has none; so have those past KEPT_CHARS of kept text."""
    from cleaner.segment import split_lines

    wanted: dict[str, set[str]] = {}
    for record in sample:
        wanted.setdefault(record["source"], set()).add(str(record.get("id")))
    texts: dict[tuple[str, str], str] = {}
    for source, ids in wanted.items():
        try:
            texts.update({(source, i): text for i, text in read(source, ids).items()})
        except (OSError, ValueError) as exc:
            notice(f"{source}: {exc}; its documents show their removed lines only")
    kept: dict[int, list[str] | None] = {}
    budget = KEPT_CHARS
    for i, record in enumerate(sample):
        text = texts.get((record["source"], str(record.get("id"))))
        if text is None or budget <= 0:
            continue
        lines = split_lines(text)
        if any(not 0 < item["line"] <= len(lines) or lines[item["line"] - 1] != item["text"]
               for item in record["removed"]):
            notice(f"{record.get('id')}: its input changed since the run; it shows its "
                   "removed lines only")
            continue
        kept[i] = lines
        budget -= len(text)
    return kept


def render_page(data: dict) -> bytes:
    """The page: the template with ``data`` embedded (``<`` escaped, so no text in the data
    can close the script element or open a comment)."""
    template = resources.files("cleaner").joinpath("review.html").read_text(encoding="utf-8")
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    payload = payload.replace("<", "\\u003c")
    return template.replace(DATA_MARK, payload).encode("utf-8")


def source_texts(kind: str | None, text_field: str,
                 id_field: str) -> Callable[[str, set[str]], dict[str, str]]:
    """A reader of some documents' texts of a source, by id, as ``cleaner clean`` read them."""
    from cleaner.sources import ReadError, Source, documents, kind_of, load_text

    def read(name: str, ids: set[str]) -> dict[str, str]:
        path = Path(name)
        if not path.is_file():
            raise FileNotFoundError("input not found")
        source = Source(path, Path(path.name), kind or kind_of(path) or "txt")
        texts = {}
        for doc in documents(source, text_field, id_field):
            if doc.id in ids and doc.error is None and doc.skipped is None \
                    and doc.not_document is None:
                try:
                    texts[doc.id] = load_text(doc)
                except ReadError as exc:
                    raise ValueError(str(exc)) from None
                if len(texts) == len(ids):
                    break
        return texts

    return read
