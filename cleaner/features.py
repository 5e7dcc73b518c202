"""Line features: hashed words, word pairs and character trigrams, the line's shape, its rules.

Hashing (CRC32 into a fixed number of buckets) keeps the model small and the features the same
at training and inference time without a vocabulary; it needs numpy only, so inference never
imports scikit-learn.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

import numpy as np

from cleaner.rules import RuleHit

N_FEATURES = 2**18

_WORD = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")
_URL = re.compile(r"https?://|www\.|\.(?:com|org|net|de|fr|es|ru)\b")
_MAX_WORDS = 60  # longer lines are plainly prose: their first words say enough
_WORD_BUCKETS = (0, 1, 2, 3, 4, 5, 7, 10, 15, 25, 50)
_RATIO_BUCKETS = (0.0, 0.05, 0.2, 0.5, 0.8)


def _bucket(value: float, edges: Sequence[float]) -> int:
    return sum(value >= e for e in edges)


def _char_class(ch: str) -> str:
    if ch.isalpha():
        return "A" if ch.isupper() else "a"
    if ch.isdigit():
        return "0"
    return ch if ch in ".!?:,;)\"'”»“«…•|-" else "*"


def shape_tokens(text: str) -> list[str]:
    """Tokens describing how the line looks rather than what it says."""
    stripped = text.strip()
    words = stripped.split()
    letters = [c for c in stripped if c.isalpha()]
    upper = sum(c.isupper() for c in letters) / len(letters) if letters else 0.0
    digits = sum(c.isdigit() for c in stripped) / len(stripped) if stripped else 0.0
    titled = sum(w[:1].isupper() for w in words) / len(words) if words else 0.0
    tokens = [
        f"nw:{_bucket(len(words), _WORD_BUCKETS)}",
        f"end:{_char_class(stripped[-1]) if stripped else ''}",
        f"start:{_char_class(stripped[0]) if stripped else ''}",
        f"caps:{_bucket(upper, _RATIO_BUCKETS)}",
        f"digits:{_bucket(digits, _RATIO_BUCKETS)}",
        f"titled:{_bucket(titled, _RATIO_BUCKETS)}",
    ]
    if _URL.search(stripped.lower()):
        tokens.append("url")
    if "|" in stripped:
        tokens.append("pipe")
    if text[:1].isspace():
        tokens.append("indent")
    return tokens


def text_tokens(text: str) -> list[str]:
    """Words (digits folded to 0), adjacent word pairs and character trigrams of words."""
    words = [_DIGIT.sub("0", w) for w in _WORD.findall(text.lower())[:_MAX_WORDS]]
    tokens = ["w:" + w for w in words]
    tokens += ["b:" + a + " " + b for a, b in zip(words, words[1:])]
    tokens += ["first:" + words[0], "last:" + words[-1]] if words else ["nowords"]
    for w in words:
        padded = f"<{w}>"
        tokens += ["c:" + padded[i : i + 3] for i in range(len(padded) - 2)]
    return tokens


def rule_tokens(hit: RuleHit) -> list[str]:
    tokens = [f"hint:{r.name}" for r in hit.hints]
    if hit.rule is not None:
        tokens += [f"rule:{hit.rule.name}", f"rulelabel:{hit.rule.label}"]
    return tokens


class LineFeaturizer:
    """Maps a line to hashed feature indices and values; stateless apart from its size."""

    def __init__(self, n_features: int = N_FEATURES) -> None:
        self.n_features = n_features

    def line(self, text: str, hit: RuleHit) -> tuple[np.ndarray, np.ndarray]:
        """Indices and values of one line's features (text n-grams share unit L2 weight)."""
        text_part = text_tokens(text)
        other = shape_tokens(text) + rule_tokens(hit)
        n = self.n_features
        idx = np.fromiter(
            (zlib.crc32(t.encode("utf-8")) % n for t in text_part + other),
            dtype=np.int64,
            count=len(text_part) + len(other),
        )
        val = np.ones(len(idx), dtype=np.float32)
        if text_part:
            val[: len(text_part)] = 1.0 / np.sqrt(len(text_part))
        return idx, val

    def matrix(self, texts: Sequence[str], hits: Sequence[RuleHit]):  # -> scipy.sparse.csr_matrix
        """All lines as one sparse matrix, for training."""
        from scipy.sparse import csr_matrix

        indptr = [0]
        all_idx: list[np.ndarray] = []
        all_val: list[np.ndarray] = []
        for text, hit in zip(texts, hits, strict=True):
            idx, val = self.line(text, hit)
            all_idx.append(idx)
            all_val.append(val)
            indptr.append(indptr[-1] + len(idx))
        data = np.concatenate(all_val) if all_val else np.zeros(0, np.float32)
        indices = np.concatenate(all_idx) if all_idx else np.zeros(0, np.int64)
        shape = (len(indptr) - 1, self.n_features)
        m = csr_matrix((data, indices, np.asarray(indptr)), shape=shape)
        m.sum_duplicates()
        return m
