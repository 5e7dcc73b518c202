"""Training: gather labelled lines and documents from every source, fit, export.

Sources (see data/README.md):
1. the team's labelled lines, ``data/lines/<lang>.tsv`` (label TAB text; blank line = block);
2. ground-truth pages in ``../shared/corpora`` (train part only), as trafilatura text, each line
   labelled by aligning it with the page's ground truth (noisy);
3. documents composed from clean article bodies (``data/articles`` and the corpus main texts)
   with the team's boilerplate blocks inserted where pages put them, so the context step sees
   blocks.

Three models are fitted (see model.Model): the line model on every labelled line, the kind model
on the team's finely labelled lines, and the context model on line scores predicted out of fold,
so it learns how far to trust a line score given its neighbours. A line is dropped when its
probability reaches ``threshold``, or more for a long line (decode.drop_thresholds); the word cost
that sets how much more is the lowest that keeps the out-of-fold loss of article words on real
pages under ``max_word_loss``.
"""

from __future__ import annotations

import json
import random
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cleaner.decode import (
    CONTEXT_FEATURES,
    context_features,
    drop_thresholds,
    line_lengths,
    revised_probability,
)
from cleaner.document import ARTICLE_LABELS, LABELS, Line
from cleaner.features import N_FEATURES, LineFeaturizer
from cleaner.model import Model, sigmoid
from cleaner.rules import RuleSet
from cleaner.segment import segment

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
N_FOLDS = 3

# Where pages put each kind of boilerplate block.
_TOP = ("navigation_share", "byline_meta", "cookie_legal", "ui_message", "signup_prompt",
        "subscription_paywall", "ad_sponsored", "caption_credit")
_MIDDLE = ("ad_sponsored", "related_promo", "signup_prompt", "caption_credit", "ui_message",
           "subscription_paywall", "donation_appeal")
_BOTTOM = ("donation_appeal", "related_promo", "navigation_share", "comments_prompt",
           "cookie_legal", "signup_prompt", "byline_meta", "subscription_paywall", "ui_message")


@dataclass
class Settings:
    """Everything that decides the trained model, recorded in its manifest."""

    seed: int = 13
    n_features: int = N_FEATURES
    line_c: float = 4.0
    kind_c: float = 4.0
    team_weight: float = 30.0
    corpus_weight: float = 0.3
    composed_per_body: int = 1
    team_body_repeats: int = 12
    threshold: float = 0.5
    max_word_loss: float = 0.0007


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


def corpus_documents(shared: Path, cache_dir: Path | None, heldout: bool) -> list[TrainDoc]:
    """Corpus pages as trafilatura text with aligned line targets (train or held-out part)."""
    from cleaner.corpora import CORPORA, align, extracted_texts, is_heldout, load_pages

    docs = []
    for corpus in CORPORA:
        pages = [p for p in load_pages(shared, corpus) if is_heldout(p.site) == heldout]
        for page, text in zip(pages, extracted_texts(pages, cache_dir)):
            lines = segment(text)
            keep = align([line.text for line in lines], page)
            body = [(line, _prose(line.text) if k is None else k)
                    for line, k in zip(lines, keep) if not line.blank]
            if body:
                docs.append(TrainDoc(
                    [line for line, _ in body],
                    [None if k is None else not k for _, k in body],
                    corpus, fold_of(page.site), site=page.site,
                ))
    return docs


def _prose(text: str) -> bool | None:
    """Weak label for a line the ground truth says nothing of: a long sentence is article.

    Snippet-only ground truth (trafilatura's pages) leaves most lines unlabelled, and without
    this the non-English article text the model sees would be the team's alone.
    """
    stripped = text.strip()
    return True if len(stripped.split()) >= 20 and stripped[-1] in ".!?\"”»" else None


def corpus_bodies(shared: Path, heldout: bool) -> list[tuple[str, str]]:
    """(site, text) of the clean main texts of WCXB pages of one part."""
    from cleaner.corpora import is_heldout, load_pages

    return [(p.site, p.main_content) for p in load_pages(shared, "wcxb")
            if p.main_content and p.main_content.strip() and is_heldout(p.site) == heldout]


# --- source 3: composed documents -----------------------------------------------------------


