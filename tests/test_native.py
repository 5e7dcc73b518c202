"""The C module (cleaner/_native.c) gives the same bytes as the Python path it stands in for.

Where no C compiler was found at install the module is missing and cleaner.features computes
the text part of the features and the counts of a line's shape in Python; both paths must give
the model the same indices, values and shapes, so that a result never depends on the install.
"""

from __future__ import annotations

import shutil
import sysconfig
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_fast_path import LINES

from cleaner import Cleaner, features
from cleaner.features import _MAX_WORDS, N_FEATURES, CachedFeaturizer, LineFeaturizer, shape
from cleaner.rules import RuleSet
from cleaner.training.corpora import find_shared
from cleaner.training.labels import ui_strings

native = features._native
needs_native = pytest.mark.skipif(native is None, reason="cleaner._native was not built")
ROOT = Path(__file__).resolve().parent.parent

# Lines the strategies below rarely make: lone surrogates (undecodable bytes read with
# surrogateescape), characters that lower-case to two, other scripts' digits, a title-case
# letter, joiners, spaces that are not ASCII.
ODD = ["caf\udce9 \udc80x", "İSTANBUL 𝟗𝟗 ٣٤ ǅ", "\u2028 \x1c x\u00a0y\u3000z", "ΣΑΣ όσος",
       "a_b __ _", "x\u200dy \ufeffz", "Ⅻ Ⅷ ⅷ ②", "\t", "|", "🙂 a🙂b"]
TEXTS = st.lists(st.one_of(st.text(max_size=100), st.sampled_from(LINES + ODD)),
                 min_size=1, max_size=10)
# What the callers hand the C functions: lines, none holding a line break.
LINE_LISTS = TEXTS.map(lambda texts: "\n".join(texts).split("\n"))


def _without_native(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(features, "_native", None)


def test_the_module_is_built_where_a_compiler_is():
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        pytest.skip(f"no C compiler ({compiler}): the Python path is the only one here")
    assert native is not None, "a C compiler is here, yet cleaner._native was not built"


def _python_text_part(texts: list[str]) -> tuple[list[int], list[int]]:
    lowered = "\n".join(texts).lower()
    idx, counts = CachedFeaturizer(limit=64)._text_part_in_python(texts, lowered)
    return idx.tolist(), counts.tolist()


def _native_text_part(texts: list[str]) -> tuple[list[int], list[int]]:
    found, counts = native.text_part("\n".join(texts).lower(), N_FEATURES, _MAX_WORDS)
    return (np.frombuffer(found, np.uint32).tolist(), np.frombuffer(counts, np.uint32).tolist())


@needs_native
@settings(max_examples=400, deadline=None)
@given(LINE_LISTS)
def test_text_part_is_the_python_one(texts):
    assert _native_text_part(texts) == _python_text_part(texts)


@needs_native
@settings(max_examples=400, deadline=None)
@given(LINE_LISTS)
def test_line_counts_are_the_python_ones(texts):
    joined = "\n".join(texts)
    counts = np.frombuffer(native.line_counts(joined), np.int32).reshape(len(texts), -1)
    assert counts.tolist() == features._line_counts(joined, len(texts)).tolist()


@pytest.mark.parametrize("path", ["native", "python"])
@settings(max_examples=200, deadline=None)
@given(texts=TEXTS)
def test_both_paths_give_the_plain_features_and_shapes(path, texts):
    with pytest.MonkeyPatch.context() as mp:
        if path == "python":
            _without_native(mp)
        elif native is None:
            pytest.skip("cleaner._native was not built")
        rules = RuleSet()
        hits = [rules.match(t) for t in texts]
        idx, val, starts = CachedFeaturizer(limit=16).lines(texts, hits)
        assert features.shapes(texts) == [shape(t) for t in texts]
    plain = [LineFeaturizer().line(t, h) for t, h in zip(texts, hits)]
    assert idx.tolist() == np.concatenate([p[0] for p in plain]).tolist()
    assert val.tobytes() == np.concatenate([p[1] for p in plain]).tobytes()
    assert starts.tolist() == np.cumsum([0] + [len(p[0]) for p in plain])[:-1].tolist()


def _real_lines() -> list[str]:
    """Lines of the samples and, where ../shared is here, the UI strings of many languages
    (the ui-strings corpus's training part): the scripts and oddities real text holds."""
    lines = [line for p in sorted((ROOT / "data" / "samples").glob("*.txt"))
             for line in p.read_text(encoding="utf-8").splitlines()]
    shared = find_shared()
    if shared is not None:
        lines += [row.text for row in ui_strings(shared, heldout=False, languages=None)]
    return lines


@needs_native
def test_real_lines_give_the_same_bytes():
    lines = _real_lines()
    for i in range(0, len(lines), 500):
        batch = lines[i : i + 500]
        assert _native_text_part(batch) == _python_text_part(batch)
        joined = "\n".join(batch)
        assert np.frombuffer(native.line_counts(joined), np.int32).tolist() == \
            features._line_counts(joined, len(batch)).ravel().tolist()


@needs_native
def test_cleaning_is_the_same_without_the_module(cleaner: Cleaner, monkeypatch):
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "data" / "samples").glob("*"))
             if p.suffix == ".txt"] + ["\n".join(LINES + ODD) + "\n"]
    with_native = Cleaner(cleaner.model).explain_many(texts)
    _without_native(monkeypatch)
    assert Cleaner(cleaner.model).explain_many(texts) == with_native
