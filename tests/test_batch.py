"""Batch runs on real folders: HTML and JSONL, jobs, resume, collisions, report, guard."""

from __future__ import annotations

import gzip
import io
import json
from itertools import islice
from pathlib import Path

import pytest
from inputs import ARTICLE, PAGE

from cleaner import Cleaner
from cleaner.batch import COUNT_FILES, repeated_lines, run
from cleaner.resume import STATE_FILE, State, settings_key
from cleaner.run_options import Options
from cleaner.sinks import FolderSink
from cleaner.sources import find_sources


def clean_folder(cleaner: Cleaner, inputs: list[Path], out: Path, options: Options | None = None,
                 jobs: int = 1, force: bool = False, chunk_docs: int = 128):
    """One run as `cleaner clean INPUTS -o OUT` does it; returns (summary, report, errors)."""
    options = options or Options()
    report, errors = io.BytesIO(), io.StringIO()
    state = State(out, settings_key(cleaner, options), force=force)
    summary = run(cleaner, find_sources(inputs, exclude=out), FolderSink(out, options.format),
                  options, jobs=jobs, state=state, report=report, errors=errors,
                  chunk_docs=chunk_docs)
    return summary, report.getvalue(), errors.getvalue()


def outputs(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted(out.rglob("*")) if p.is_file() and p.name != STATE_FILE}


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    (src / "pages").mkdir(parents=True)
    for i in range(5):
        (src / f"{i:02d}.txt").write_text(ARTICLE.replace("six", str(i + 2)), encoding="utf-8")
    (src / "pages" / "p.html").write_text(PAGE, encoding="utf-8")
    (src / "pages" / "q.htm.gz").write_bytes(gzip.compress(PAGE.encode()))
    records = [{"id": f"r{i}", "text": ARTICLE, "lang": "en", "meta": {"n": i}} for i in range(3)]
    (src / "recs.jsonl.gz").write_bytes(
        gzip.compress("".join(json.dumps(r) + "\n" for r in records).encode()))
    return src


def test_html_and_jsonl_inputs_give_cleaned_outputs(cleaner: Cleaner, folder: Path,
                                                    tmp_path: Path):
    out = tmp_path / "out"
    summary, _, errors = clean_folder(cleaner, [folder], out)
    assert errors == "" and not summary.failed and summary.documents == 10
    files = outputs(out)
    assert sorted(files) == ["00.txt", "01.txt", "02.txt", "03.txt", "04.txt",
                             "pages/p.txt", "pages/q.txt", "recs.jsonl"]
    page = files["pages/p.txt"].decode()
    assert page == files["pages/q.txt"].decode()
    assert "expansion joints" in page and "support scheme" in page
    assert "Advertisement" not in page and "Subscribe to our newsletter" not in page
    rows = [json.loads(line) for line in files["recs.jsonl"].decode().splitlines()]
    assert [r["id"] for r in rows] == ["r0", "r1", "r2"]
    assert all(r["lang"] == "en" and r["meta"] == {"n": i} for i, r in enumerate(rows))
    assert "Advertisement" not in rows[0]["text"] and "ring road" in rows[0]["text"]
    assert rows[0]["cleaner"]["removed_lines"] == 2
    assert rows[0]["cleaner"]["labels"] == {"ad_sponsored": 1, "navigation_share": 1}
    assert summary.removed_lines["ad_sponsored"] >= 10


def test_jobs_one_and_two_write_the_same_bytes(cleaner: Cleaner, folder: Path, tmp_path: Path):
    # Two documents a chunk: records of one JSONL file are spread over several workers.
    one = clean_folder(cleaner, [folder], tmp_path / "one", jobs=1, chunk_docs=2)
    two = clean_folder(cleaner, [folder], tmp_path / "two", jobs=2, chunk_docs=2)
    assert outputs(tmp_path / "one") == outputs(tmp_path / "two")
    assert one[1] == two[1] and one[1].count(b"\n") == 10
    assert one[0] == two[0]


