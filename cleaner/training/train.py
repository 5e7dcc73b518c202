"""Training: gather labelled lines and documents from every source, fit, export.

Sources (see data/README.md):
1. pages of ``../shared/corpora`` (train part only), each as one of trafilatura's texts, a line
   labelled by the team (``data/labels/``) where it was, else by aligning it with the page's
   ground truth (noisy); the team-labelled paragraphs from the rest of the pages;
2. ui-strings rows, in the languages of the training articles;
3. the team's written lines, ``data/lines/<lang>.tsv`` (label TAB text; blank line = block);
4. documents composed from article bodies (``data/articles`` and the WCXB main texts) with real
   and written boilerplate blocks inserted where pages put them, so the models see blocks and
   lone lines.

Three models are fitted (see model.Model): the line model on every labelled line, the kind model
on every finely labelled line, and the sequence stage on the line and kind models' outputs
predicted out of fold for the lines of real documents (the corpora's pages, and the team's
short articles composed with lines), so it learns how far to trust them given the lines
around. A line is dropped when the stage's probability reaches the threshold, the lowest that
keeps ``keep_target`` of the article lines of the pages the team read whole, out of fold
(choose_threshold)."""

from __future__ import annotations

import json
import random
import warnings
import zlib
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cleaner.decode import line_lengths, line_numbers, rule_codes
from cleaner.document import ARTICLE_LABELS, LABELS, Line
from cleaner.features import LineFeaturizer
from cleaner.model import Model, sigmoid
from cleaner.rules import RuleSet
from cleaner.sequence import Forest, LineColumns, feature_names, sequence_features
from cleaner.training.labels import (
    READ_FILE,
    Labels,
    UIString,
    line_hash,
    team_labels,
    ui_strings,
)
from cleaner.training.recipe import Settings

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
N_FOLDS = 3
#: Real boilerplate is inserted in blocks of at most this many lines.
MAX_INSERTED_LINES = 8

# Where pages put each kind of boilerplate block.
_TOP = ("navigation_share", "byline_meta", "cookie_legal", "ui_message", "signup_prompt",
        "subscription_paywall", "ad_sponsored", "caption_credit")
_MIDDLE = ("ad_sponsored", "related_promo", "signup_prompt", "caption_credit", "ui_message",
           "subscription_paywall", "donation_appeal")
_BOTTOM = ("donation_appeal", "related_promo", "navigation_share", "comments_prompt",
           "cookie_legal", "signup_prompt", "byline_meta", "subscription_paywall", "ui_message")


@dataclass
class TrainDoc:
    """A document's non-blank lines with targets: True = boilerplate, None = unknown.

    ``site`` is the corpus site the document comes from (its page, or the main text it was
    composed from); None for documents made of the team's data alone.
    """

    lines: list[Line]
    boiler: list[bool | None]
    source: str
    fold: int
    kinds: list[str | None] = field(default_factory=list)
    site: str | None = None
    read: bool = False  # every line labelled by reading the whole page

    @classmethod
    def read_page(cls, body: list[Line], labels: dict[str, str], corpus: str,
                  site: str) -> TrainDoc:
        """A text of a page the team read whole, each line labelled from ``labels`` (line
        hash to label; a line not there is unknown)."""
        kinds = [labels.get(line_hash(line.text)) for line in body]
        return cls(body, [None if k is None else k not in ARTICLE_LABELS for k in kinds],
                   corpus, fold_of(site), kinds, site=site, read=True)

    @property
    def real(self) -> bool:
        """A page as users feed it in, not one composed for training."""
        return self.site is not None and self.source != "composed"


@dataclass(frozen=True)
class LabelledText:
    """A labelled line trained on outside any document: the team's lines, paragraphs labelled
    from outside the pages' extracted text, ui-strings rows."""

    label: str
    text: str
    fold: int
    weight: float
    source: str  # "team", a corpus name, or "ui-strings"


def fold_of(key: str) -> int:
    return zlib.crc32(key.encode("utf-8")) % N_FOLDS


def cv_fold(site: str) -> int:
    """A site's fold for cross-validating the recipe (evaluate.cross_validate): another hash
    than fold_of, so that leaving one out leaves every fold of fit() some documents."""
    return fold_of(f"cv:{site}")


