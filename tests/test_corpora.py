"""Corpus loading, by-site split, alignment labels and the extraction cache (needs ../shared)."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pytest

from cleaner.extract import DEFAULT_SETTINGS
from cleaner.training import corpora
from cleaner.training.corpora import (
    align,
    extracted_texts,
    find_shared,
    is_heldout,
    load_pages,
)

SHARED = find_shared()
if SHARED is None or not (SHARED / "corpora").is_dir():
    pytest.skip("../shared/corpora (the ground-truth pages) is not beside the repo",
                allow_module_level=True)


@pytest.fixture(scope="module")
def pages() -> dict[str, list[corpora.Page]]:
    return {c: load_pages(SHARED, c) for c in corpora.CORPORA}


def test_load_pages_counts_sites_and_order(pages: dict[str, list[corpora.Page]]) -> None:
    assert len(pages["wcxb"]) == 1497
    assert len(pages["traf"]) == 595
    for corpus, ps in pages.items():
        assert [p.page_id for p in ps] == sorted(p.page_id for p in ps)
        assert all(p.site and p.corpus == corpus and p.html_path.is_file() for p in ps)
        assert all(not p.site.startswith("www.") for p in ps)
    assert sum(bool(p.main_content) for p in pages["wcxb"]) >= 1470
    assert all(p.main_content is None for p in pages["traf"])
    assert load_pages(SHARED, "traf") == pages["traf"]


def test_heldout_split_is_by_site_and_about_a_fifth(
    pages: dict[str, list[corpora.Page]],
) -> None:
    for ps in pages.values():
        parts: dict[str, set[bool]] = defaultdict(set)
        for p in ps:
            parts[p.site].add(is_heldout(p.site))
        assert all(len(v) == 1 for v in parts.values())
        share = sum(is_heldout(p.site) for p in ps) / len(ps)
        assert 0.12 < share < 0.28


def test_align_wcxb_page_labels_content_and_must_drop(
    pages: dict[str, list[corpora.Page]], tmp_path: Path,
) -> None:
    page = next(p for p in pages["wcxb"] if p.page_id == "0107")
    (text,) = extracted_texts([page], tmp_path, jobs=1)
    lines = text.split("\n")
    labels = dict(zip(lines, align(lines, page), strict=True))
    first_paragraph = page.main_content.split("\n\n")[0].strip()
    assert labels[first_paragraph] is True
    assert labels["Help me spread the word about this podcast!"] is False
    assert "Help me spread the word about this podcast!" in page.must_drop


def test_align_snippet_only_page() -> None:
    page = corpora.Page(
        corpus="traf", page_id="x.html", site="x.org", url="", html_path=Path("x.html.gz"),
        main_content=None, must_keep=("You can download Python 3.6.0 here",),
        must_drop=("Share to Facebook", "Subscribe to Python Insider"),
    )
    lines = ["You can download Python 3.6.0 here.", "", "Share to  Facebook", "Other text"]
    assert align(lines, page) == [True, None, False, None]


def test_align_content_rules() -> None:
    page = corpora.Page(
        corpus="wcxb", page_id="0", site="x.org", url="", html_path=Path("0.html.gz"),
        main_content="Intro\n\nThe mayor said the plan would pay for itself in ten years.\n\n"
                     "Residents welcomed the new night buses on all lines.",
        must_keep=(), must_drop=("Share this story",),
    )
    lines = [
        "Intro",                                                  # a whole paragraph
        "The mayor said the plan would pay for itself",           # verbatim part
        "Residents welcomed the new night buses on all lines (photo)",  # mostly covered
        "Share this story",                                       # must-drop
        "Sign up for our daily newsletter",                       # nowhere in the text
        "the plan",                                               # short, occurs mid-sentence
    ]
    assert align(lines, page) == [True, True, True, False, False, None]


def test_extracted_texts_reads_the_cache_second_time(
    pages: dict[str, list[corpora.Page]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    some = pages["traf"][:3]
    first = extracted_texts(some, tmp_path, jobs=2)
    assert all(first)
    assert len(list(tmp_path.rglob("*.txt"))) == 3

    def boom(html: str) -> str:
        raise AssertionError("extract_text called despite the cache")

    monkeypatch.setattr(corpora, "extract_text", boom)
    assert extracted_texts(some, tmp_path, jobs=2) == first


def test_extracted_texts_cache_keeps_settings_and_extractors_apart(
    pages: dict[str, list[corpora.Page]], tmp_path: Path,
) -> None:
    some = pages["traf"][:2]
    calls: list[dict] = []

    def tagged(html: str, settings: dict) -> str:
        calls.append(settings)
        return f"{settings['extractor']}:{len(html)}"

    mine = extracted_texts(some, tmp_path, jobs=1, settings={"extractor": "mine"},
                           extractor=tagged)
    assert [t.split(":")[0] for t in mine] == ["mine", "mine"]
    default = extracted_texts(some, tmp_path, jobs=1, settings=DEFAULT_SETTINGS)
    assert default != mine and all(default)
    assert len(list(tmp_path.rglob("*.txt"))) == 4
    assert extracted_texts(some, tmp_path, jobs=1, settings={"extractor": "mine"},
                           extractor=tagged) == mine
    assert len(calls) == 2  # the second run read the cache


def test_news_pages_have_no_ground_truth_and_a_few_pages_a_site() -> None:
    news = load_pages(SHARED, "news")
    assert len(news) == 109 and len({p.site for p in news}) == 68
    assert max(Counter(p.site for p in news).values()) <= 4  # reuters.com: 4
    assert all(p.main_content is None and not p.must_keep and p.html_path.is_file()
               for p in news)
    assert "news" in corpora.READ_CORPORA and "news" not in corpora.CORPORA