def test_first_pass_over_workers_counts_as_one_process(tmp_path: Path):
    """Forked workers hash batches of files; the counts equal one process's, duplicates too."""
    for site, n in (("a", 2 * COUNT_FILES + 7), ("b", 30)):
        (tmp_path / site).mkdir()
        for i in range(n):
            lines = [f"Story {i} of site {site}, told at length.", f"Footer of {site}.",
                     f"Shared line {i % 4}."]
            (tmp_path / site / f"{i:03d}.txt").write_text("\n".join(lines), encoding="utf-8")
    (tmp_path / "a" / "copy.txt").write_text((tmp_path / "a" / "000.txt").read_text())
    one = repeated_lines(find_sources([tmp_path]), Options(), jobs=1)
    two = repeated_lines(find_sources([tmp_path]), Options(), jobs=2)
    assert one == two and sorted(one) == [str(tmp_path / "a"), str(tmp_path / "b")]
    assert len(one[str(tmp_path / "a")].counts) == 5  # the footer and the four shared lines


def test_rerun_skips_up_to_date_outputs_and_redoes_changed_ones(cleaner: Cleaner, folder: Path,
                                                                 tmp_path: Path):
    out = tmp_path / "out"
    _, first, _ = clean_folder(cleaner, [folder], out)
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*.txt")}
    changed = folder / "01.txt"
    changed.write_text(ARTICLE + "\nOne more line of article text about the bridge works.\n")
    summary, report, _ = clean_folder(cleaner, [folder], out)
    # Counted in documents: 4 texts, 2 pages and the 3 records of recs.jsonl.gz.
    assert summary.documents == 1 and summary.skipped == {"output up to date": 9}
    redone = {p for p, t in stamps.items() if p.stat().st_mtime_ns != t}
    assert redone == {out / "01.txt"}
    assert "One more line" in (out / "01.txt").read_text()
    # The report has what was redone, and one record per output left as it was, naming it
    # and counting its documents: every document is accounted for.
    rows = [json.loads(line) for line in report.splitlines()]
    earlier = {json.loads(line)["source"]: json.loads(line) for line in first.splitlines()}
    [redone_row] = [row for row in rows if row["status"] != "up to date"]
    assert redone_row["id"] == str(changed) and redone_row["status"] == "cleaned"
    assert redone_row["lines"] == earlier[str(changed)]["lines"] + 1
    up_to_date = {row["source"]: row for row in rows if row["status"] == "up to date"}
    assert up_to_date.keys() == earlier.keys() - {str(changed)} and len(rows) == 8
    assert up_to_date[str(folder / "recs.jsonl.gz")] == {
        "source": str(folder / "recs.jsonl.gz"), "status": "up to date",
        "output": str(out / "recs.jsonl"), "documents": 3}
    assert sum(row["documents"] for row in up_to_date.values()) == 9
    assert b'"status": "skipped"' not in report

    summary, _, _ = clean_folder(cleaner, [folder], out, force=True)
    assert summary.documents == 10 and not summary.skipped
    summary, _, _ = clean_folder(cleaner, [folder], out, Options(max_removed_ratio=0.9))
    assert summary.documents == 10, "other options must redo every output"


def test_two_inputs_for_one_output_are_reported(cleaner: Cleaner, tmp_path: Path):
    a, b = tmp_path / "a", tmp_path / "b"
    for folder in (a, b):
        folder.mkdir()
        (folder / "same.txt").write_text(ARTICLE.replace("six", folder.name))
    (a / "same.html").write_text(PAGE)
    out = tmp_path / "out"
    summary, _, errors = clean_folder(cleaner, [a, b], out)
    assert summary.documents == 1 and summary.failed == {"output collision": 2}
    assert f"{a / 'same.txt'}: output collision" in errors and str(a / "same.html") in errors
    assert f"{b / 'same.txt'}: output collision" in errors
    assert "expansion joints" in (out / "same.txt").read_text()  # the first input's output
    summary, _, _ = clean_folder(cleaner, [a, b], out)  # still reported on a rerun
    assert summary.failed == {"output collision": 2} and summary.skipped


def test_output_folder_inside_input_folder(cleaner: Cleaner, tmp_path: Path):
    (tmp_path / "a.txt").write_text(ARTICLE)
    out = tmp_path / "cleaned"
    for _ in range(2):
        summary, _, _ = clean_folder(cleaner, [tmp_path], out, force=True)
        assert summary.documents == 1
    assert sorted(outputs(out)) == ["a.txt"]