# --- source 1: the team's labelled lines --------------------------------------------------


def read_labelled(path: Path) -> list[list[tuple[str, str]]]:
    """Blocks of (label, text) from a TSV: ``label<TAB>text``, ``#`` comments, blank = break.

    A ``cleaner clean --report`` file (JSON Lines, by its ``.jsonl`` name or a first character
    ``{``) is read too, see read_report.
    """
    content = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".jsonl" or content.lstrip().startswith("{"):
        return read_report(path, content)
    blocks: list[list[tuple[str, str]]] = [[]]
    for number, raw in enumerate(content.splitlines(), start=1):
        if not raw.strip():
            blocks.append([])
            continue
        if raw.startswith("#"):
            continue
        label, sep, text = raw.partition("\t")
        if not sep or label not in LABELS or not text.strip():
            raise ValueError(f"{path}:{number}: expected 'label<TAB>text' with a known label")
        blocks[-1].append((label, text))
    return [b for b in blocks if b]


def read_report(path: Path, content: str) -> list[list[tuple[str, str]]]:
    """Blocks of (label, text) from a ``--report`` file, one block per document.

    Each record lists the lines cleaner removed as ``{"line", "label", "score", "reason",
    "text"}``; a user corrects the labels (``content`` for a line that should have stayed) and
    trains on them. Records without ``removed`` (failed or skipped documents) add nothing.
    """
    blocks = []
    for number, raw in enumerate(content.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
            lines = [(item["label"], item["text"]) for item in record.get("removed", [])]
        except (json.JSONDecodeError, AttributeError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: expected a --report record with 'removed' "
                             f"lines holding 'label' and 'text' ({exc})") from None
        bad = [label for label, text in lines
               if label not in LABELS or not isinstance(text, str) or not text.strip()]
        if bad:
            raise ValueError(f"{path}:{number}: unknown label or empty text in 'removed' "
                             f"(label {bad[0]!r}); known labels: {', '.join(LABELS)}")
        if lines:
            blocks.append(lines)
    return blocks


def team_blocks(paths: Iterable[Path]) -> list[list[tuple[str, str]]]:
    return [block for path in sorted(paths) for block in read_labelled(path)]


# --- source 2: the corpora ------------------------------------------------------------------


def corpus_sources(
    shared: Path, cache_dir: Path | None, heldout: bool, labels: Labels, settings: Settings,
    read: Labels | None = None,
) -> tuple[list[TrainDoc], list[LabelledText], list[tuple[str, list[tuple[str, str]]]]]:
    """The corpus pages of one part: their extracted texts as documents, their labelled
    paragraphs from outside those texts as standalone lines, and their labelled boilerplate
    as (site, block) for composing.

    Both texts a user feeds in are documents: trafilatura's favor_recall text (text mode) and
    its default text (HTML mode). A page the team read whole (``read``) takes those labels,
    every line; on another page a line takes the team's label where there is one, else the
    one aligning it with the ground truth gives (noisy), else none. Pages without ground
    truth (READ_CORPORA) count only where they were read.
    """
    from cleaner.training.corpora import CORPORA, READ_CORPORA, align, is_heldout, load_pages
    from cleaner.training.labels import page_views, runs_of_boilerplate

    read = read or {}
    docs, lines, blocks = [], [], []
    for corpus in (*CORPORA, *READ_CORPORA):
        pages = [p for p in load_pages(shared, corpus) if is_heldout(p.site) == heldout
                 and (corpus in CORPORA or (corpus, p.page_id) in read)]
        for views in page_views(pages, labels, cache_dir):
            page = views.page
            view = _view_of(page.page_id)  # one document a page, either text
            body, kinds = views.lines[view], views.labels[view]
            whole = read.get((page.corpus, page.page_id))
            if body and whole is not None:
                docs.append(TrainDoc.read_page(body, whole, corpus, page.site))
            elif body:
                aligned = align([line.text for line in body], page)
                docs.append(TrainDoc(
                    body, [_boiler(kind, k, line.text) for line, kind, k in
                           zip(body, kinds, aligned)],
                    corpus, fold_of(page.site), list(kinds), site=page.site,
                ))
            runs = {tuple(b): b for text in ("recall", "default") for b in
                    runs_of_boilerplate(views.labelled(text), MAX_INSERTED_LINES)}
            blocks += [(page.site, b) for b in runs.values()]
            extracted = {line.text for text in ("recall", "default")
                         for line in views.lines[text]}
            for line in views.labelled("blocks"):
                if line.text in extracted:  # a document line already
                    continue
                lines.append(LabelledText(line.label, line.text, fold_of(page.site),
                                          settings.block_weight, corpus))
                if line.label not in ARTICLE_LABELS:
                    blocks.append((page.site, [(line.label, line.text)]))
    return docs, lines, blocks


def _view_of(page_id: str) -> str:
    """Which of trafilatura's texts a page trains as: each for half the pages (the two share
    most lines; both made the training set twice as large for little more)."""
    return ("recall", "default")[zlib.crc32(page_id.encode("utf-8")) % 2]


def _boiler(kind: str | None, aligned: bool | None, text: str) -> bool | None:
    if kind is not None:
        return kind not in ARTICLE_LABELS
    keep = _prose(text) if aligned is None else aligned
    return None if keep is None else not keep


def _prose(text: str) -> bool | None:
    """Weak label for a line the ground truth says nothing of: a long sentence is article.

    Snippet-only ground truth (trafilatura's pages) leaves most lines unlabelled, and without
    this the non-English article text the model sees would be the team's alone.
    """
    stripped = text.strip()
    return True if len(stripped.split()) >= 20 and stripped[-1] in ".!?\"”»" else None


def corpus_bodies(shared: Path, heldout: bool) -> list[tuple[str, str]]:
    """(site, text) of the clean main texts of WCXB pages of one part."""
    from cleaner.training.corpora import is_heldout, load_pages

    return [(p.site, p.main_content) for p in load_pages(shared, "wcxb")
            if p.main_content and p.main_content.strip() and is_heldout(p.site) == heldout]


# --- source 3: composed documents -----------------------------------------------------------


def compose(
    body: str, blocks_by_label: dict[str, list[list[tuple[str, str]]]],
    negatives: list[list[tuple[str, str]]], rng: random.Random,
    known: dict[str, str] | None = None,
) -> list[tuple[str, str]]:
    """Insert boilerplate blocks into an article body at the places pages put them.

    Returns (label, text) pairs in order, with "" text for blank lines. A body line takes its
    label from ``known`` (line hash -> label) where the team labelled it, else it is article:
    the title when it is short, content otherwise.
    """
    known = known or {}
    paragraphs = [p for p in body.split("\n\n") if p.strip()]
    out_pars = [[(known.get(line_hash(t)) or _article_label(t), t)
                 for t in par.split("\n") if t.strip()] for par in paragraphs]

    def pick(labels: Sequence[str]) -> list[tuple[str, str]]:
        options = [lb for lb in labels if blocks_by_label.get(lb)]
        return list(rng.choice(blocks_by_label[rng.choice(options)])) if options else []

    inserts: list[tuple[int, list[tuple[str, str]]]] = []
    n = len(out_pars)
    for _ in range(rng.choice((0, 1, 1, 2))):
        inserts.append((0 if rng.random() < 0.5 else min(1, n), pick(_TOP)))
    for _ in range(rng.choice((0, 0, 1, 2, 3))):
        inserts.append((rng.randint(1, max(1, n - 1)), pick(_MIDDLE)))
    for _ in range(rng.choice((0, 1, 2, 3))):
        inserts.append((n, pick(_BOTTOM)))
    for _ in range(rng.choice((0, 1, 2))):
        if negatives:
            inserts.append((rng.randint(1, max(1, n)), list(rng.choice(negatives))))
    for pos, block in sorted(inserts, key=lambda x: x[0], reverse=True):
        if block:
            out_pars.insert(pos, block)
    out: list[tuple[str, str]] = []
    for par in out_pars:
        out.extend(par)
        if rng.random() < 0.75:
            out.append(("", ""))
    return out


def _article_label(line: str) -> str:
    """Headline or subhead (short, alone, no closing punctuation) or content."""
    text = line.strip()
    heading = len(text.split()) <= 14 and text[-1] not in ".!?:;,…\"”»)'" and text[0] not in "-•*"
    return "title" if heading and not text[0].isdigit() else "content"


Block = list[tuple[str, str]]  # (label, text) lines that stand together on pages


def composed_documents(
    bodies: list[tuple[str, str]], blocks: list[tuple[str, Block]], settings: Settings,
    group: Callable[[str], Hashable] = fold_of, rng: random.Random | None = None,
) -> list[TrainDoc]:
    """Documents composed from each body and the blocks of its own group only.

    Bodies and blocks are keyed (a site, a team file or line); ``group`` of the key keeps a
    fold's blocks out of the other folds' documents (fold_of for fit()'s own folds, with
    cv_fold for cross-validation by site).
    """
    rng = rng or random.Random(settings.seed)
    by_group: dict[Hashable, tuple[dict[str, list[Block]], list[Block]]] = {}
    for key, b in blocks:
        by_label, negatives = by_group.setdefault(group(key), ({}, []))
        main = Counter(lb for lb, _ in b).most_common(1)[0][0]
        if main in ARTICLE_LABELS:
            negatives.append(b)
        else:
            by_label.setdefault(main, []).append(b)
    docs = []
    for key, text in bodies:
        by_label, negatives = by_group.get(group(key), ({}, []))
        site = None if key.startswith("team:") else key  # a corpus page's main text
        repeats = 1 if site else settings.team_body_repeats
        for _ in range(repeats * settings.composed_per_body):
            pairs = compose(text, by_label, negatives, rng)
            lines = [Line(i, t) for i, (_, t) in enumerate(pairs, start=1)]
            body = [(line, lb) for line, (lb, _) in zip(lines, pairs) if not line.blank]
            docs.append(TrainDoc(
                [line for line, _ in body],
                [lb not in ARTICLE_LABELS for _, lb in body],
                "composed", fold_of(key), [lb for _, lb in body], site,
            ))
    return docs


def site_group(key: str) -> tuple[int, int]:
    """The group of a site's blocks and bodies: both its fit() fold and its CV fold."""
    return fold_of(key), cv_fold(key)


def ui_blocks(rows: Sequence[UIString], rng: random.Random) -> list[tuple[str, Block]]:
    """ui-strings rows as blocks of 1-4 strings of one label, source and language, keyed by
    their first row's catalog key."""
    groups: dict[tuple[str, str, str], list[UIString]] = {}
    for row in rows:
        groups.setdefault((row.label, row.key.partition("#")[0], row.lang), []).append(row)
    out = []
    for _, group in sorted(groups.items()):
        rng.shuffle(group)
        while group:
            size = rng.randint(1, 4)
            chunk, group = group[:size], group[size:]
            out.append((chunk[0].key, [(row.label, row.text) for row in chunk]))
    return out


def team_bodies(data_dir: Path) -> list[tuple[str, str]]:
    return [(f"team:{p.relative_to(data_dir)}", p.read_text(encoding="utf-8"))
            for p in sorted((data_dir / "articles").glob("*/*.txt"))]


# --- fitting -------------------------------------------------------------------------------


def _fit_binary(x, y, w, c: float, seed: int):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    # The dual problem: on ~400k lines of ~260k hashed features it stops at max_iter before
    # liblinear's tolerance, in a third of the primal's time at tol=1e-2 (which takes ~4
    # minutes), with the same held-out ROC AUC on fit()'s fold 0 (0.9189 against 0.9187).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return LogisticRegression(C=c, solver="liblinear", dual=True, random_state=seed,
                                  max_iter=200).fit(x, y, sample_weight=w)


