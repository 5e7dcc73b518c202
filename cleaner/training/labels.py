"""Real labelled lines: the team's labels for lines of the corpora's pages and ui-strings.

A label is stored as (corpus, page, line hash, label) in ``data/labels/``, so no page text
enters the repository; the text is found again at train and evaluation time by hashing the
lines of the page's views in ``../shared``: trafilatura's favor_recall text (text mode's input),
its default text (HTML mode's) and jusText's paragraphs of the whole page, which hold the
appeals, paywalls and widgets the extractors leave out. ui-strings rows are labelled by their
corpus and read as they are.
"""

from __future__ import annotations

import csv
import functools
import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from cleaner.document import ARTICLE_LABELS, LABELS, Line
from cleaner.extract import HTML_MODE_SETTINGS, TEXT_MODE_SETTINGS, Settings
from cleaner.segment import segment
from cleaner.training.corpora import Page, extracted_texts, is_heldout

LABELS_FILE = Path("labels") / "lines.tsv"
#: Pages whose every line the team labelled by reading the whole page (same columns).
READ_FILE = Path("labels") / "read.tsv"
#: The page texts whose lines are labelled, by name.
VIEWS: dict[str, Settings] = {
    "recall": TEXT_MODE_SETTINGS,
    "default": HTML_MODE_SETTINGS,
    "blocks": {"extractor": "justext paragraphs", "version": 1},
}
UI_STRINGS = Path("corpora") / "ui-strings" / "strings.tsv"
#: ui-strings are trained on in the languages of the articles the model sees: in a language
#: with UI strings and no article text, every line of an article looked like UI (an Indonesian
#: tutorial scored 1.0 as ui_message).
UI_LANGUAGES = frozenset({"en", "de", "fr", "es", "ru", "pl"})

# (corpus, page id) -> line hash -> label
Labels = dict[tuple[str, str], dict[str, str]]


def line_hash(text: str) -> str:
    """What names a line in the label files: its whitespace-normalised text, hashed."""
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()[:16]


def team_labels(data_dir: Path, name: Path = LABELS_FILE) -> Labels:
    """The team's labels in the file ``name`` of the data folder (LABELS_FILE: selected lines;
    READ_FILE: whole pages read), empty where the file is missing."""
    path = data_dir / name
    return read_labels(path) if path.is_file() else {}


def read_labels(path: Path) -> Labels:
    """Labels from a TSV with the header ``corpus page hash label``."""
    labels: Labels = {}
    with open(path, encoding="utf-8", newline="") as f:
        for number, row in enumerate(csv.DictReader(f, delimiter="\t"), start=2):
            if row.get("label") not in LABELS or not row.get("hash"):
                raise ValueError(f"{path}:{number}: expected corpus, page, hash and a known label")
            labels.setdefault((row["corpus"], row["page"]), {})[row["hash"]] = row["label"]
    return labels


@functools.lru_cache(maxsize=1)
def _all_stopwords() -> frozenset[str]:
    import justext

    return frozenset().union(*(justext.get_stoplist(lang) for lang in justext.get_stoplists()))


def justext_paragraphs(html: str, settings: Settings) -> str:
    """Every paragraph jusText finds on the page, good or bad, one per line."""
    import justext

    try:
        paragraphs = justext.justext(html, _all_stopwords())
    except Exception:  # noqa: BLE001 - jusText raises bare lxml errors on broken pages
        return ""
    return "\n".join(" ".join(p.text.split()) for p in paragraphs)


@dataclass(frozen=True)
class LabelledLine:
    """A labelled line of a page's view, at its place (``index``: among the view's lines)."""

    text: str
    label: str
    index: int


@dataclass(frozen=True)
class PageViews:
    """A page's views as non-blank lines (numbered as in the view), and the labels of those
    the team labelled (None for the others)."""

    page: Page
    lines: dict[str, list[Line]]
    labels: dict[str, list[str | None]]

    def text(self, view: str) -> str:
        """The view's text, its blank lines back in place."""
        rows = [""] * (self.lines[view][-1].number if self.lines[view] else 0)
        for line in self.lines[view]:
            rows[line.number - 1] = line.text
        return "\n".join(rows)

    def labelled(self, view: str) -> list[LabelledLine]:
        return [LabelledLine(line.text, label, i)
                for i, (line, label) in enumerate(zip(self.lines[view], self.labels[view]))
                if label is not None]


def page_views(
    pages: Sequence[Page], labels: Labels, cache_dir: Path | None, jobs: int = 2
) -> list[PageViews]:
    """Each page's views with their labelled lines (views are cached like extracted texts)."""
    texts = {
        name: extracted_texts(pages, cache_dir, jobs, settings,
                              justext_paragraphs if name == "blocks" else None)
        for name, settings in VIEWS.items()
    }
    out = []
    for i, page in enumerate(pages):
        known = labels.get((page.corpus, page.page_id), {})
        lines = {name: [line for line in segment(texts[name][i]) if not line.blank]
                 for name in VIEWS}
        out.append(PageViews(page, lines, {
            name: [known.get(line_hash(line.text)) for line in view]
            for name, view in lines.items()}))
    return out


@dataclass(frozen=True)
class UIString:
    label: str
    lang: str
    text: str
    key: str  # the source's catalog key without the language: its translations share it


def ui_strings(
    shared: Path, heldout: bool, languages: frozenset[str] | None = UI_LANGUAGES
) -> list[UIString]:
    """The ui-strings corpus rows of one part, split by catalog key (all languages together),
    in ``languages`` (None: all)."""
    path = shared / UI_STRINGS
    if not path.is_file():
        return []
    out = []
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            key = _catalog_key(row["source"])
            if (row["label"] in LABELS and is_heldout(key) == heldout
                    and (languages is None or row["lang"] in languages)):
                out.append(UIString(row["label"], row["lang"], row["text"], key))
    return out


def _catalog_key(source: str) -> str:
    """``owner/repo@commit:path#key`` without the commit and the language parts of the path."""
    repo, _, rest = source.partition("@")
    path, _, key = rest.partition("#")
    return f"{repo}#{key}"


def runs_of_boilerplate(
    labelled: Sequence[LabelledLine], max_lines: int
) -> Iterator[list[tuple[str, str]]]:
    """Consecutive labelled boilerplate lines of a view as blocks of at most ``max_lines``:
    a site's appeal or widget as it stands on the page."""
    block: list[tuple[str, str]] = []
    last = -2
    for line in labelled:
        if line.label in ARTICLE_LABELS or line.index != last + 1 or len(block) == max_lines:
            if block:
                yield block
            block = []
        if line.label not in ARTICLE_LABELS:
            block.append((line.label, line.text))
        last = line.index
    if block:
        yield block
