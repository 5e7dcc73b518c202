"""Evaluation on the held-out part of every source, beside the baselines.

- Team data (held-out blocks and articles, composed into documents): precision and recall per
  label of the full pipeline.
- Corpus pages of held-out sites, as trafilatura ``favor_recall`` text: line-level P/R/F1 of the
  kept lines against the aligned labels, word-level P/R/F1 of the kept text against the ground
  truth (WCXB), and must-keep / must-drop snippets, for cleaner and the baselines side by side.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from cleaner.document import LABELS
from cleaner.pipeline import Cleaner
from cleaner.segment import render, segment
from cleaner.sequence import SPREAD, WINDOW
from cleaner.training.labels import UI_LANGUAGES, team_labels, ui_strings
from cleaner.training.train import LabelledText, Settings, TrainDoc, training_sets

if TYPE_CHECKING:
    from cleaner.training.corpora import Page

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
    from cleaner.training.baselines import BASELINES

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
    from cleaner.training.corpora import CORPORA, extracted_texts, is_heldout, load_pages

    results: dict[str, dict] = {}
    methods = _methods(cleaner)
    for corpus in CORPORA:
        pages = [p for p in load_pages(shared, corpus) if is_heldout(p.site) == heldout]
        acc = _page_sums(methods, pages, extracted_texts(pages, cache_dir))
        results[corpus] = _corpus_figures(len(pages), acc)
    return results


def cross_validate(
    docs: list[TrainDoc], lines: list[LabelledText], shared: Path,
    cache_dir: Path | None, settings: Settings, log=print,
) -> dict[str, dict]:
    """The training recipe (``docs`` and ``lines`` of training_sets, ``settings``) scored on
    corpus pages it did not see, like ``corpus_scores``.

    The train pages are split in N_FOLDS by site (cv_fold); for each fold, a model trained on
    everything but that fold's pages and the documents composed from their main texts cleans
    them. That scores four times as many pages as the held-out part holds, where one must-keep
    snippet moves traf's figure by 0.4 point, and leaves the held-out part unseen.
    """
    from cleaner.training.corpora import CORPORA, extracted_texts, is_heldout, load_pages
    from cleaner.training.train import N_FOLDS, cv_fold, fit

    pages = {c: [p for p in load_pages(shared, c) if not is_heldout(p.site)] for c in CORPORA}
    texts = {c: extracted_texts(pages[c], cache_dir) for c in CORPORA}
    sums: dict[str, dict[str, Counter] | None] = dict.fromkeys(CORPORA)
    for k in range(N_FOLDS):
        log(f"cross-validation: fold {k + 1} of {N_FOLDS}")
        model = fit([d for d in docs if d.site is None or cv_fold(d.site) != k], lines,
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
    and the page-level counts of cleaner.training.metrics."""
    from cleaner.training.corpora import align
    from cleaner.training.metrics import page_counts

    sums = sums or {name: Counter() for name in methods}
    for page, text in zip(pages, texts, strict=True):
        lines = segment(text)
        raw = [line.text for line in lines]
        gold = align(raw, page)
        for name, method in methods.items():
            keep = method(raw)
            out = render(raw, keep)
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
    from cleaner.training.metrics import page_figures, prf

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
        report["inserted"] = inserted_scores(
            cleaner, inserted_documents(shared, data_dir, cache_dir))
        report["html_mode"] = html_mode_scores(cleaner, shared, cache_dir)
        report["read"] = read_scores(cleaner, shared, data_dir, cache_dir)
    else:
        log("../shared not found: corpus figures skipped")
    return report


def format_report(report: dict) -> str:
    """The evaluation as Markdown tables (a cross-validation report has no per-label table and
    names its pages in ``scope``)."""
    out = []
    if "read" in report:
        out += _read_table(report["read"])
    if "inserted" in report:
        out += _inserted_table(report["inserted"])
    if "html_mode" in report:
        out += _html_mode_table(report["html_mode"])
    if "labels" in report:
        out += _label_table(f"Per label (held-out team data, {report['team_documents']} "
                            "composed documents)", report["labels"])
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