class _Stack:
    """Features and targets of all training lines, built once."""

    def __init__(self, docs: list[TrainDoc], lines: list[LabelledText], settings: Settings):
        rules = RuleSet()
        featurizer = LineFeaturizer(settings.n_features)
        self.docs = docs
        self.doc_hits = [[rules.match(line.text) for line in d.lines] for d in docs]
        texts, hits, y, w, folds = [], [], [], [], []
        self.doc_rows: list[np.ndarray] = []
        for d, dh in zip(docs, self.doc_hits):
            start = len(texts)
            kinds = d.kinds or [None] * len(d.lines)
            for line, hit, b, kind in zip(d.lines, dh, d.boiler, kinds):
                texts.append(line.text)
                hits.append(hit)
                y.append(-1 if b is None else int(b))
                w.append(settings.read_weight if d.read else _weight(d.source, kind, settings))
                folds.append(d.fold)
            self.doc_rows.append(np.arange(start, len(texts)))
        self.doc_end = len(texts)
        for item in lines:
            texts.append(item.text)
            hits.append(rules.match(item.text))
            y.append(int(item.label not in ARTICLE_LABELS))
            w.append(item.weight)
            folds.append(item.fold)
        self.x = featurizer.matrix(texts, hits)
        self.y = np.array(y)
        self.w = np.array(w)
        self.folds = np.array(folds)
        # What the kind model learns from: every line with a fine label (the team's, the
        # pages' labelled lines and ui-strings); aligned-only lines have none.
        kinds = [k if d.source != "composed" else None
                 for d in docs for k in (d.kinds or [None] * len(d.lines))]
        kinds += [item.label for item in lines]
        self.kind_rows = np.array([i for i, k in enumerate(kinds) if k is not None])
        self.kind_labels = [LABELS.index(kinds[i]) for i in self.kind_rows]


