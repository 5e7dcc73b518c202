"""The sequence stage: its features, its trees in C and NumPy, and what it says weighed."""

from __future__ import annotations

import numpy as np
import pytest

from cleaner.document import LABELS
from cleaner.features import _native, line_count_rows
from cleaner.sequence import (
    GROUPS,
    OWN_FEATURES,
    Forest,
    LineColumns,
    feature_names,
    parts,
    sequence_features,
    shape_columns,
    weighed_most,
)

TEXTS = ["Headline of the day", "Share on Facebook", "A sentence of the article goes here.",
         "Photo: Jane Doe/Reuters", "•  Oops!", "", "1. Step one:", "| a | b |",
         "Sign up for our newsletter", "Die Überschrift", "Комментарии (12)"]


def _own(texts: list[str], seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    kind_p = rng.dirichlet(np.ones(len(LABELS)), size=len(texts))
    rules = rng.integers(0, 4, size=len(texts))
    return LineColumns(rng.normal(0, 3, len(texts)), kind_p, texts, rules)


def test_feature_names_match_the_columns():
    own = _own(TEXTS)
    assert own[np.arange(len(TEXTS))].shape == (len(TEXTS), len(OWN_FEATURES))
    x = sequence_features(own, np.arange(len(TEXTS), dtype=float),
                          np.arange(1, len(TEXTS) + 1), np.array([0]))
    assert x.shape == (len(TEXTS), len(feature_names()))
    assert len(set(feature_names())) == len(feature_names())


def test_a_batch_gives_each_document_its_own_rows():
    own = _own(TEXTS)
    words = np.array([len(t.split()) for t in TEXTS], dtype=float)
    numbers = np.array([1, 2, 4, 5, 6, 1, 2, 3, 5, 6, 7])
    batch = sequence_features(own, words, numbers, np.array([0, 5, 8]))
    alone = [sequence_features(LineColumns(own.z[a:b], own.kind_p[a:b], own.texts[a:b],
                                           own.rule[a:b]), words[a:b], numbers[a:b], np.array([0]))
             for a, b in ((0, 5), (5, 8), (8, 11))]
    assert np.array_equal(batch, np.vstack(alone), equal_nan=True)


def test_the_rows_of_some_lines_are_those_lines_rows_of_the_whole_batch():
    """A long document is read a part at a time: rows made for some lines, in parts of any
    size, are the same bytes as those lines' rows made all at once."""
    own = _own(TEXTS)
    words = np.array([len(t.split()) for t in TEXTS], dtype=float)
    numbers = np.array([1, 2, 4, 5, 6, 1, 2, 3, 5, 6, 7])
    starts = np.array([0, 5, 8])
    whole = sequence_features(own, words, numbers, starts)
    some = np.array([0, 4, 5, 7, 10])
    assert np.array_equal(sequence_features(own, words, numbers, starts, some), whole[some],
                          equal_nan=True)
    pieces = [sequence_features(own, words, numbers, starts, part)
              for part in parts(len(TEXTS), 4)]
    assert [len(p) for p in pieces] == [4, 4, 3]
    assert np.array_equal(np.vstack(pieces), whole, equal_nan=True)
    assert sequence_features(own, words, numbers, starts, some[:0]).shape == (0, whole.shape[1])


def test_a_line_at_the_edge_has_no_neighbour_there():
    x = sequence_features(_own(TEXTS[:3]), np.ones(3), np.arange(1, 4), np.array([0]))
    names = feature_names()
    first = dict(zip(names, x[0]))
    assert first["there@-1"] == 0 and np.isnan(first["z@-1"])
    assert first["there@+2"] == 1 and not np.isnan(first["z@+2"])
    assert first["there@+3"] == 0


def test_the_spread_columns_average_the_lines_that_far_in_the_document():
    """above10_p_title is the mean P(title) of the (up to) 10 lines above, in the line's own
    document; the rows are the same made for the batch, a part at a time or for a document
    alone."""
    texts = [f"Line {i} of a long page" for i in range(90)]
    own, starts = _own(texts, seed=3), np.array([0, 70])
    words, numbers = np.full(90, 5.0), np.concatenate([np.arange(1, 71), np.arange(1, 21)])
    x = sequence_features(own, words, numbers, starts)
    names = feature_names()
    title, z = LABELS.index("title"), own.z
    for row, first, last in ((0, 0, 69), (5, 0, 69), (40, 0, 69), (69, 0, 69), (75, 70, 89)):
        got = dict(zip(names, x[row]))
        for lines in (10, 30):
            above = np.arange(max(row - lines, first), row)
            below = np.arange(row + 1, min(row + lines, last) + 1)
            for key, near in ((f"above{lines}", above), (f"below{lines}", below)):
                if not len(near):
                    assert np.isnan(got[f"{key}_p_title"]) and np.isnan(got[f"{key}_z"])
                    continue
                assert got[f"{key}_p_title"] == pytest.approx(own.kind_p[near, title].mean())
                assert got[f"{key}_z"] == pytest.approx(z[near].mean())
    pieces = np.vstack([sequence_features(own, words, numbers, starts, part)
                        for part in parts(90, 7)])
    alone = sequence_features(LineColumns(z[70:], own.kind_p[70:], texts[70:], own.rule[70:]),
                              words[70:], numbers[70:], np.array([0]))
    assert np.array_equal(pieces, x, equal_nan=True)
    assert np.array_equal(alone, x[70:], equal_nan=True)


def test_shape_columns_read_the_line():
    shape = dict(zip(OWN_FEATURES[1 + len(LABELS):], shape_columns(line_count_rows(
        ["A sentence that ends.", "Step one:", "•  Oops!", "| a | b |"])).T))
    assert shape["end_sentence"].tolist() == [1, 0, 1, 0]
    assert shape["end_colon"].tolist() == [0, 1, 0, 0]
    assert shape["start_mark"].tolist() == [0, 0, 1, 1]
    assert shape["pipe"].tolist() == [0, 0, 0, 1]


def _fitted(seed: int = 1):
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(seed)
    x = rng.normal(size=(3000, 12))
    x[rng.random(x.shape) < 0.1] = np.nan
    y = (np.nan_to_num(x[:, 0]) + np.nan_to_num(x[:, 3]) * x[:, 5].clip(0) > 0.2).astype(int)
    model = HistGradientBoostingClassifier(max_iter=40, max_depth=6, early_stopping=False,
                                           random_state=0).fit(x, y)
    return model, x


def test_the_exported_trees_predict_what_scikit_learn_does():
    model, x = _fitted()
    forest = Forest.from_sklearn(model)
    assert np.allclose(forest.log_odds(x), model._raw_predict(x)[:, 0], rtol=0, atol=1e-9)


def test_numpy_and_c_give_the_same_bytes_in_any_batch():
    model, x = _fitted(2)
    forest = Forest.from_sklearn(model)
    whole = forest.log_odds(x)
    assert np.array_equal(whole, forest.log_odds_in_numpy(x))
    alone = np.concatenate([forest.log_odds(x[i:i + 1]) for i in range(50)])
    assert np.array_equal(whole[:50], alone)
    if _native is None:
        pytest.skip("the C module is not built here: NumPy alone was checked")


def test_saved_trees_load_back_and_a_broken_tree_is_refused():
    model, x = _fitted(3)
    forest = Forest.from_sklearn(model)
    again = Forest.from_arrays(forest.arrays("stage"), "stage")
    assert np.array_equal(again.log_odds(x), forest.log_odds(x))
    broken = forest.arrays("stage")
    broken["stage_left"] = broken["stage_left"].copy()
    broken["stage_left"][0, 0] = broken["stage_left"].shape[1] + 5
    with pytest.raises(ValueError, match="outside its row"):
        Forest.from_arrays(broken, "stage")


def _one_split(column: str) -> Forest:
    """One tree: the line goes up by 2 when ``column`` is over 0, down by 2 when it is not
    (or missing)."""
    at = feature_names().index(column)
    return Forest(feature=np.array([[at, -1, -1]]), threshold=np.array([[0.0, 0, 0]]),
                  missing_left=np.array([[1, 0, 0]]), left=np.array([[1, 0, 0]]),
                  right=np.array([[2, 0, 0]]), value=np.array([[0.0, -2.0, 2.0]]), base=0.0)


def test_what_weighed_most_names_the_group_that_decided():
    x = sequence_features(_own(TEXTS), np.ones(len(TEXTS)), np.arange(1, len(TEXTS) + 1),
                          np.array([0]))
    x[:, feature_names().index("z@+1")] = 5.0
    assert set(weighed_most(_one_split("z@+1"), x[:-1])) == {"below"}
    x[:, feature_names().index("z")] = 5.0
    assert set(weighed_most(_one_split("z"), x)) == {"line"}
    assert weighed_most(_one_split("z"), x[:0]) == []
    assert set(GROUPS) == {"line", "above", "below", "place"}