def readme_table(report: dict) -> str:
    """The README's one table: what cleaner removes from held-out pages, real text first, and
    what it costs in article lines, from an evaluation report (benchmarks/figures.py)."""
    html, text = report["read"]["html"], report["read"]["text"]
    ins, wcxb = report["inserted"], report["html_mode"]["wcxb"]
    note = "; in parentheses, 95% interval over pages" if html.get("interval") else ""
    out = ["| held-out pages, never trained on | lines | HTML mode | text mode |",
           "|---|---:|---:|---:|",
           f"| *{html['pages']} real pages, every line labelled by reading{note}:* | | | |"]
    out += [f"| {_KIND_NAMES[lb]} | {row['lines']:,} | {row['removed']:.1%} removed "
            f"| {text['removed'].get(lb, {'removed': 0.0})['removed']:.1%} removed |"
            for lb, row in html["removed"].items()]
    out += [f"| **all boilerplate** | {html['boilerplate_lines']:,} "
            f"| **{html['removed_all']:.1%} removed**{_interval(html, 'removed_all', '.1%')} "
            f"| **{text['removed_all']:.1%} removed**{_interval(text, 'removed_all', '.1%')} |",
            f"| **article lines** | {html['article_lines']:,} "
            f"| **{html['article_kept']:.2%} kept**{_interval(html, 'article_kept', '.2%')} "
            f"| **{text['article_kept']:.2%} kept**{_interval(text, 'article_kept', '.2%')} |",
            f"| pages that lost an article line | {html['pages']} "
            f"| {html['pages_lost_article']:.1%}{_interval(html, 'pages_lost_article', '.1%')} "
            f"| {text['pages_lost_article']:.1%}{_interval(text, 'pages_lost_article', '.1%')} |",
            "| *real boilerplate inserted into real articles:* | | | |",
            f"| all inserted boilerplate | {ins['boilerplate_lines']:,} | | "
            f"{ins['removed_all']:.1%} removed |",
            f"| the articles' own lines | {ins['article_lines']:,} | | "
            f"{ins['article_kept']:.2%} kept |",
            f"| word F1 against WCXB's main text (trafilatura alone: "
            f"{wcxb['trafilatura']['word_f1']:.4f}) | {wcxb['pages']} pages "
            f"| {wcxb['cleaner']['word_f1']:.4f} | |"]
    return "\n".join(out) + "\n"


_KIND_NAMES = {
    "donation_appeal": "donation appeals", "subscription_paywall": "paywall prompts",
    "signup_prompt": "newsletter and app prompts", "cookie_legal": "cookie and legal notices",
    "ui_message": "UI messages", "navigation_share": "navigation and share bars",
    "related_promo": "related-article teasers", "ad_sponsored": "ad and sponsored markers",
    "caption_credit": "captions and credits", "byline_meta": "bylines and datelines",
    "comments_prompt": "comment prompts",
}


def _interval(figures: dict, key: str, spec: str) -> str:
    """" (low–high)", the 95% interval over pages of ``figures[key]`` formatted with ``spec``
    (a percent sign once, after the figure), or "" for a report made before the intervals."""
    bounds = figures.get("interval", {}).get(key)
    if bounds is None:
        return ""
    low, high = (format(x, spec).rstrip("%") for x in bounds)
    return f" ({low}–{high})"