def _weight(source: str, kind: str | None, settings: Settings) -> float:
    """A document line's weight: a page's line by who labelled it, a composed one 1."""
    if source == "composed":
        return 1.0
    return settings.corpus_weight if kind is None else settings.real_weight


def _fit_kind(x, labels, settings: Settings):
    from sklearn.linear_model import SGDClassifier

    # SGD: ~50k labelled lines of 13 labels fit in seconds (lbfgs took minutes for a point of
    # held-out accuracy on fit()'s fold 0: 0.632 against 0.623).
    return SGDClassifier(loss="log_loss", alpha=settings.kind_alpha, max_iter=20, tol=None,
                         random_state=settings.seed).fit(x, labels)


def _kind_probabilities(model, x) -> np.ndarray:
    """P(label) of each row of ``x`` over all of LABELS (a label unseen in training: 0)."""
    out = np.zeros((x.shape[0], len(LABELS)), dtype=np.float32)
    out[:, model.classes_] = model.predict_proba(x)
    return out


def _fit_stage(x: np.ndarray, y: np.ndarray, settings: Settings,
               trees: int | None = None) -> Forest:
    """The stage's trees (``trees``, else settings.stage_trees) fitted to ``y``; one leaf, the
    share of positives, where ``y`` holds a single class (a slice of the data too small to
    learn from)."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    y = np.asarray(y, dtype=int)
    if len(np.unique(y)) < 2:
        share = float(np.clip(y.mean() if len(y) else 0.0, 1e-6, 1 - 1e-6))
        return Forest.constant(float(np.log(share / (1 - share))))
    return Forest.from_sklearn(HistGradientBoostingClassifier(
        max_iter=trees or settings.stage_trees, max_leaf_nodes=settings.stage_leaves,
        max_depth=settings.stage_depth, learning_rate=settings.stage_rate,
        min_samples_leaf=settings.stage_min_leaf, l2_regularization=1.0, early_stopping=False,
        random_state=settings.seed).fit(x, y))


def _article_views(doc: TrainDoc, hits: Sequence, rows: np.ndarray, rng: random.Random,
                   longest: int = 6) -> list[tuple[TrainDoc, list, np.ndarray]]:
    """A read page's article lines alone, numbered as an output shows them (a blank line where
    lines went), and a run of 1 to ``longest`` of them, each as (document, hits, stack rows)."""
    keep = [j for j, b in enumerate(doc.boiler) if b is False]
    if not keep or len(keep) == len(doc.lines):
        return []
    start = rng.randrange(len(keep))
    out = []
    for chosen in (keep, keep[start:start + rng.randint(1, longest)]):
        lines, number, last = [], 0, None
        for j in chosen:
            apart = last is not None and (
                j != last + 1 or doc.lines[j].number > doc.lines[last].number + 1)
            number += 2 if apart else 1
            lines.append(Line(number, doc.lines[j].text))
            last = j
        sub = TrainDoc(lines, [False] * len(chosen), doc.source, doc.fold,
                       [doc.kinds[j] for j in chosen], doc.site, doc.read)
        out.append((sub, [hits[j] for j in chosen], rows[chosen]))
    return out


def stage_features(docs: Sequence[TrainDoc], hits: Sequence[Sequence], logits: np.ndarray,
                   kind_p: np.ndarray) -> np.ndarray:
    """The sequence stage's rows for the lines of ``docs`` (end to end), from their rule
    ``hits`` and line-model outputs, as the pipeline makes them."""
    texts = [line.text for d in docs for line in d.lines]
    flat_hits = [hit for doc_hits in hits for hit in doc_hits]
    own = LineColumns(logits, kind_p, texts, rule_codes(flat_hits))
    sizes = np.array([len(d.lines) for d in docs])
    numbers = np.concatenate([line_numbers(d.lines) for d in docs])
    return sequence_features(own, line_lengths(texts), numbers, np.cumsum(sizes) - sizes)


@dataclass
class StageRows:
    """The sequence stage's training rows, one a line of the documents it reads (see
    _stage_rows), with the line model's out-of-fold logit of each."""

    x: np.ndarray
    y: np.ndarray          # 1 boilerplate, 0 article, -1 unknown
    folds: np.ndarray
    on_page: np.ndarray    # a line of a page itself (not of a view of it or a composed text)
    read: np.ndarray       # of a page the team read whole
    ruled: np.ndarray      # taken by a whole-line rule
    kinds: np.ndarray      # the team's label ("" where none)
    line_logit: np.ndarray
    documents: int
    pages: int


