"""Real labelled lines: stored as hashes, found again in the pages' views, split by site."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from conftest import needs_shared

from cleaner.training.corpora import is_heldout, load_pages
from cleaner.training.labels import (
    LABELS_FILE,
    READ_FILE,
    UI_LANGUAGES,
    LabelledLine,
    _catalog_key,
    line_hash,
    page_views,
    read_labels,
    runs_of_boilerplate,
    team_labels,
    ui_strings,
)
from cleaner.training.train import DATA_DIR


def test_a_line_is_named_by_its_text_whatever_its_spacing():
    assert line_hash("Share  on\tFacebook ") == line_hash("Share on Facebook")
    assert line_hash("Share on Facebook") != line_hash("Share on Twitter")
    assert len(line_hash("x")) == 16


def test_a_bad_label_row_is_named_with_its_line(tmp_path: Path):
    path = tmp_path / "lines.tsv"
    path.write_text("corpus\tpage\thash\tlabel\nwcxb\t0001\tabc\tcontent\n"
                    "wcxb\t0001\tdef\tfooter\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"lines\.tsv:3"):
        read_labels(path)


def test_boilerplate_runs_break_at_article_lines_gaps_and_the_size_limit():
    lines = [LabelledLine("a", "navigation_share", 0), LabelledLine("b", "navigation_share", 1),
             LabelledLine("c", "content", 2), LabelledLine("d", "signup_prompt", 3),
             LabelledLine("e", "signup_prompt", 5), LabelledLine("f", "signup_prompt", 6),
             LabelledLine("g", "ui_message", 7)]
    assert list(runs_of_boilerplate(lines, max_lines=2)) == [
        [("navigation_share", "a"), ("navigation_share", "b")],
        [("signup_prompt", "d")],
        [("signup_prompt", "e"), ("signup_prompt", "f")],
        [("ui_message", "g")],
    ]


def test_translations_of_a_ui_string_share_its_catalog_key():
    de = "TryGhost/Ghost@npm-6.65.0:components/tryghost-i18n/locales/de/comments.json#Reply"
    fr = "TryGhost/Ghost@npm-6.65.0:components/tryghost-i18n/locales/fr/comments.json#Reply"
    assert _catalog_key(de) == _catalog_key(fr) == "TryGhost/Ghost#Reply"


def test_the_label_file_is_well_formed():
    labels = read_labels(DATA_DIR / LABELS_FILE)
    rows = sum(len(v) for v in labels.values())
    assert rows > 10_000
    assert {corpus for corpus, _ in labels} == {"wcxb", "traf"}


@needs_shared
def test_labels_are_found_again_in_the_pages_views(shared):
    """Every stored label of a sample of pages names a line of one of the page's views (or,
    for held-out WCXB pages, of its main text)."""
    labels = read_labels(DATA_DIR / LABELS_FILE)
    pages = [p for p in load_pages(shared, "wcxb") if ("wcxb", p.page_id) in labels][:25]
    found = Counter()
    for views in page_views(pages, labels, None, jobs=1):
        hashes = {line_hash(line.text) for view in views.lines.values() for line in view}
        hashes |= {line_hash(line) for line in (views.page.main_content or "").split("\n")}
        wanted = labels[("wcxb", views.page.page_id)]
        found["found"] += len(wanted.keys() & hashes)
        found["missing"] += len(wanted.keys() - hashes)
        for view in views.lines:
            for line in views.labelled(view):
                assert wanted[line_hash(line.text)] == line.label
    assert found["found"] > 100 and found["missing"] == 0


@needs_shared
def test_ui_strings_split_by_catalog_key(shared):
    train = ui_strings(shared, heldout=False, languages=None)
    held = ui_strings(shared, heldout=True, languages=None)
    assert len(train) + len(held) == 14_103
    assert not {r.key for r in train} & {r.key for r in held}
    assert 0.1 < len(held) / (len(train) + len(held)) < 0.3
    assert all(is_heldout(r.key) for r in held)
    assert {r.lang for r in ui_strings(shared, heldout=False)} == UI_LANGUAGES


@needs_shared
def test_every_line_of_a_page_read_whole_has_its_label(shared):
    """read.tsv labels every line of both trafilatura texts of the pages it holds, held-out
    pages of every corpus among them (the real-text benchmark)."""
    read = team_labels(DATA_DIR, READ_FILE)
    assert {corpus for corpus, _ in read} == {"wcxb", "traf", "news"}
    for corpus in ("wcxb", "traf", "news"):
        pages = [p for p in load_pages(shared, corpus) if (corpus, p.page_id) in read]
        assert sum(is_heldout(p.site) for p in pages) >= 20
        for views in page_views(pages[:8], {}, None, jobs=1):
            labels = read[(corpus, views.page.page_id)]
            for view in ("recall", "default"):
                assert all(line_hash(line.text) in labels for line in views.lines[view])
