"""What a run removed, read from its ``--report`` file in one streaming pass (``cleaner review``).

The pass keeps aggregates of bounded size (totals, per label, per site, the share removed per
document, the removed lines that recur most, the failure reasons) and a bounded sample of
documents to show line by line: the flagged ones that lost the most, those holding the
removed lines nearest the threshold (the lowest scores: the riskiest), and the first few of
each site. A 100,000-document report reads in seconds and in tens of megabytes.
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from cleaner.document import LABELS
from cleaner.repetition import site_of_path

#: Reasons of lines the threshold decided (the sequence stage; "model" and "context" in reports
#: of versions before it): the only ones a threshold's nearness makes risky, where a rule, a
#: block or repetition decided the others whatever their score.
BY_THRESHOLD = ("sequence", "model", "context")

#: Statuses of a report record that stand for documents (``up to date`` stands for several).
STATUSES = ("cleaned", "flagged", "skipped", "failed", "ignored", "up to date")

#: Bins of the share of words removed per document: none, then ten of 10% each.
SHARE_BINS = 11


@dataclass(frozen=True)
class Limits:
    """How much of a report the page holds besides its totals (the rest is counted only)."""

    sites: int = 40           # sites shown, those that lose the most words
    recurring: int = 25       # recurring removed lines shown per label
    risky: int = 15           # removed lines nearest the threshold shown per label
    flagged: int = 400        # flagged documents shown line by line (those losing most)
    per_site: int = 2         # documents shown line by line for each site shown
    listed: int = 2000        # flagged and failed documents listed by id
    counted: int = 20000      # distinct keys a bounded counter holds (sites, recurring lines)
    sampled_sites: int = 5000  # sites whose first documents are held while reading


class ReportError(ValueError):
    """A file that is not a ``cleaner clean --report`` file; the message names it and the line."""


class BoundedCounter:
    """Counts per key, holding at most ``2 * size`` keys: beyond that only the ``size`` keys
    with the largest first count stay (ties by key, so the result is deterministic). A key
    that recurs often stays; one dropped and seen again starts from zero, so the counts are
    lower bounds once ``pruned`` is set (exact otherwise)."""

    def __init__(self, size: int, width: int = 1) -> None:
        self.size, self.width = size, width
        self.counts: dict[Hashable, list[int]] = {}
        self.pruned = False

    def add(self, key: Hashable, *values: int) -> None:
        row = self.counts.get(key)
        if row is None:
            if len(self.counts) >= 2 * self.size:
                self._prune()
            row = self.counts[key] = [0] * self.width
        for i, value in enumerate(values):
            row[i] += value

    def _prune(self) -> None:
        self.counts = dict(self.top(self.size))
        self.pruned = True

    def top(self, n: int) -> list[tuple[Hashable, list[int]]]:
        """The ``n`` keys with the largest first count, largest first, ties by key."""
        return heapq.nsmallest(n, self.counts.items(), key=lambda kv: (-kv[1][0], kv[0]))


class _Lowest:
    """The ``size`` items of lowest key seen, the earlier first among equal keys."""

    def __init__(self, size: int) -> None:
        self.size, self.heap, self.seen = size, [], 0

    def add(self, key: float, item: object) -> None:
        self.seen += 1
        entry = (-key, -self.seen, item)
        if len(self.heap) < self.size:
            heapq.heappush(self.heap, entry)
        elif entry[:2] > self.heap[0][:2]:
            heapq.heapreplace(self.heap, entry)

    def items(self) -> list[object]:
        return [item for _, _, item in sorted(self.heap, key=lambda e: (-e[0], -e[1]))]


@dataclass
class Review:
    """The aggregates of one report and its sample of documents (report records)."""

    limits: Limits = field(default_factory=Limits)
    records: int = 0
    status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    totals: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("lines", "words", "removed_lines", "removed_words"), 0))
    labels: dict[str, list[int]] = field(default_factory=dict)  # lines, words, documents
    shares: list[int] = field(default_factory=lambda: [0] * SHARE_BINS)
    earlier: int = 0  # failures of an earlier run, listed again
    failed_listed: list[list[str]] = field(default_factory=list)
    flagged_listed: list[list] = field(default_factory=list)

    def __post_init__(self) -> None:
        size = self.limits.counted
        # documents, lines, words, removed lines, removed words; ranked by the removed words
        self.sites = BoundedCounter(size, 5)
        self.recurring = BoundedCounter(size, 2)  # (label, text): documents, lines
        self.reasons = BoundedCounter(size)
        self.risky = {label: _Lowest(self.limits.risky) for label in LABELS}
        self.flagged = _Lowest(self.limits.flagged)
        self.by_site: dict[str, list[dict]] = {}

    def add(self, record: dict) -> None:
        """One report record."""
        self.records += 1
        status = record["status"]
        self.status[status] = self.status.get(status, 0) + (
            record.get("documents", 0) if status == "up to date" else 1)
        if status == "failed":
            self.earlier += bool(record.get("earlier"))
            self.reasons.add(str(record.get("reason")), 1)
            if len(self.failed_listed) < self.limits.listed:
                self.failed_listed.append([str(record.get("id")), str(record.get("source")),
                                           str(record.get("reason"))])
        if status not in ("cleaned", "flagged"):
            return
        counts = [int(record.get(k, 0)) for k in ("lines", "words", "removed_lines",
                                                  "removed_words")]
        for key, value in zip(("lines", "words", "removed_lines", "removed_words"), counts):
            self.totals[key] += value
        site = site_of_record(record)
        self.sites.add(site, 1, *counts)
        share = share_removed(record)
        self.shares[0 if share <= 0 else min(SHARE_BINS - 1, 1 + int(share * 10 - 1e-9))] += 1
        self._add_lines(record)
        if status == "flagged":
            self.flagged.add(-share, record)
            if len(self.flagged_listed) < self.limits.listed:
                self.flagged_listed.append([str(record.get("id")), site, round(share, 4)])
        if record["removed"]:
            held = self.by_site.get(site)
            if held is None and len(self.by_site) < self.limits.sampled_sites:
                held = self.by_site[site] = []
            if held is not None and len(held) < self.limits.per_site:
                held.append(record)

    def _add_lines(self, record: dict) -> None:
        seen_labels, seen_lines = set(), set()
        for item in record["removed"]:
            label, text = item["label"], item["text"]
            row = self.labels.setdefault(label, [0, 0, 0])
            row[0] += 1
            row[1] += len(text.split())
            if label not in seen_labels:
                seen_labels.add(label)
                row[2] += 1
            key = (label, " ".join(text.split()))
            self.recurring.add(key, 0 if key in seen_lines else 1, 1)
            seen_lines.add(key)
            if label in self.risky and item["reason"].split(":")[0] in BY_THRESHOLD:
                self.risky[label].add(float(item["score"]), (item, record))

    def sample(self) -> list[dict]:
        """The documents shown line by line, each once, in a fixed order: flagged, risky,
        by site."""
        chosen: dict[int, dict] = {}
        for record in self.flagged.items():
            chosen.setdefault(id(record), record)
        for lowest in self.risky.values():
            for _, record in lowest.items():
                chosen.setdefault(id(record), record)
        for site, _ in self.top_sites():
            for record in self.by_site.get(site, ()):
                chosen.setdefault(id(record), record)
        return list(chosen.values())

    def top_sites(self) -> list[tuple[str, list[int]]]:
        """The sites that lose the most words."""
        return heapq.nsmallest(self.limits.sites, self.sites.counts.items(),
                               key=lambda kv: (-kv[1][4], -kv[1][0], kv[0]))


def site_of_record(record: dict) -> str:
    """A document's site as the report names it, else (a report of an earlier version) its
    file's folder, as cleaner's repetition step takes it."""
    site = record.get("site")
    return site if isinstance(site, str) else site_of_path(PurePath(str(record["source"])))


def share_removed(record: dict) -> float:
    words = int(record.get("words") or 0)
    return int(record.get("removed_words") or 0) / words if words else 0.0


def read_review(path: Path, limits: Limits = Limits()) -> Review:
    """The aggregates and sample of the report at ``path``, read once, a record at a time."""
    review = Review(limits)
    try:
        with open(path, encoding="utf-8") as lines:
            for number, raw in enumerate(lines, start=1):
                if raw.strip():
                    review.add(_record(path, number, raw))
    except UnicodeDecodeError as exc:
        raise ReportError(f"{path}: not a cleaner --report file (not UTF-8 text: {exc})") \
            from None
    if not review.records:
        raise ReportError(f"{path}: no report records in it (make one with "
                          "cleaner clean … --report FILE)")
    return review


def _record(path: Path, number: int, raw: str) -> dict:
    """One report record, checked for what the review reads."""
    where = f"{path}:{number}: not a cleaner --report record"
    try:
        record = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ReportError(f"{where} (not JSON: {exc})") from None
    if not isinstance(record, dict) or record.get("status") not in STATUSES \
            or not isinstance(record.get("source"), str):
        raise ReportError(f"{where} (expected an object with 'source' and a 'status' of "
                          f"{', '.join(STATUSES)})")
    if record["status"] in ("cleaned", "flagged"):
        removed = record.get("removed")
        if not isinstance(removed, list) or not all(_removed_item(i) for i in removed):
            raise ReportError(f"{where} (its 'removed' must list objects with 'line', "
                              "'label', 'score', 'reason' and 'text')")
    return record


def _removed_item(item: object) -> bool:
    return (isinstance(item, dict) and isinstance(item.get("line"), int)
            and isinstance(item.get("text"), str) and isinstance(item.get("label"), str)
            and isinstance(item.get("score"), (int, float)))


def recurring_by_label(review: Review) -> dict[str, list[tuple[str, int, int]]]:
    """Per label, the removed lines found in the most documents: (text, documents, lines);
    lines found in one document only are left out."""
    ranked: dict[str, list[tuple[str, int, int]]] = {}
    for (label, text), (docs, lines) in review.recurring.top(len(review.recurring.counts)):
        shown = ranked.setdefault(label, [])
        if docs > 1 and len(shown) < review.limits.recurring:
            shown.append((text, docs, lines))
    return {label: rows for label, rows in ranked.items() if rows}


def labels_in_order(labels: Iterable[str]) -> list[str]:
    """Known labels in cleaner's order, then any other in name order."""
    known = [label for label in LABELS if label in labels]
    return known + sorted(set(labels) - set(known))