def fit(docs: list[TrainDoc], lines: list[LabelledText], settings: Settings, log=print) -> Model:
    """Fit the line and kind models, then the sequence stage on their out-of-fold outputs for
    the real documents, and choose the threshold; returns the exported Model."""
    stack = _Stack(docs, lines, settings)
    known = stack.y >= 0
    log(f"lines: {int(known.sum())} labelled ({int(stack.y[known].sum())} boilerplate), "
        f"{len(docs)} documents")
    oof, oof_kind = _out_of_fold(stack, settings, log)
    line = _fit_binary(stack.x[known], stack.y[known], stack.w[known], settings.line_c,
                       settings.seed)
    kind = _fit_kind(stack.x[stack.kind_rows], np.asarray(stack.kind_labels), settings)

    rows = _stage_rows(docs, stack, oof, oof_kind, settings)
    x, y, folds = rows.x, rows.y, rows.folds
    stage_p = np.zeros(len(y))
    for k in range(N_FOLDS):
        fit_rows = (y >= 0) & (folds != k)
        fitted = _fit_stage(x[fit_rows], y[fit_rows], settings)
        stage_p[folds == k] = sigmoid(fitted.log_odds(x[folds == k]))
    stage = _fit_stage(x[y >= 0], y[y >= 0], settings)
    article = np.isin(rows.kinds, ("title", "content"))  # where the team named the article line
    heading = _fit_stage(x[article], rows.kinds[article] == "title", settings,
                         settings.title_trees)
    on_real = rows.on_page & (y >= 0)
    # The threshold is set on the pages the team read whole where there are some: alignment
    # with a page's ground truth calls article what a reader calls a caption or a teaser,
    # and set on those the stage lost 0.9% of the read article lines, not 0.5%.
    on_read = on_real & rows.read if (on_real & rows.read).any() else on_real
    threshold = choose_threshold(stage_p[on_read], y[on_read], rows.ruled[on_read],
                                 settings.keep_target, log)
    # Recurring across a site is evidence about the line itself: a repeated line goes unless
    # the line model, reading it alone, holds it to be article as surely as it holds nine
    # article lines of real pages in ten.
    line_p = sigmoid(rows.line_logit)
    repeated_floor = float(np.quantile(line_p[on_real & (y == 0)], 0.9)) if on_real.any() \
        else 0.1
    log(f"sequence stage fitted on {int((y >= 0).sum())} lines of {rows.documents} documents "
        f"({rows.pages} pages); threshold {threshold}")

    kind_w = np.zeros((len(LABELS), settings.n_features), dtype=np.float16)
    kind_b = np.full(len(LABELS), -30.0)
    for row, cls in enumerate(kind.classes_):
        kind_w[cls] = kind.coef_[row]
        kind_b[cls] = kind.intercept_[row]
    return Model(
        line_w=line.coef_[0].astype(np.float32),
        line_b=line.intercept_.astype(np.float64),
        kind_w=kind_w,
        kind_b=kind_b,
        stage=stage,
        heading=heading,
        threshold=threshold,
        repeated_floor=round(repeated_floor, 3),
        word_cost=0.0,
        n_features=settings.n_features,
        info={"stage_features": list(feature_names())},
    )


