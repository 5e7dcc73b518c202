"""The review page in a real browser (headless Chromium from the system, driven by Playwright),
opened from disk with no network: the counts it shows are the report's, a label filter shows
that label only, and a correction exported from the page retrains the model so that the line
it names is kept."""

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
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on PATH (.ci/run installs "
                                "the Debian package chromium: apt-get install -y chromium)")


def cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cleaner.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory) -> Path:
    """The samples cleaned by a short training run's model (team data only), reviewed."""
    base = tmp_path_factory.mktemp("review")
    shutil.copytree(ROOT / "data" / "samples", base / "in")
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
