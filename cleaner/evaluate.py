"""Evaluation on the held-out part of every source, beside the baselines.

- Team data (held-out blocks and articles, composed into documents): precision and recall per
  label of the full pipeline.
- Corpus pages of held-out sites, as trafilatura ``favor_recall`` text: line-level P/R/F1 of the
  kept lines against the aligned labels, word-level P/R/F1 of the kept text against the ground
  truth (WCXB), and must-keep / must-drop snippets, for cleaner and the baselines side by side.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cleaner.document import LABELS
from cleaner.pipeline import Cleaner
from cleaner.segment import render, segment
from cleaner.train import Settings, TrainDoc, training_sets

if TYPE_CHECKING:
    from cleaner.corpora import Page

KeepLines = Callable[[list[str]], list[bool]]


def per_label(cleaner: Cleaner, docs: list[TrainDoc]) -> dict[str, dict[str, float]]:
    """Precision, recall and support per label on documents with gold labels."""
    tp: Counter = Counter()
    pred: Counter = Counter()
    gold: Counter = Counter()
    for d in docs:
        text = "\n".join(line.text for line in d.lines)
        for decision, label in zip(cleaner.explain(text).decisions, d.kinds):
            gold[label] += 1
            pred[decision.label] += 1
            tp[label] += decision.label == label
    table = {}
    for label in LABELS:
        p = tp[label] / pred[label] if pred[label] else 0.0
        r = tp[label] / gold[label] if gold[label] else 0.0
        table[label] = {"precision": p, "recall": r, "support": gold[label]}
    return table


def _methods(cleaner: Cleaner) -> dict[str, KeepLines]:
    from cleaner.baselines import BASELINES

    methods: dict[str, KeepLines] = {
        name: (lambda lines, f=f: [f(x) for x in lines]) for name, f in BASELINES.items()
    }

    def by_cleaner(lines: list[str]) -> list[bool]:
        kept = {d.number for d in cleaner.explain("\n".join(lines)).decisions if d.keep}
        return [i in kept for i in range(1, len(lines) + 1)]

    methods["cleaner"] = by_cleaner
    return methods


def corpus_scores(
    cleaner: Cleaner, shared: Path, cache_dir: Path | None, heldout: bool = True
) -> dict[str, dict]:
    """Scores per corpus and method on the held-out pages (or, for tuning, the train pages)."""
    from cleaner.corpora import CORPORA, extracted_texts, is_heldout, load_pages

    results: dict[str, dict] = {}
    methods = _methods(cleaner)
    for corpus in CORPORA:
        pages = [p for p in load_pages(shared, corpus) if is_heldout(p.site) == heldout]
        acc = _page_sums(methods, pages, extracted_texts(pages, cache_dir))
        results[corpus] = _corpus_figures(len(pages), acc)
    return results


def cross_validate(
    docs: list[TrainDoc], team: list[tuple[str, str, int]], shared: Path,
    cache_dir: Path | None, settings: Settings, log=print,
) -> dict[str, dict]:
    """The training recipe (``docs`` and ``team`` of training_sets, ``settings``) scored on
    corpus pages it did not see, like ``corpus_scores``.

    The train pages are split in N_FOLDS by site (cv_fold); for each fold, a model trained on
    everything but that fold's pages and the documents composed from their main texts cleans
    them. That scores four times as many pages as the held-out part holds, where one must-keep
    snippet moves traf's figure by 0.4 point, and leaves the held-out part unseen.
    """
    from cleaner.corpora import CORPORA, extracted_texts, is_heldout, load_pages
    from cleaner.train import N_FOLDS, cv_fold, fit

    pages = {c: [p for p in load_pages(shared, c) if not is_heldout(p.site)] for c in CORPORA}
    texts = {c: extracted_texts(pages[c], cache_dir) for c in CORPORA}
    sums: dict[str, dict[str, Counter] | None] = dict.fromkeys(CORPORA)
    for k in range(N_FOLDS):
        log(f"cross-validation: fold {k + 1} of {N_FOLDS}")
        model = fit([d for d in docs if d.site is None or cv_fold(d.site) != k], team,
                    settings, log=log)
        methods = _methods(Cleaner(model))
        for c in CORPORA:
            held = [i for i, p in enumerate(pages[c]) if cv_fold(p.site) == k]
            sums[c] = _page_sums(methods, [pages[c][i] for i in held],
                                 [texts[c][i] for i in held], sums[c])
    return {c: _corpus_figures(len(pages[c]), sums[c]) for c in CORPORA}


def _page_sums(
    methods: dict[str, KeepLines], pages: Sequence[Page], texts: Sequence[str],
    sums: dict[str, Counter] | None = None,
) -> dict[str, Counter]:
    """Each method's sums over ``pages`` (added to ``sums``): aligned lines kept or dropped,
    and the page-level counts of cleaner.metrics."""
    from cleaner.corpora import align
    from cleaner.metrics import page_counts

    sums = sums or {name: Counter() for name in methods}
    for page, text in zip(pages, texts, strict=True):
        lines = segment(text)
        raw = [line.text for line in lines]
        gold = align(raw, page)
        for name, method in methods.items():
            keep = method(raw)
            out = render(lines, keep)
            a = sums[name]
            for k, g, line in zip(keep, gold, lines):
                if g is None or line.blank:
                    continue
                a["tp"] += k and g
                a["fp"] += k and not g
                a["fn"] += (not k) and g
            a.update(page_counts(out, text, page.main_content, page.must_keep, page.must_drop))
    return sums


def _corpus_figures(pages: int, sums: dict[str, Counter]) -> dict:
    return {"pages": pages, "methods": {name: _summarise(a) for name, a in sums.items()}}


def _summarise(a: Counter) -> dict[str, float]:
    from cleaner.metrics import page_figures, prf

    lp, lr, lf = prf(a["tp"], a["fp"], a["fn"])
    return {"line_p": lp, "line_r": lr, "line_f1": lf, **page_figures(a)}


def evaluate(
    cleaner: Cleaner, data_dir: Path, shared: Path | None, cache_dir: Path | None, log=print
) -> dict:
    """Every figure `cleaner evaluate` prints, as a dict."""
    docs, _ = training_sets(data_dir, None, None, Settings(), heldout=True, log=lambda *_: None)
    report = {"labels": per_label(cleaner, docs), "team_documents": len(docs)}
    if shared is not None:
        report["corpora"] = corpus_scores(cleaner, shared, cache_dir)
    else:
        log("../shared not found: corpus figures skipped")
    return report


def format_report(report: dict) -> str:
    """The evaluation as Markdown tables (a cross-validation report has no per-label table and
    names its pages in ``scope``)."""
    out = []
    if "labels" in report:
        out += [f"### Per label (held-out team data, {report['team_documents']} composed "
                "documents)", "", "| label | precision | recall | support |",
                "|---|---:|---:|---:|"]
        for label, row in report["labels"].items():
            out.append(f"| {label} | {row['precision']:.3f} | {row['recall']:.3f} "
                       f"| {row['support']} |")
    scope = report.get("scope", "held-out pages")
    for corpus, res in report.get("corpora", {}).items():
        out += ["", f"### {corpus}: {res['pages']} {scope}, favor_recall text", ""]
        out += ["| method | line P | line R | line F1 | word P | word R | word F1 "
                "| must-drop absent | must-drop removed | must-keep kept | snippet F1 |",
                "|---|" + "---:|" * 10]
        for name, m in res["methods"].items():
            words = (f"{m['word_p']:.4f} | {m['word_r']:.4f} | {m['word_f1']:.4f}"
                     if m["word_pages"] else "– | – | –")
            out.append(
                f"| {name} | {m['line_p']:.4f} | {m['line_r']:.4f} | {m['line_f1']:.4f} | {words} "
                f"| {m['drop_absent']:.4f} | {m['drop_removed']:.4f} | {m['keep_kept']:.4f} "
                f"| {m['snippet_f1']:.4f} |"
            )
    out.append("")
    out.append("Line P/R/F1: kept lines against aligned labels (article = positive). Word P/R/F1: "
               "mean per page against main_content. must-drop removed: of the snippets present "
               "in the uncleaned text; must-keep kept: of those present in the uncleaned text.")
    return "\n".join(out)



def model_card(manifest: dict, report: dict, command: str) -> str:
    """MODEL_CARD.md for a model: its data, settings, checksum and evaluation figures."""
    info = manifest.get("info", {})
    settings = info.get("settings", {})
    sources = info.get("sources", {})
    rows = "\n".join(f"| {k} | {v} |" for k, v in settings.items())
    return f"""# Model card: {manifest['file']}

