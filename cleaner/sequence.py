"""The sequence stage: reads the whole document to give each line one P(boilerplate).

The line model scores a line nearly on its own. Boilerplate comes in blocks and sits at the
edges; a caption follows a headline or sits between paragraphs; a teaser list is a run of
short title-case lines after the article's last sentence. This stage sees, for every line, its
own line-model outputs (the boilerplate logit and the 13 label probabilities), its shape and
the rules that match it, the same for the lines around it (WINDOW each way), what the lines
farther up and down are on average (SPREAD), and where it stands in the document. A forest
of gradient-boosted trees, fitted by `cleaner train` on out-of-fold line-model outputs of real
documents, turns that into one probability; the lines at or over one threshold go.

Inference is NumPy only: the trees are arrays (node feature, threshold, children, leaf values)
walked level by level for all lines and trees at once; a line's probability is a sum of leaf
values in tree order, so it does not depend on the batch it is in.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from cleaner.decode import Spans, run_lengths
from cleaner.document import LABELS
from cleaner.features import _native, line_count_rows

#: Lines read each way around a line.
WINDOW = 5
_CLIP = 8.0

#: Per line: what it is on its own (LineView.columns, in this order).
OWN_FEATURES: tuple[str, ...] = (
    "z", *(f"p_{label}" for label in LABELS),
    "log_words", "log_chars", "end_sentence", "end_colon", "end_other", "start_upper",
    "start_digit", "start_mark", "caps", "digits", "titled", "pipe",
    "rule", "rule_opener", "rule_closer",
)
#: Of a neighbour, the few that say most about a line beside it.
_NEIGHBOUR = ("z", "p_title", "log_words", "end_sentence", "titled", "rule")
_AT = {name: i for i, name in enumerate(OWN_FEATURES)}
#: Farther out, what the lines up to SPREAD lines above and below a line are on average: a
#: comment section, a teaser list or a menu runs longer than WINDOW lines (about 5 points more
#: boilerplate removed at 99.5% of article lines kept on held-out real text, in both modes:
#: benchmarks/stage_variants.py).
SPREAD = (10, 30)
_SPREAD_LABELS = ("comments_prompt", "related_promo", "navigation_share", "byline_meta",
                  "title", "content")
_SPREAD_KINDS = np.array([LABELS.index(label) for label in _SPREAD_LABELS])
_SCALE = 2.0**24


def feature_names() -> tuple[str, ...]:
    """The columns of sequence_features, in order."""
    near = [f"{name}@{k:+d}" for k in (*range(-WINDOW, 0), *range(1, WINDOW + 1))
            for name in ("there", *_NEIGHBOUR)]
    spread = [f"{side}{lines}_{name}" for lines in SPREAD for side in ("above", "below")
              for name in ("z", *(f"p_{label}" for label in _SPREAD_LABELS))]
    return (*OWN_FEATURES, *near, "z_before_mean", "z_before_max", "z_before_min",
            "z_after_mean", "z_after_max", "z_after_min", "position", "from_top", "from_bottom",
            "log_size", "log_run", "blank_before", "blank_after", "doc_z_mean",
            "doc_boiler_share", "words_share_before", "words_share_after", *spread)


class LineColumns:
    """Each line's OWN_FEATURES, made for the lines asked (``columns[rows]``): its clipped
    logit, label probabilities, shape_columns (of the lines' ``texts``), and rule (0 none, 1 a
    whole-line rule, 2 an opener, 3 a closer). Made when asked, shapes included, so that a
    document of 300,000 lines is never held as one matrix of them (70 MB), nor its lines'
    counts (12 MB) and their text joined to count them (40 MB)."""

    def __init__(self, logits: np.ndarray, kind_p: np.ndarray, texts: Sequence[str],
                 rule: np.ndarray) -> None:
        self.z = np.clip(np.asarray(logits, dtype=np.float64), -_CLIP, _CLIP)
        self.kind_p = np.asarray(kind_p)
        self.texts = texts
        self.rule = np.asarray(rule)

    def __len__(self) -> int:
        return len(self.z)

    def __getitem__(self, rows: np.ndarray) -> np.ndarray:
        rule = self.rule[rows]
        counts = line_count_rows(list(map(self.texts.__getitem__, rows.tolist())))
        return np.column_stack([self.z[rows], self.kind_p[rows].astype(np.float64),
                                shape_columns(counts), rule > 0, rule == 2, rule == 3])


#: shape_columns' columns (OWN_FEATURES from log_words to pipe).
SHAPE_COLUMNS = 12
_SENTENCE_END = ".!?\"'”»)…"
_MARKS = "•·-–—*|>»«›‹#+"


def _flags(codes: np.ndarray, test) -> np.ndarray:
    """``test`` of each code point's character (False for 0, no character), each distinct
    code point tested once."""
    found, where = np.unique(codes, return_inverse=True)
    return np.array([c > 0 and test(chr(c)) for c in found.tolist()], dtype=bool)[where]


def shape_columns(counts: np.ndarray) -> np.ndarray:
    """Each line's shape as numbers: log words and characters, how it ends and starts, and the
    shares of capitals, digits and title-case words, from the rows of
    features.line_count_rows (words, letters, upper, digits, titled, length, first, last,
    pipes, indent)."""
    words, letters, upper, digits, titled, length, first, last, pipes, _ = (
        np.asarray(counts, dtype=np.int64).T)
    n = len(words)
    out = np.zeros((n, SHAPE_COLUMNS))
    if not n:
        return out
    out[:, 0] = np.log1p(words)
    out[:, 1] = np.log1p(length)
    out[:, 2] = sentence = _flags(last, _SENTENCE_END.__contains__)
    out[:, 3] = colon = last == ord(":")
    out[:, 4] = ~sentence & ~colon & (last > 0) & ~_flags(last, str.isalnum)
    out[:, 5] = _flags(first, str.isupper)
    out[:, 6] = _flags(first, str.isdigit)
    out[:, 7] = _flags(first, _MARKS.__contains__)
    out[:, 8] = upper / np.maximum(letters, 1)
    out[:, 9] = digits / np.maximum(length, 1)
    out[:, 10] = titled / np.maximum(words, 1)
    out[:, 11] = pipes > 0
    return out


def sequence_features(own: LineColumns, words: np.ndarray, numbers: np.ndarray,
                      starts: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """The stage's input: one row a line of a batch of documents (``starts``: each document's
    first row), from the lines' OWN_FEATURES ``own``, their ``words`` (whole numbers, so
    that sums over a batch are exact) and their ``numbers`` in their texts (blank lines
    between them count). Every value comes from the line's own document alone, so a line's
    row is the same in any batch. ``rows``: the lines whose rows to make (all if None)."""
    return Reading(own, words, numbers, starts).rows(rows)


class Reading:
    """A batch of documents as the stage reads them: what each line's document holds is
    summed once, and ``rows`` makes the stage's input for the lines asked, so that a long
    document is read a part at a time (see parts)."""

    def __init__(self, own: LineColumns, words: np.ndarray, numbers: np.ndarray,
                 starts: np.ndarray) -> None:
        n = len(own)
        self.own = own
        self.starts = starts = np.asarray(starts, dtype=np.int64)
        self.spans = Spans(starts, n)
        self.sizes = sizes = np.diff(np.append(starts, n))
        z = own.z
        self.words = words = np.asarray(words, dtype=np.float64)
        self.gap = np.diff(numbers) > 1
        self.doc_z = np.add.reduceat(z, starts) / sizes
        self.doc_boiler = np.add.reduceat((z > 0).astype(np.float64), starts) / sizes
        self.doc_words = np.add.reduceat(words, starts)
        self.cum = np.cumsum(words) - np.repeat(np.cumsum(words)[starts] - words[starts], sizes)
        self.run = run_lengths(z > 0, starts)

    def rows(self, rows: np.ndarray | None = None) -> np.ndarray:
        """The stage's input rows of the lines ``rows`` (all if None), in that order."""
        own, n = self.own, len(self.own)
        rows = np.arange(n) if rows is None else np.asarray(rows, dtype=np.int64)
        if not len(rows):
            return np.zeros((0, len(feature_names())))
        d = self.spans.doc(rows)
        first, size = self.starts[d], self.sizes[d]
        last, pos = first + size - 1, rows - first
        offsets = np.array([*range(-WINDOW, 0), *range(1, WINDOW + 1)])
        low, high = max(int(rows.min()) - WINDOW, 0), min(int(rows.max()) + WINDOW, n - 1)
        if high - low < 3 * len(rows):  # a run of lines: their span
            needed = np.arange(low, high + 1)
        else:  # lines here and there: each with its neighbours, once
            needed = np.unique(np.clip(np.concatenate([rows, (rows[:, None] + offsets).ravel()]),
                                       0, n - 1))
        made = own[needed]
        x = np.empty((len(rows), len(feature_names())))  # filled in place: no second copy
        col = made.shape[1]
        x[:, :col] = made[np.searchsorted(needed, rows)]
        picks = [_AT[name] for name in _NEIGHBOUR]
        before, after = [], []
        for k in offsets.tolist():
            there = rows + k
            inside = (there >= first) & (there <= last)
            near = np.clip(there, 0, n - 1)
            x[:, col] = inside
            x[:, col + 1 : col + 1 + len(picks)] = np.where(
                inside[:, None], made[np.searchsorted(needed, near)][:, picks], np.nan)
            col += 1 + len(picks)
            (before if k < 0 else after).append(np.where(inside, own.z[near], np.nan))
        summary = [*_window_summary(np.column_stack(before)),
                   *_window_summary(np.column_stack(after))]
        blank_before = np.concatenate([[True], self.gap])[rows] | (pos == 0)
        blank_after = np.concatenate([self.gap, [True]])[rows] | (pos == size - 1)
        words, cum, doc_words = self.words[rows], self.cum[rows], self.doc_words[d]
        place = np.column_stack([
            *summary, pos / np.maximum(size - 1, 1), np.minimum(pos, 20),
            np.minimum(size - 1 - pos, 20), np.log1p(size), np.log1p(self.run[rows]),
            blank_before, blank_after, self.doc_z[d], self.doc_boiler[d],
            (cum - words) / np.maximum(doc_words, 1),
            (doc_words - cum) / np.maximum(doc_words, 1)])
        x[:, col : col + place.shape[1]] = place
        x[:, col + place.shape[1]:] = self._spread(rows, first, last)
        return x

    def _spread(self, rows: np.ndarray, first: np.ndarray, last: np.ndarray) -> np.ndarray:
        """For each SPREAD and side (above, below), the mean logit and _SPREAD_LABELS
        probabilities of the lines that far from each line in its document (``first`` to
        ``last``); NaN where there is none. Read a block of PART_LINES lines at a time, so
        that lines here and there in a long document do not make its whole length."""
        out = np.empty((len(rows), 2 * len(SPREAD) * (1 + len(_SPREAD_KINDS))))
        block = rows // PART_LINES
        for b in np.unique(block).tolist():
            mine = np.flatnonzero(block == b)
            out[mine] = self._spread_near(rows[mine], first[mine], last[mine])
        return out

    def _spread_near(self, rows: np.ndarray, first: np.ndarray, last: np.ndarray) -> np.ndarray:
        """_spread of lines close together: sums of a running total over their span, in whole
        numbers (values times _SCALE), so that they are exact and a row is the same in any
        batch."""
        own, wide = self.own, max(SPREAD)
        low = max(int(rows.min()) - wide, 0)
        span = np.arange(low, min(int(rows.max()) + wide, len(own) - 1) + 1)
        values = np.column_stack([own.z[span], own.kind_p[span][:, _SPREAD_KINDS]])
        total = np.zeros((len(span) + 1, values.shape[1]), dtype=np.int64)
        np.cumsum(np.rint(values * _SCALE).astype(np.int64), axis=0, out=total[1:])
        means = []
        for lines in SPREAD:
            top, bottom = np.maximum(rows - lines, first), np.minimum(rows + lines, last) + 1
            for start, end in ((top, rows), (rows + 1, bottom)):  # the lines [start, end)
                count = (end - start)[:, None]
                sums = (total[end - low] - total[start - low]) / _SCALE
                means.append(np.where(count > 0, sums / np.maximum(count, 1), np.nan))
        return np.hstack(means)


