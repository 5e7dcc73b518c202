"""Quality of HTML mode and text mode on ../shared/corpora, beside extractors and line rules.

HTML mode (`cleaner clean page.html`: trafilatura with HTML_MODE_SETTINGS, then the cleaner) is
compared with extractors run on the same pages: trafilatura (default, favor_precision,
favor_recall), jusText, readability-lxml and resiliparse. Text mode (the cleaner over
trafilatura's favor_recall text, the model's input) is compared with the C4 and FineWeb line
rules and with the oracle line filter, which keeps exactly the lines the alignment with the
ground truth calls article. Figures: mean word P/R/F1 against WCXB's main text (as WCXB's
evaluate.py computes them), must-keep snippets kept, must-drop snippets absent, snippet F1 (as
trafilatura's evaluation), and for text mode the share of the oracle's gain captured.

    python benchmarks/quality.py [--corpus wcxb traf] [--limit N] [--jobs 2]
                                 [--split heldout|train] [--candidates]

Extractions are cached on disk per method and settings (`--cache`, default the cleaner's
extraction cache), so a rerun after the model changes only cleans. `--candidates` reports the HTML
mode settings that were compared (each uncleaned, with the cleaner and with the oracle) in place
of the extractors: run it with `--split train` to choose settings, never on the held-out pages.
"""

from __future__ import annotations

import argparse
import platform
import sys
from collections import Counter
from collections.abc import Callable
from datetime import date
from importlib import metadata
from pathlib import Path

from cleaner import Cleaner
from cleaner.extract import (
    DEFAULT_SETTINGS,
    HTML_MODE_SETTINGS,
    TEXT_MODE_SETTINGS,
    Settings,
    extract_text,
)
from cleaner.segment import render, split_lines
from cleaner.training.baselines import BASELINES
from cleaner.training.corpora import (
    CORPORA,
    Page,
    align,
    default_cache_dir,
    extracted_texts,
    find_shared,
    is_heldout,
    load_pages,
)
from cleaner.training.metrics import page_counts, page_figures

# Settings compared for HTML mode (the reference first); `--candidates` reports each.
CANDIDATES: dict[str, Settings] = {
    "default": DEFAULT_SETTINGS,
    "default, favor_precision": {**DEFAULT_SETTINGS, "favor_precision": True},
    "default, favor_recall": {**DEFAULT_SETTINGS, "favor_recall": True},
    "comments": {"include_comments": True, "include_tables": True},
    "comments, favor_recall": TEXT_MODE_SETTINGS,
    "comments, deduplicate": {"include_comments": True, "deduplicate": True},
    "default, no fallback": {**DEFAULT_SETTINGS, "fast": True},
}


def justext_text(html: str, settings: Settings) -> str:
    """jusText's good paragraphs, with the stopwords of all its languages (pages are mixed)."""
    import justext

    stoplist = frozenset().union(*(justext.get_stoplist(lang) for lang in justext.get_stoplists()))
    paragraphs = justext.justext(html, stoplist)
    return "\n\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def readability_text(html: str, settings: Settings) -> str:
    """readability-lxml's article HTML, as text by trafilatura's plain html2txt."""
    from readability import Document
    from trafilatura import html2txt

    return html2txt(Document(html).summary()) or ""


def resiliparse_text(html: str, settings: Settings) -> str:
    """resiliparse's plain text with its main-content heuristics."""
    from resiliparse.extract.html2text import extract_plain_text

    return extract_plain_text(html, main_content=True)


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


# name -> (distribution, extractor, settings); a library's version is part of the cache key.
Method = tuple[str, Callable[[str, Settings], str], Settings]
EXTRACTORS: dict[str, Method] = {
    "trafilatura default": ("trafilatura", extract_text, DEFAULT_SETTINGS),
    "trafilatura favor_precision": ("trafilatura", extract_text,
                                    CANDIDATES["default, favor_precision"]),
    "trafilatura favor_recall": ("trafilatura", extract_text,
                                 CANDIDATES["default, favor_recall"]),
    "jusText": ("jusText", justext_text, {"extractor": "jusText"}),
    "readability-lxml": ("readability-lxml", readability_text, {"extractor": "readability"}),
    "resiliparse": ("resiliparse", resiliparse_text, {"extractor": "resiliparse"}),
}


