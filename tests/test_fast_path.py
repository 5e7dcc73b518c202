"""The fast inference path gives the model exactly the features and scores of the plain path.

The model is trained on LineFeaturizer.line (one token at a time); inference uses
CachedFeaturizer, batch scoring and a memo of scored lines. These tests hold them to the same
indices and values bit for bit, and to the same scores up to float rounding.
"""

from __future__ import annotations

import hashlib
import pickle
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import Cleaner
from cleaner.document import LABELS
from cleaner.features import CachedFeaturizer, LineFeaturizer, char_counts, shape, shapes
from cleaner.model import softmax
from cleaner.repetition import count_repeats
from cleaner.rules import _STRIP, RULES, RuleHit, RuleSet

LINES = [
    "",
    " ",
    "\t  indented line with\ttabs ",
    "Support independent journalism. Donate now!",
    "Subscribe to continue reading",
    "Oops! Something went wrong.",
    "Share on Facebook | X | WhatsApp",
    "Read more: https://www.example.com/news/2024/05/story",
    "Photo: Jane Doe / Reuters",
    "Updated 12:45, 3 March 2024 · 5 min read",
    "The ferry will run 4 times a day from 06:30, at €12.50 (or ٣ for locals).",
    "Liebe Leserinnen und Leser, wir brauchen Ihre Unterstützung für unabhängigen Journalismus.",
    "Chères lectrices, chers lecteurs : soutenez notre rédaction.",
    "¿Ya eres suscriptor? Inicia sesión aquí.",
    "ДОРОГИЕ ЧИТАТЕЛИ! Поддержите нас — подпишитесь на канал.",
    "中文新闻 标题 2024年",
    "İstanbul ǅemal ﬁnance ½ ² ９ x²",
    "emoji 😀 line 😀😀 — end…",
    "word " * 200,
    "x" * 3000,
    "1234567890 0987654321",
    "»Zitat«, sagte sie.",
    "• Oops!",
]


def _plain_features(text: str, hit: RuleHit) -> tuple[np.ndarray, np.ndarray]:
    return LineFeaturizer().line(text, hit)


def _assert_same(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> None:
    assert a[0].dtype == b[0].dtype and a[1].dtype == b[1].dtype
    assert np.array_equal(a[0], b[0])
    assert np.array_equal(a[1], b[1])


def test_cached_features_equal_plain_features():
    rules = RuleSet()
    fast = CachedFeaturizer(limit=8)  # tiny memos: they empty themselves often
    for _ in range(2):  # cold, then warm
        for text in LINES:
            hit = rules.match(text)
            _assert_same(fast.line(text, hit), _plain_features(text, hit))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=120), min_size=1, max_size=8))
def test_cached_batch_equals_plain_lines(texts):
    rules = RuleSet()
    hits = [rules.match(t) for t in texts]
    idx, val, starts = CachedFeaturizer(limit=16).lines(texts, hits)
    plain = [_plain_features(t, h) for t, h in zip(texts, hits)]
    _assert_same((idx, val), (np.concatenate([p[0] for p in plain]),
                              np.concatenate([p[1] for p in plain])))
    assert starts.tolist() == np.cumsum([0] + [len(p[0]) for p in plain])[:-1].tolist()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=80), st.sampled_from(LINES)), min_size=1, max_size=8))
def test_batch_shapes_equal_line_shapes(texts):
    assert shapes(texts) == [shape(t) for t in texts]


def test_features_have_not_drifted():
    """The shipped model was trained on these exact features (digest taken before the fast path)."""
    plain = LineFeaturizer()
    digest = hashlib.sha256()
    for text in LINES:
        idx, val = plain.line(text, RuleHit(None, ()))
        digest.update(idx.tobytes() + val.tobytes())
    assert digest.hexdigest()[:16] == "37ba57b3438a5abc"


def test_batch_scores_equal_per_line_scores(cleaner: Cleaner):
    model = cleaner.model
    rules = RuleSet()
    hits = [rules.match(t) for t in LINES]
    logits, kind_p = model.score_lines(LINES, hits)
    for text, hit, logit, probs in zip(LINES, hits, logits, kind_p):
        idx, val = _plain_features(text, hit)
        expected = model.line_w[idx].astype(np.float64) @ val + model.line_b[0]
        kinds = val.astype(np.float64) @ model.kind_w[:, idx].T.astype(np.float64) + model.kind_b
        # float32 weights summed in another order: the error grows with the logit's size
        assert logit == pytest.approx(expected, rel=1e-6, abs=1e-5)
        np.testing.assert_allclose(probs, softmax(kinds), atol=1e-6)
    empty = model.score_lines([], [])
    assert empty[0].shape == (0,) and empty[1].shape == (0, len(LABELS))


