"""Line features: hashed words, word pairs and character trigrams, the line's shape, its rules.

Hashing (CRC32 into a fixed number of buckets) keeps the model small and the features the same
at training and inference time without a vocabulary; it needs numpy only, so inference never
imports scikit-learn.
"""

from __future__ import annotations

import re
import zlib
from bisect import bisect_right
from collections.abc import Callable, Sequence

import numpy as np

from cleaner.rules import RuleHit

N_FEATURES = 2**18

_WORD = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")
_URL = re.compile(r"https?://|www\.|\.(?:com|org|net|de|fr|es|ru)\b")
_MAX_WORDS = 60  # longer lines are plainly prose: their first words say enough
_WORD_BUCKETS = (0, 1, 2, 3, 4, 5, 7, 10, 15, 25, 50)
_RATIO_BUCKETS = (0.0, 0.05, 0.2, 0.5, 0.8)
_LATIN1 = [chr(c) for c in range(256)]
_LATIN1_LETTERS = bytes(c for c, ch in enumerate(_LATIN1) if ch.isalpha())
_LATIN1_UPPER = bytes(c for c, ch in enumerate(_LATIN1) if ch.isalpha() and ch.isupper())
_LATIN1_DIGITS = bytes(c for c, ch in enumerate(_LATIN1) if ch.isdigit())


def _bucket(value: float, edges: Sequence[float]) -> int:
    """How many of the (ascending) edges ``value`` reaches."""
    return bisect_right(edges, value)


def _char_class(ch: str) -> str:
    if ch.isalpha():
        return "A" if ch.isupper() else "a"
    if ch.isdigit():
        return "0"
    return ch if ch in ".!?:,;)\"'”»“«…•|-" else "*"


def char_counts(text: str) -> tuple[int, int, int]:
    """Letters, upper-case letters and digits in ``text`` (as str.isalpha, isupper, isdigit).

    Most lines are Latin-1 (English, German, French, Spanish), where bytes.translate counts in C
    with tables made from those same str methods; other text is counted one character at a time.
    """
    try:
        raw = text.encode("latin-1")
    except UnicodeEncodeError:
        letters = "".join(filter(str.isalpha, text))
        return len(letters), sum(map(str.isupper, letters)), sum(map(str.isdigit, text))
    n = len(raw)
    return (n - len(raw.translate(None, _LATIN1_LETTERS)),
            n - len(raw.translate(None, _LATIN1_UPPER)),
            n - len(raw.translate(None, _LATIN1_DIGITS)))


def shape_tokens(text: str) -> list[str]:
    """Tokens describing how the line looks rather than what it says."""
    stripped = text.strip()
    words = stripped.split()
    n_letters, n_upper, n_digits = char_counts(stripped)
    upper = n_upper / n_letters if n_letters else 0.0
    digits = n_digits / len(stripped) if stripped else 0.0
    titled = sum([w[:1].isupper() for w in words]) / len(words) if words else 0.0
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


def line_words(text: str) -> list[str]:
    """The words text tokens are made of: lower-cased, digits folded to 0, the first few."""
    # Folding the whole line is folding each word: every digit is a word character, and so is 0.
    return _WORD.findall(_DIGIT.sub("0", text.lower()))[:_MAX_WORDS]


def word_token(word: str) -> str:
    return "w:" + word


def pair_token(first: str, second: str) -> str:
    return "b:" + first + " " + second


def pair_tokens(words: Sequence[str]) -> list[str]:
    return [pair_token(a, b) for a, b in zip(words, words[1:])]


def edge_tokens(words: Sequence[str]) -> list[str]:
    return ["first:" + words[0], "last:" + words[-1]] if words else ["nowords"]


def trigram_tokens(word: str) -> list[str]:
    """Character trigrams of the word padded as ``<word>``."""
    padded = f"<{word}>"
    return ["c:" + padded[i : i + 3] for i in range(len(padded) - 2)]


def text_tokens(text: str) -> list[str]:
    """Words (digits folded to 0), adjacent word pairs and character trigrams of words."""
    words = line_words(text)
    return ([word_token(w) for w in words] + pair_tokens(words) + edge_tokens(words)
            + [t for w in words for t in trigram_tokens(w)])


def rule_tokens(hit: RuleHit) -> list[str]:
    tokens = [f"hint:{r.name}" for r in hit.hints]
    if hit.rule is not None:
        tokens += [f"rule:{hit.rule.name}", f"rulelabel:{hit.rule.label}"]
    return tokens


def hashed(token: str, n_features: int) -> int:
    """A token's feature index: CRC32 of its UTF-8 bytes modulo the number of features."""
    return zlib.crc32(token.encode("utf-8")) % n_features