#: Lines read at a time (their rows: about 4 MB), so that memory does not grow with a
#: document's length.
PART_LINES = 4096


def parts(n: int, size: int = PART_LINES) -> Iterator[np.ndarray]:
    """The positions 0 to ``n`` - 1 in consecutive parts of at most ``size``, each made when
    it is read (not all of them held: 2 MB for 300,000 lines)."""
    for i in range(0, n, size):
        yield np.arange(i, min(i + size, n))


def _window_summary(z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, max and min of each row's values that are there (NaN: no such line; all NaN
    where the line has no neighbour on that side)."""
    there = ~np.isnan(z)
    count = there.sum(axis=1)
    none = count == 0
    mean = np.where(none, np.nan, np.where(there, z, 0.0).sum(axis=1) / np.maximum(count, 1))
    high = np.where(none, np.nan, np.where(there, z, -np.inf).max(axis=1))
    low = np.where(none, np.nan, np.where(there, z, np.inf).min(axis=1))
    return mean, high, low


@dataclass
class Forest:
    """Gradient-boosted trees as arrays, one row a tree, one column a node.

    ``feature`` (-1 at a leaf), ``threshold`` (go left when the value is at most it),
    ``missing_left`` (where NaN goes), ``left``/``right`` (child columns), ``value`` (a leaf's
    addition to the log-odds), ``base`` (the log-odds before any tree). The C module walks
    them (cleaner/_native.c); log_odds_in_numpy gives the same bytes where it was not built.
    """

    feature: np.ndarray
    threshold: np.ndarray
    missing_left: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    base: float

    def __post_init__(self) -> None:
        self.feature = np.ascontiguousarray(self.feature, dtype=np.int32)
        self.threshold = np.ascontiguousarray(self.threshold, dtype=np.float64)
        self.missing_left = np.ascontiguousarray(self.missing_left, dtype=np.uint8)
        self.left = np.ascontiguousarray(self.left, dtype=np.int32)
        self.right = np.ascontiguousarray(self.right, dtype=np.int32)
        self.value = np.ascontiguousarray(self.value, dtype=np.float64)
        width = self.feature.shape[1]
        inner = self.feature >= 0
        children = np.concatenate([self.left[inner], self.right[inner]])
        if len(children) and (children.min() < 1 or children.max() >= width):
            raise ValueError("a tree's child lies outside its row")

    def log_odds(self, x: np.ndarray) -> np.ndarray:
        """Each row's log-odds: base, then each tree's leaf value added in tree order."""
        x = np.ascontiguousarray(x, dtype=np.float64)
        if len(x) and self.feature.max(initial=-1) >= x.shape[1]:
            raise ValueError(f"the trees read {self.feature.max() + 1} columns, x has {x.shape[1]}")
        if _native is None or not len(x):
            return self.log_odds_in_numpy(x)
        return np.frombuffer(_native.forest_log_odds(
            x, x.shape[1], self.feature, self.threshold, self.missing_left, self.left,
            self.right, self.value, self.feature.shape[1], self.base), dtype=np.float64).copy()

    def log_odds_in_numpy(self, x: np.ndarray) -> np.ndarray:
        """log_odds with NumPy: every tree walked a level at a time for all rows at once."""
        n, trees = len(x), self.feature.shape[0]
        node = np.zeros((n, trees), dtype=np.int64)
        tree = np.arange(trees)[None, :]
        rows = np.arange(n)[:, None]
        while True:
            f = self.feature[tree, node]
            inner = f >= 0
            if not inner.any():
                break
            v = x[rows, np.maximum(f, 0)]
            go_left = np.where(np.isnan(v), self.missing_left[tree, node] > 0,
                               v <= self.threshold[tree, node])
            node = np.where(inner, np.where(go_left, self.left[tree, node],
                                            self.right[tree, node]), node)
        values = np.concatenate([np.full((n, 1), self.base), self.value[tree, node]], axis=1)
        return np.cumsum(values, axis=1)[:, -1] if n else np.zeros(0)

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        """The arrays to save, their names prefixed."""
        return {f"{prefix}_{name}": getattr(self, name) for name in _FOREST_ARRAYS} | {
            f"{prefix}_base": np.array([self.base])}

    @classmethod
    def from_arrays(cls, data, prefix: str) -> Forest:
        return cls(**{name: np.asarray(data[f"{prefix}_{name}"]) for name in _FOREST_ARRAYS},
                   base=float(np.asarray(data[f"{prefix}_base"])[0]))

    @classmethod
    def constant(cls, log_odds: float) -> Forest:
        """One tree of one leaf: the same log-odds for every row."""
        one = np.zeros((1, 1))
        return cls(np.full((1, 1), -1), one, one, one, one, np.full((1, 1), log_odds), 0.0)

    @classmethod
    def from_sklearn(cls, model) -> Forest:
        """The trees of a fitted binary HistGradientBoostingClassifier (numeric features)."""
        predictors = [p[0].nodes for p in model._predictors]
        shape = (len(predictors), max(len(nodes) for nodes in predictors))
        feature = np.full(shape, -1, dtype=np.int32)
        threshold = np.zeros(shape)
        missing_left = np.zeros(shape, dtype=np.uint8)
        left = np.zeros(shape, dtype=np.int32)
        right = np.zeros(shape, dtype=np.int32)
        value = np.zeros(shape)
        for t, nodes in enumerate(predictors):
            m = len(nodes)
            inner = nodes["is_leaf"] == 0
            feature[t, :m] = np.where(inner, nodes["feature_idx"], -1)
            threshold[t, :m] = nodes["num_threshold"]
            missing_left[t, :m] = nodes["missing_go_to_left"]
            left[t, :m] = np.where(inner, nodes["left"], 0)
            right[t, :m] = np.where(inner, nodes["right"], 0)
            value[t, :m] = np.where(inner, 0.0, nodes["value"])
        return cls(feature, threshold, missing_left, left, right, value,
                   float(np.ravel(model._baseline_prediction)[0]))


_FOREST_ARRAYS = ("feature", "threshold", "missing_left", "left", "right", "value")


def _groups() -> dict[str, np.ndarray]:
    """The columns of sequence_features by what they describe: the line itself, the lines
    above it, the lines below it, its place in the document."""
    names = feature_names()
    group = ["line" if i < len(OWN_FEATURES)
             else "above" if "@-" in name or name.startswith(("z_before", "above"))
             else "below" if "@+" in name or name.startswith(("z_after", "below"))
             else "place" for i, name in enumerate(names)]
    return {g: np.array([i for i, h in enumerate(group) if h == g]) for g in GROUPS}


#: What weighed in a decision, as reasons name it (``sequence:below+line``).
GROUPS = ("line", "above", "below", "place")


def weighed_most(forest: Forest, x: np.ndarray) -> list[str]:
    """For each row of ``x``, the one or two GROUPS whose columns pushed its log-odds up the
    most: each group in turn is hidden (its columns missing, as for a line at a document's
    edge) and the fall in log-odds is its weight."""
    if not len(x):
        return []
    full = forest.log_odds(x)
    weights = []
    for columns in _groups().values():
        hidden = x.copy()
        hidden[:, columns] = np.nan
        weights.append(full - forest.log_odds(hidden))
    weights = np.column_stack(weights)
    order = np.argsort(-weights, axis=1, kind="stable")
    out = []
    for row, (first, second) in zip(weights, order[:, :2].tolist()):
        names = [GROUPS[first]] + ([GROUPS[second]] if row[second] > 0 else [])
        out.append("+".join(names))
    return out