- File: `models/{manifest['file']}` (NumPy `.npz`, loaded with `allow_pickle=False`)
- sha256: `{manifest['sha256']}`
- Format version: {manifest['format_version']}; a line is dropped when P(boilerplate) reaches
  max({manifest['threshold']}, c*w/(1+c*w)) for w words, word cost c = {manifest['word_cost']}
- Trained by: `cleaner train -o models/{manifest['file']}` (deterministic for a given seed)

## What it is
Three linear models over hashed line features (words, word pairs, character trigrams, line
shape, rule hits; {manifest['n_features']} buckets): a line model giving P(boilerplate) from
the line alone, a kind model naming one of the {len(manifest['labels'])} labels, and a context
model revising P(boilerplate) from the line's and its neighbours' scores. Named rules decide
whole lines they match and bound blocks (opener to closer). See `cleaner/decode.py`.

## Data
- The team's labelled lines in `data/lines/` ({sources.get('team_lines', '?')} train-part lines;
  every label, in English, German, French, Spanish and Russian, with hard negatives) and clean
  article bodies in `data/articles/`.
- Pages of `../shared/corpora` (WCXB dev, CC-BY-4.0; trafilatura's evaluation pages,
  Apache-2.0), read at training time and never copied: trafilatura `favor_recall` text, each
  line labelled by aligning it with the page's ground truth (noisy labels).
- Documents composed from clean bodies with the team's boilerplate blocks inserted where pages
  put them ({sources.get('documents', '?')} training documents in all).
- Held out from training, for the figures below: every source is split by a hash of its site,
  block or file (about 20%), never by line (`cleaner.corpora.is_heldout`).

## Settings
| setting | value |
|---|---|
{rows}

## Figures (held-out data, as printed by `{command}`)
{format_report(report)}
"""


def write_card(model_path: Path, report: dict, out: Path, command: str) -> None:
    import json

    from cleaner.model import manifest_path

    manifest = json.loads(manifest_path(model_path).read_text(encoding="utf-8"))
    out.write_text(model_card(manifest, report, command), encoding="utf-8")
