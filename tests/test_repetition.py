"""Repetition across documents: counting per site, and the gain on a generated site folder."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import Cleaner
from cleaner.cli import main
from cleaner.decode import Spans, Verdicts, revise_with_repetition
from cleaner.repetition import (
    RepeatIndex,
    count_repeats,
    document_keys,
    line_key,
    line_keys,
    site_of_path,
    site_of_url,
)
from cleaner.segment import segment

DATA = Path(__file__).resolve().parent.parent / "data"

# A site's own footer, in plain prose: the shipped model keeps most of it on its own.
SITE_BLOCK = [
    "The Holm Gazette is owned by the Holm Island Trust and printed in Greymouth.",
    "Our reporters have covered the islands and the harbour towns since 1887.",
    "The Gazette is published every Thursday and delivered by boat to the outer islands.",
    "Letters for the editor can be left at the shop on the pier.",
]
# An article sentence that many of the site's reports carry.
QUOTE = ('"We will not sign any agreement that leaves the islanders without a reliable crossing," '
         "the regional transport minister told reporters on Tuesday.")


def test_index_counts_each_document_once_per_line_and_per_site():
    docs = [("a.org", f"Story {i}\n\nShare this\nShare this\n") for i in range(12)]
    docs += [docs[0]]  # the same page again: counted once
    docs += [("b.org", f"Other {i}\nShare this\n") for i in range(2)]
    index = count_repeats(docs)
    assert index.repeated("a.org", ["share  THIS", "Story 3", ""]) == [12, 0, 0]
    # b.org has too few documents to give evidence; an unknown site gives none either.
    assert index.repeated("b.org", ["Share this"]) == [0]
    assert index.repeated("c.org", ["Share this"]) == [0]


def test_threshold_is_a_share_of_the_site_and_order_does_not_matter():
    docs = [("s", f"Story {i}\nCommon line\n" + ("Rare line\n" if i < 4 else ""))
            for i in range(100)]
    index = count_repeats(docs)
    assert index.least_docs("s") == 5  # max(3, 5% of 100)
    assert index.repeated("s", ["Common line", "Rare line"]) == [100, 0]
    shuffled = docs[:]
    random.Random(1).shuffle(shuffled)
    halves = count_repeats(shuffled[:50])
    halves.update(count_repeats(shuffled[50:]))
    assert halves.site("s") == index.site("s")
    assert RepeatIndex(min_site_docs=200).add("s", "x") is None
    assert count_repeats(docs, min_site_docs=200).repeated("s", ["Common line"]) == [0]


def test_sites_from_urls_and_folders():
    assert site_of_url("https://www.example.org/news/1?x=2") == "example.org"
    assert site_of_url("news.example.org/a") == "news.example.org"
    assert site_of_url("") == ""
    assert site_of_path(Path("in/site-a/2024/a.txt")) == str(Path("in/site-a/2024"))


def _site_folder(root: Path) -> list[Path]:
    """One site: every team article (five languages) with the site's footer, a third of them
    also carrying the same quote."""
    folder = root / "holm-gazette"
    folder.mkdir(parents=True)
    for i, article in enumerate(sorted((DATA / "articles").glob("*/*.txt"))):
        paragraphs = article.read_text(encoding="utf-8").strip().split("\n\n")
        if i % 3 == 0:
            paragraphs.insert(2, QUOTE)
        paragraphs.append("\n".join(SITE_BLOCK))
        (folder / f"{i:02d}.txt").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return sorted(folder.glob("*.txt"))


def _kind(text: str) -> str:
    return "block" if text in SITE_BLOCK else "quote" if text == QUOTE else "article"


def test_repetition_removes_a_site_footer_the_model_misses_and_keeps_a_shared_quote(
    cleaner, tmp_path: Path
):
    files = _site_folder(tmp_path)
    index = count_repeats((site_of_path(f), f.read_text(encoding="utf-8")) for f in files)
    alone, repeated = Counter(), Counter()
    for f in files:
        text = f.read_text(encoding="utf-8")
        pairs = zip(cleaner.explain(text).decisions,
                    cleaner.explain(text, index.site(site_of_path(f))).decisions)
        for before, after in pairs:
            alone[_kind(before.text), before.keep] += 1
            repeated[_kind(after.text), after.keep] += 1
            if before.keep and not after.keep:
                assert after.reason == f"repeated:{len(files)}docs"
                assert after.label not in ("content", "title")

    n_docs, n_quotes = len(files), -(-len(files) // 3)
    # Without repetition the model keeps most of the footer (what repetition has to gain)...
    assert alone["block", True] > 0.9 * len(SITE_BLOCK) * n_docs
    # ... with it the footer is gone from every document, and no article line is lost.
    assert repeated["block", True] == 0
    assert repeated["quote", True] == alone["quote", True] == n_quotes
    assert repeated["article", False] == alone["article", False]
    assert repeated["article", True] == alone["article", True]


def test_a_document_made_of_repeated_lines_is_a_copy_and_is_left_be(cleaner, tmp_path: Path):
    files = _site_folder(tmp_path)
    text = files[0].read_text(encoding="utf-8")
    copies = count_repeats([("s", text + f"\nCopy {i}\n") for i in range(12)])
    assert cleaner.explain(text, copies.site("s")) == cleaner.explain(text)


def test_one_document_use_is_unchanged(cleaner):
    text = (DATA / "samples" / "000_eac21cd5e3db0ab9.txt").read_text(encoding="utf-8")
    assert cleaner.explain(text, count_repeats([]).site("any")) == cleaner.explain(text)


def test_a_repeated_run_goes_whole_when_most_of_it_is_unsure_and_sure_lines_stay():
    def verdicts(scores):
        return Verdicts(np.array(scores), np.zeros(len(scores), dtype=bool), [None] * len(scores),
                        ["model"] * len(scores))

    words = np.full(6, 12.0)
    # A run of three repeated lines, two of them at or above the floor: all three go.
    run = verdicts([0.02, 0.3, 0.5, 0.01, 0.01, 0.01])
    revise_with_repetition(run, words, [40, 40, 40, 0, 0, 0])
    assert run.boilerplate.tolist() == [True, True, True, False, False, False]
    assert run.reason[0] == "repeated:40docs" and run.reason[3] == "model"
    # A lone repeated line the model is sure of (a quote) stays; an unsure one goes.
    lone = verdicts([0.01, 0.02, 0.01, 0.2, 0.01, 0.01])
    revise_with_repetition(lone, words, [0, 9, 0, 9, 0, 0])
    assert lone.boilerplate.tolist() == [False, False, False, True, False, False]
    # Most of the document's words repeated: a copy, left alone.
    copy = verdicts([0.5] * 6)
    revise_with_repetition(copy, words, [9, 9, 9, 9, 9, 0])
    assert not copy.boilerplate.any()
    # Two documents end to end: the runs and the copy check stay within each.
    two = verdicts([0.01, 0.05, 0.5, 0.01, 0.3, 0.3])
    revise_with_repetition(two, words, [0, 9, 9, 0, 9, 9], Spans.of([2, 2, 2]))
    assert two.boilerplate.tolist() == [False, False, True, False, False, False]


def _outputs(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*.txt"))}


def test_cleaner_clean_runs_two_passes_over_a_folder_whatever_the_jobs(tmp_path: Path):
    _site_folder(tmp_path / "in")
    runs = {name: tmp_path / name for name in ("on1", "on2", "off")}
    assert main(["clean", str(tmp_path / "in"), "-o", str(runs["on1"]), "-q", "-j", "1"]) == 0
    assert main(["clean", str(tmp_path / "in"), "-o", str(runs["on2"]), "-q", "-j", "2",
                 "--chunk-size", "8"]) == 0  # five chunks over two worker processes
    assert main(["clean", str(tmp_path / "in"), "-o", str(runs["off"]), "-q",
                 "--no-repetition"]) == 0
    on, off = _outputs(runs["on1"]), _outputs(runs["off"])
    assert on == _outputs(runs["on2"]) and len(on) == 40
    assert not any(SITE_BLOCK[3].encode() in text for text in on.values())
    assert all(SITE_BLOCK[3].encode() in text for text in off.values())
    assert sum(QUOTE.encode() in text for text in on.values()) == 14


def test_jsonl_records_take_their_site_from_the_url_field(tmp_path: Path):
    articles = sorted((DATA / "articles").glob("*/*.txt"))[:24]
    records = [{"url": f"https://www.{'a' if i % 2 else 'b'}.example/{i}",
                "text": a.read_text(encoding="utf-8") + ("\n" + "\n".join(SITE_BLOCK) if i % 2
                                                         else "")}
               for i, a in enumerate(articles)]
    src = tmp_path / "crawl.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert main(["clean", str(src), "-o", f"{tmp_path / 'out'}/", "--format", "jsonl", "-q"]) == 0
    out = [json.loads(line) for line in
           (tmp_path / "out" / "crawl.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["url"] for r in out] == [r["url"] for r in records]
    assert not any(SITE_BLOCK[3] in r["text"] for r in out)
    assert [r["text"] for r in out[::2]] == [Cleaner().clean(r["text"]) for r in records[::2]]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=40), st.sampled_from(["ΣΑΣ", "İx", "Straße ", "a\nb"])),
                max_size=6))
def test_line_keys_of_a_batch_are_each_lines_key(texts):
    assert line_keys(texts) == [line_key(t) for t in texts]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=30), st.sampled_from(
    ["ΣΑΣ", "İx", "Straße ", "\r\n", "\r", "\u2028", " \t", "\ud800"])), max_size=8))
def test_document_keys_are_the_key_of_the_text_and_of_each_line(parts):
    text = "\n".join(parts)
    lines = [line.text for line in segment(text) if not line.blank]
    assert document_keys(text) == (line_key(text), set(line_keys(lines)))


def test_document_hashes_stay_distinct_across_folds(monkeypatch):
    """A document met again after its hash was folded into the sorted array is still known."""
    from cleaner import repetition

    monkeypatch.setattr(repetition, "FOLD_DOCS", 3)
    seen = repetition.KeySet()
    keys = [2**64 - 1, 0, 17, 2**63, 17, 5, 0, 2**64 - 1, 6]
    assert [seen.add(k) for k in keys] == [True, True, True, True, False, True, False, False, True]
    assert len(seen) == 6 and len(seen.new) < 3
    other = repetition.KeySet()
    for k in (5, 7):
        other.add(k)
    other.fold()
    seen.fold(other.known)
    assert len(seen) == 7 and not seen.add(7)
