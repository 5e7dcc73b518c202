"""`cleaner review`: the report read once into bounded figures and a sample, the page made from
them (self-contained, deterministic), bad input named. The page in a browser: test_review_page."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from cleaner.review import BoundedCounter, Limits, read_review
from cleaner.review_page import DATA_MARK

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cleaner.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory) -> Path:
    """data/samples copied, cleaned with a report (its sources relative to the folder)."""
    base = tmp_path_factory.mktemp("run")
    shutil.copytree(SAMPLES, base / "in")
    r = run("clean", "in", "-o", "out", "--report", "report.jsonl", "--max-removed-ratio",
            "0.35", cwd=base)
    assert r.returncode == 0, r.stderr
    return base


def _page_data(page: Path) -> dict:
    html = page.read_text(encoding="utf-8")
    raw = re.search(r'<script type="application/json" id="review-data">(.*?)</script>', html,
                    re.S).group(1)
    return json.loads(raw)


def _records(report: Path) -> list[dict]:
    return [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]


def test_report_records_name_the_site(sample_run: Path):
    records = _records(sample_run / "report.jsonl")
    assert {r["site"] for r in records} == {"in"}  # a file's site is its folder


def test_page_holds_the_reports_counts_and_every_line(sample_run: Path):
    r = run("review", "report.jsonl", "-o", "page.html", cwd=sample_run)
    assert r.returncode == 0, r.stderr
    data = _page_data(sample_run / "page.html")
    records = _records(sample_run / "report.jsonl")
    assert data["status"] == dict(Counter(rec["status"] for rec in records))
    assert "flagged" in data["status"]  # --max-removed-ratio 0.35 flags some
    for key in ("lines", "words", "removed_lines", "removed_words"):
        assert data["totals"][key] == sum(rec[key] for rec in records)
    removed = [item for rec in records for item in rec["removed"]]
    by_label = Counter(item["label"] for item in removed)
    assert {row[0]: row[1] for row in data["labels"]} == by_label
    assert {row[0]: row[3] for row in data["labels"]} == Counter(
        label for rec in records for label in {item["label"] for item in rec["removed"]})
    assert sum(data["shares"]) == len(records)
    # every document is small enough to be shown, each line of its input in order
    assert sorted(doc["id"] for doc in data["docs"]) == sorted(rec["id"] for rec in records)
    for doc in data["docs"]:
        text = (sample_run / doc["source"]).read_text(encoding="utf-8")
        assert doc["inputs"] is True
        assert [row[1] for row in doc["lines"]] == [t for t in text.splitlines() if t.strip()]
        rec = next(rec for rec in records if rec["id"] == doc["id"])
        assert [row[0] for row in doc["lines"] if len(row) > 2] == [
            item["line"] for item in rec["removed"]]
    # the riskiest: the lowest score among the lines the threshold decided, not rule lines
    risky = [row for rows in data["risky"].values() for row in rows]
    by_threshold = [item for item in removed if item["reason"].startswith("sequence")]
    assert by_threshold and len(by_threshold) < len(removed)
    assert min(row[1] for row in risky) == min(item["score"] for item in by_threshold)


def test_same_report_same_page_bytes_and_nothing_fetched(sample_run: Path):
    for name in ("a.html", "b.html"):
        assert run("review", "report.jsonl", "-o", name, cwd=sample_run).returncode == 0
    page = (sample_run / "a.html").read_bytes()
    assert page == (sample_run / "b.html").read_bytes()
    html = page.decode("utf-8")
    outside_data = re.sub(r'(<script type="application/json"[^>]*>).*?</script>', r"\1",
                          html, flags=re.S)
    assert not re.search(r"https?://", outside_data)  # no script, style or font from anywhere
    assert not re.search(r"<script[^>]+src|<link|@import|url\(", outside_data)


def test_text_of_the_report_cannot_break_out_of_the_page(tmp_path: Path):
    hostile = "</script><script>alert(1)</script><!-- https://evil.example/x.js"
    report = tmp_path / "r.jsonl"
    report.write_text(json.dumps({
        "source": "gone/a.txt", "id": "a", "status": "cleaned", "lines": 2, "words": 9,
        "removed_lines": 1, "removed_words": 5, "removed": [
            {"line": 2, "label": "ui_message", "score": 0.9, "reason": "model",
             "text": hostile}]}) + "\n", encoding="utf-8")
    r = run("review", report, "-o", tmp_path / "p.html")
    html = (tmp_path / "p.html").read_text(encoding="utf-8")
    assert html.count("</script>") == 2 and "<!--" not in html
    assert _page_data(tmp_path / "p.html")["docs"][0]["lines"][0][1] == hostile
    # the input is gone: the page is made, its removed lines shown, the input named
    assert r.returncode == 1
    assert "gone/a.txt: input not found; its documents show their removed lines only" in r.stderr
    assert _page_data(tmp_path / "p.html")["docs"][0]["inputs"] is False


def test_a_changed_input_shows_removed_lines_only(tmp_path: Path):
    shutil.copytree(SAMPLES, tmp_path / "in")
    assert run("clean", "in", "-o", "out", "--report", "r.jsonl", cwd=tmp_path).returncode == 0
    changed = tmp_path / "in" / "es_noticia.txt"
    changed.write_text("A new first line\n" + changed.read_text(encoding="utf-8"),
                       encoding="utf-8")
    r = run("review", "r.jsonl", "-o", "p.html", cwd=tmp_path)
    assert r.returncode == 1 and "in/es_noticia.txt: its input changed since the run" in r.stderr
    docs = {doc["id"]: doc for doc in _page_data(tmp_path / "p.html")["docs"]}
    assert docs["in/es_noticia.txt"]["inputs"] is False
    assert all(len(row) > 2 for row in docs["in/es_noticia.txt"]["lines"])
    assert docs["in/fr_actualite.txt"]["inputs"] is True


def test_bad_reports_are_named_with_exit_2(tmp_path: Path):
    r = run("review", tmp_path / "none.jsonl")
    assert r.returncode == 2 and f"no such report file: {tmp_path / 'none.jsonl'}" in r.stderr
    tsv = tmp_path / "lines.tsv"
    tsv.write_text("content\tA line\n", encoding="utf-8")
    r = run("review", tsv, "-o", tmp_path / "p.html")
    assert r.returncode == 2 and f"{tsv}:1: not a cleaner --report record" in r.stderr
    other = tmp_path / "other.jsonl"
    other.write_text('{"source": "a", "status": "cleaned"}\n{"id": 1}\n', encoding="utf-8")
    r = run("review", other, "-o", tmp_path / "p.html")
    assert r.returncode == 2 and f"{other}:1: not a cleaner --report record" in r.stderr
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    r = run("review", empty)
    assert r.returncode == 2 and f"{empty}: no report records" in r.stderr
    assert not (tmp_path / "p.html").exists() and not (tmp_path / "empty.html").exists()


def test_the_template_has_one_place_for_the_data():
    from importlib import resources

    template = resources.files("cleaner").joinpath("review.html").read_text(encoding="utf-8")
    assert template.count(DATA_MARK) == 1


def test_bounded_counter_keeps_what_recurs_and_stays_bounded():
    counter = BoundedCounter(10)
    for i in range(5000):
        counter.add("often", 1)
        counter.add(f"once {i}", 1)
        assert len(counter.counts) <= 20
    assert counter.pruned and counter.top(1) == [("often", [5000])]


def test_sample_is_bounded_and_holds_the_flagged_that_lose_most(tmp_path: Path):
    records = []
    for i in range(600):
        removed_words = i % 50
        records.append({
            "source": f"site{i % 30}/d{i}.txt", "id": f"d{i}", "site": f"site{i % 30}",
            "status": "flagged" if removed_words > 45 else "cleaned", "lines": 10,
            "words": 50, "removed_lines": 1, "removed_words": removed_words,
            "removed": [{"line": 1, "label": "navigation_share", "score": (i % 97) / 97,
                         "reason": "model", "text": f"Menu {i % 7}"}]})
    report = tmp_path / "r.jsonl"
    report.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    limits = Limits(sites=5, risky=4, flagged=8, per_site=2, counted=10, sampled_sites=100)
    review = read_review(report, limits)
    sample = review.sample()
    assert len(sample) <= limits.flagged + limits.risky + limits.sites * limits.per_site
    flagged = sorted((r for r in records if r["status"] == "flagged"),
                     key=lambda r: -r["removed_words"])
    held = {r["id"] for r in sample}
    assert {r["id"] for r in flagged[:8]} <= held
    assert len(review.sites.counts) <= 2 * limits.counted
    assert review.status["flagged"] == len(flagged)
    lowest = sorted(r["removed"][0]["score"] for r in records)[:4]
    assert [item["score"] for item, _ in review.risky["navigation_share"].items()] == lowest