def test_remembered_lines_change_nothing(cleaner: Cleaner):
    doc = "\n".join(LINES[3:12] + [""] + LINES[3:12] + ["The end of the article is here."]) + "\n"
    fresh = Cleaner(cleaner.model)
    first = fresh.explain(doc)
    again = fresh.explain(doc)  # every line now comes from the memo
    copy = pickle.loads(pickle.dumps(fresh))
    assert len(copy._scorer.memo) == 0  # the memo is not shipped with a pickled Cleaner
    assert first == again == copy.explain(doc)


def test_a_batch_of_documents_decides_each_as_if_alone(cleaner: Cleaner):
    """explain_many decodes its texts as one batch of documents: no step may look across a
    document's edge, and no score may depend on the lines around it (whatever batches the
    command line's timing makes, a document's result is the same)."""
    samples = sorted((Path(__file__).parents[1] / "data" / "samples").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in samples]
    texts += ["", "\n \n", "Share on Facebook | X | WhatsApp\n",  # blank, one boilerplate line
              "\n".join(LINES) + "\n", "Oops! Something went wrong.\nPlease try again later.\n"]
    block = ("Our reporters have covered the islands and the harbour towns since 1887.\n"
             "The Gazette is published every Thursday and delivered by boat to the outer "
             "islands.\n")  # a site's footer, as in test_repetition
    site = count_repeats([("s", f"Report {i} from the harbour.\n{block}") for i in range(12)])
    texts += [f"{texts[0]}\n{block}", f"{block}\n{texts[2]}"]
    # Every other document has its site's evidence, and both that end with or start with the
    # site's block.
    evidence = [site.site("s") if i % 2 or i >= len(texts) - 2 else None
                for i in range(len(texts))]
    fresh = Cleaner(cleaner.model)
    alone = [fresh.explain(t, e) for t, e in zip(texts, evidence)]
    assert sum(len(r.removed) for r in alone) > 20  # the batch has lines to drop
    assert any(d.reason.startswith("repeated:") for r in alone for d in r.decisions)
    assert Cleaner(cleaner.model).explain_many(texts, evidence) == alone
    assert fresh.explain_many(texts[::-1], evidence[::-1]) == alone[::-1]


def test_any_hint_prefilter_finds_every_hint():
    rules = RuleSet()
    hint_rules = [r for r in RULES if r.role == "hint"]
    texts = [" ".join(t.lower().split()) for t in LINES] + [
        "please support our journalism and make a donation",
        "subscribers only: unlimited digital access",
        "we use cookies",
        "affiliate links",
    ]
    for text in texts:
        norm = text.strip(_STRIP)
        expected = tuple(r for r in hint_rules if re.search(r.pattern, norm))
        assert rules.match(text).hints == expected


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet=st.characters(max_codepoint=255))))
def test_char_counts_are_the_str_methods(text):
    letters = [c for c in text if c.isalpha()]
    expected = (len(letters), sum(c.isupper() for c in letters), sum(c.isdigit() for c in text))
    assert char_counts(text) == expected


def test_char_counts_every_latin1_character():
    for ch in map(chr, range(256)):
        assert char_counts(ch) == (ch.isalpha(), ch.isalpha() and ch.isupper(), ch.isdigit())


def test_a_document_larger_than_the_memo_is_scored_once(cleaner: Cleaner, monkeypatch):
    """Its lines go straight into arrays (not once per memo overflow), with the results of a
    memo that holds them all; the again round reuses them (only rstripped lines are new)."""
    lines = [f"Line {i} of a long report, with {i % 7} words more. " if i % 5 else
             f"Share item {i}" for i in range(60)]
    doc = "\n".join(lines + [""] + lines[:10]) + "\n"
    expected = Cleaner(cleaner.model).explain(doc)
    small = Cleaner(cleaner.model)
    small._scorer.memo.limit = 8
    scored: list[str] = []
    score_lines = cleaner.model.score_lines

    def counted(texts, hits):
        scored.extend(texts)
        return score_lines(texts, hits)

    monkeypatch.setattr(cleaner.model, "score_lines", counted)
    assert small.explain(doc) == expected
    rstripped = sum(d.keep and d.text != d.text.rstrip() for d in expected.decisions)
    assert rstripped and len(scored) == len(lines) + 10 + rstripped