def test_report_lists_every_removed_line_in_input_order(cleaner: Cleaner, folder: Path,
                                                        tmp_path: Path):
    (folder / "zz.txt").write_bytes(b"\x00\x01binary")
    summary, report, errors = clean_folder(cleaner, [folder], tmp_path / "out",
                                           Options(id_field="id"))
    rows = [json.loads(line) for line in report.decode().splitlines()]
    assert [r["id"] for r in rows] == [
        *(str(folder / f"{i:02d}.txt") for i in range(5)), str(folder / "pages" / "p.html"),
        str(folder / "pages" / "q.htm.gz"), "r0", "r1", "r2", str(folder / "zz.txt")]
    assert rows[7]["source"] == str(folder / "recs.jsonl.gz")
    first = rows[0]
    assert first["status"] == "cleaned" and first["removed_lines"] == 2
    assert [(d["line"], d["label"], d["text"]) for d in first["removed"]] == [
        (3, "navigation_share", "Share"), (7, "ad_sponsored", "Advertisement")]
    assert all(0 <= d["score"] <= 1 and d["reason"] for d in first["removed"])
    assert rows[-1] == {"source": str(folder / "zz.txt"), "id": str(folder / "zz.txt"),
                        "status": "failed", "reason": "binary data, not text"}
    assert summary.failed == {"binary data, not text": 1} and "zz.txt" in errors


@pytest.mark.parametrize("on_excess", ["keep", "report"])
def test_max_removed_ratio_flags_and_keeps_or_cleans(cleaner: Cleaner, tmp_path: Path,
                                                     on_excess: str):
    src = tmp_path / "in"
    src.mkdir()
    (src / "article.txt").write_text(ARTICLE)
    junk = "Share\n\nAdvertisement\n\nSubscribe to our newsletter\n\nA short note.\n"
    (src / "junk.txt").write_text(junk)
    out = tmp_path / "out"
    summary, report, _ = clean_folder(
        cleaner, [src], out, Options(max_removed_ratio=0.5, on_excess=on_excess))
    assert summary.flagged == 1 and summary.documents == 2
    statuses = [json.loads(line)["status"] for line in report.decode().splitlines()]
    assert statuses == ["cleaned", "flagged"]
    assert "Advertisement" not in (out / "article.txt").read_text()
    kept = (out / "junk.txt").read_text()
    assert (kept == junk) if on_excess == "keep" else ("Advertisement" not in kept)


def test_inputs_are_never_modified(cleaner: Cleaner, folder: Path, tmp_path: Path):
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.rglob("*")
              if p.is_file()}
    clean_folder(cleaner, [folder], tmp_path / "out")
    assert before == {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.rglob("*")
                      if p.is_file()}
    assert not [p for p in (tmp_path / "out").rglob("*") if p.name.endswith(".tmp")]


def test_an_interrupted_run_resumes_without_redoing_finished_files(cleaner: Cleaner,
                                                                   folder: Path, tmp_path: Path):
    out = tmp_path / "out"

    def interrupted_after_four():  # Ctrl-C while the third window is being read
        sources = find_sources([folder], exclude=out)
        yield from islice(sources, 4)
        raise KeyboardInterrupt

    state = State(out, settings_key(cleaner, Options()))
    with pytest.raises(KeyboardInterrupt):
        run(cleaner, interrupted_after_four(), FolderSink(out), jobs=1, state=state,
            chunk_docs=1)
    assert sorted(outputs(out)) == ["00.txt", "01.txt", "02.txt", "03.txt"]
    summary, _, _ = clean_folder(cleaner, [folder], out)
    assert summary.skipped == {"output up to date": 4} and summary.documents == 6


def test_first_pass_reads_no_text_for_a_record_without_one(tmp_path: Path):
    """A record whose text is null has no lines to count (not its file's raw JSON lines)."""
    (tmp_path / "r.jsonl").write_text("".join(
        json.dumps(r) + "\n" for r in [{"text": None}, {"text": None}, {"text": ARTICLE}]),
        encoding="utf-8")
    from cleaner.batch import _document_keys
    from cleaner.repetition import document_keys

    counted = _document_keys(list(find_sources([tmp_path])), Options())
    assert [keys for _, *keys in counted] == [list(document_keys(ARTICLE))]