def text_weight(n_text):  # int -> np.float32, or array -> array
    """The value of each of a line's ``n_text`` text n-grams: together they have unit L2 norm."""
    return (1.0 / np.sqrt(n_text)).astype(np.float32)


class LineFeaturizer:
    """Maps a line to hashed feature indices and values; stateless apart from its size.

    This is the plain path training uses; CachedFeaturizer gives the same features faster.
    """

    def __init__(self, n_features: int = N_FEATURES) -> None:
        self.n_features = n_features

    def line(self, text: str, hit: RuleHit) -> tuple[np.ndarray, np.ndarray]:
        """Indices and values of one line's features (text n-grams share unit L2 weight)."""
        text_part = text_tokens(text)
        other = shape_tokens(text) + rule_tokens(hit)
        n = self.n_features
        idx = np.fromiter(
            (hashed(t, n) for t in text_part + other),
            dtype=np.int64,
            count=len(text_part) + len(other),
        )
        val = np.ones(len(idx), dtype=np.float32)
        if text_part:
            val[: len(text_part)] = text_weight(len(text_part))
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


class Memo(dict):
    """A dict of computed values that empties itself when it outgrows ``limit`` entries.

    Emptying (rather than evicting one by one) is O(1) and cannot change results, only speed;
    a Memo pickles empty, so a pickled Cleaner stays small.
    """

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def __reduce__(self):
        return type(self), (self.limit,)

    def make_room(self, n: int = 1) -> None:
        """Empty the memo if ``n`` more entries would take it past its limit."""
        if len(self) + n > self.limit:
            self.clear()


class CachedFeaturizer(LineFeaturizer):
    """The features of LineFeaturizer.line from the same token functions, with hashing cached.

    Profiling showed CRC32 of repeated tokens (character trigrams above all) and the small
    per-line arrays as the hot spots: here a word's own token and trigrams are hashed once and
    looked up afterwards, other tokens likewise, and a batch of lines comes out as one array.
    """

    def __init__(self, n_features: int = N_FEATURES, limit: int = 100_000) -> None:
        super().__init__(n_features)
        self._words: Memo = Memo(limit)  # word -> (index of its token, indices of trigrams)
        self._pairs: Memo = Memo(2 * limit)  # (word, next word) -> index of their pair token
        self._tokens: Memo = Memo(limit)  # any other token -> index

    def _lookup(self, memo: Memo, keys: list, token_of: Callable[..., str]) -> list[int]:
        """The index of each key's token, hashing only the keys not met before."""
        out = [memo.get(k, -1) for k in keys]
        if -1 in out:
            memo.make_room(len(keys))
            for i, k in enumerate(keys):
                if out[i] < 0:
                    out[i] = memo[k] = hashed(token_of(k), self.n_features)
        return out

    def _word(self, word: str) -> tuple[int, tuple[int, ...]]:
        self._words.make_room()
        n = self.n_features
        entry = self._words[word] = (
            hashed(word_token(word), n), tuple(hashed(t, n) for t in trigram_tokens(word)))
        return entry

    def indices(self, text: str, hit: RuleHit) -> tuple[list[int], int]:
        """One line's feature indices in LineFeaturizer.line's order, and how many are text."""
        words = line_words(text)
        memo = self._words
        entries = [memo.get(w) or self._word(w) for w in words]
        idx = [e[0] for e in entries]
        # Pairs are keyed by their two words: no token string to build for a known pair.
        idx += self._lookup(self._pairs, list(zip(words, words[1:])), lambda p: pair_token(*p))
        idx += self._lookup(self._tokens, edge_tokens(words), str)
        for e in entries:
            idx += e[1]
        n_text = len(idx)
        idx += self._lookup(self._tokens, shape_tokens(text) + rule_tokens(hit), str)
        return idx, n_text

    def line(self, text: str, hit: RuleHit) -> tuple[np.ndarray, np.ndarray]:
        idx, val, _ = self.lines([text], [hit])
        return idx, val

    def lines(
        self, texts: Sequence[str], hits: Sequence[RuleHit]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """All lines' indices and values end to end, and where each line starts in them."""
        flat: list[int] = []
        counts: list[int] = []  # text n-grams, then other features, for each line
        for text, hit in zip(texts, hits, strict=True):
            idx, n_text = self.indices(text, hit)
            flat += idx
            counts += (n_text, len(idx) - n_text)
        sizes = np.array(counts, dtype=np.int64)
        weights = np.ones(len(sizes), dtype=np.float32)
        weights[0::2] = text_weight(np.maximum(sizes[0::2], 1))
        totals = sizes[0::2] + sizes[1::2]
        return np.array(flat, dtype=np.int64), np.repeat(weights, sizes), np.cumsum(totals) - totals
