"""Line features: hashed words, word pairs and character trigrams, the line's shape, its rules.

Hashing (CRC32 into a fixed number of buckets) keeps the model small and the features the same
at training and inference time without a vocabulary; it needs numpy only, so inference never
imports scikit-learn.
"""

from __future__ import annotations

import re
import zlib
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from itertools import chain, repeat
from operator import itemgetter

import numpy as np

from cleaner.rules import RuleHit

try:  # built from _native.c at install where a C compiler is found; same bytes as Python
    from cleaner import _native
except ImportError:
    _native = None

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
_NOT_LATIN1 = re.compile(r"[^\x00-\xff]")
# The first character of each whitespace-separated word (\s is str.isspace, as in str.split).
_WORD_STARTS = re.compile(r"(?<!\S)\S")


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

    The Latin-1 characters (most of English, German, French, Spanish) are counted in C by
    bytes.translate with tables made from those same str methods; the others (curly quotes,
    dashes, other scripts) one character at a time.
    """
    raw = text.encode("latin-1", "ignore")
    n = len(raw)
    counts = (n - len(raw.translate(None, _LATIN1_LETTERS)),
              n - len(raw.translate(None, _LATIN1_UPPER)),
              n - len(raw.translate(None, _LATIN1_DIGITS)))
    if n == len(text):
        return counts
    rest = "".join(_NOT_LATIN1.findall(text))
    letters = "".join(filter(str.isalpha, rest))
    return (counts[0] + len(letters), counts[1] + sum(map(str.isupper, letters)),
            counts[2] + sum(map(str.isdigit, rest)))


def shape(text: str) -> tuple[int, str, str, int, int, int, bool, bool, bool]:
    """How the line looks rather than what it says: word count, end and start characters,
    shares of capitals, digits and title-case words (bucketed), URL, pipe, indent."""
    stripped = text.strip()
    starts = _WORD_STARTS.findall(stripped)  # one per word of stripped.split()
    n_letters, n_upper, n_digits = char_counts(stripped)
    upper = n_upper / n_letters if n_letters else 0.0
    digits = n_digits / len(stripped) if stripped else 0.0
    titled = sum(map(str.isupper, starts)) / len(starts) if starts else 0.0
    return (_bucket(len(starts), _WORD_BUCKETS),
            _char_class(stripped[-1]) if stripped else "",
            _char_class(stripped[0]) if stripped else "",
            _bucket(upper, _RATIO_BUCKETS), _bucket(digits, _RATIO_BUCKETS),
            _bucket(titled, _RATIO_BUCKETS),
            _URL.search(stripped.lower()) is not None, "|" in stripped, text[:1].isspace())


# Character class bits of shapes(): str.isalpha, isalpha and isupper, isdigit, isspace, isupper.
_ALPHA, _UPPER_LETTER, _DIGIT_BIT, _SPACE, _UPPER = 1, 2, 4, 8, 16


def _class_bits(ch: str) -> int:
    return ((_ALPHA if ch.isalpha() else 0) | (_UPPER_LETTER if ch.isalpha() and ch.isupper()
            else 0) | (_DIGIT_BIT if ch.isdigit() else 0) | (_SPACE if ch.isspace() else 0)
            | (_UPPER if ch.isupper() else 0))


_LATIN1_BITS = np.array([_class_bits(ch) for ch in _LATIN1], dtype=np.uint8)
_LATIN1_CLASSES = [_char_class(ch) for ch in _LATIN1]


def shapes(texts: Sequence[str], lowered: str | None = None) -> list[tuple]:
    """shape() of each text, for the whole batch at once.

    The texts are joined by line breaks; _line_counts (or the C module's line_counts) gives
    each line's counts of words, letters, capitals, digits and title-case words, its length
    stripped and its first and last characters, and numpy turns them into shares and buckets.
    ``lowered`` is the joined text lower-cased, if the caller has it.
    """
    joined = "\n".join(texts)
    n_lines = len(texts)
    if joined.count("\n") != n_lines - 1:  # a text holding a line break itself, or no text
        return [shape(t) for t in texts]
    counts = line_count_rows(texts)
    n_words, letters, upper, digits, titled, length, first, last, pipe, indent = counts.T
    ratios = np.divide(np.stack([upper, digits, titled]), np.stack([letters, length, n_words]),
                       out=np.zeros((3, n_lines)), where=np.stack([letters, length, n_words]) > 0)
    buckets = np.searchsorted(_RATIO_BUCKETS, ratios, side="right")

    lowered = joined.lower() if lowered is None else lowered
    url = np.zeros(n_lines, dtype=bool)
    if found_at := [m.start() for m in _URL.finditer(lowered)]:
        if len(lowered) == len(joined):
            breaks = np.cumsum(np.fromiter(map(len, texts), np.int64, n_lines) + 1) - 1
        else:  # a character lower-cased to two: breaks moved
            breaks = np.array([i for i, ch in enumerate(lowered) if ch == "\n"], np.int64)
        url[np.searchsorted(breaks, found_at)] = True
    has = (length > 0).tolist()
    edges = [_LATIN1_CLASSES[c] if c < 256 else _char_class(chr(c))
             for c in np.concatenate([last, first]).tolist()]
    end_class = [e if h else "" for e, h in zip(edges[:n_lines], has)]
    start_class = [e if h else "" for e, h in zip(edges[n_lines:], has)]
    return list(zip(np.searchsorted(_WORD_BUCKETS, n_words, side="right").tolist(),
                    end_class, start_class, *buckets.tolist(), url.tolist(),
                    (pipe > 0).tolist(), (indent > 0).tolist()))


def line_count_rows(texts: Sequence[str]) -> np.ndarray:
    """Per text (a line without line breaks): its words, letters, upper-case letters, digits,
    title-case words, stripped length, first and last characters (code points), pipes and
    indent, as the C module's line_counts gives them (else _line_counts)."""
    if not texts:
        return np.zeros((0, 10), np.int64)
    joined = "\n".join(texts)
    if _native is not None:
        return np.frombuffer(_native.line_counts(joined), np.int32).reshape(len(texts), -1)
    return _line_counts(joined, len(texts))


def _line_counts(joined: str, n_lines: int) -> np.ndarray:
    """What the C module's line_counts gives, with numpy: for each of the ``n_lines`` lines of
    ``joined``, its words, letters, upper-case letters, digits, title-case words, stripped
    length, first and last characters (code points, 0 for a blank line), pipes, and whether
    it starts with white space.

    The text is read as code points; a table of each character's class (from the same str
    methods as shape()) gives the per-line counts.
    """
    cps = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if not len(cps):  # one empty line
        return np.zeros((n_lines, 10), np.int64)
    breaks = np.flatnonzero(cps == 10)
    bits = _LATIN1_BITS[np.minimum(cps, 255)]
    wide = np.flatnonzero(cps > 255)
    if len(wide):
        found, where = np.unique(cps[wide], return_inverse=True)
        bits[wide] = np.array([_class_bits(chr(c)) for c in found.tolist()], np.uint8)[where]
    starts = np.concatenate([[0], breaks + 1])
    spans = np.diff(np.concatenate([starts, [len(cps) + 1]]))  # each line and its break
    line = np.repeat(np.arange(n_lines), spans)[: len(cps)]

    def per_line(mask: np.ndarray) -> np.ndarray:
        return np.bincount(line[mask], minlength=n_lines)

    space = (bits & _SPACE) > 0
    space[breaks] = True
    solid = np.flatnonzero(~space)  # positions of the stripped lines' characters
    has = per_line(~space) > 0
    first = last = np.zeros(n_lines, np.int64)
    if len(solid):
        solid_line = line[solid]
        at = np.arange(n_lines)
        first = solid[np.minimum(np.searchsorted(solid_line, at), len(solid) - 1)]
        last = solid[np.searchsorted(solid_line, at, side="right") - 1]
    word_start = ~space & np.concatenate([[True], space[:-1]])
    return np.column_stack([
        per_line(word_start), per_line((bits & _ALPHA) > 0),
        per_line((bits & _UPPER_LETTER) > 0), per_line((bits & _DIGIT_BIT) > 0),
        per_line(word_start & ((bits & _UPPER) > 0)), np.where(has, last - first + 1, 0),
        np.where(has, cps[first], 0), np.where(has, cps[last], 0),
        per_line(cps == 124), (spans > 1) & space[np.minimum(starts, len(cps) - 1)]])


def shape_tokens(text: str) -> list[str]:
    """The tokens of the line's shape."""
    return _shape_tokens(shape(text))


def _shape_tokens(values: tuple) -> list[str]:
    n_words, end, start, caps, digits, titled, url, pipe, indent = values
    tokens = [f"nw:{n_words}", f"end:{end}", f"start:{start}", f"caps:{caps}",
              f"digits:{digits}", f"titled:{titled}"]
    return tokens + ["url"] * url + ["pipe"] * pipe + ["indent"] * indent


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
    """The features of LineFeaturizer.line from the same tokens, a batch of lines at a time.

    Profiling showed CRC32 of repeated tokens and per-token Python work as the hot spots. The
    C module (cleaner/_native.c, built at install where a C compiler is found) finds the words
    and hashes the text n-grams of a batch in one pass, without making a token; without it,
    a batch's words are found in one pass over its text, each distinct word's hashed tokens
    (its own, its trigrams, as first or last word) are computed once and kept, and a word
    pair's CRC32 continues the CRC32 of "b:<first word> " over the second word's bytes
    (zlib.crc32's start value), so no pair token is built; the per-word work runs in C (map).
    A line's shape and rules are hashed once per distinct shape and rule hit.
    """

    def __init__(self, n_features: int = N_FEATURES, limit: int = 100_000) -> None:
        super().__init__(n_features)
        self._words: Memo = Memo(limit)  # word -> _WordEntry
        self._others: Memo = Memo(limit)  # (shape, rule hit) -> indices of their tokens

    def _add_words(self, words: list[str]) -> None:
        """Compute and remember the entries of the new, distinct ``words`` all at once.

        Each token's CRC32 continues the CRC32 of its prefix ("w:", "first:", "last:", "b:",
        "c:") over the word's or the trigram's UTF-8 bytes, and runs through map: no token
        string is built and no Python function is called per token (twice as fast as hashing
        each token, which new words of HTML pages and cold starts pay for).
        """
        n, crc = self.n_features, zlib.crc32
        raw = [word.encode("utf-8") for word in words]
        # The prefixes of word_token, edge_tokens, pair_token and trigram_tokens.
        own = np.array([list(map(crc, raw, repeat(crc(prefix))))
                        for prefix in (b"w:", b"first:", b"last:")], dtype=np.int64)
        heads = (own.T % n).astype(np.uint32).tobytes()  # own, first, last: 12 bytes a word
        pairs = list(map(crc, repeat(b" "), map(crc, raw, repeat(crc(b"b:")))))  # "b:<word> "
        padded = [f"<{word}>" for word in words]
        grams = [p[i : i + 3] for p in padded for i in range(len(p) - 2)]  # len(word) each
        start = crc(b"c:")
        index = {g: crc(g.encode("utf-8"), start) % n for g in dict.fromkeys(grams)}
        blob = array("I", map(index.__getitem__, grams)).tobytes()
        ends = np.cumsum([4 * len(word) for word in words]).tolist()
        self._words.update(zip(words, zip(
            [heads[12 * i : 12 * i + 12] for i in range(len(words))], pairs, raw,
            [blob[a:b] for a, b in zip([0, *ends], ends)])))

    def _other(self, values: tuple, hit: RuleHit) -> bytes:
        key = (values, hit)
        found = self._others.get(key)
        if found is None:
            self._others.make_room()
            n = self.n_features
            found = self._others[key] = _u32(
                hashed(t, n) for t in _shape_tokens(key[0]) + rule_tokens(hit))
        return found

    def line(self, text: str, hit: RuleHit) -> tuple[np.ndarray, np.ndarray]:
        idx, val, _ = self.lines([text], [hit])
        return idx, val

    def lines(
        self, texts: Sequence[str], hits: Sequence[RuleHit]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """All lines' indices and values end to end, and where each line starts in them."""
        lowered = "\n".join(texts).lower()
        text_idx, n_text = self._text_part(texts, lowered)
        other_bytes = [self._other(v, h) for v, h in zip(shapes(texts, lowered), hits, strict=True)]
        n_other = _lengths(other_bytes)
        # Each line is its text part, then its others (LineFeaturizer.line's order).
        sizes = np.column_stack([n_text, n_other]).ravel()
        starts = np.column_stack([np.cumsum(n_text) - n_text,
                                  len(text_idx) + np.cumsum(n_other) - n_other]).ravel()
        idx = np.concatenate([text_idx, _u32_array(other_bytes)], dtype=np.int64)
        values = np.repeat(np.stack([text_weight(n_text), np.ones(len(n_text), np.float32)], 1)
                           .ravel(), sizes)
        totals = n_text + n_other
        return idx[_runs(starts, sizes)], values, np.cumsum(totals) - totals

    def _text_part(self, texts: Sequence[str], lowered: str) -> tuple[np.ndarray, np.ndarray]:
        """The indices of all lines' text n-grams end to end, and how many each line has.
        ``lowered``: the texts joined by line breaks, lower-cased."""
        if _native is None or lowered.count("\n") != len(texts) - 1:
            return self._text_part_in_python(texts, lowered)
        found, counts = _native.text_part(lowered, self.n_features, _MAX_WORDS)
        return (np.frombuffer(found, dtype=np.uint32),
                np.frombuffer(counts, dtype=np.uint32).astype(np.int64))

    def _text_part_in_python(self, texts: Sequence[str],
                             lowered: str) -> tuple[np.ndarray, np.ndarray]:
        """_text_part without the C module (where it was not built), the same bytes."""
        per_line = _batch_words(texts, lowered)
        flat = list(chain.from_iterable(per_line))
        memo = self._words
        entries = list(map(memo.get, flat))
        if None in entries:
            memo.make_room(entries.count(None))
            self._add_words([word for word in dict.fromkeys(flat) if word not in memo])
            entries = list(map(memo.__getitem__, flat))
        n_words = len(flat)
        own, first, last = _u32_array(map(itemgetter(0), entries)).reshape(-1, 3).T
        pairs = np.fromiter(  # pairs[i]: words i and i + 1 (across a line end: never used)
            map(zlib.crc32, map(itemgetter(2), entries[1:]), map(itemgetter(1), entries)),
            dtype=np.int64, count=max(n_words - 1, 0)) % self.n_features
        trigram_bytes = list(map(itemgetter(3), entries))
        trigrams = _u32_array(trigram_bytes)
        nowords = np.array([hashed(edge_tokens([])[0], self.n_features)])

        # Each line is six runs of these arrays, in text_tokens' order: its words, its pairs,
        # its first word, its last word (or "nowords"), its trigrams.
        nw = np.fromiter(map(len, per_line), dtype=np.int64, count=len(per_line))
        w_end = np.cumsum(nw)
        w_start = w_end - nw
        t_cum = np.concatenate([[0], np.cumsum(_lengths(trigram_bytes))])
        has = (nw > 0).astype(np.int64)
        sources = [own, pairs, first, last, nowords, trigrams]
        base = np.cumsum([0] + [len(a) for a in sources])
        starts = np.column_stack([
            base[0] + w_start, base[1] + w_start, base[2] + w_start,
            base[3] + w_end - has, np.full_like(nw, base[4]), base[5] + t_cum[w_start]])
        sizes = np.column_stack([
            nw, np.maximum(nw - 1, 0), has, has, 1 - has, t_cum[w_end] - t_cum[w_start]])
        idx = np.concatenate(sources, dtype=np.int64)[_runs(starts.ravel(), sizes.ravel())]
        return idx, sizes.sum(axis=1)


#: Per word: indices of its own token and of it as first and as last word (uint32 bytes), the
#: CRC32 of "b:<word> " (a pair's first half), its UTF-8 bytes (a pair's second half), and the
#: indices of its trigrams (uint32 bytes).
_WordEntry = tuple[bytes, int, bytes, bytes]


def _u32(values: Iterable[int]) -> bytes:
    return array("I", values).tobytes()


def _u32_array(parts: Iterable[bytes]) -> np.ndarray:
    return np.frombuffer(b"".join(parts), dtype=np.uint32)


def _lengths(parts: Sequence[bytes]) -> np.ndarray:
    """How many uint32 each part holds."""
    return np.fromiter(map(len, parts), dtype=np.int64, count=len(parts)) // 4


def _runs(starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """The positions start, start + 1, ... of each run (of its size), runs end to end."""
    ends = np.cumsum(sizes)
    return np.arange(ends[-1] if len(ends) else 0) + np.repeat(starts - (ends - sizes), sizes)


def _batch_words(texts: Sequence[str], lowered: str) -> list[list[str]]:
    """line_words of each text, digit-folded in one pass over ``lowered``, the texts joined by
    line breaks and lower-cased.

    Lower-casing and folding go character by character (Python's one context rule, final
    sigma, stops at a line break), so the joined text folds as its lines do.
    """
    parts = _DIGIT.sub("0", lowered).split("\n")
    if len(parts) != len(texts):  # a text holding a line break itself
        return [line_words(t) for t in texts]
    findall = _WORD.findall
    return [findall(p)[:_MAX_WORDS] for p in parts]