class Bench:
    """The pages of one corpus and split, their extractions (cached) and the figures."""

    def __init__(self, pages: list[Page], cache: Path | None, jobs: int, cleaner: Cleaner):
        self.pages, self.cache, self.jobs, self.cleaner = pages, cache, jobs, cleaner

    def texts(self, settings: Settings, extractor=extract_text) -> list[str]:
        return extracted_texts(self.pages, self.cache, self.jobs, settings, extractor)

    def figures(self, outputs: list[str], before: list[str]) -> dict[str, float]:
        total: Counter[str] = Counter()
        for page, out, text in zip(self.pages, outputs, before, strict=True):
            total.update(page_counts(out, text, page.main_content, page.must_keep,
                                     page.must_drop))
        return page_figures(total)

    def filtered(self, texts: list[str], keep: Callable[[list[str], Page], list[bool]]):
        """Each text with the lines ``keep`` chooses, rendered as the cleaner renders."""
        outs = []
        for page, text in zip(self.pages, texts, strict=True):
            lines = split_lines(text)
            outs.append(render(lines, keep(lines, page)))
        return outs

    def cleaned(self, texts: list[str]) -> list[str]:
        return [self.cleaner.clean(t) for t in texts]

    def oracle(self, texts: list[str]) -> list[str]:
        return self.filtered(texts, lambda lines, page: [g is True for g in align(lines, page)])

    def html_rows(self, candidates: bool) -> dict[str, dict[str, float] | str]:
        """HTML mode beside the extractors, or beside every settings candidate."""
        rows: dict[str, dict[str, float] | str] = {}
        texts = self.texts(HTML_MODE_SETTINGS)
        rows["cleaner, HTML mode"] = self.figures(self.cleaned(texts), texts)
        if candidates:
            for name, settings in CANDIDATES.items():
                texts = self.texts(settings)
                rows[f"{name}: uncleaned"] = self.figures(texts, texts)
                rows[f"{name}: cleaner"] = self.figures(self.cleaned(texts), texts)
                rows[f"{name}: oracle"] = self.figures(self.oracle(texts), texts)
            return rows
        for name, (dist, extractor, settings) in EXTRACTORS.items():
            version = _version(dist)
            if version is None:
                rows[name] = f"not installed (pip install {dist})"
                continue
            texts = self.texts({**settings, "version": version} if dist != "trafilatura"
                               else settings, extractor)
            rows[name] = self.figures(texts, texts)
        return rows

    def text_rows(self) -> dict[str, dict[str, float]]:
        texts = self.texts(TEXT_MODE_SETTINGS)
        outputs = {
            name: self.filtered(texts, lambda lines, page, f=f: [f(x) for x in lines])
            for name, f in BASELINES.items()
        }
        outputs["cleaner"] = self.cleaned(texts)
        outputs["oracle"] = self.oracle(texts)
        rows = {name: self.figures(outs, texts) for name, outs in outputs.items()}
        key = "word_f1" if rows["oracle"]["word_pages"] else "snippet_f1"
        base, best = rows["no cleaning"][key], rows["oracle"][key]
        for row in rows.values():
            row["oracle_gain"] = (row[key] - base) / (best - base) if best != base else 0.0
        return rows


def _words(row: dict[str, float]) -> str:
    if not row["word_pages"]:
        return "– | – | –"
    return f"{row['word_p']:.4f} | {row['word_r']:.4f} | {row['word_f1']:.4f}"


def html_table(rows: dict[str, dict[str, float] | str]) -> list[str]:
    out = ["| method | word P | word R | word F1 | must-keep kept | must-drop absent "
           "| snippet F1 |", "|---|" + "---:|" * 6]
    for name, row in rows.items():
        if isinstance(row, str):
            out.append(f"| {name} | {row} |" + " |" * 5)
            continue
        out.append(f"| {name} | {_words(row)} | {row['keep_all']:.4f} "
                   f"| {row['drop_absent']:.4f} | {row['snippet_f1']:.4f} |")
    return out


def text_table(rows: dict[str, dict[str, float]]) -> list[str]:
    out = ["| method | word P | word R | word F1 | must-keep kept | must-drop absent "
           "| must-drop removed | snippet F1 | oracle gain |", "|---|" + "---:|" * 8]
    for name, row in rows.items():
        out.append(f"| {name} | {_words(row)} | {row['keep_kept']:.4f} "
                   f"| {row['drop_absent']:.4f} | {row['drop_removed']:.4f} "
                   f"| {row['snippet_f1']:.4f} | {row['oracle_gain']:.3f} |")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", nargs="+", choices=CORPORA, default=list(CORPORA))
    parser.add_argument("--limit", type=int, help="only the first N pages of each corpus")
    parser.add_argument("--jobs", type=int, default=2, help="processes for extraction")
    parser.add_argument("--split", choices=("heldout", "train"), default="heldout")
    parser.add_argument("--candidates", action="store_true",
                        help="HTML mode settings candidates instead of the extractors "
                             "(with --split train)")
    parser.add_argument("--shared", type=Path, help="the shared folder holding corpora/")
    parser.add_argument("--cache", type=Path, default=default_cache_dir(),
                        help="extraction cache folder")
    parser.add_argument("--model", type=Path, help="model file (default: the shipped model)")
    args = parser.parse_args(argv)
    shared = args.shared or find_shared()
    if shared is None or not (shared / "corpora").is_dir():
        print("quality.py: ../shared/corpora not found (or pass --shared)", file=sys.stderr)
        return 2
    cleaner = Cleaner(args.model)
    command = " ".join(["python benchmarks/quality.py", *(argv or sys.argv[1:])])
    print(f"Quality, {date.today()}, {platform.machine()}, Python {platform.python_version()}, "
          f"trafilatura {_version('trafilatura')}; `{command}`")
    for corpus in args.corpus:
        pages = [p for p in load_pages(shared, corpus)
                 if is_heldout(p.site) == (args.split == "heldout")][:args.limit]
        bench = Bench(pages, args.cache, args.jobs, cleaner)
        print(f"\n#### {corpus}, HTML mode: {len(pages)} {args.split} pages\n")
        print("\n".join(html_table(bench.html_rows(args.candidates))))
        print(f"\n#### {corpus}, text mode (trafilatura favor_recall text): {len(pages)} "
              f"{args.split} pages\n")
        print("\n".join(text_table(bench.text_rows())))
    print(f"\nSettings: trafilatura default {DEFAULT_SETTINGS}; favor_precision and favor_recall "
          f"add their flag to it; HTML mode {HTML_MODE_SETTINGS}; text mode {TEXT_MODE_SETTINGS}. "
          "Word P/R/F1: mean per page against main_content. HTML mode: must-keep kept and "
          "must-drop absent of all snippets. Text mode: must-keep kept and must-drop removed "
          "of those in the uncleaned text; oracle gain = (F1 - uncleaned) / (oracle - "
          "uncleaned), word F1 where there is a main text, else snippet F1.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
