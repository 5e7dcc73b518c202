"""The review page in a real browser (headless Chromium from the system, driven by Playwright),
opened from disk with no network: the counts it shows are the report's, its links and filters
(label, site, score band, search, next and previous) show what the report says they should, and
a correction exported from the page retrains the model so that the line it names is kept."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from cleaner import Cleaner
from cleaner.patterns import first_match, parse_patterns
from cleaner.training.train import read_labelled

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: No network and nothing of the user's: a fresh profile (Playwright makes one) and no
#: background fetches.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed "
                                 "(the test extra: pip install -e '.[test]')")
expect = playwright.expect
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on PATH (.ci/run installs "
                                "the Debian package chromium: apt-get install -y chromium)")


def cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cleaner.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory) -> Path:
    """The samples cleaned by a short training run's model (team data only), reviewed; the
    samples are put in two folders, so the report names two sites (a site is a folder)."""
    base = tmp_path_factory.mktemp("review")
    for i, sample in enumerate(sorted((ROOT / "data" / "samples").glob("*.txt"))):
        site = base / "in" / f"site{i % 2}"
        site.mkdir(parents=True, exist_ok=True)
        shutil.copy(sample, site / sample.name)
    steps = [("train", "--no-corpora", "-o", "m0.npz"),
             ("clean", "in", "-o", "out", "--model", "m0.npz", "--report", "report.jsonl"),
             ("review", "report.jsonl", "-o", "page.html")]
    for step in steps:
        r = cli(*step, cwd=base)
        assert r.returncode == 0, r.stderr
    return base


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, reviewed: Path):
    context = browser.new_context(accept_downloads=True)
    context.route("http*://**", lambda route: route.abort())  # nothing leaves the machine
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto((reviewed / "page.html").as_uri())
    page.wait_for_selector("html[data-ready]")
    yield page
    context.close()
    assert errors == []


def _records(reviewed: Path) -> list[dict]:
    return [json.loads(line) for line in (reviewed / "report.jsonl").read_text().splitlines()]


def _value(page, selector: str) -> int:
    return int(page.get_attribute(selector, "data-value"))


def test_counts_shown_are_the_reports(page, reviewed: Path):
    records = _records(reviewed)
    assert _value(page, "#stat-documents") == len(records)
    assert _value(page, "#stat-cleaned") == sum(r["status"] == "cleaned" for r in records)
    for key in ("removed_lines", "removed_words"):
        assert _value(page, f"#stat-{key}") == sum(r[key] for r in records)
    labels = Counter(item["label"] for r in records for item in r["removed"])
    shown = {row.get_attribute("data-label"):
             int(row.query_selector("td.lines").get_attribute("data-value"))
             for row in page.query_selector_all("#labels tr.label-row")}
    assert shown == labels
    assert page.is_visible("#labels") and not page.is_visible("#doc-view")


def test_a_label_filter_shows_only_that_label(page, reviewed: Path):
    records = _records(reviewed)
    label = Counter(item["label"] for r in records for item in r["removed"]).most_common(1)[0][0]
    page.click(f"#labels tr.label-row[data-label={label}]")  # the bar's row opens the filter
    assert page.input_value("#f-label") == label and page.is_visible("#doc-view")
    having = {r["id"] for r in records if any(i["label"] == label for i in r["removed"])}
    listed = [li.inner_text().splitlines()[0] for li in page.query_selector_all("#doc-list li")]
    assert sorted(listed) == sorted(having)
    for _ in listed:
        doc = page.inner_text("#doc-id")
        record = next(r for r in records if r["id"] == doc)
        shown = page.query_selector_all("#doc-lines .line.removed:not(.dim)")
        assert [int(line.get_attribute("data-line")) for line in shown] == [
            i["line"] for i in record["removed"] if i["label"] == label]
        assert {line.get_attribute("data-label") for line in shown} == {label}
        page.click("#next")



def _listed(page) -> list[str]:
    """The ids of the documents the Documents tab lists."""
    return [li.inner_text().splitlines()[0] for li in page.query_selector_all("#doc-list li")]


def _words(text: str) -> str:
    return " ".join(text.split())


def test_a_link_from_what_the_corpus_loses_opens_its_line(page, reviewed: Path):
    """Every recurring and riskiest line of "What the corpus loses" links to a document whose
    report record removed that line with that label, opened with that line alone highlighted
    and in view; the riskiest line of the run and the line removed in the most documents are
    among them, and a link followed a second time opens its document again."""
    records = {r["id"]: r for r in _records(reviewed)}
    removed = [item for r in records.values() for item in r["removed"]]
    riskiest = min((i for i in removed if i["reason"].startswith("sequence")),
                   key=lambda i: i["score"])
    documents = Counter(key for r in records.values()
                        for key in {(i["label"], _words(i["text"])) for i in r["removed"]})
    recurring = documents.most_common(1)[0]
    assert recurring[1] > 1  # the samples share a removed line
    page.click("#tabs button[data-tab=loses]")
    links = [(a.evaluate("a => a.closest('table').className"),
              a.evaluate("a => a.closest('[data-label]').dataset.label"), _words(a.inner_text()))
             for a in page.query_selector_all("#loses-body a")]
    assert ("risky", riskiest["label"], _words(riskiest["text"])) in links
    assert ("recurring", *recurring[0]) in links
    for n in [*range(len(links)), len(links) - 1]:  # the last one twice
        table, label, text = links[n]
        page.click("#tabs button[data-tab=loses]")
        page.locator("#loses-body a").nth(n).click()
        expect(page.locator("#doc-view")).to_be_visible(timeout=5000)  # hashchange comes after
        record = records[page.inner_text("#doc-id")]
        [hit] = page.query_selector_all("#doc-lines .line.hit")
        at = {i["line"]: i for i in record["removed"]}.get(int(hit.get_attribute("data-line")))
        assert at is not None and (at["label"], _words(at["text"])) == (label, text)
        assert table == "recurring" or at["reason"].startswith("sequence")
        assert hit.evaluate("e => { const r = e.getBoundingClientRect();"
                            " return r.top >= 0 && r.bottom <= innerHeight; }")


def test_the_site_filter_shows_only_that_sites_documents(page, reviewed: Path):
    records = _records(reviewed)
    sites = sorted({r["site"] for r in records})
    assert len(sites) > 1  # the fixture puts the samples in two folders
    page.click("#tabs button[data-tab=documents]")
    assert [o.get_attribute("value") for o in page.query_selector_all("#f-site option")] == [
        "", *sites]
    for site in sites:
        page.select_option("#f-site", site)
        assert sorted(_listed(page)) == sorted(r["id"] for r in records if r["site"] == site)
        assert {r["site"] for r in records if r["id"] == page.inner_text("#doc-id")} == {site}


def test_a_score_band_shows_only_lines_scored_in_it(page, reviewed: Path):
    """The bands are the page's own (a removed line's score from the first bound up to, not
    including, the second); a kept line has no score, so it is in no band."""
    records = _records(reviewed)
    page.click("#tabs button[data-tab=documents]")
    bands = [o.get_attribute("value") for o in page.query_selector_all("#f-band option")][1:]
    having = {}
    for band in bands:
        low, high = map(float, band.split("-"))
        in_band = {r["id"]: [i["line"] for i in r["removed"] if low <= i["score"] < high]
                   for r in records}
        having[band] = {doc: lines for doc, lines in in_band.items() if lines}
        page.select_option("#f-band", band)
        listed = _listed(page)
        assert sorted(listed) == sorted(having[band])
        for doc in listed:
            page.click(f"#doc-list li[data-doc]:has-text('{doc}')")
            assert page.inner_text("#doc-id") == doc
            shown = page.query_selector_all("#doc-lines .line:not(.dim)")
            assert [int(line.get_attribute("data-line")) for line in shown] == having[band][doc]
    assert any(0 < len(docs) < len(records) for docs in having.values())  # a band tells apart


def test_search_shows_only_documents_holding_the_text(page, reviewed: Path):
    """The text searched is a removed line found in several documents but not all, typed in
    capitals: the documents listed are those whose input holds it in any case, and their
    lines shown undimmed are those holding it."""
    records = _records(reviewed)
    texts = {r["id"]: (reviewed / r["source"]).read_text(encoding="utf-8") for r in records}
    holding = {}
    for item in (i for r in records for i in r["removed"]):
        query = item["text"].strip()
        if query.upper().lower() == query.lower():
            holding[query] = sorted(d for d, t in texts.items() if query.lower() in t.lower())
    query, expected = max(((q, d) for q, d in holding.items() if 1 < len(d) < len(records)),
                          key=lambda pair: (len(pair[1]), pair[0]))
    page.click("#tabs button[data-tab=documents]")
    page.fill("#f-search", query.upper())
    page.wait_for_function("(document.querySelector('#doc-list li small') || {})"
                           ".textContent?.includes('matching')")  # the search was applied
    assert sorted(_listed(page)) == expected
    for doc in expected:
        page.click(f"#doc-list li[data-doc]:has-text('{doc}')")
        lines = page.query_selector_all("#doc-lines .line")
        assert [_words(line.query_selector(".t").inner_text()) for line in lines
                if "dim" not in line.get_attribute("class")] == [
            _words(line) for line in texts[doc].splitlines() if query.lower() in line.lower()]


def test_next_then_previous_returns_to_the_same_document(page, reviewed: Path):
    """Within a site's documents: next opens the one listed after, of the same site, and
    previous the one before it."""
    records = _records(reviewed)
    site = Counter(r["site"] for r in records).most_common(1)[0][0]
    page.click("#tabs button[data-tab=documents]")
    page.select_option("#f-site", site)
    listed = _listed(page)
    assert sorted(listed) == sorted(r["id"] for r in records if r["site"] == site)
    for first, second in zip(listed, listed[1:]):
        page.click(f"#doc-list li[data-doc]:has-text('{first}')")
        page.click("#next")
        assert page.inner_text("#doc-id") == second
        page.click("#prev")
        assert page.inner_text("#doc-id") == first

def test_a_correction_from_the_page_retrains_the_model(page, reviewed: Path):
    """The riskiest line the model removed is marked wrongly removed on the page; the exported
    file trains a model that keeps it. A kept line marked wrongly kept and a recurring line
    chosen as a rule export in the formats train --extra and --patterns read."""
    removed = [(item, r) for r in _records(reviewed) for item in r["removed"]
               if item["reason"].startswith("sequence")]
    item, record = min(removed, key=lambda pair: pair[0]["score"])
    page.click("#tabs button[data-tab=documents]")
    page.fill("#f-search", item["text"])
    page.wait_for_function("document.querySelector('#doc-id').textContent === "
                           + json.dumps(record["id"]))
    line = f"#doc-lines .line[data-line='{item['line']}']"
    page.select_option(f"{line} select.fix", "content")
    kept = page.query_selector("#doc-lines .line.kept")
    kept_at = int(kept.get_attribute("data-line"))
    kept_text = kept.query_selector(".t").inner_text()
    kept.query_selector("select.fix").select_option("byline_meta")
    page.click("#tabs button[data-tab=loses]")
    rule = page.query_selector("select.rule")
    rule_text = rule.get_attribute("data-text")
    rule.select_option(index=1)  # always remove, with its label
    page.click("#tabs button[data-tab=corrections]")
    assert page.inner_text("#n-fixes") == "3"

    with page.expect_download() as download:
        page.click("#export-tsv")
    corrections = reviewed / download.value.suggested_filename
    download.value.save_as(corrections)
    assert corrections.name == "corrections.tsv"
    marked = sorted([(item["line"], "content", item["text"]), (kept_at, "byline_meta", kept_text)])
    assert read_labelled(corrections) == [[(label, text) for _, label, text in marked]]
    with page.expect_download() as download:
        page.click("#export-patterns")
    patterns = reviewed / "patterns.txt"
    download.value.save_as(patterns)
    [parsed] = parse_patterns(patterns.read_text(encoding="utf-8"), str(patterns))
    assert first_match([parsed], rule_text) is parsed

    only = reviewed / "only.tsv"  # the wrongly removed line alone, as the page wrote it
    only.write_text("".join(row for row in corrections.read_text(encoding="utf-8")
                            .splitlines(keepends=True) if not row.startswith("byline_meta")),
                    encoding="utf-8")
    r = cli("train", "--no-corpora", "--extra", only, "-o", "m1.npz", cwd=reviewed)
    assert r.returncode == 0, r.stderr
    text = (reviewed / record["source"]).read_text(encoding="utf-8")
    before = Cleaner(reviewed / "m0.npz").explain(text).decisions
    after = Cleaner(reviewed / "m1.npz").explain(text).decisions
    decided = {d.number: d.keep for d in before}, {d.number: d.keep for d in after}
    assert (decided[0][item["line"]], decided[1][item["line"]]) == (False, True)
