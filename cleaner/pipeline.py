"""The cleaning pipeline: segment, featurize and score, decode, render."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from cleaner.decode import Verdicts, context_blocks, decode, line_lengths, line_numbers
from cleaner.document import ARTICLE_LABELS, LABELS, Line, Result
from cleaner.extract import NO_TEXT_EXTRACTED, html_to_text
from cleaner.model import Model, sigmoid
from cleaner.patterns import UserRule, first_match
from cleaner.repetition import SiteRepeats
from cleaner.rules import RuleSet
from cleaner.scores import LineScorer, LineScores
from cleaner.segment import render, segment, shown_lines


class Cleaner:
    """Loads the model once and cleans many documents; picklable, no global state.

    ``keep`` names the labels whose lines are kept besides the article's (ARTICLE_LABELS), as
    the command line's ``--keep`` does: ``keep={"caption_credit"}`` keeps captions too.
    ``drop`` names article labels to drop all the same (``drop={"title"}``); a policy that keeps
    no article label is refused. ``self.keep`` holds the policy: every label kept.
    ``threshold`` overrides the model's least P(boilerplate) at which a line is dropped
    (longer lines need more, see decode.drop_thresholds); ``word_cost`` overrides the model's
    cost of a wrongly dropped word, which sets how much surer the model must be for longer
    lines. ``patterns`` are the user's own rules (cleaner.patterns), applied last.
    """

    def __init__(
        self,
        model: Model | str | Path | None = None,
        keep: Iterable[str] = (),
        threshold: float | None = None,
        trust_model: bool = False,
        word_cost: float | None = None,
        patterns: Sequence[UserRule] = (),
        drop: Iterable[str] = (),
    ) -> None:
        self.keep = policy(keep, drop)
        if not isinstance(model, Model):
            model = Model.load(Path(model) if model else None, trust=trust_model)
        self.model = model
        self.threshold = model.threshold if threshold is None else float(threshold)
        self.word_cost = model.word_cost if word_cost is None else float(word_cost)
        self.patterns = tuple(patterns)
        self._scorer = LineScorer(model, RuleSet())

    def explain(self, text: str, repeated: SiteRepeats | None = None) -> Result:
        """Clean ``text`` and return the output with one decision per non-blank line.

        ``repeated`` is the evidence of the document's site from a first pass over many
        documents (cleaner.repetition); without it the document is cleaned on its own.
        """
        return self.explain_many([text], [repeated])[0]

    def explain_many(
        self, texts: Sequence[str], repeated: Sequence[SiteRepeats | None] | None = None
    ) -> list[Result]:
        """``explain`` of each text (``repeated``: each one's evidence), the same results.

        The new lines of all the texts are featurized and scored in one batch: profiling
        showed the fixed cost of a batch (a few dozen numpy calls) weighing on short documents.
        """
        for text in texts:
            _check_text(text)
        docs = [segment(text) for text in texts]
        bodies = [[line for line in lines if not line.blank] for lines in docs]
        self._scorer.remember([line.text for body in bodies for line in body])
        return [self._decide(lines, body, evidence) for lines, body, evidence
                in zip(docs, bodies, repeated or [None] * len(docs), strict=True)]

    def _decide(self, lines: list[Line], body: list[Line], repeated: SiteRepeats | None) -> Result:
        """Decide every line, then the kept lines again as the cleaned text shows them, until
        nothing more goes, so that cleaning the output again changes nothing.

        Without the boilerplate around it, a line that its context kept (its own score drops it)
        can look different to the context step; it is decided here, once, rather than on the
        next cleaning. A line dropped in such a round says so in its reason (``<reason>:again``).
        """
        texts = [line.text for line in body]
        numbers = line_numbers(body)
        words = line_lengths(body)  # the output strips trailing space only: the same words
        scores = self._scorer.scores(texts)
        verdicts = self._decide_once(texts, numbers, scores, words, repeated)
        while self._again(lines, numbers, verdicts, (texts, scores, words), repeated):
            pass
        return Result(render(lines, _kept(lines, numbers, verdicts)), verdicts.decisions(body))

    def _again(self, lines: list[Line], numbers: np.ndarray, verdicts: Verdicts,
               scored: tuple[list[str], LineScores, np.ndarray],
               repeated: SiteRepeats | None) -> bool:
        """Decide the kept lines again as the output shows them; the verdicts of those that go
        now replace theirs. Whether any went (none when the output shows every line as it
        was)."""
        texts, scores, words = scored
        kept_at = np.flatnonzero(verdicts.keep)
        if len(kept_at) == len(texts) and all(t == t.rstrip() for t in texts):
            return False
        shown_numbers, shown = shown_lines(lines, _kept(lines, numbers, verdicts))
        shown_scores = self._scorer.scores(
            shown, ([texts[i] for i in kept_at], scores.take(kept_at)))
        again = self._decide_once(shown, np.array(shown_numbers, dtype=np.int64), shown_scores,
                                  words[kept_at], repeated)
        gone = np.flatnonzero(~again.keep).tolist()
        for j, i in zip(gone, kept_at[gone].tolist()):
            verdicts.score[i], verdicts.boilerplate[i] = again.score[j], again.boilerplate[j]
            verdicts.label[i], verdicts.keep[i] = again.label[j], False
            verdicts.reason[i] = f"{again.reason[j]}:again"
        return bool(gone)

    def _decide_once(self, texts: list[str], numbers: np.ndarray, scores: LineScores,
                     words: np.ndarray, repeated: SiteRepeats | None) -> Verdicts:
        hits, logits = scores.hits, scores.logits
        context_p = np.concatenate([self.model.context_probability(block) for block
                                    in context_blocks(numbers, hits, logits, words)])
        verdicts = decode(
            texts, hits, sigmoid(logits), context_p, scores.labels, self.threshold,
            self.word_cost, self.keep, words, None if repeated is None else repeated.of(texts),
        )
        if self.patterns:
            self._apply_patterns(verdicts, texts)
        return verdicts

    def _apply_patterns(self, verdicts: Verdicts, texts: list[str]) -> None:
        for i, text in enumerate(texts):
            rule = first_match(self.patterns, text)
            if rule is not None:
                verdicts.label[i], verdicts.keep[i] = rule.label, rule.label in self.keep
                verdicts.reason[i] = f"pattern:{rule.name}"

    def clean(self, text: str, repeated: SiteRepeats | None = None) -> str:
        """The cleaned text only."""
        return self.explain(text, repeated).text

    __call__ = clean

    def clean_html(self, html: str | bytes, url: str | None = None) -> Result:
        """Clean an HTML page as ``cleaner clean page.html`` does: trafilatura's main text
        (bytes are decoded as a file's are), then its lines. ``url`` is the page's address.

        A page without main text gives an empty Result whose ``skipped`` says so.
        """
        if not isinstance(html, (str, bytes)):
            raise TypeError(f"clean_html takes the page as str or bytes, not "
                            f"{type(html).__name__}")
        text = html_to_text(html, url)
        if not text.strip():
            return Result("", (), skipped=NO_TEXT_EXTRACTED)
        return self.explain(text)


def policy(keep: Iterable[str], drop: Iterable[str]) -> frozenset[str]:
    """The labels kept: the article's, those in ``keep``, less those in ``drop``."""
    keep, drop = frozenset(keep), frozenset(drop)
    unknown = (keep | drop) - set(LABELS)
    if unknown:
        raise ValueError(f"unknown labels {sorted(unknown)}; known: {', '.join(LABELS)}")
    if keep & drop:
        raise ValueError(f"labels both kept and dropped: {sorted(keep & drop)}")
    kept = (ARTICLE_LABELS | keep) - drop
    if not kept & ARTICLE_LABELS:
        raise ValueError(f"this policy keeps no article label ({', '.join(sorted(ARTICLE_LABELS))})"
                         ": it would drop every article line")
    return kept


def _kept(lines: list[Line], numbers: np.ndarray, verdicts: Verdicts) -> np.ndarray:
    """Whether each line of the text, blank ones included, is kept (``numbers``: those of the
    lines decided)."""
    keep = np.zeros(len(lines), dtype=bool)
    keep[numbers - 1] = verdicts.keep  # segment numbers lines from 1
    return keep


def _check_text(text: object) -> None:
    """A clear error for what is not text, before segmenting fails somewhere inside."""
    if isinstance(text, (bytes, bytearray)):
        raise TypeError("cleaning takes text (str), not bytes: decode them "
                        "(data.decode('utf-8')), or clean an HTML page with clean_html")
    if not isinstance(text, str):
        raise TypeError(f"cleaning takes text (str), not {type(text).__name__}")


@lru_cache(maxsize=1)
def default_cleaner() -> Cleaner:
    """The shipped model with the default policy, loaded on first use."""
    return Cleaner()


def clean(text: str) -> str:
    """Clean one text with the shipped model; make a Cleaner for other options."""
    return default_cleaner().clean(text)


def clean_html(html: str | bytes, url: str | None = None) -> Result:
    """Clean one HTML page with the shipped model (see Cleaner.clean_html)."""
    return default_cleaner().clean_html(html, url)
