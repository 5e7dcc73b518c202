"""Evaluation on the held-out part of every source, beside the baselines.

- Team data (held-out blocks and articles, composed into documents): precision and recall per
  label of the full pipeline.
- Corpus pages of held-out sites, as trafilatura ``favor_recall`` text: line-level P/R/F1 of the
  kept lines against the aligned labels, word-level P/R/F1 of the kept text against the ground
  truth (WCXB), and must-keep / must-drop snippets, for cleaner and the baselines side by side.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

from cleaner.document import LABELS
from cleaner.pipeline import Cleaner
from cleaner.segment import render, segment
from cleaner.train import Settings, TrainDoc, training_sets

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
    from cleaner.corpora import CORPORA, align, extracted_texts, is_heldout, load_pages
    from cleaner.metrics import page_counts

    results: dict[str, dict] = {}
    methods = _methods(cleaner)
    for corpus in CORPORA:
        pages = [p for p in load_pages(shared, corpus) if is_heldout(p.site) == heldout]
        texts = extracted_texts(pages, cache_dir)
        acc: dict[str, Counter] = {name: Counter() for name in methods}
        for page, text in zip(pages, texts):
            lines = segment(text)
            raw = [line.text for line in lines]
            gold = align(raw, page)
            for name, method in methods.items():
                keep = method(raw)
                out = render(lines, keep)
                a = acc[name]
                for k, g, line in zip(keep, gold, lines):
                    if g is None or line.blank:
                        continue
                    a["tp"] += k and g
                    a["fp"] += k and not g
                    a["fn"] += (not k) and g
                a.update(page_counts(out, text, page.main_content, page.must_keep,
                                     page.must_drop))
        results[corpus] = {"pages": len(pages), "methods": {
            name: _summarise(a) for name, a in acc.items()
        }}
    return results


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
    """The evaluation as Markdown tables."""
    out = [f"### Per label (held-out team data, {report['team_documents']} composed documents)",
           "", "| label | precision | recall | support |", "|---|---:|---:|---:|"]
    for label, row in report["labels"].items():
        out.append(f"| {label} | {row['precision']:.3f} | {row['recall']:.3f} | {row['support']} |")
    for corpus, res in report.get("corpora", {}).items():
        out += ["", f"### {corpus}: {res['pages']} held-out pages, favor_recall text", ""]
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