def compose(
    body: str, blocks_by_label: dict[str, list[list[tuple[str, str]]]],
    negatives: list[list[tuple[str, str]]], rng: random.Random,
) -> list[tuple[str, str]]:
    """Insert boilerplate blocks into an article body at the places pages put them.

    Returns (label, text) pairs in order, with "" text for blank lines. Body lines are article
    lines: the first is the title when it is short, the rest content.
    """
    paragraphs = [p for p in body.split("\n\n") if p.strip()]
    out_pars = [[(_article_label(t), t) for t in par.split("\n") if t.strip()]
                for par in paragraphs]

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


def composed_documents(
    bodies: list[tuple[str, str]], blocks: list[list[tuple[str, str]]], settings: Settings
) -> list[TrainDoc]:
    """Per fold, compose documents from that fold's bodies and blocks only."""
    rng = random.Random(settings.seed)
    docs = []
    for fold in range(N_FOLDS):
        fold_blocks = [b for b in blocks if fold_of(b[0][1]) == fold]
        by_label: dict[str, list[list[tuple[str, str]]]] = {}
        negatives = []
        for b in fold_blocks:
            main = Counter(lb for lb, _ in b).most_common(1)[0][0]
            if main in ARTICLE_LABELS:
                negatives.append(b)
            else:
                by_label.setdefault(main, []).append(b)
        for key, text in bodies:
            if fold_of(key) != fold:
                continue
            site = None if key.startswith("team:") else key  # a corpus page's main text
            repeats = 1 if site else settings.team_body_repeats
            for _ in range(repeats * settings.composed_per_body):
                pairs = compose(text, by_label, negatives, rng)
                lines = [Line(i, t) for i, (_, t) in enumerate(pairs, start=1)]
                body = [(line, lb) for line, (lb, _) in zip(lines, pairs) if not line.blank]
                docs.append(TrainDoc(
                    [line for line, _ in body],
                    [lb not in ARTICLE_LABELS for _, lb in body],
                    "composed", fold, [lb for _, lb in body], site,
                ))
    return docs


def team_bodies(data_dir: Path) -> list[tuple[str, str]]:
    return [(f"team:{p.relative_to(data_dir)}", p.read_text(encoding="utf-8"))
            for p in sorted((data_dir / "articles").glob("*/*.txt"))]


# --- fitting -------------------------------------------------------------------------------


def _fit_binary(x, y, w, c: float, seed: int):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, solver="liblinear", random_state=seed, max_iter=200).fit(
        x, y, sample_weight=w
    )


class _Stack:
    """Features and targets of all training lines, built once."""

    def __init__(self, docs: list[TrainDoc], team: list[tuple[str, str, int]], settings: Settings):
        rules = RuleSet()
        featurizer = LineFeaturizer(settings.n_features)
        self.docs = docs
        self.doc_hits = [[rules.match(line.text) for line in d.lines] for d in docs]
        texts, hits, y, w, folds = [], [], [], [], []
        self.doc_rows: list[np.ndarray] = []
        for d, dh in zip(docs, self.doc_hits):
            start = len(texts)
            for line, hit, b in zip(d.lines, dh, d.boiler):
                texts.append(line.text)
                hits.append(hit)
                y.append(-1 if b is None else int(b))
                w.append(settings.corpus_weight if d.source in ("wcxb", "traf") else 1.0)
                folds.append(d.fold)
            self.doc_rows.append(np.arange(start, len(texts)))
        self.team_start = len(texts)
        for label, text, fold in team:
            texts.append(text)
            hits.append(rules.match(text))
            y.append(int(label not in ARTICLE_LABELS))
            w.append(settings.team_weight)
            folds.append(fold)
        self.x = featurizer.matrix(texts, hits)
        self.y = np.array(y)
        self.w = np.array(w)
        self.folds = np.array(folds)
        self.team_labels = [label for label, _, _ in team]


