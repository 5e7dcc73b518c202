"""The cleaning pipeline: segment, score lines, read the document, decide, render."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import chain
from pathlib import Path

import numpy as np

from cleaner.decode import Spans, Verdicts, decode, drop_thresholds, line_lengths, rule_codes
from cleaner.document import LABELS, Result
from cleaner.extract import NO_TEXT_EXTRACTED, html_to_text
from cleaner.features import line_count_rows
from cleaner.model import Model, sigmoid
from cleaner.options import (
    check_patterns,
    check_preset,
    check_threshold,
    check_word_cost,
    drop_threshold,
    policy,
)
from cleaner.patterns import UserRule, first_match
from cleaner.repetition import SiteRepeats
from cleaner.rules import RuleSet
from cleaner.scores import LineScorer, LineScores, likeliest_labels
from cleaner.segment import blank_lines, render, shown_lines, split_lines
from cleaner.sequence import LineColumns, Reading, parts, weighed_most

_TITLE, _CONTENT = LABELS.index("title"), LABELS.index("content")


class Cleaner:
    """Loads the model once and cleans many documents; picklable, no global state.

    ``keep`` names the labels whose lines are kept besides the article's (ARTICLE_LABELS), as
    the command line's ``--keep`` does: ``keep={"caption_credit"}`` keeps captions too.
    ``drop`` names article labels to drop all the same (``drop={"title"}``); a policy that keeps
    no article label is refused. ``self.keep`` holds the policy: every label kept.
    ``threshold`` overrides the model's least P(boilerplate) at which a line is dropped
    (above 0, 1 at most; longer lines need more, see decode.drop_thresholds); ``preset``
    ("precision" or "recall") moves the model's threshold as ``--precision`` and ``--recall``
    do (a ``threshold`` given wins); ``word_cost`` overrides the model's cost of a wrongly
    dropped word, which sets how much surer the model must be for longer lines. ``patterns``
    are the user's own rules, applied last: a patterns file's path (as ``--patterns FILE``) or
    rules from cleaner.patterns.parse_patterns. Every option is checked as the command line
    checks it (cleaner.options), before the model is loaded.
    """

    def __init__(
        self,
        model: Model | str | Path | None = None,
        keep: Iterable[str] = (),
        threshold: float | None = None,
        trust_model: bool = False,
        word_cost: float | None = None,
        patterns: str | Path | Sequence[UserRule] = (),
        drop: Iterable[str] = (),
        preset: str | None = None,
    ) -> None:
        self.keep = policy(keep, drop)
        if threshold is not None:  # every check before the model loads
            check_threshold(threshold)
        check_preset(preset)
        costs = None if word_cost is None else check_word_cost(word_cost)
        self.patterns = check_patterns(patterns)
        if not isinstance(model, Model):
            model = Model.load(Path(model) if model else None, trust=trust_model)
        self.model = model
        self.threshold = drop_threshold(model.threshold, threshold, preset)
        self.word_cost = model.word_cost if costs is None else costs
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

        The texts are decided together: their new lines are featurized and scored in one
        batch, and their lines decoded as one batch of documents (profiling showed the fixed
        cost of a few dozen numpy calls weighing on short documents). No step looks across a
        document's edge, so a text's result does not depend on the others.
        """
        for text in texts:
            _check_text(text)
        evidence = [None] * len(texts) if repeated is None else list(repeated)
        if len(evidence) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(evidence)} repeated-line evidences")
        docs = [split_lines(text) for text in texts]  # each text's lines, blank ones too
        at = [np.flatnonzero(~blank_lines(lines)) for lines in docs]
        bodies = [list(map(lines.__getitem__, a.tolist())) for lines, a in zip(docs, at)]
        self._scorer.remember(list(chain.from_iterable(bodies)))
        live = [i for i, body in enumerate(bodies) if body]
        results = [Result("", ())] * len(texts)  # a text of blank lines shows nothing
        if live:
            numbers = np.concatenate([at[i] for i in live]) + 1  # lines are numbered from 1
            for i, result in zip(live, self._decide([docs[i] for i in live],
                                                    [bodies[i] for i in live], numbers,
                                                    [evidence[i] for i in live])):
                results[i] = result
        return results

    def _decide(self, docs: list[list[str]], bodies: list[list[str]], numbers: np.ndarray,
                evidence: list[SiteRepeats | None]) -> list[Result]:
        """Decide every line of the documents, then the kept lines again as the cleaned texts
        show them, until nothing more goes, so that cleaning an output again changes nothing.

        Without the boilerplate around it, a line that its context kept (its own score drops it)
        can look different to the context step; it is decided here, once, rather than on the
        next cleaning. A line dropped in such a round says so in its reason (``<reason>:again``).
        ``docs``: every line of each document; ``bodies``: its non-blank lines, whose
        ``numbers`` (from 1) follow one another, document after document.
        """
        texts = list(chain.from_iterable(bodies))
        words = line_lengths(texts)  # the output strips trailing space only: the same words
        spans = Spans.of([len(lines) for lines in bodies])
        scores = self._scorer.scores(texts)
        repeated = _repeated(texts, spans, evidence)
        verdicts = self._decide_once(texts, numbers, scores, words, spans, repeated)
        todo = list(range(len(docs)))
        while todo:
            todo = self._again(docs, spans, verdicts, (texts, numbers, scores, words, repeated),
                               todo)
        return [Result(render(lines, _kept(len(lines), numbers[s:e], verdicts.keep[s:e])),
                       verdicts.decisions(numbers[s:e], body, s))
                for lines, body, s, e in zip(docs, bodies, spans.starts.tolist(),
                                             spans.ends.tolist())]

    def _again(self, docs: list[list[str]], spans: Spans, verdicts: Verdicts,
               decided: tuple[list[str], np.ndarray, LineScores, np.ndarray, np.ndarray | None],
               todo: list[int]) -> list[int]:
        """Decide the kept lines of the documents ``todo`` again as their outputs show them; the
        verdicts of the lines that go now replace theirs. The documents that lost a line (none
        is decided again when its output shows every line as it was). A shown line is its line
        without trailing space: the same words, the same repetition key."""
        texts, numbers, scores, words, repeated = decided
        again, rows, shown_numbers, shown = [], [], [], []
        for d in todo:
            s, e = int(spans.starts[d]), int(spans.ends[d])
            kept = np.flatnonzero(verdicts.keep[s:e]) + s
            if not len(kept) or (len(kept) == e - s
                                 and all(t == t.rstrip() for t in texts[s:e])):
                continue
            doc_numbers, doc_shown = shown_lines(
                docs[d], _kept(len(docs[d]), numbers[s:e], verdicts.keep[s:e]))
            again.append(d)
            rows.append(kept)
            shown_numbers.append(doc_numbers)
            shown += doc_shown
        if not again:
            return []
        at = np.concatenate(rows)
        shown_scores = self._scorer.scores(shown, ([texts[i] for i in at], scores.take(at)))
        round_ = self._decide_once(shown, np.concatenate(shown_numbers), shown_scores,
                                   words[at], Spans.of([len(r) for r in rows]),
                                   None if repeated is None else repeated[at], again=True)
        gone = np.flatnonzero(~round_.keep).tolist()
        for j, i in zip(gone, at[gone].tolist()):
            verdicts.score[i], verdicts.boilerplate[i] = round_.score[j], round_.boilerplate[j]
            verdicts.label[i], verdicts.keep[i] = round_.label[j], False
            verdicts.reason[i] = f"{round_.reason[j]}:again"
        lost = set(spans.doc[at[gone]].tolist())
        return [d for d in again if d in lost]

    def _decide_once(self, texts: list[str], numbers: np.ndarray, scores: LineScores,
                     words: np.ndarray, spans: Spans, repeated: np.ndarray | None,
                     again: bool = False) -> Verdicts:
        """Read the documents' lines (the sequence stage), then decide them (decode). A later
        round (``again``) keeps only the verdicts of the lines that go, so it does not name
        the article lines."""
        hits = scores.hits
        own = LineColumns(scores.logits, scores.kind_p, line_count_rows(texts), rule_codes(hits))
        read = Reading(own, words, numbers, spans.starts).rows  # the stage's input of lines
        limits = drop_thresholds(words, self.threshold, self.word_cost)
        stage_p, titled = np.zeros(len(texts)), np.zeros(len(texts), dtype=bool)
        for part in parts(np.arange(len(texts))):
            x = read(part)
            stage_p[part] = self.model.stage_probability(x)
            if not again:  # a line that may stay: title or content?
                stay = stage_p[part] < limits[part]
                titled[part[stay]] = self.model.title_probability(x[stay]) >= 0.5
        labels = likeliest_labels(scores.kind_p)  # the article one: title or content, as read
        if not again:
            may_stay = stage_p < limits
            labels[may_stay, 0] = np.where(titled[may_stay], _TITLE, _CONTENT)
        verdicts = decode(texts, hits, stage_p, labels, limits, self.keep, words, repeated,
                          spans, self.model.repeated_floor, sigmoid(scores.logits))
        dropped = np.array([i for i, (reason, keep) in enumerate(zip(verdicts.reason,
                                                                      verdicts.keep))
                            if reason == "sequence" and not keep], dtype=np.int64)
        for part in parts(dropped):
            for i, why in zip(part.tolist(), weighed_most(self.model.stage, read(part))):
                verdicts.reason[i] = f"sequence:{why}"
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


def _repeated(texts: list[str], spans: Spans,
              evidence: list[SiteRepeats | None]) -> np.ndarray | None:
    """Per line, in how many documents of its site it recurs (decode's ``repeated``); None
    when no document of the batch has its site's evidence."""
    if all(site is None for site in evidence):
        return None
    return np.concatenate([
        np.zeros(e - s, dtype=np.int64) if site is None else np.asarray(site.of(texts[s:e]))
        for site, s, e in zip(evidence, spans.starts.tolist(), spans.ends.tolist())])


def _kept(n_lines: int, numbers: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Whether each of a text's ``n_lines`` lines, blank ones included, is kept (``keep``: of
    the lines of these ``numbers``)."""
    flags = np.zeros(n_lines, dtype=bool)
    flags[numbers - 1] = keep  # lines are numbered from 1
    return flags


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