def _read_table(r: dict) -> list[str]:
    html, text = r["html"], r["text"]
    out = [f"### Real text labelled by reading: {html['pages']} held-out pages, every line",
           "", "| label | lines (HTML mode) | removed, HTML mode | removed, text mode "
           "| label right when removed (HTML) |", "|---|---:|---:|---:|---:|"]
    for lb, row in html["removed"].items():
        other = text["removed"].get(lb, {"removed": 0.0})
        right = "–" if row["precision"] is None else f"{row['precision']:.2f}"
        out.append(f"| {lb} | {row['lines']} | {row['removed']:.3f} | {other['removed']:.3f} "
                   f"| {right} |")
    out.append(f"| **all boilerplate** | {html['boilerplate_lines']} | "
               f"**{html['removed_all']:.3f}**{_interval(html, 'removed_all', '.3f')} | "
               f"**{text['removed_all']:.3f}**{_interval(text, 'removed_all', '.3f')} | |")
    out.append(f"| **article lines kept** | {html['article_lines']} | "
               f"**{html['article_kept']:.4f}**{_interval(html, 'article_kept', '.4f')} | "
               f"**{text['article_kept']:.4f}**{_interval(text, 'article_kept', '.4f')} | |")
    lost = ", ".join(f"{c} {row['lost_article']:.3f} of {row['pages']}"
                     for c, row in html["corpora"].items())
    out += ["", "Pages that lost an article line: HTML mode "
            f"{html['pages_lost_article']:.3f}{_interval(html, 'pages_lost_article', '.3f')}, "
            f"text mode {text['pages_lost_article']:.3f}"
            f"{_interval(text, 'pages_lost_article', '.3f')}; per corpus, HTML mode: {lost}. "
            "HTML mode cleans trafilatura's default text of the page, text mode its "
            "favor_recall text."]
    if html.get("interval"):
        out.append(f"In parentheses: the 95% interval over pages ({BOOTSTRAP_DRAWS:,} resamples "
                   f"of the pages with replacement, seed {BOOTSTRAP_SEED}); it leaves out the "
                   "model's own variance (docs/evaluation.md).")
    out += ["",
            "Removed against kept as the model's threshold moves (a line goes when the score "
            "that decided it reaches the threshold; lines decided by rules, blocks and "
            "repetition stay as decided):", "",
            "| threshold | HTML: kept | HTML: removed | text: kept | text: removed |",
            "|---:|---:|---:|---:|---:|"]
    for a, b in zip(html["curve"], text["curve"]):
        out.append(f"| {a['threshold']:.2f} | {a['kept']:.4f} | {a['removed']:.3f} "
                   f"| {b['kept']:.4f} | {b['removed']:.3f} |")
    out.append("")
    return out


def _inserted_table(r: dict) -> list[str]:
    docs = r["documents"]
    out = [f"### Inserted set: held-out boilerplate in held-out articles ({docs['inserted']} "
           f"documents with blocks, {docs['control']} controls, {docs['hard-negative']} "
           "hard negatives)", "", "| label | lines | removed |", "|---|---:|---:|"]
    out += [f"| {lb} | {row['lines']} | {row['removed']:.3f} |"
            for lb, row in r["removed"].items()]
    lost = r["docs_lost_article"]
    out += [f"| **all boilerplate** | {r['boilerplate_lines']} | {r['removed_all']:.3f} |", "",
            f"Article lines kept: {r['article_kept']:.4f} of {r['article_lines']}; in "
            f"hard-negative articles {r['hard_negative_kept']:.4f}. Documents that lost an "
            f"article line: {lost['inserted']:.3f} with blocks, {lost['control']:.3f} of "
            f"controls, {lost['hard-negative']:.3f} of hard negatives.", ""]
    return out


def _html_mode_table(r: dict) -> list[str]:
    out = ["### HTML mode: trafilatura's default text of held-out pages, cleaned", "",
           "| corpus | pages | non-article lines removed | article lines kept "
           "| word F1 trafilatura | word F1 cleaner | must-keep trafilatura "
           "| must-keep cleaner |", "|---|" + "---:|" * 7]
    for corpus, row in r.items():
        leak = (f"{row['leak_removed']:.4f} of {row['leak_lines']} | "
                f"{row['gold_kept']:.4f} of {row['gold_lines']}") if "leak_lines" in row \
            else "– | –"
        words = (f"{row['trafilatura']['word_f1']:.4f} | {row['cleaner']['word_f1']:.4f}"
                 if corpus == "wcxb" else "– | –")
        out.append(f"| {corpus} | {row['pages']} | {leak} | {words} "
                   f"| {row['trafilatura']['keep_all']:.4f} | {row['cleaner']['keep_all']:.4f} |")
    out += ["", "A line is article when its words occur contiguously in WCXB's main text (a "
            "line under 4 words must equal a whole line of it).", ""]
    return out


def _label_table(title: str, rows: dict) -> list[str]:
    out = [f"### {title}", "", "| label | precision | recall | support |", "|---|---:|---:|---:|"]
    out += [f"| {label} | {row['precision']:.3f} | {row['recall']:.3f} | {row['support']} |"
            for label, row in rows.items()]
    out.append("")
    return out


