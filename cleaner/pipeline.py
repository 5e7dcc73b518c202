"""The cleaning pipeline: segment, score lines, read the document, decide, render."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, compress
from pathlib import Path

import numpy as np

from cleaner.decode import Spans, Verdicts, decode, drop_thresholds, line_lengths, rule_codes
from cleaner.document import LABELS, Result
from cleaner.extract import NO_TEXT_EXTRACTED, html_to_text
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
        blank = [blank_lines(lines) for lines in docs]  # flags, not positions: no int a line
        bodies = [list(compress(lines, (~b).tolist())) for lines, b in zip(docs, blank)]
        self._scorer.remember(list(chain.from_iterable(bodies)))
        live = [i for i, body in enumerate(bodies) if body]
        results = [Result("", ())] * len(texts)  # a text of blank lines shows nothing
        if live:
            numbers = np.concatenate([np.flatnonzero(~blank[i]) for i in live]) + 1  # from 1
            for i, result in zip(live, self._decide([docs[i] for i in live],
                                                    [bodies[i] for i in live], numbers,
                                                    [evidence[i] for i in live])):
                results[i] = result
        return results

    def _decide(self, docs: list[list[str]], bodies: list[list[str]], numbers: np.ndarray,
                evidence: list[SiteRepeats | None]) -> list[Result]:
        """The documents' Results: their lines decided (_verdicts), their outputs rendered.
        ``docs``: every line of each document; ``bodies``: its non-blank lines, whose
        ``numbers`` (from 1) follow one another, document after document."""
        spans = Spans.of([len(lines) for lines in bodies])
        verdicts = self._verdicts(docs, bodies, numbers, spans, evidence)
        return [Result(render(lines, _kept(len(lines), numbers[s:e], verdicts.keep[s:e])),
                       verdicts.decisions(numbers[s:e], body, s))
                for lines, body, s, e in zip(docs, bodies, spans.starts.tolist(),
                                             spans.ends.tolist())]

    def _verdicts(self, docs: list[list[str]], bodies: list[list[str]], numbers: np.ndarray,
                  spans: Spans, evidence: list[SiteRepeats | None]) -> Verdicts:
        """Decide every line of the documents, then the kept lines again as the cleaned texts
        show them, until nothing more goes, so that cleaning an output again changes nothing.

        Without the boilerplate around it, a line that its context kept (its own score drops it)
        can look different to the context step; it is decided here, once, rather than on the
        next cleaning. A line dropped in such a round says so in its reason (``<reason>:again``).
        Each round holds only its own lines' scores, and none is held once the lines are decided.
        """
        read = self._every_line(bodies, numbers, spans, evidence)
        verdicts = self._decide_once(read)
        todo = list(range(len(docs)))
        while todo:
            read = self._shown(docs, bodies, numbers, spans, verdicts, read, todo)  # last: gone
            if read is None:
                break
            todo = self._again(spans, verdicts, read)
        return verdicts

    def _every_line(self, bodies: list[list[str]], numbers: np.ndarray, spans: Spans,
                    evidence: list[SiteRepeats | None]) -> _Lines:
        """The first round's lines: every non-blank line of the documents, scored."""
        texts = list(chain.from_iterable(bodies))
        return _Lines(np.arange(len(texts)), texts, numbers, self._scorer.scores(texts),
                      line_lengths(texts), _repeated(texts, spans, evidence), spans)

    def _shown(self, docs: list[list[str]], bodies: list[list[str]], numbers: np.ndarray,
               spans: Spans, verdicts: Verdicts, read: _Lines, todo: list[int]) -> _Lines | None:
        """The kept lines of the documents ``todo`` as their outputs show them: the next round's
        lines, their scores taken over from the last round's lines ``read`` (which are not read
        again) where a line shows as it read; None when no document's output shows a line
        otherwise than it was. A shown line is its line without trailing space: the same words,
        the same repetition key."""
        again, sizes, shown_numbers, shown = _outputs(docs, bodies, numbers, spans,
                                                      verdicts.keep, todo)
        if not again:
            return None
        chosen = np.zeros(len(verdicts.keep), dtype=bool)  # the lines of those documents
        for d in again:
            chosen[spans.starts[d]:spans.ends[d]] = True
        at = np.flatnonzero(chosen & verdicts.keep)
        rows = np.searchsorted(read.at, at)  # the kept lines were all read
        scores = self._scorer.scores(shown, ([read.texts[i] for i in rows],
                                             read.scores.narrow(rows)))
        return _Lines(at, shown, shown_numbers, scores, read.words[rows],
                      None if read.repeated is None else read.repeated[rows], Spans.of(sizes))

    def _again(self, spans: Spans, verdicts: Verdicts, read: _Lines) -> list[int]:
        """Decide the lines ``read`` again; the verdicts of the lines that go now replace theirs.
        The documents that lost a line."""
        round_ = self._decide_once(read, again=True)
        gone = np.flatnonzero(~round_.keep).tolist()
        for j, i in zip(gone, read.at[gone].tolist()):
            verdicts.score[i], verdicts.boilerplate[i] = round_.score[j], round_.boilerplate[j]
            verdicts.label[i], verdicts.keep[i] = round_.label[j], False
            verdicts.reason[i] = f"{round_.reason[j]}:again"
        return np.unique(spans.doc(read.at[gone])).tolist()

    def _decide_once(self, read: _Lines, again: bool = False) -> Verdicts:
        """Read the documents' lines (the sequence stage), then decide them (decode). A later
        round (``again``) keeps only the verdicts of the lines that go, so it does not name
        the article lines."""
        texts, scores, words, hits = read.texts, read.scores, read.words, read.scores.hits
        own = LineColumns(scores.logits, scores.kind_p, texts, rule_codes(hits))
        rows = Reading(own, words, read.numbers, read.spans.starts).rows  # the stage's input
        limits = drop_thresholds(words, self.threshold, self.word_cost)
        stage_p, titled = np.zeros(len(texts)), np.zeros(len(texts), dtype=bool)
        for part in parts(len(texts)):
            stage_p[part], titled[part] = self._stage(rows(part), limits[part], again)
        labels = likeliest_labels(scores.kind_p)  # the article one: title or content, as read
        if not again:
            may_stay = stage_p < limits
            labels[may_stay, 0] = np.where(titled[may_stay], _TITLE, _CONTENT)
        line_p = None if read.repeated is None else sigmoid(scores.logits)  # read with it only
        verdicts = decode(texts, hits, stage_p, labels, limits, self.keep, words, read.repeated,
                          read.spans, self.model.repeated_floor, line_p)
        dropped = np.array([i for i, (reason, keep) in enumerate(zip(verdicts.reason,
                                                                      verdicts.keep))
                            if reason == "sequence" and not keep], dtype=np.int64)
        for part in parts(len(dropped)):
            lines = dropped[part]
            for i, why in zip(lines.tolist(), weighed_most(self.model.stage, rows(lines))):
                verdicts.reason[i] = f"sequence:{why}"
        if self.patterns:
            self._apply_patterns(verdicts, texts)
        return verdicts

    def _stage(self, x: np.ndarray, limits: np.ndarray,
               again: bool) -> tuple[np.ndarray, np.ndarray]:
        """The stage's P(boilerplate) of the lines of rows ``x`` and, in the first round,
        whether each line that may stay (under its limit) is a title rather than content. A
        part's rows go when this returns, before the next part's are made."""
        stage_p, titled = self.model.stage_probability(x), np.zeros(len(x), dtype=bool)
        if not again:
            stay = stage_p < limits
            titled[stay] = self.model.title_probability(x[stay]) >= 0.5
        return stage_p, titled

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