def stage_training_rows(docs: list[TrainDoc], lines: list[LabelledText], settings: Settings,
                        log=print) -> StageRows:
    """What fit() fits the sequence stage on: for measuring a change to the stage against the
    held-out pages without a whole training run (benchmarks/stage_variants.py)."""
    stack = _Stack(docs, lines, settings)
    oof, oof_kind = _out_of_fold(stack, settings, log)
    return _stage_rows(docs, stack, oof, oof_kind, settings)


def _out_of_fold(stack: _Stack, settings: Settings, log=print) -> tuple[np.ndarray, np.ndarray]:
    """Each line's line-model logit and label probabilities from models fitted without its
    fold: what the stage reads in training is what it reads of a page it has never seen."""
    known = stack.y >= 0
    oof = np.zeros(len(stack.y))
    oof_kind = np.zeros((len(stack.y), len(LABELS)), dtype=np.float32)
    kind_rows, kind_labels = stack.kind_rows, np.asarray(stack.kind_labels)
    for k in range(N_FOLDS):
        train = known & (stack.folds != k)
        held = stack.folds == k
        model = _fit_binary(stack.x[train], stack.y[train], stack.w[train], settings.line_c,
                            settings.seed)
        oof[held] = model.decision_function(stack.x[held])
        outside = stack.folds[kind_rows] != k
        kind = _fit_kind(stack.x[kind_rows[outside]], kind_labels[outside], settings)
        oof_kind[held] = _kind_probabilities(kind, stack.x[held])
        log(f"fold {k}: line and kind models fitted on {int(train.sum())} lines")
    return oof, oof_kind