def fit(
    docs: list[TrainDoc], team: list[tuple[str, str, int]], settings: Settings, log=print
) -> Model:
    """Fit the three models and choose the word cost; returns the exported Model."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    stack = _Stack(docs, team, settings)
    known = stack.y >= 0
    log(f"lines: {int(known.sum())} labelled ({int(stack.y[known].sum())} boilerplate), "
        f"{len(docs)} documents")
    oof = np.zeros(len(stack.y))
    for k in range(N_FOLDS):
        train = known & (stack.folds != k)
        model = _fit_binary(stack.x[train], stack.y[train], stack.w[train], settings.line_c,
                            settings.seed)
        held = stack.folds == k
        oof[held] = model.decision_function(stack.x[held])
        log(f"fold {k}: line model fitted on {int(train.sum())} lines")
    line = _fit_binary(stack.x[known], stack.y[known], stack.w[known], settings.line_c,
                       settings.seed)

    ctx_x = np.vstack([context_features(d.lines, dh, oof[rows])
                       for d, dh, rows in zip(docs, stack.doc_hits, stack.doc_rows)])
    labelled = np.array([b is not None for d in docs for b in d.boiler])
    ctx_y = np.array([bool(b) for d in docs for b in d.boiler])
    scaler = StandardScaler().fit(ctx_x[labelled])
    ctx = LogisticRegression(C=1.0, max_iter=1000, random_state=settings.seed).fit(
        scaler.transform(ctx_x[labelled]), ctx_y[labelled]
    )
    context_w = ctx.coef_[0] / scaler.scale_
    context_b = ctx.intercept_ - (scaler.mean_ * context_w).sum()
    # The word cost is chosen on real pages only, with decoding's own revised probability.
    words = np.concatenate([line_lengths(d.lines) for d in docs])
    revised = revised_probability(sigmoid(oof[: stack.team_start]),
                                  sigmoid(ctx_x @ context_w + context_b[0]), words)
    real = labelled & np.array([d.source != "composed" for d in docs for _ in d.lines])
    if not real.any():  # trained without the corpora: composed documents are all there is
        real = labelled
    word_cost = choose_word_cost(revised[real], ctx_y[real], words[real], settings.threshold,
                                 settings.max_word_loss)
    log(f"context model fitted on {int(labelled.sum())} lines; word cost {word_cost}")

    team_rows = np.arange(stack.team_start, len(stack.y))
    kind = LogisticRegression(C=settings.kind_c, max_iter=2000, random_state=settings.seed).fit(
        stack.x[team_rows], [LABELS.index(lb) for lb in stack.team_labels]
    )
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
        context_w=context_w.astype(np.float64),
        context_b=np.asarray(context_b, dtype=np.float64).reshape(1),
        threshold=settings.threshold,
        word_cost=word_cost,
        n_features=settings.n_features,
        info={"context_features": list(CONTEXT_FEATURES)},
    )


def choose_word_cost(
    p: np.ndarray, y: np.ndarray, words: np.ndarray, threshold: float, max_loss: float
) -> float:
    """The smallest word cost whose loss of article words stays within ``max_loss``.

    The loss is pooled over all real pages (a per-page mean was tried: the aligned labels are
    too noisy on small pages for it).
    """
    article_words = max(1.0, float(words[y == 0].sum()))
    for cost in np.round(np.geomspace(0.002, 20.0, 41), 4):
        dropped = p >= drop_thresholds(words, threshold, float(cost))
        if words[(y == 0) & dropped].sum() / article_words <= max_loss:
            return float(cost)
    return 20.0


def training_sets(
    data_dir: Path, shared: Path | None, cache_dir: Path | None, settings: Settings,
    heldout: bool = False, extra: Sequence[Path] = (), log=print,
) -> tuple[list[TrainDoc], list[tuple[str, str, int]]]:
    """Documents and standalone team lines of the train part (or of the held-out part).

    Every source is split the same way, by a hash of its site, block or file, never by line.
    """
    from cleaner.corpora import is_heldout

    blocks = [b for b in team_blocks((data_dir / "lines").glob("*.tsv"))
              if is_heldout(b[0][1]) == heldout]
    if not heldout:
        for path in extra:
            blocks += read_labelled(path)
    team = [(lb, text, fold_of(block[0][1])) for block in blocks for lb, text in block]
    log(f"team lines: {len(team)} in {len(blocks)} blocks")
    bodies = team_bodies(data_dir)
    docs: list[TrainDoc] = []
    if shared is not None:
        docs += corpus_documents(shared, cache_dir, heldout=heldout)
        bodies += corpus_bodies(shared, heldout)
        log(f"corpus documents: {len(docs)}")
    bodies = [(key, text) for key, text in bodies if is_heldout(key) == heldout]
    docs += composed_documents(bodies, blocks, settings)
    log(f"documents incl. composed: {len(docs)}")
    return docs, team