def _outputs(docs: list[list[str]], bodies: list[list[str]], numbers: np.ndarray, spans: Spans,
             keep: np.ndarray, todo: list[int]) -> tuple[list[int], list[int], np.ndarray,
                                                        list[str]]:
    """Of the documents ``todo``, those whose outputs show their kept lines otherwise than
    they were read (a line gone, or trailing space stripped), how many lines each keeps, and
    the numbers and texts of the lines those outputs show, end to end. Each document's own
    pieces go on return (with one long document: 5 MB)."""
    again, sizes, shown_numbers, shown = [], [], [], []
    for d in todo:
        s, e = int(spans.starts[d]), int(spans.ends[d])
        kept = int(np.count_nonzero(keep[s:e]))
        if not kept or (kept == e - s and all(t == t.rstrip() for t in bodies[d])):
            continue
        doc_numbers, doc_shown = shown_lines(docs[d], _kept(len(docs[d]), numbers[s:e],
                                                             keep[s:e]))
        again.append(d)
        sizes.append(kept)
        shown_numbers.append(doc_numbers)
        shown += doc_shown
    return again, sizes, np.concatenate(shown_numbers or [np.zeros(0, np.int64)]), shown


def _kept(n_lines: int, numbers: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Whether each of a text's ``n_lines`` lines, blank ones included, is kept (``keep``: of
    the lines of these ``numbers``)."""
    flags = np.zeros(n_lines, dtype=bool)
    flags[numbers - 1] = keep  # lines are numbered from 1
    return flags


@dataclass
class _Lines:
    """The lines a round decides: where their verdicts are (``at``), their texts and numbers as
    the round reads them, their scores, words and repetition counts (None: no evidence), and
    their documents. A round holds its own, so that the earlier round's (its label
    probabilities: 16 MB for 300,000 lines) can go."""

    at: np.ndarray
    texts: list[str]
    numbers: np.ndarray
    scores: LineScores
    words: np.ndarray
    repeated: np.ndarray | None
    spans: Spans


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
