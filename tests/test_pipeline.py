"""The whole pipeline on arbitrary text: never fails, only ever removes whole lines, in order,
and cleaning cleaned text changes nothing."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from inputs import PAGE

from cleaner import Cleaner, clean, clean_html
from cleaner.document import ARTICLE_LABELS, Decision, Result
from cleaner.extract import NO_TEXT_EXTRACTED
from cleaner.patterns import parse_patterns
from cleaner.repetition import SiteRepeats, count_repeats

LINE_SAMPLES = [
    "", "Share", "Advertisement", "Oops!", "Something went wrong.", "Read more: x",
    "A Message from The Daily Planet:", "Remind me later.", "By Jane Doe",
    "The minister said the plan would be published next week.",
]
LINE = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80),
    st.sampled_from(LINE_SAMPLES),
)


def _is_ordered_subset(output: str, source: str) -> bool:
    candidates = [line.rstrip() for line in source.replace("\r\n", "\n").replace("\r", "\n")
                  .split("\n")]
    pos = 0
    for line in output.split("\n"):
        if not line:
            continue
        try:
            pos = candidates.index(line, pos) + 1
        except ValueError:
            return False
    return True


@settings(max_examples=150, deadline=None)
@given(st.lists(LINE, max_size=25))
def test_output_is_in_order_subset_of_input(lines):
    text = "\n".join(lines)
    out = clean(text)
    assert _is_ordered_subset(out, text)
    assert out == "" or (out.endswith("\n") and not out.endswith("\n\n"))
    assert "\n\n\n" not in out
    assert all(line == line.rstrip() for line in out.split("\n"))


@settings(max_examples=50, deadline=None)
@given(st.lists(LINE, max_size=25))
def test_one_decision_per_nonblank_line(lines):
    text = "\n".join(lines)
    result = _CLEANER.explain(text)
    nonblank = [i for i, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n")
                                           .split("\n"), start=1) if line.strip()]
    assert [d.number for d in result.decisions] == nonblank
    kept_text = "\n".join(d.text.rstrip() for d in result.decisions if d.keep)
    assert "\n".join(x for x in result.text.split("\n") if x) == kept_text


_CLEANER = Cleaner()

# Every code point: lone surrogates (JSON can hold them), controls, NUL, every line separator.
ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=()), max_size=300)


@settings(max_examples=150, deadline=None)
@given(ANY_TEXT)
def test_any_unicode_text_with_and_without_repetition_evidence(text):
    # The text is one of three documents of a one-document-minimum site: every line repeats.
    index = count_repeats([("s", text + suffix) for suffix in ("", "\na", "\nb")],
                          min_site_docs=1)
    for result in (_CLEANER.explain(text), _CLEANER.explain(text, index.site("s"))):
        assert _is_ordered_subset(result.text, text)
        assert all(0 <= d.score <= 1 and d.label for d in result.decisions)


WORD = st.text(alphabet=st.characters(whitelist_categories=("L", "N")), min_size=1, max_size=12)
LONG_LINE = st.lists(WORD, min_size=16, max_size=40).map(" ".join)  # a sentence's length


# The default policy, and a wider one with a user rule that keeps a line the model drops.
_WIDE = Cleaner(keep=ARTICLE_LABELS | {"caption_credit", "byline_meta"},
                patterns=parse_patterns("content\tShare"))


def _second_pass(text: str, cleaner: Cleaner = _CLEANER,
                 repeats: SiteRepeats | None = None) -> Result:
    """The first cleaning of ``text``, after checking that cleaning its output removes nothing:
    every line the first kept is kept again, with the same text, and the output is the same."""
    first = cleaner.explain(text, repeats)
    second = cleaner.explain(first.text, repeats)
    kept = [d for d in first.decisions if d.keep]
    assert all(d.label in cleaner.keep for d in kept)
    assert [d.text.rstrip() for d in kept] == [d.text for d in second.decisions]
    assert [d.text for d in second.decisions if not d.keep] == []
    assert second.text == first.text
    return first


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(LINE, LONG_LINE), max_size=25), st.booleans(), st.booleans())
def test_cleaning_cleaned_text_removes_nothing_more(lines, wide, with_repeats):
    """Idempotence, whatever the policy and the site evidence: without the boilerplate around
    it, a line kept beside it may look different to the sequence stage, so Cleaner decides
    the kept lines again until nothing more goes."""
    text = "\n".join(lines)
    repeats = None
    if with_repeats:
        repeats = count_repeats([("s", text), ("s", text + "\na"), ("s", text + "\nb")],
                                min_site_docs=1).site("s")
    _second_pass(text, _WIDE if wide else _CLEANER, repeats)


def test_cleaning_cleaned_samples_removes_nothing_more():
    samples = sorted((Path(__file__).parent.parent / "data" / "samples").glob("*.txt"))
    for path in samples:
        for cleaner in (_CLEANER, _WIDE):
            _second_pass(path.read_text(encoding="utf-8"), cleaner)
    # Not vacuous: a page mixing lines of the samples and articles, where a line goes only in
    # a later round, once the boilerplate around it is gone (found by sampling their lines).
    mixed = "\n".join([
        "Saltar al contenido", "2. Cover and leave at room temperature for 12 to 18 hours.",
        "A Message from The Moscow Times:",
        "Traumatología, dermatología y oftalmología siguen siendo las especialidades con más "
        "retraso.", "Una opción sensata para quien empieza.",
        "Il faut environ trois minutes pour porter un litre à ébullition. La bouilloire est "
        "plutôt silencieuse.", "Vous êtes abonné ? Identifiez-vous",
        "- das Jugendstil-Kaufhaus an der Berliner Straße"])
    first = _second_pass(mixed, _WIDE)
    assert any(d.reason.endswith(":again") for d in first.decisions)


def test_cleaner_pickles_and_agrees(cleaner: Cleaner):
    text = "Title\n\nShare\n\nThe council met on Monday to discuss the budget for next year.\n"
    copy = pickle.loads(pickle.dumps(cleaner))
    assert copy.explain(text) == cleaner.explain(text)


def test_decisions_read_as_a_tuple_of_decisions(cleaner: Cleaner):
    """A Result's decisions are held as columns (document.Decisions); read, they are the same
    Decision objects a tuple would give, and a Result pickles with them."""
    text = "\n".join(LINE_SAMPLES * 1500) + "\n"  # more lines than Decisions makes at a time
    result = cleaner.explain(text)
    held = tuple(result.decisions)
    assert len(held) == len(result.decisions) == len(LINE_SAMPLES * 1500) - 1500
    assert all(isinstance(d, Decision) for d in held)
    assert result.decisions == held and held == result.decisions
    assert result == Result(result.text, held) and hash(result.decisions) == hash(held)
    assert result.decisions[-1] == held[-1] and result.decisions[3:9:2] == held[3:9:2]
    with pytest.raises(IndexError):
        result.decisions[len(held)]
    assert result.removed == tuple(d for d in held if not d.keep) and result.removed
    given = Result(result.text, held)  # a tuple given is held as columns too
    assert list(given.decisions.texts) == [d.text for d in held] == list(result.decisions.texts)
    assert given.removed == result.removed and tuple(given.decisions) == held
    copy = pickle.loads(pickle.dumps(result))
    assert copy == result and tuple(copy.decisions) == held
    assert result.decisions != held[:-1] and result.decisions != "text"


def test_empty_and_blank_input(cleaner: Cleaner):
    assert cleaner.clean("") == ""
    assert cleaner.clean("\n\n  \n") == ""
    assert cleaner.explain("").decisions == ()


def test_unknown_keep_label_is_refused():
    with pytest.raises(ValueError, match=r"unknown label\(s\) headline; known: content"):
        Cleaner(keep={"content", "headline"})


SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cleaner.cli", *args], capture_output=True,
                          text=True, timeout=120)


def test_keep_adds_labels_to_the_article_labels_as_the_cli_keep_does():
    sample = SAMPLES / "en_recipe_blog.txt"
    text = sample.read_text(encoding="utf-8")
    default = _CLEANER.explain(text)
    captions = {d.number for d in default.removed if d.label == "caption_credit"}
    assert captions, "the sample has captions the default policy drops"
    wide = Cleaner(keep={"caption_credit"})
    assert wide.keep == ARTICLE_LABELS | {"caption_credit"}
    result = wide.explain(text)
    kept = {d.number for d in result.decisions if d.keep}
    # Every line the default keeps stays, unless it goes in a later round, which reads the
    # wider output (as cleaning that output again would decide it).
    later = {d.number for d in result.decisions if d.reason.endswith(":again")}
    assert {d.number for d in default.decisions if d.keep} | captions <= kept | later
    assert result.text == _cli("clean", str(sample), "--keep", "caption_credit").stdout
    # The full policy, as callers spelled it before, is the same policy.
    assert Cleaner(keep=ARTICLE_LABELS | {"caption_credit"}).keep == wide.keep


def test_drop_names_article_labels_to_drop_and_no_article_label_is_refused():
    text = (SAMPLES / "es_noticia.txt").read_text(encoding="utf-8")
    default = _CLEANER.explain(text)
    titles = {d.number for d in default.decisions if d.keep and d.label == "title"}
    assert titles
    no_titles = Cleaner(drop={"title"})
    assert no_titles.keep == {"content"}
    decisions = no_titles.explain(text).decisions
    kept = {d.number for d in decisions if d.keep}
    assert not kept & titles
    # A content line the default keeps stays, unless it goes in a later round once the titles
    # around it are gone (as cleaning the output again would decide it).
    later = {d.number for d in decisions if d.reason.endswith(":again")}
    assert {d.number for d in default.decisions if d.keep and d.label == "content"} <= kept | later
    with pytest.raises(ValueError, match=r"keeps no article label \(content, title\)"):
        Cleaner(drop=ARTICLE_LABELS)
    with pytest.raises(ValueError, match=r"keeps no article label"):
        Cleaner(keep={"caption_credit"}, drop={"content", "title"})
    with pytest.raises(ValueError, match=r"both kept and dropped: \['title'\]"):
        Cleaner(keep={"title"}, drop={"title"})
    with pytest.raises(ValueError, match=r"unknown label\(s\) headline; known: content"):
        Cleaner(drop={"headline"})


def test_clean_html_is_the_cli_html_mode(tmp_path: Path):
    page = tmp_path / "page.html"
    # Not UTF-8: bytes are decoded as the command line decodes a file's.
    data = PAGE.replace("old town", "vieille ville, café et théâtre").encode("cp1252")
    page.write_bytes(data)
    result = clean_html(data)
    assert result.skipped is None and result.removed
    assert result.text == _cli("clean", str(page)).stdout
    assert "café" in result.text
    text = data.decode("cp1252")
    assert Cleaner().clean_html(text, url="https://harbour.example/bridge") == clean_html(text)
    assert clean_html(text).text == result.text


def test_clean_html_of_a_page_without_main_text_is_empty_and_says_why(tmp_path: Path):
    page = tmp_path / "empty.html"
    page.write_text("<html><head><title>Loading</title></head><body><script>load()</script>"
                    "</body></html>", encoding="utf-8")
    result = _CLEANER.clean_html(page.read_bytes())
    assert result == Result("", (), skipped=NO_TEXT_EXTRACTED)
    run = _cli("clean", str(page))
    assert run.stdout == "" and f"skipped, {result.skipped}" in run.stderr


@pytest.mark.parametrize("call", [clean, _CLEANER.clean, _CLEANER.explain],
                         ids=["clean", "Cleaner.clean", "Cleaner.explain"])
def test_what_is_not_text_is_a_clear_type_error(call):
    with pytest.raises(TypeError, match=r"not bytes: decode them .*clean_html"):
        call(b"Some text.\n")
    with pytest.raises(TypeError, match=r"takes text \(str\), not NoneType"):
        call(None)
    with pytest.raises(TypeError, match=r"clean_html takes the page as str or bytes, not int"):
        clean_html(3)


@pytest.mark.parametrize(("api", "cli"), [
    ({"threshold": 1.5}, ["--threshold", "1.5"]),
    ({"threshold": 0}, ["--threshold", "0"]),
    ({"threshold": "x"}, ["--threshold", "x"]),
    ({"keep": {"nonsense"}}, ["--keep", "nonsense"]),
    ({"keep": {"caption_credit", "nonsense"}}, ["--keep", "caption_credit,nonsense"]),
])
def test_the_api_refuses_what_the_command_line_refuses_in_the_same_words(api, cli):
    with pytest.raises(ValueError) as refused:
        Cleaner(**api)
    r = subprocess.run([sys.executable, "-m", "cleaner.cli", "clean", *cli], input="Text.\n",
                       capture_output=True, text=True, timeout=120)
    words = str(refused.value).split(" ", 1)[1] if "threshold" in api else str(refused.value)
    assert r.returncode == 2 and words in r.stderr, (str(refused.value), r.stderr)


def test_options_the_command_line_has_no_flag_for_are_checked_too(tmp_path: Path):
    with pytest.raises(ValueError, match=r"-1 is not a word cost \(a number of 0 or more\)"):
        Cleaner(word_cost=-1)
    with pytest.raises(ValueError, match="unknown preset 'fast'; known: precision, recall"):
        Cleaner(preset="fast")
    with pytest.raises(TypeError, match="not str"):
        Cleaner(patterns=["navigation_share\tShare"])
    patterns = tmp_path / "mine.tsv"
    patterns.write_text("navigation_share\tShare this\nheadline\tBreaking\n", encoding="utf-8")
    with pytest.raises(ValueError) as refused:
        Cleaner(patterns=patterns)
    assert f"cleaner: {refused.value}" in _cli("clean", "--patterns", str(patterns),
                                               str(SAMPLES / "es_noticia.txt")).stderr


@pytest.mark.parametrize("preset", ["precision", "recall"])
def test_presets_in_the_api_are_the_command_line_flags(preset: str):
    sample = SAMPLES / "en_recipe_blog.txt"
    cleaner = Cleaner(preset=preset)
    assert (cleaner.threshold < _CLEANER.threshold) == (preset == "recall")
    assert cleaner.clean(sample.read_text(encoding="utf-8")) == _cli(
        "clean", str(sample), f"--{preset}").stdout
    assert Cleaner(preset=preset, threshold=0.9).threshold == 0.9  # as --threshold wins