def _stage_rows(docs: list[TrainDoc], stack: _Stack, oof: np.ndarray, oof_kind: np.ndarray,
                settings: Settings) -> StageRows:
    """The documents the stage reads and their rows, from the line models' out-of-fold
    outputs ``oof`` and ``oof_kind``.

    The stage reads real pages, and from each page the team read whole its article lines
    alone and a short run of them: what the output shows when it is decided again, and what
    a user feeding clean text gives (a short real page is mostly junk, so without them the
    stage took a short clean article for one). Of the composed documents, only the team's
    short articles in six languages with lines inserted: a short article beside a widget
    is common input, and real pages hold few articles in Russian or Spanish. Those composed
    from the corpora's pages are left out: they flatter what spots "from another page" and
    cost real text its keep (issue 24).
    """
    real = [i for i, d in enumerate(docs) if d.real]
    team = [i for i, d in enumerate(docs) if d.source == "composed" and d.site is None]
    pages = real or list(range(len(docs)))  # without the corpora, every document
    views = [(docs[i], stack.doc_hits[i], stack.doc_rows[i]) for i in pages]
    rng = random.Random(settings.seed)
    views += [view for i in real if docs[i].read
              for view in _article_views(docs[i], stack.doc_hits[i], stack.doc_rows[i], rng)]
    views += [(docs[i], stack.doc_hits[i], stack.doc_rows[i]) for i in (team if real else [])]
    rows = np.concatenate([r for _, _, r in views])
    on_page = np.zeros(len(rows), dtype=bool)
    on_page[:sum(len(stack.doc_rows[i]) for i in pages)] = True
    return StageRows(
        x=stage_features([d for d, _, _ in views], [h for _, h, _ in views], oof[rows],
                         oof_kind[rows]),
        y=stack.y[rows], folds=stack.folds[rows], on_page=on_page,
        read=np.array([d.read for d, _, _ in views for _ in d.lines]),
        ruled=np.array([hit.rule is not None for _, h, _ in views for hit in h]),
        kinds=np.array([k or "" for d, _, _ in views
                        for k in (d.kinds or [None] * len(d.lines))]),
        line_logit=oof[rows], documents=len(views), pages=len(real))