def model_card(manifest: dict, report: dict, command: str) -> str:
    """MODEL_CARD.md for a model: its data, settings, checksum and evaluation figures."""
    info = manifest.get("info", {})
    settings = info.get("settings", {})
    sources = info.get("sources", {})
    rows = "\n".join(f"| {k} | {v} |" for k, v in settings.items())
    lines = sources.get("lines", {})
    return f"""# Model card: {manifest['file']}

- File: `models/{manifest['file']}` (NumPy `.npz`, loaded with `allow_pickle=False`)
- sha256: `{manifest['sha256']}`
- Format version: {manifest['format_version']}; a line is dropped when the sequence stage's
  P(boilerplate) reaches the threshold {manifest['threshold']}, chosen at training time as the
  lowest at which {settings.get('keep_target', '?')} of the article lines of the training
  pages the team read whole are kept (rule lines counted as lost), the stage scored out of fold
  (word cost {manifest['word_cost']})
- Trained by: `cleaner train -o models/{manifest['file']}` (deterministic for a given seed)

## What it is
Two linear models over hashed line features (words, word pairs, character trigrams, line
shape, rule hits; {manifest['n_features']} buckets): a line model giving P(boilerplate) from
the line alone and a kind model naming one of the {len(manifest['labels'])} labels; then the
sequence stage, gradient-boosted trees ({len(info.get('stage_features', []))} features) that
read each line's outputs and shape with those of the {WINDOW} lines each way, the mean outputs
of the lines up to {' and '.join(map(str, SPREAD))} lines above and below, and its place in the
document, and give the one P(boilerplate) the threshold applies to. Named rules decide
whole lines they match (not table rows) and bound blocks (opener to closer); a line recurring
across a site's documents goes unless the line model, reading it alone, holds it to be article
(repeated floor {manifest.get('repeated_floor', '?')}). See `cleaner/sequence.py` and
`cleaner/decode.py`.

## Data (train part only)
- Real pages of `../shared/corpora` (WCXB dev, CC-BY-4.0; trafilatura's evaluation pages,
  Apache-2.0; news-pages, MIT), read at training time and never copied, each as trafilatura
  text (favor_recall or default). Every line of {sources.get('read_pages', '?')} pages was
  labelled by the team reading the whole page (`data/labels/read.tsv`); the other pages'
  lines take the team's earlier labels (`data/labels/lines.tsv`), else alignment with the
  page's ground truth (noisy); and the team-labelled paragraphs of the rest of the pages
  ({lines.get('wcxb', 0) + lines.get('traf', 0)} lines). The sequence stage learns from the
  real pages, from each read page its article lines alone and a short run of them, and from
  the team's short articles with lines inserted, on line-model outputs predicted out of fold.
- ui-strings ({lines.get('ui-strings', 0)} strings of web software in
  {', '.join(sorted(UI_LANGUAGES))}).
- The team's written lines in `data/lines/` ({lines.get('team', 0)} lines, every label, with
  hard negatives) and article bodies in `data/articles/`.
- Documents composed from WCXB main texts and the team's bodies with real and written
  boilerplate blocks inserted where pages put them ({sources.get('documents', '?')} training
  documents in all); the stage takes only those made of the team's articles.
- Held out from training, for the figures below: every source is split by a hash of its site,
  block, file or catalog key (about 20%), never by line (`cleaner.training.corpora.is_heldout`).

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


# --- the mission's own benchmark ------------------------------------------------------------

#: Articles about the things boilerplate talks of: their lines must all stay.
_HARD_TOPICS = re.compile(
    r"donat|subscri|newsletter|cookie|consent|sign up|paywall|advertis|sponsor|"
    r"error|download the app|log in|comment", re.I)
_ARTICLE = frozenset({"content", "title"})


def inserted_documents(
    shared: Path, data_dir: Path, cache_dir: Path | None, seed: int = 2026
) -> list[tuple[str, list[tuple[str, str]]]]:
    """The inserted set, from held-out data only: held-out real boilerplate (runs of labelled
    lines of held-out pages, their labelled paragraphs, held-out ui-strings) inserted as
    blocks of 1-8 lines into held-out WCXB articles where pages put them (top, after the
    title, mid-article, end), two documents per article; plus every article alone (control),
    those about donations, subscriptions, cookies, errors, apps or comments also as
    ``hard-negative``. An article is WCXB's main text without the short lines the team
    labelled boilerplate there (datelines, "Read next" links, forum metadata), so that every
    article line is one. Each document is ``(kind, [(label, text), ...])``, "" for a blank.
    """
    import random

    from cleaner.training.corpora import CORPORA, is_heldout, load_pages
    from cleaner.training.labels import line_hash, page_views, runs_of_boilerplate
    from cleaner.training.train import MAX_INSERTED_LINES, compose, ui_blocks

    rng = random.Random(seed)
    labels = team_labels(data_dir)
    by_label: dict[str, list[list[tuple[str, str]]]] = {}
    for corpus in CORPORA:
        pages = [p for p in load_pages(shared, corpus) if is_heldout(p.site)]
        for views in page_views(pages, labels, cache_dir):
            blocks = [b for view in ("recall", "default") for b in
                      runs_of_boilerplate(views.labelled(view), MAX_INSERTED_LINES)]
            blocks += [[(line.label, line.text)] for line in views.labelled("blocks")
                       if line.label not in _ARTICLE]
            for b in {tuple(b): b for b in blocks}.values():
                by_label.setdefault(b[0][0], []).append(b)
    for _, b in ui_blocks(ui_strings(shared, heldout=True), rng):
        by_label.setdefault(b[0][0], []).append(b)
    docs = []
    for page in load_pages(shared, "wcxb"):
        if not (is_heldout(page.site) and page.main_content and page.main_content.strip()):
            continue
        known = labels.get(("wcxb", page.page_id), {})  # its main text's lines, labelled
        body = "\n".join(line for line in page.main_content.split("\n")
                         if known.get(line_hash(line), "content") in _ARTICLE)
        for _ in range(2):
            docs.append(("inserted", compose(body, by_label, [], rng, known)))
        alone = compose(body, {}, [], rng, known)
        docs.append(("control", alone))
        if _HARD_TOPICS.search(body):
            docs.append(("hard-negative", alone))
    return docs


def inserted_scores(cleaner: Cleaner, docs: list[tuple[str, list[tuple[str, str]]]]) -> dict:
    """Boilerplate lines removed per label and overall, article lines kept, and documents
    that lost an article line, per kind of document."""
    removed: Counter = Counter()
    total: Counter = Counter()
    kinds: Counter = Counter()
    for kind, pairs in docs:
        result = cleaner.explain("\n".join(text for _, text in pairs))
        gold = [label for label, text in pairs if text.strip()]
        lost = False
        for label, d in zip(gold, result.decisions, strict=True):
            key = "article" if label in _ARTICLE else label
            lost |= key == "article" and not d.keep
            if kind == "hard-negative":  # a control too: counted there
                key = "hard-negative" if key == "article" else None
            if key:
                total[key] += 1
                removed[key] += not d.keep
        kinds[kind] += 1
        kinds[f"{kind} lost"] += lost
    boiler = [lb for lb in LABELS if lb not in _ARTICLE and total[lb]]
    n_boiler = sum(total[lb] for lb in boiler)
    return {
        "documents": {k: kinds[k] for k in ("inserted", "control", "hard-negative")},
        "removed": {lb: {"removed": removed[lb] / total[lb], "lines": total[lb]}
                    for lb in boiler},
        "removed_all": sum(removed[lb] for lb in boiler) / max(1, n_boiler),
        "boilerplate_lines": n_boiler,
        "article_kept": 1 - removed["article"] / max(1, total["article"]),
        "article_lines": total["article"],
        "hard_negative_kept": 1 - removed["hard-negative"] / max(1, total["hard-negative"]),
        "docs_lost_article": {k: kinds[f"{k} lost"] / max(1, kinds[k])
                              for k in ("inserted", "control", "hard-negative")},
    }


def html_mode_scores(cleaner: Cleaner, shared: Path, cache_dir: Path | None) -> dict:
    """HTML mode on held-out pages against trafilatura's default text, which it cleans.

    WCXB: of the text's lines not in the ground truth, the share removed (the leak); of those
    in it, the share kept; mean word F1 of both. traf: must-keep snippets kept by both.
    """
    from cleaner.extract import HTML_MODE_SETTINGS
    from cleaner.training.corpora import extracted_texts, in_ground_truth, is_heldout, load_pages
    from cleaner.training.metrics import page_counts, page_figures

    out: dict[str, dict] = {}
    for corpus in ("wcxb", "traf"):
        pages = [p for p in load_pages(shared, corpus) if is_heldout(p.site)]
        texts = extracted_texts(pages, cache_dir, settings=HTML_MODE_SETTINGS)
        sums = {"trafilatura": Counter(), "cleaner": Counter()}
        leak = Counter()
        for page, text in zip(pages, texts, strict=True):
            result = cleaner.explain(text)
            for name, output in (("trafilatura", text), ("cleaner", result.text)):
                sums[name].update(page_counts(output, text, page.main_content,
                                              page.must_keep, page.must_drop))
            if corpus == "wcxb" and page.main_content:
                for d in result.decisions:
                    key = "gold" if in_ground_truth(d.text, page) else "leak"
                    leak[key] += 1
                    leak[f"{key} kept"] += d.keep
        figures = {name: page_figures(c) for name, c in sums.items()}
        out[corpus] = {"pages": len(pages), **{
            name: {k: f[k] for k in ("word_f1", "keep_all", "drop_absent")}
            for name, f in figures.items()}}
        if leak:
            out[corpus]["leak_removed"] = 1 - leak["leak kept"] / max(1, leak["leak"])
            out[corpus]["gold_kept"] = leak["gold kept"] / max(1, leak["gold"])
            out[corpus]["leak_lines"] = leak["leak"]
            out[corpus]["gold_lines"] = leak["gold"]
    return out


#: Reasons of decisions no threshold moves (the curve leaves them as they were decided).
_NOT_BY_THRESHOLD = ("rule:", "block:", "repeated:", "pattern:")
#: The two inputs users feed in: HTML mode cleans trafilatura's default text, text mode its
#: favor_recall text (what a folder of extracted text holds).
MODES = {"html": "default", "text": "recall"}


def heldout_read_pages(shared: Path, data_dir: Path) -> tuple[list, dict]:
    """The held-out pages the team read whole (the real-text benchmark's), and the read
    labels of every page ((corpus, page) to line hash to label)."""
    from cleaner.training.corpora import CORPORA, READ_CORPORA, is_heldout, load_pages
    from cleaner.training.labels import READ_FILE

    read = team_labels(data_dir, READ_FILE)
    return [p for c in (*CORPORA, *READ_CORPORA) for p in load_pages(shared, c)
            if is_heldout(p.site) and (p.corpus, p.page_id) in read], read


def read_scores(cleaner: Cleaner, shared: Path, data_dir: Path, cache_dir: Path | None) -> dict:
    """The real-text benchmark: every held-out page the team labelled whole by reading
    (data/labels/read.tsv), in both modes. Per mode: boilerplate lines removed per label and
    overall, article lines kept, pages that lost an article line (overall and per corpus),
    how often the label given to a removed line is right, and the removed-against-kept curve
    of the model's threshold."""
    from cleaner.training.corpora import extracted_texts
    from cleaner.training.labels import VIEWS, line_hash

    pages, read = heldout_read_pages(shared, data_dir)
    out = {}
    for mode, view in MODES.items():
        counts: list[Counter] = []  # one per page: the bootstrap resamples pages
        scored: list[tuple[float, bool, bool, bool]] = []  # score, by the model, article, kept
        for page, text in zip(pages, extracted_texts(pages, cache_dir, settings=VIEWS[view])):
            labels = read[(page.corpus, page.page_id)]
            decisions = cleaner.explain(text).decisions
            if not len(decisions):
                continue
            tally: Counter = Counter()
            for d in decisions:
                gold = labels.get(line_hash(d.text))
                if gold is None:
                    continue
                article = gold in _ARTICLE
                key = "article" if article else gold
                tally[key] += 1
                tally[f"{key} removed"] += not d.keep
                if not d.keep:  # a removed line's label, right or not
                    tally[f"named {d.label}"] += 1
                    tally[f"named {d.label} right"] += d.label == gold
                scored.append((d.score, not d.reason.startswith(_NOT_BY_THRESHOLD), article,
                               d.keep))
            tally[f"pages {page.corpus}"] += 1
            tally[f"lost {page.corpus}"] += tally["article removed"] > 0
            counts.append(tally)
        out[mode] = _read_figures(counts, scored)
    return out


#: Resamples of the bootstrap over pages, and its seed (the same report bytes every run).
BOOTSTRAP_DRAWS = 1000
BOOTSTRAP_SEED = 2026


def ratio_interval(
    numerators: Sequence[float], denominators: Sequence[float],
    draws: int = BOOTSTRAP_DRAWS, seed: int = BOOTSTRAP_SEED,
) -> list[float]:
    """The 95% bootstrap interval of sum(numerators) / sum(denominators), one pair per page.

    Pages are resampled with replacement, not lines: the benchmark samples pages, and the
    lines of a page stand or fall together. A resample without any denominator counts 0, as
    the point figures do (``max(1, ...)``).
    """
    pages = np.random.default_rng(seed).integers(0, len(numerators), (draws, len(numerators)))
    num, den = np.asarray(numerators, float)[pages], np.asarray(denominators, float)[pages]
    ratios = num.sum(axis=1) / np.maximum(den.sum(axis=1), 1)
    return [float(x) for x in np.percentile(ratios, [2.5, 97.5])]


def _read_figures(counts: list[Counter], scored: list) -> dict:
    """The figures of one mode from each page's counts (``counts``) and every line's score,
    whether the model decided it, whether it is article and whether it was kept (``scored``)."""
    sums: Counter = Counter()
    for page in counts:
        sums.update(page)
    boiler = [lb for lb in LABELS if lb not in _ARTICLE and sums[lb]]
    n_boiler = sum(sums[lb] for lb in boiler)
    corpora = sorted(k.removeprefix("pages ") for k in sums if k.startswith("pages "))
    pages = sum(sums[f"pages {c}"] for c in corpora)
    curve = []
    for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98):
        # the lines the model decides, at threshold t; the others as they were decided
        gone = [(art, (score >= t) if staged else not keep)
                for score, staged, art, keep in scored]
        n_art = sum(art for art, _ in gone)
        curve.append({"threshold": t,
                      "kept": 1 - sum(g for art, g in gone if art) / max(1, n_art),
                      "removed": sum(g for art, g in gone if not art)
                      / max(1, len(gone) - n_art)})
    return {
        "pages": pages,
        "boilerplate_lines": n_boiler,
        "removed_all": sum(sums[f"{lb} removed"] for lb in boiler) / max(1, n_boiler),
        "article_lines": sums["article"],
        "article_kept": 1 - sums["article removed"] / max(1, sums["article"]),
        "removed": {lb: {"lines": sums[lb], "removed": sums[f"{lb} removed"] / sums[lb],
                         "precision": sums[f"named {lb} right"] / sums[f"named {lb}"]
                         if sums[f"named {lb}"] else None}
                    for lb in boiler},
        "pages_lost_article": sum(sums[f"lost {c}"] for c in corpora) / max(1, pages),
        "corpora": {c: {"pages": sums[f"pages {c}"],
                        "lost_article": sums[f"lost {c}"] / max(1, sums[f"pages {c}"])}
                    for c in corpora},
        "curve": curve,
        "interval": {
            "removed_all": ratio_interval(
                [sum(page[f"{lb} removed"] for lb in boiler) for page in counts],
                [sum(page[lb] for lb in boiler) for page in counts]),
            "article_kept": ratio_interval(
                [page["article"] - page["article removed"] for page in counts],
                [page["article"] for page in counts]),
            "pages_lost_article": ratio_interval(
                [page["article removed"] > 0 for page in counts], [1] * len(counts)),
        } if counts else {},
    }