def keep_curve(stage_p: np.ndarray, y: np.ndarray, ruled: np.ndarray,
               grid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """At each threshold of ``grid``: the share of article lines (``y`` 0) kept and of
    boilerplate lines (``y`` 1) removed, a line going when its ``stage_p`` reaches the
    threshold or a whole-line rule takes it (``ruled``)."""
    article, boilerplate = y == 0, y == 1
    free_article = np.sort(stage_p[article & ~ruled])  # kept below the threshold
    free_boilerplate = np.sort(stage_p[boilerplate & ~ruled])  # removed from it up
    kept = np.searchsorted(free_article, grid, side="left") / article.sum()
    removed = (np.count_nonzero(boilerplate & ruled) + len(free_boilerplate)
               - np.searchsorted(free_boilerplate, grid, side="left")) / boilerplate.sum()
    return kept, removed


def choose_threshold(stage_p: np.ndarray, y: np.ndarray, ruled: np.ndarray,
                     keep_target: float, log=print) -> float:
    """The lowest threshold at which ``keep_target`` of the article lines (``y`` 0; 1
    boilerplate, -1 unknown) of real pages are kept, the stage scored out of fold: the
    operating point is set by what users lose. Lines a whole-line rule removes (``ruled``)
    count as lost at every threshold, as the pipeline loses them. The curve (article lines
    kept, boilerplate lines removed) goes to ``log``, every hundredth of it.

    To a thousandth: on a grid of hundredths the chosen threshold overshot the target by up
    to a grid step, so that small changes to the data that hardly moved the curve moved the
    operating point by a point or two of the boilerplate removed."""
    grid = np.round(np.arange(0.300, 0.9995, 0.001), 3)
    kept, removed = keep_curve(stage_p, y, ruled, grid)
    shown = np.arange(len(grid)) % 10 == 0
    log("threshold: " + ", ".join(f"{t:.2f} keeps {k:.4f} removes {r:.3f}" for t, k, r
                                  in zip(grid[shown], kept[shown], removed[shown])))
    ok = grid[kept >= keep_target]
    return float(ok[0]) if len(ok) else float(grid[-1])


def training_sets(
    data_dir: Path, shared: Path | None, cache_dir: Path | None, settings: Settings,
    heldout: bool = False, extra: Sequence[Path] = (), log=print,
) -> tuple[list[TrainDoc], list[LabelledText]]:
    """Documents and standalone labelled lines of the train part (or of the held-out part).

    Every source is split the same way, by a hash of its site, block, file or catalog key,
    never by line.
    """
    from cleaner.training.corpora import is_heldout

    blocks = [b for b in team_blocks((data_dir / "lines").glob("*.tsv"))
              if is_heldout(b[0][1]) == heldout]
    if not heldout:
        for path in extra:
            blocks += read_labelled(path)
    lines = [LabelledText(lb, text, fold_of(block[0][1]), settings.team_weight, "team")
             for block in blocks for lb, text in block]
    log(f"team lines: {len(lines)} in {len(blocks)} blocks")
    bodies = [(key, text) for key, text in team_bodies(data_dir) if is_heldout(key) == heldout]
    docs = composed_documents(bodies, [(b[0][1], b) for b in blocks], settings)
    if shared is not None:
        labels, read = team_labels(data_dir), team_labels(data_dir, READ_FILE)
        page_docs, block_lines, real_blocks = corpus_sources(
            shared, cache_dir, heldout, labels, settings, read)
        rng = random.Random(settings.seed)
        ui = ui_strings(shared, heldout)
        lines += block_lines + [LabelledText(row.label, row.text, fold_of(row.key),
                                             settings.ui_weight, "ui-strings") for row in ui]
        wcxb = corpus_bodies(shared, heldout)
        docs += page_docs
        docs += composed_documents(wcxb, [(b[0][1], b) for b in blocks], settings, rng=rng)
        docs += composed_documents(wcxb, real_blocks + ui_blocks(ui, rng), settings,
                                   site_group, rng)
        log(f"corpus documents: {len(page_docs)}; labelled paragraphs: {len(block_lines)}; "
            f"ui-strings: {len(ui)}; real blocks: {len(real_blocks)}")
    log(f"documents incl. composed: {len(docs)}")
    return docs, lines
